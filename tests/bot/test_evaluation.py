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


def test_the_eval_command_keeps_its_report_and_cross_validates(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.bot.test_classifier import SMALL_KB

    kb = tmp_path / "kb.yaml"
    kb.write_text(SMALL_KB, encoding="utf-8")
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"text": "приветик", "intent": "hello"}\n{"text": "цена какая", "intent": "price"}\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "sunsupport", "bot", "eval", str(rows), "--cv", "2"]
    env = {**os.environ, "KB_PATH": str(kb), "LOG_DIR": str(tmp_path / "logs")}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Accuracy: " in done.stdout and "precision" in done.stdout
    assert "Cross-validation: stratified 2-fold on 15 KB examples" in done.stdout
    assert "macro-F1" in done.stdout and "out-of-scope precision" in done.stdout
    assert "tuned on these folds: threshold" in done.stdout

    neither = subprocess.run(command[:5], env=env, capture_output=True, text=True, timeout=60)
    assert neither.returncode == 2 and "give a FILE, --cv K, or both" in neither.stderr
