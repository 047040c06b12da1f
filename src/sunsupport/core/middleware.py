"""ASGI middleware: request id and access log, body size limit, security headers."""

from __future__ import annotations

import asyncio
import json
import os
import time

from loguru import logger
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sunsupport.core import metrics
from sunsupport.core.access_log import AccessLog

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
# The interactive docs load their own inline bootstrap script; they get a looser policy.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'"
)


def _header_list(csp: str, *, framable: bool = False) -> tuple[tuple[bytes, bytes], ...]:
    headers = (
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", csp.encode()),
    )
    # X-Frame-Options cannot name sites: a page others may frame relies on the CSP alone.
    return tuple(pair for pair in headers if not (framable and pair[0] == b"x-frame-options"))


def framable_headers(ancestors: str) -> tuple[tuple[bytes, bytes], ...]:
    """The headers of a page that ``ancestors`` (a ``frame-ancestors`` source list) may
    embed; every other rule of the CSP stays."""
    csp = CSP.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")
    return _header_list(csp, framable=True)


SECURITY_HEADERS = _header_list(CSP)
DOCS_SECURITY_HEADERS = _header_list(DOCS_CSP)


class RequestContextMiddleware:
    """Give each request an id (``X-Request-ID``) and the security headers, and when it
    finishes log one line and count it in the metrics. Outermost, so refused bodies are
    logged and counted too. Every request passes here, so it is kept lean: headers are
    added as raw pairs, and the id is 8 random bytes."""

    def __init__(
        self,
        app: ASGIApp,
        access_log: AccessLog,
        framable: dict[str, tuple[tuple[bytes, bytes], ...]] | None = None,
    ) -> None:
        self.app = app
        self.access_log = access_log
        self.framable = framable or {}
        """Paths other sites may embed, with their headers (:func:`framable_headers`)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = os.urandom(8).hex()
        started = time.perf_counter()
        status = 500
        responded = False
        path = scope["path"]
        security = self.framable.get(path) or (
            DOCS_SECURITY_HEADERS if _is_docs(path) else SECURITY_HEADERS
        )

        async def send_wrapper(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(pair for pair in security if pair[0] not in present)
                message["headers"] = headers
            await send(message)

        with logger.contextualize(request_id=request_id):
            try:
                await self.app(scope, receive, send_wrapper)
            except Exception:
                # A bug: answer here, so the 500 carries the request id and the security
                # headers like every other response, and the connection stays usable.
                logger.opt(exception=True).error("unhandled error")
                if responded:
                    raise
                await send_wrapper(_INTERNAL_ERROR_START)
                await send_wrapper({"type": "http.response.body", "body": _INTERNAL_ERROR})
            finally:
                elapsed = time.perf_counter() - started
                metrics.observe_request(scope, status, elapsed)
                self.access_log.record(request_id, scope["method"], path, status, elapsed * 1000)


_INTERNAL_ERROR = json.dumps({"detail": "Internal server error"}).encode()
_INTERNAL_ERROR_START: Message = {
    "type": "http.response.start",
    "status": 500,
    "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(_INTERNAL_ERROR)).encode()),
    ],
}


def _is_docs(path: str) -> bool:
    """The docs page and its OAuth2 redirect run inline scripts; nothing else gets that."""
    return path in ("/docs", "/docs/oauth2-redirect")


class BodySizeLimitMiddleware:
    """Limits on what a client sends: headers of at most ``max_header_bytes`` (431), a body
    of at most ``max_bytes`` (413, declared or streamed), received within
    ``body_seconds`` (408: a client trickling its body byte by byte holds nothing for long).
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        max_header_bytes: int = 16 * 1024,
        body_seconds: float = 10.0,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_header_bytes = max_header_bytes
        self.body_seconds = body_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared: int | None = None
        chunked = False
        header_bytes = 0
        for name, value in scope.get("headers", []):
            header_bytes += len(name) + len(value)
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await _refuse(send, 413, f"Request body larger than {self.max_bytes} bytes")
                    return
            elif name == b"transfer-encoding":
                chunked = True
        if header_bytes > self.max_header_bytes:
            await _refuse(send, 431, "Request headers too large")
            return
        if not chunked and not declared:
            await self.app(scope, receive, send)  # no body at all
            return
        received = 0
        response_started = False
        loop_deadline = asyncio.get_running_loop().time() + self.body_seconds

        async def limited_receive() -> Message:
            nonlocal received
            try:  # asyncio.timeout: no task per receive, unlike wait_for on Python 3.11
                async with asyncio.timeout_at(loop_deadline):
                    message = await receive()
            except TimeoutError:
                raise _BodyTooSlow() from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:  # only a chunked body can go past its length
                    raise _BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await _refuse(send, 413, f"Request body larger than {self.max_bytes} bytes")
        except _BodyTooSlow:
            if not response_started:
                await _refuse(send, 408, "Request body not received in time")


class _BodyTooLarge(HTTPException):
    """Raised from ``receive``: an HTTPException, so the framework's body parser lets it
    through unchanged and the error handler answers 413."""

    def __init__(self) -> None:
        super().__init__(413, "Request body too large")


class _BodyTooSlow(HTTPException):
    def __init__(self) -> None:
        super().__init__(408, "Request body not received in time")


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
