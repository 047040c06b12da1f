"""What makes two usernames the same name to a reader.

- **NFKC**: compatibility forms become their plain letters (``ａｄｍｉｎ`` → ``admin``).
- **One script**: a name's letters are all Latin or all Cyrillic (with ASCII digits and
  ``_ . -``); ``аdmin1`` with a Cyrillic ``а`` is refused outright.
- **Skeleton** (Unicode TS #39, section 4): every character replaced by its prototype
  from Unicode's ``confusables.txt``, so ``admin1`` and ``adminl`` share one skeleton.
  Names are case-insensitive here, so the skeleton is taken again after case folding
  (``Ivan`` → ``lvan`` and ``IVAN`` → ``lVAN`` → ``lvan``).

The confusables data is Unicode's own file, vendored in ``data/`` with its licence.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

CONFUSABLES = Path(__file__).resolve().parents[1] / "data" / "confusables.txt"
SEPARATORS = frozenset("_.-")
SCRIPTS = ("LATIN", "CYRILLIC")


class NameProblem(ValueError):
    """A username breaks a naming rule; the message says which."""


def normalise(name: str) -> str:
    return unicodedata.normalize("NFKC", name)


def check_characters(name: str) -> None:
    """Letters of one script (Latin or Cyrillic), ASCII digits and ``_ . -`` only.
    ``name`` is already NFKC-normalised."""
    scripts: set[str] = set()
    for ch in name:
        if ch in SEPARATORS or "0" <= ch <= "9":
            continue
        script = _script_of(ch)
        if script is None:
            raise NameProblem("may contain only Latin or Cyrillic letters, digits, '_', '.', '-'")
        scripts.add(script)
    if len(scripts) > 1:
        raise NameProblem("must not mix Latin and Cyrillic letters")


def _script_of(ch: str) -> str | None:
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    return next((script for script in SCRIPTS if name.startswith(script + " ")), None)


def skeleton(name: str) -> str:
    """The key two names share when they look alike (case-insensitively)."""
    return _skeleton(_skeleton(normalise(name)).casefold())


def _skeleton(text: str) -> str:
    prototypes = _prototypes()
    mapped = "".join(prototypes.get(ch, ch) for ch in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


@cache
def _prototypes() -> dict[str, str]:
    """``confusables.txt``: ``source ; target ; MA # comment``, code points in hex."""
    table: dict[str, str] = {}
    with CONFUSABLES.open(encoding="utf-8-sig") as lines:
        for line in lines:
            data = line.split("#", 1)[0].strip()
            if not data:
                continue
            source, target, *_ = (field.strip() for field in data.split(";"))
            table[chr(int(source, 16))] = "".join(chr(int(cp, 16)) for cp in target.split())
    return table
