"""The HTTP contract, pinned: paths, methods, bodies and status codes as clients see them
in ``/openapi.json``. A change here is a change for every client; make it on purpose:
``UPDATE_OPENAPI_SNAPSHOT=1 pytest tests/unit/test_openapi_contract.py``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sunsupport.app import create_app
from tests.support.settings import make_settings, sqlite_url

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")


def test_the_openapi_document_matches_the_snapshot(tmp_path: Path) -> None:
    app = create_app(make_settings(sqlite_url(tmp_path / "unused.db"), tmp_path / "logs"))
    current = json.dumps(app.openapi(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert json.loads(current) == json.loads(SNAPSHOT.read_text(encoding="utf-8"))
