"""Logging: loguru to `LOG_DIR/app.log` (rotated) and stderr; stdlib logs routed in."""

from __future__ import annotations

import inspect
import logging
import re
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger

from sunsupport.core.config import Settings

if TYPE_CHECKING:
    from loguru import Record  # defined only in loguru's type stubs

LOG_FORMAT = (
    "{time:YYYY-MM-DD HH:mm:ss.SSS} | {level: <8} | {extra[request_id]} | {name}: {message}"
    "{extra[traceback]}"
)
"""Tracebacks are rendered by the patcher (secrets masked), never by loguru itself, whose
``diagnose`` mode would print every local variable (a login's password included)."""
# Credentials that must never reach a log line, whatever logged them.
_SECRET_PATTERNS = (
    (re.compile(r"\$argon2[a-z]*\$[\w$=,+/.-]+"), "***"),
    (re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+"), "***"),  # JWTs
    (re.compile(r"(?i)(password|secret|token)(['\"]?\s*[:=]\s*['\"]?)[^\s'\",&]+"), r"\1\2***"),
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What every pattern above needs to match: most lines (every access line's path) have
# none of it and are passed through after this one scan instead of four substitutions.
_MAYBE_UNSAFE = re.compile(r"\$argon2|eyJ|(?i:password|secret|token)|[\x00-\x1f\x7f]")


def sanitize(text: str) -> str:
    """Mask secrets and escape control characters so user text cannot forge a log line."""
    if _MAYBE_UNSAFE.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], mask_secrets(text))


RAW_BATCH = "sunsupport_raw_batch"
"""Marks a batch of access lines (core/access_log.py), each already sanitised and formatted."""


def mask_secrets(text: str) -> str:
    """Mask credentials (hashes, tokens, ``password=...``) but keep the lines as they are."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _patch(record: Record) -> None:
    if record["extra"].get(RAW_BATCH):
        return
    record["message"] = sanitize(record["message"])
    record["extra"].setdefault("request_id", "-")
    exception = record["exception"]
    if exception is not None and exception.type is not None:
        rendered = "".join(
            traceback.format_exception(exception.type, exception.value, exception.traceback)
        )
        record["extra"]["traceback"] = "\n" + mask_secrets(rendered).rstrip("\n")
        record["exception"] = None
    else:
        record["extra"].setdefault("traceback", "")


class InterceptHandler(logging.Handler):
    """Send stdlib logging records (uvicorn, SQLAlchemy, alembic) to loguru."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        frame, depth = inspect.currentframe(), 0
        while frame and (depth == 0 or frame.f_code.co_filename == logging.__file__):
            frame = frame.f_back
            depth += 1
        logger.opt(depth=depth, exception=record.exc_info).log(level, record.getMessage())


def configure_logging(settings: Settings) -> None:
    log_dir = Path(settings.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    logger.remove()
    logger.configure(patcher=_patch)
    logger.add(
        sys.stderr,
        level=settings.log_level,
        format=LOG_FORMAT,
        colorize=False,
        diagnose=False,
        backtrace=False,
    )
    logger.add(
        log_dir / "app.log",
        level=settings.log_level,
        format=LOG_FORMAT,
        rotation="10 MB",
        retention="7 days",
        compression="zip",
        encoding="utf-8",
        diagnose=False,
        backtrace=False,
        # Written in place, line by line (one write() to the page cache, ~10 µs). loguru's
        # enqueue=True pickles every record through a pipe to a thread (~75 µs a line,
        # more than the request it logs) and gives no safety across uvicorn's workers,
        # which are separate interpreters with loggers of their own.
        buffering=1,
    )
    # The stdlib loggers filter at the configured level, before a record is even made: at
    # level 0, uvicorn would see TRACE enabled and wrap the app in its message logger,
    # building a log record for every ASGI message (half the CPU of a trivial request).
    level = logging.getLevelName(settings.log_level)
    level = level if isinstance(level, int) else logging.INFO
    logging.basicConfig(handlers=[InterceptHandler()], level=level, force=True)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "sqlalchemy", "alembic"):
        std = logging.getLogger(name)
        std.handlers = [InterceptHandler()]
        std.propagate = False
        std.setLevel(level)
    # One line per request comes from our middleware; uvicorn's access log would repeat it.
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)  # pool chatter is not news
    logging.getLogger("sqlalchemy.engine").setLevel(
        logging.INFO if settings.sql_echo else logging.WARNING
    )
