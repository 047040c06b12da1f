from __future__ import annotations

from pathlib import Path

import pytest

from sunsupport.bot.evaluation import EvalDataError, evaluate, read_jsonl
from tests.support.bot import HELD_OUT_SET


def test_read_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"text": "привет", "intent": "greeting"}\n\n', encoding="utf-8")
    assert read_jsonl(path) == [("привет", "greeting")]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "invalid JSON"),
        ('["привет", "greeting"]', "expected an object"),
        ('{"text": "", "intent": "greeting"}', "'text'"),
        ('{"text": "привет"}', "'intent'"),
    ],
)
def test_read_jsonl_rejects_bad_rows(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"text": "привет", "intent": "greeting"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match=rf"set\.jsonl:2: .*{reason}"):
        read_jsonl(path)


def test_report_format(bot) -> None:  # type: ignore[no-untyped-def]
    rows = [("привет", "greeting"), ("какая погода", "weather"), ("привет", "weather")]
    report = evaluate(bot, rows)
    assert report.total == 3
    assert report.accuracy == pytest.approx(2 / 3)
    text = report.format()
    assert "Accuracy: 66.7% (2/3)" in text
    assert "weather → greeting: 1" in text
    scores = report.per_intent()
    assert scores["greeting"].precision == 0.5
    assert scores["weather"].recall == 0.5


def test_held_out_file_is_readable() -> None:
    assert len(read_jsonl(HELD_OUT_SET)) >= 100
