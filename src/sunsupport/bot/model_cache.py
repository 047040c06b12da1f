"""Trained models on disk, keyed by what they were trained from.

The key hashes the examples (taught ones included), the feature version and the
scikit-learn version, so a restart or another worker with the same knowledge base
loads the model instead of training it, and any change trains a new one. Files are
written to a temporary name and renamed, so a reader never sees half a file.

The directory must be the service's own (it holds pickles, which run code when
loaded): `BOT_CACHE_DIR`, by default beside the other runtime files.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from loguru import logger

KEEP_FILES = 8
"""Older models (earlier knowledge bases) beyond this many are removed."""


def content_key(pairs: Iterable[tuple[str, str]], features_version: int) -> str:
    """A hash of the training data and of everything that shapes the model."""
    payload = {
        "examples": sorted(pairs),
        "features": features_version,
        "sklearn": version("scikit-learn"),
        "pymorphy3": version("pymorphy3"),
    }
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(raw).hexdigest()


def load(directory: Path | None, key: str) -> Any | None:
    if directory is None:
        return None
    path = directory / f"bot-{key}.pickle"
    try:
        with path.open("rb") as file:
            return pickle.load(file)  # noqa: S301 - our own directory, see the module doc
    except FileNotFoundError:
        return None
    except Exception as exc:  # a corrupt or incompatible file: train again
        logger.warning("ignoring the cached bot model {}: {}", path, exc)
        return None


def store(directory: Path | None, key: str, value: Any) -> None:
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".bot-", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, directory / f"bot-{key}.pickle")
        _prune(directory)
    except OSError as exc:  # a read-only or full disk costs a retrain later, nothing more
        logger.warning("could not cache the bot model in {}: {}", directory, exc)


def _prune(directory: Path) -> None:
    files = sorted(directory.glob("bot-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP_FILES:]:
        old.unlink(missing_ok=True)
