"""The staff console's typing notices: one per conversation every 1.5 s, memory bounded."""

from __future__ import annotations

from sunsupport.operator.ws import TYPING_EVERY_SECONDS, TypingThrottle


def test_one_notice_per_conversation_per_interval() -> None:
    typing = TypingThrottle()
    assert typing.allow("a", 100.0)
    assert not typing.allow("a", 100.0 + TYPING_EVERY_SECONDS / 2)
    assert typing.allow("b", 100.1)  # another conversation is not held back
    assert typing.allow("a", 100.0 + TYPING_EVERY_SECONDS)


def test_quiet_conversations_are_forgotten_past_the_bound() -> None:
    typing = TypingThrottle(keep=8)
    for n in range(1000):  # a long shift: one conversation after another, 2 s apart
        assert typing.allow(f"chat-{n}", n * 2.0)
        assert len(typing) <= 8
    # ones still within the interval are kept, so the throttle still holds for them
    typing = TypingThrottle(keep=2)
    assert typing.allow("x", 0.0) and typing.allow("y", 0.1) and typing.allow("z", 0.2)
    assert not typing.allow("x", 0.3)
