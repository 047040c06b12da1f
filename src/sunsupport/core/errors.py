"""Domain errors and the handlers that turn every failure into JSON ``{"detail": ...}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from loguru import logger
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException


class AppError(Exception):
    """Base of the errors services raise; each subclass maps to one status code."""

    status_code = status.HTTP_400_BAD_REQUEST
    headers: dict[str, str] | None = None

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(AppError):
    status_code = status.HTTP_404_NOT_FOUND


class Forbidden(AppError):
    status_code = status.HTTP_403_FORBIDDEN


class Conflict(AppError):
    status_code = status.HTTP_409_CONFLICT


class Unprocessable(AppError):
    status_code = status.HTTP_422_UNPROCESSABLE_CONTENT


class Unauthorized(AppError):
    status_code = status.HTTP_401_UNAUTHORIZED
    headers = {"WWW-Authenticate": "Bearer"}


class TooManyRequests(AppError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(max(1, retry_after))}


class ServiceUnavailable(AppError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    headers = {"Retry-After": "5"}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for routes: every status a route can return is declared."""
    from sunsupport.core.schemas import ErrorOut

    descriptions = {
        400: "Bad request",
        401: "Missing, invalid or expired token",
        403: "Not allowed",
        404: "Not found",
        409: "Conflict",
        413: "Request body too large",
        422: "Invalid input",
        429: "Too many requests; see Retry-After",
        503: "Unavailable (database down or server busy); see Retry-After",
    }
    return {code: {"model": ErrorOut, "description": descriptions[code]} for code in codes}


# FastAPI's HTTPException detail when a request body cannot be parsed at all.
BODY_PARSE_ERROR = "There was an error parsing the body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:
            # FastAPI answers a body that is not even text (invalid UTF-8) with a bare 400,
            # but badly formed JSON with 422 json_invalid: one status for both, the one
            # every route declares.
            detail = [{"type": "json_invalid", "loc": ["body"], "msg": "Body is not valid JSON"}]
            return JSONResponse({"detail": detail}, status.HTTP_422_UNPROCESSABLE_CONTENT)
        return JSONResponse(
            {"detail": exc.detail}, exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {k: v for k, v in err.items() if k in ("type", "loc", "msg")} for err in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(DataError)
    async def _bad_data(_request: Request, exc: DataError) -> JSONResponse:
        """A value the database refuses (out of range, a character it cannot store): the
        request's fault, not a bug. Validation should have caught it; say so in the log."""
        logger.warning("database refused a value: {}", type(exc.orig).__name__)
        return JSONResponse({"detail": "Invalid data"}, status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(SATimeoutError)
    @app.exception_handler(ConnectionError)
    @app.exception_handler(TimeoutError)
    async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        """The database is down, unreachable or overloaded: fail fast with 503, so load
        balancers and clients retry, instead of a 500 that looks like a bug."""
        logger.warning("database unavailable: {}: {}", type(exc).__name__, str(exc)[:200])
        probe = getattr(request.app.state, "health", None)
        if probe is not None:  # /health must not report the last good ping any more
            probe.forget()
        return await _app_error(request, ServiceUnavailable("Database unavailable"))
