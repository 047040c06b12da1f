"""The email itself: composing "an operator replied" and sending it over SMTP
(aiosmtplib, asynchronous: the event loop never blocks on the mail server)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlencode

import aiosmtplib

from sunsupport.core.config import Settings

SUBJECT = "Оператор ответил вам в чате поддержки «Солнце»"
SUBJECT_MANY = "Операторы ответили вам в чате поддержки «Солнце» ({count})"


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class ReplyDigest:
    """Everything one email says: to whom, the replies, and where to go back."""

    to: str
    name: str
    title: str | None
    replies: Sequence[Reply]
    link: str


def conversation_link(base_url: str, session_id: str, key: str, *, visitor: bool) -> str:
    """Back to the conversation: the chat page for users, the widget page for visitors
    (who have no password to sign in with). ``key`` signs the reader in: a visitor's
    token stays in the storage of the site that embeds the widget, which the widget
    page opened from an email cannot read."""
    page = "/widget" if visitor else "/"
    query = urlencode({"session": session_id, "key": key})
    return f"{base_url.rstrip('/')}{page}?{query}"


def compose(digest: ReplyDigest, sender: str) -> EmailMessage:
    count = len(digest.replies)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = digest.to
    message["Subject"] = SUBJECT if count == 1 else SUBJECT_MANY.format(count=count)
    message["Message-ID"] = make_msgid(domain="sunsupport")
    message["Auto-Submitted"] = "auto-generated"
    lines = [f"Здравствуйте, {digest.name}!", ""]
    about = f" в разговоре «{digest.title}»" if digest.title else ""
    lines.append(f"Пока вас не было, оператор поддержки ответил{about}:")
    lines.append("")
    for reply in digest.replies:
        lines.append(f"[{reply.sent_at:%d.%m.%Y %H:%M} UTC]")
        lines.extend(reply.text.splitlines() or [""])
        lines.append("")
    lines += [f"Продолжить разговор: {digest.link}", "", "— Солнце · техподдержка"]
    message.set_content("\n".join(lines))
    return message


class SmtpSender:
    """Sends through the configured SMTP server (``SMTP_*`` settings)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def send(self, message: EmailMessage) -> None:
        s = self._settings
        implicit_tls = s.smtp_port == 465
        await aiosmtplib.send(
            message,
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_user or None,
            password=s.smtp_password or None,
            use_tls=implicit_tls,
            start_tls=s.smtp_starttls and not implicit_tls,
            timeout=s.smtp_timeout_seconds,
        )
