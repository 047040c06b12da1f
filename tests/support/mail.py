"""A real SMTP server (aiosmtpd) on a free local port, keeping what it receives."""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.support.servers import free_port


class Inbox:
    """What the SMTP server accepted, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._changed = threading.Condition()
        self.port = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else raw.encode()
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._changed:
            self.messages.append(parsed)
            self._changed.notify_all()
        return "250 OK"

    def wait_for(self, count: int, seconds: float = 15) -> list[EmailMessage]:
        """At least ``count`` messages, waiting up to ``seconds`` for them."""
        deadline = time.monotonic() + seconds
        with self._changed:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} emails arrived, {count} expected")
                self._changed.wait(left)
            return list(self.messages)

    def quiet_for(self, seconds: float) -> list[EmailMessage]:
        """Wait ``seconds`` (to see that nothing more arrives); what arrived by then."""
        time.sleep(seconds)
        with self._changed:
            return list(self.messages)


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@dataclass(frozen=True)
class EmailLink:
    """The "continue the conversation" link of a reply email, taken apart."""

    url: str
    page: str
    """The address up to the query: ``https://host/`` or ``https://host/widget``."""
    session: str
    key: str


def link_in(message: EmailMessage) -> EmailLink:
    found = re.search(r"Продолжить разговор: (\S+)", body_of(message))
    assert found, "the email has no link back to the conversation"
    url = found.group(1)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    return EmailLink(
        url=url,
        page=f"{parts.scheme}://{parts.netloc}{parts.path}",
        session=query["session"][0],
        key=query["key"][0],
    )
