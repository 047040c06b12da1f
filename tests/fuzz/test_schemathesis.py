"""Schemathesis against the live server's own OpenAPI schema, as an authenticated user.

Every operation gets a bounded number of generated requests (valid and invalid); each
response must be no 5xx, have a documented status code and content type, and match the
documented schema. A failure prints the request that reproduces it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.servers import RunningServer

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@dataclass
class LiveApi:
    base_url: str
    headers: dict[str, str]


@pytest.fixture(scope="module")
def live_api(server: RunningServer) -> LiveApi:
    """A user on the shared server (the fuzzer only ever acts as that user)."""
    credentials = {"username": "fuzz" + uuid.uuid4().hex[:8], "password": "sunshine-123"}
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        assert http.post("/auth/register", json=credentials).status_code == 201
        token = http.post("/auth/login", json=credentials).json()["access_token"]
    return LiveApi(server.base_url, {"Authorization": f"Bearer {token}"})


def _fuzz(operation: Any, mode: GenerationMode, api: LiveApi) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,  # the same requests on every run: CI failures reproduce
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is enough
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode, headers=api.headers))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(
            base_url=api.base_url, headers=api.headers, checks=CHECKS, timeout=30
        )

    run()


@pytest.mark.server
def test_live_api_conforms_to_its_schema(live_api: LiveApi) -> None:
    """One test over every operation and both generation modes, so that a run reports
    everything the schema gets wrong at once."""
    api_schema = schemathesis.openapi.from_url(f"{live_api.base_url}/openapi.json", timeout=30)
    failures: dict[str, str] = {}
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, live_api)
            except Unsatisfiable:
                pass  # nothing to make invalid (no parameters, no body): no negative cases
            except (Exception, BaseExceptionGroup) as exc:  # collect; report them all together
                failures[f"{operation.label} [{mode.value}]"] = str(exc)[:3000]
    assert operations >= 5, "the schema lists too few operations"
    assert not failures, "\n\n".join(f"== {name}\n{text}" for name, text in failures.items())


async def test_a_body_that_is_not_text_is_422_like_bad_json(client: httpx.AsyncClient) -> None:
    """What the fuzzer found first: invalid UTF-8 got FastAPI's undeclared bare 400."""
    for body in (b"\xff\x05mJ", b"{not json"):
        response = await client.post(
            "/auth/register", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["type"] == "json_invalid"
