"""Log lines never carry credentials or forged line breaks, whatever path they took."""

import pytest

from sunsupport.core.logging import sanitize

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g"


@pytest.mark.parametrize(
    ("raw", "logged"),
    [
        ("/chat/history/3f2b-91aa", "/chat/history/3f2b-91aa"),
        ("привет, солнце", "привет, солнце"),
        (f"/auth/magic?t={JWT}", "/auth/magic?t=***"),
        (f"stored {HASH} here", "stored *** here"),
        ("login password=hunter2 ok", "login password=*** ok"),
        ("PASSWORD: 'hunter2'", "PASSWORD: '***'"),
        ("/reset?Token=abc123&x=1", "/reset?Token=***&x=1"),
        ("client_secret=s3cr3t", "client_secret=***"),
        ("line\nforged", "line\\nforged"),
        ("bell\x07 and \x7f", "bell\\x07 and \\x7f"),
        ("a token is just a word", "a token is just a word"),
    ],
)
def test_secrets_are_masked_and_control_characters_escaped(raw: str, logged: str) -> None:
    assert sanitize(raw) == logged


def test_clean_text_is_returned_as_it_is() -> None:
    text = "/livez"
    assert sanitize(text) is text
