"""Prometheus metrics: HTTP requests by route template, and the chat's own counters.

The metric objects live at module level, as ``prometheus_client`` intends: the service layer
calls the small ``record_*`` helpers without needing the app. With several worker processes
(``serve --workers N``) set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory before the
server starts; every worker then writes its values there and ``GET /metrics`` on any worker
reports the sum over all of them.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.types import Scope

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "unmatched"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests by method, route template and status code.",
    ["method", "route", "status"],
)
REQUEST_LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from the request's arrival to the end of its response body.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
MESSAGES = Counter(
    "sunsupport_messages_total", "Chat messages stored, by sender type.", ["sender_type"]
)
BOT_ANSWERS = Counter("sunsupport_bot_answers_total", "Bot answers by intent.", ["intent"])
BOT_FALLBACKS = Counter(
    "sunsupport_bot_fallbacks_total", "Bot answers that fell back (no intent recognised)."
)
HANDOFFS = Counter("sunsupport_handoffs_total", "Conversations handed off to a human operator.")
REPLY_EMAILS = Counter(
    "sunsupport_reply_emails_total",
    "Reply emails by outcome: sent, retried (a failed attempt) or failed (given up).",
    ["outcome"],
)
QUEUE_LENGTH = Gauge(
    "sunsupport_operator_queue_length",
    "Conversations waiting for an operator.",
    multiprocess_mode="livemostrecent",
)
WRITE_BATCHES = Counter(
    "sunsupport_sqlite_write_batches_total",
    "SQLite group-commit batches by how they ran: direct (no savepoints), rerun (a unit "
    "failed: run again with a savepoint per unit), isolated (savepoints from the start, "
    "after a batch with a failure).",
    ["run"],
)
live_connections = Gauge(
    "sunsupport_live_connections",
    "Open live-delivery connections (WebSocket or SSE).",
    multiprocess_mode="livesum",
)


def record_message(sender_type: str) -> None:
    """One stored message; ``sender_type`` is ``user``, ``bot`` or ``operator``."""
    MESSAGES.labels(sender_type=sender_type).inc()


def record_bot_answer(intent: str) -> None:
    """One bot answer; a ``fallback`` intent also counts in the fallbacks counter."""
    BOT_ANSWERS.labels(intent=intent).inc()
    if intent == "fallback":
        BOT_FALLBACKS.inc()


def record_handoff() -> None:
    HANDOFFS.inc()


def record_reply_email(outcome: str) -> None:
    REPLY_EMAILS.labels(outcome=outcome).inc()


def record_write_batch(run: str) -> None:
    """One SQLite batch run by the writer thread (committed, or a lone failing unit rolled
    back); ``run`` as in the counter's help."""
    WRITE_BATCHES.labels(run=run).inc()


def set_queue_length(n: int) -> None:
    QUEUE_LENGTH.set(n)


def route_template(scope: Scope) -> str:
    """The matched route's path format (``/chat/history/{session_id}``), never the raw path,
    so a label never holds ids; requests that match no route share one label."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) and template else UNMATCHED


_CHILDREN: dict[tuple[str, str, int], tuple[Any, Any]] = {}
"""The labelled counter and histogram per (method, route, status): looking a child up by
its labels costs more than counting, and the set is small (routes × statuses)."""


def observe_request(scope: Scope, status: int, seconds: float) -> None:
    """Count one finished HTTP request (called by the request middleware, which already
    times every request for the access log)."""
    method = scope["method"] if scope["method"] in KNOWN_METHODS else "other"
    route = route_template(scope)
    children = _CHILDREN.get((method, route, status))
    if children is None:
        children = (
            REQUESTS.labels(method=method, route=route, status=str(status)),
            REQUEST_LATENCY.labels(method=method, route=route),
        )
        _CHILDREN[(method, route, status)] = children
    children[0].inc()
    children[1].observe(seconds)


def exposition() -> bytes:
    """The current values in the Prometheus text format; summed over workers if configured."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        # prometheus_client leaves its multiprocess module unannotated.
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def install_metrics(app: FastAPI, allow: str, token: str | None) -> None:
    """Add ``GET /metrics`` (left out of the OpenAPI schema) for the addresses in
    ``allow`` (comma-separated addresses or networks; ``*`` for everyone) and for callers
    presenting ``Authorization: Bearer <token>``; everybody else gets 404."""
    networks = _networks(allow)
    expected = f"Bearer {token}".encode() if token else None

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if not _may_scrape(request, networks, expected):
            return Response(b'{"detail":"Not Found"}', 404, media_type="application/json")
        return Response(exposition(), media_type=CONTENT_TYPE_PLAIN_0_0_4)

    if os.environ.get(MULTIPROC_ENV):
        _forget_worker_on_shutdown(app)


def _networks(allow: str) -> list[IPv4Network | IPv6Network] | None:
    """None means everyone."""
    entries = [entry.strip() for entry in allow.split(",") if entry.strip()]
    if "*" in entries:
        return None
    return [ip_network(entry, strict=False) for entry in entries]


def _may_scrape(
    request: Request, networks: list[IPv4Network | IPv6Network] | None, expected: bytes | None
) -> bool:
    if expected is not None:
        given = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(given, expected):
            return True
    if networks is None:
        return True
    host = request.client.host if request.client else ""
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def _forget_worker_on_shutdown(app: FastAPI) -> None:
    """A stopped worker's live gauges (connections, queue) must not be reported any more."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        try:
            async with inner(application) as state:
                yield state
        finally:
            multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

    app.router.lifespan_context = lifespan
