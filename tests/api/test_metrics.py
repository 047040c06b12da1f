"""GET /metrics: Prometheus text, requests by route template, the chat's own counters."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from sunsupport.core import metrics
from tests.support.databases import add_canned, failing, writer_held


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    samples: dict[tuple[str, frozenset], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict[tuple[str, frozenset], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_is_prometheus_text_and_not_in_the_schema(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    for name in (
        "http_requests_total",
        "http_request_duration_seconds",
        "sunsupport_messages_total",
        "sunsupport_bot_answers_total",
        "sunsupport_bot_fallbacks_total",
        "sunsupport_handoffs_total",
        "sunsupport_operator_queue_length",
        "sunsupport_live_connections",
        "sunsupport_sqlite_write_batches_total",
    ):
        assert f"# TYPE {name}" in response.text, name
    schema = (await client.get("/openapi.json")).json()
    assert "/metrics" not in schema["paths"]


async def test_sqlite_write_batches_are_counted_by_how_they_ran(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    database = app.state.db
    await database.write(add_canned, "settle")  # whatever the last test's last batch was
    before = await scrape(client)
    await database.write(add_canned, "direct")
    async with writer_held(database) as held:  # a batch of its own, then the two below
        queued = [database.write(add_canned, "rerun"), database.write(failing)]
        results = asyncio.gather(*queued, return_exceptions=True)
        await held.queued(2)
    assert isinstance((await results)[1], LookupError)
    await database.write(add_canned, "isolated")  # the last batch had a failure
    after = await scrape(client)
    name = "sunsupport_sqlite_write_batches_total"
    assert {
        run: value(after, name, run=run) - value(before, name, run=run)
        for run in ("direct", "rerun", "isolated")
    } == {"direct": 2, "rerun": 1, "isolated": 1}


async def test_requests_are_labelled_by_route_template(
    client: httpx.AsyncClient, new_user: Callable[..., Any]
) -> None:
    user = await new_user()
    sid = (await client.post("/chat/session", headers=user["headers"])).json()["id"]
    template = "/chat/history/{session_id}"
    before = await scrape(client)

    assert (await client.get(f"/chat/history/{sid}", headers=user["headers"])).status_code == 200
    missing = await client.get("/chat/history/no-such-session", headers=user["headers"])
    assert missing.status_code == 404
    assert (await client.get("/no/such/path")).status_code == 404

    after = await scrape(client)
    ok = {"method": "GET", "route": template, "status": "200"}
    not_found = {"method": "GET", "route": template, "status": "404"}
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert (
        value(after, "http_requests_total", **ok) - value(before, "http_requests_total", **ok) == 1
    )
    assert (
        value(after, "http_requests_total", **not_found)
        - value(before, "http_requests_total", **not_found)
        == 1
    )
    assert (
        value(after, "http_requests_total", **unmatched)
        - value(before, "http_requests_total", **unmatched)
        == 1
    )
    latency = {"method": "GET", "route": template}
    count = "http_request_duration_seconds_count"
    assert value(after, count, **latency) - value(before, count, **latency) == 2
    # Raw paths never become labels: ids would make the series unbounded.
    assert not any(("route", f"/chat/history/{sid}") in labels for _name, labels in after)


async def test_domain_helpers_show_in_the_scrape(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    metrics.record_message("user")
    metrics.record_message("bot")
    metrics.record_bot_answer("greeting")
    metrics.record_bot_answer("fallback")
    metrics.record_handoff()
    metrics.set_queue_length(7)
    metrics.live_connections.inc()
    metrics.live_connections.inc()
    metrics.live_connections.dec()
    after = await scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("sunsupport_messages_total", sender_type="user") == 1
    assert delta("sunsupport_messages_total", sender_type="bot") == 1
    assert delta("sunsupport_bot_answers_total", intent="greeting") == 1
    assert delta("sunsupport_bot_answers_total", intent="fallback") == 1
    assert delta("sunsupport_bot_fallbacks_total") == 1
    assert delta("sunsupport_handoffs_total") == 1
    assert value(after, "sunsupport_operator_queue_length") == 7
    assert delta("sunsupport_live_connections") == 1
    metrics.live_connections.dec()


def test_multiprocess_mode_sums_the_workers(tmp_path: Path) -> None:
    """With PROMETHEUS_MULTIPROC_DIR, what each worker process counted is reported together
    (the value backend is chosen at import, hence separate interpreters)."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    worker = textwrap.dedent(
        """
        from sunsupport.core import metrics
        metrics.record_message("user")
        metrics.live_connections.inc()
        """
    )
    # A worker that shuts down cleanly: its lifespan marks the process dead.
    stopped_worker = textwrap.dedent(
        """
        import asyncio
        from fastapi import FastAPI
        from sunsupport.core import metrics

        async def main():
            app = FastAPI()
            metrics.install_metrics(app, "*", None)
            async with app.router.lifespan_context(app):
                metrics.record_message("user")
                metrics.live_connections.inc()

        asyncio.run(main())
        """
    )
    for code in (worker, stopped_worker):
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    reader = "from sunsupport.core import metrics; print(metrics.exposition().decode())"
    output = subprocess.run(
        [sys.executable, "-c", reader],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    ).stdout
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(output)
        for sample in family.samples
    }
    assert samples[("sunsupport_messages_total", frozenset({("sender_type", "user")}))] == 2
    # A stopped worker's live connections are no longer reported.
    assert samples[("sunsupport_live_connections", frozenset())] == 1


class TestProductionDefaults:
    """In production /metrics answers the machine itself (or a token), and the docs are off."""

    @pytest.fixture
    def settings_overrides(self) -> dict:
        return {
            "env": "production",
            "metrics_token": "scrape-" + "t" * 32,
            "argon2_profile": "production",
        }

    async def test_metrics_need_loopback_or_the_token(self, app) -> None:
        outside = httpx.ASGITransport(app=app, client=("203.0.113.9", 4000))
        inside = httpx.ASGITransport(app=app, client=("127.0.0.1", 4000))
        async with httpx.AsyncClient(transport=outside, base_url="http://test") as http:
            assert (await http.get("/metrics")).status_code == 404
            token = {"Authorization": "Bearer scrape-" + "t" * 32}
            assert (await http.get("/metrics", headers=token)).status_code == 200
            wrong = {"Authorization": "Bearer nope"}
            assert (await http.get("/metrics", headers=wrong)).status_code == 404
        async with httpx.AsyncClient(transport=inside, base_url="http://test") as http:
            assert (await http.get("/metrics")).status_code == 200

    async def test_docs_are_off(self, client: httpx.AsyncClient) -> None:
        for path in ("/docs", "/openapi.json", "/docs-static/swagger-ui-bundle.js"):
            assert (await client.get(path)).status_code == 404, path


async def test_only_the_docs_files_in_use_are_served(client: httpx.AsyncClient) -> None:
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        response = await client.get(f"/docs-static/{name}")
        assert response.status_code == 200, name
        assert "unsafe-inline" not in response.headers["content-security-policy"]
    for name in ("index.html", "index.j2", "swagger-ui-bundle.js.map", "../../etc/passwd"):
        assert (await client.get(f"/docs-static/{name}")).status_code == 404, name
    assert "unsafe-inline" in (await client.get("/docs")).headers["content-security-policy"]
