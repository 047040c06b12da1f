from __future__ import annotations

import pytest

from sunsupport.bot.normalize import normalize, tokenize
from sunsupport.bot.spelling import SpellingIndex


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Привет!", "привет"),
        ("ПРИИИИВЕТ!!!", "привет"),
        ("Ёлки-палки", "елки палки"),
        ("  Когда   будет\tсолнце?? ", "когда будет солнце"),
        ("спасибоооо", "спасибо"),
        ("касса", "касса"),
        ("Санкт-Петербург", "санкт петербург"),
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_tokenize_keeps_digits() -> None:
    assert tokenize("Рассвет 15.03 в Самаре") == ["рассвет", "15", "03", "в", "самаре"]


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [("солнеце", "солнце"), ("превет", "привет"), ("погдоа", "погода"), ("спасиба", "спасибо")],
)
def test_spelling_corrects_one_edit(typo: str, fixed: str) -> None:
    index = SpellingIndex(["солнце", "привет", "погода", "спасибо", "пока"])
    assert index.correct(typo) == fixed


@pytest.mark.parametrize("word", ["кот", "самолет", "xyz"])
def test_spelling_leaves_far_or_short_words(word: str) -> None:
    assert SpellingIndex(["солнце", "привет", "погода"]).correct(word) is None
