"""The access log: one line per request, written in batches.

Handing every line to loguru's sinks (format, two writes) cost more than the trivial
request it described. Lines are formatted here in the layout of every other log line and
written together every fraction of a second, the way nginx buffers its access log
(``buffer= flush=``): if the process is killed, at most the last 0.2 s of access lines
are lost, never an error line (those are written at once).
"""

from __future__ import annotations

import asyncio
import time

from loguru import logger

from sunsupport.core.logging import RAW_BATCH, sanitize

FLUSH_SECONDS = 0.2
MAX_BUFFERED = 512
SOURCE = "sunsupport.core.middleware"


class AccessLog:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._lines: list[str] = []
        self._second = -1
        self._stamp = ""

    def record(self, request_id: str, method: str, path: str, status: int, ms: float) -> None:
        if not self.enabled:
            return
        now = time.time()
        second = int(now)
        if second != self._second:  # formatting the date once a second is plenty
            self._second = second
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        millis = int((now - second) * 1000)
        self._lines.append(
            f"{self._stamp}.{millis:03d} | INFO     | {request_id} | {SOURCE}: "
            f"{method} {sanitize(path)} {status} {ms:.1f}ms"
        )
        if len(self._lines) >= MAX_BUFFERED:
            self.flush()

    def flush(self) -> None:
        if self._lines:
            batch = "\n".join(self._lines) + "\n"
            self._lines = []
            logger.bind(**{RAW_BATCH: True}).opt(raw=True).info(batch)

    async def run(self) -> None:
        """Flush every ``FLUSH_SECONDS`` until cancelled, then once more."""
        try:
            while True:
                await asyncio.sleep(FLUSH_SECONDS)
                self.flush()
        finally:
            self.flush()
