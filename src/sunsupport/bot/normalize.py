"""Text normalisation: the first step for every message and every KB example."""

from __future__ import annotations

import re

_REPEATS = re.compile(r"(\w)\1{2,}")
_NON_WORD = re.compile(r"[^\w]+|_")
_TOKEN = re.compile(r"[a-zа-я0-9]+")


def normalize(text: str) -> str:
    """Lower-case, fold ё to е, squeeze runs of 3+ equal letters and drop punctuation.

    Runs of two letters stay: Russian spells many words with a double letter
    ("касса", "длинный"), while "приииивет" is always an emphatic "привет".
    """
    text = text.lower().replace("ё", "е")
    text = _REPEATS.sub(r"\1", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokenize(text: str) -> list[str]:
    """Split normalised text into word tokens (hyphenated names become several tokens)."""
    return _TOKEN.findall(normalize(text))
