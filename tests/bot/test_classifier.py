"""The trained model: same features as scikit-learn, deterministic, cached, explained."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sunsupport.bot import FALLBACK, DialogueState, KnowledgeBot, load_bot, training
from sunsupport.bot import classifier as classifier_module
from sunsupport.bot.calibration import cross_validate
from sunsupport.bot.classifier import Document
from sunsupport.bot.kb import load_knowledge_base, parse_knowledge_base
from tests.support.bot import ask
from tests.support.settings import BOT_CACHE_DIR

SMALL_KB = """
settings: {threshold: 0.3}
intents:
  - id: hello
    examples: [привет, здравствуйте, добрый день, приветствую вас, хай]
    answers: [Привет!]
  - id: price
    examples: [сколько стоит, какая цена, прайс на услуги, стоимость подписки, тарифы]
    answers: [Бесплатно.]
  - id: fallback
    examples: [рецепт борща, курс доллара, где аптека, кто президент, сколько стоит хлеб]
    answers: [Не понял.]
"""


def test_answering_uses_exactly_the_features_sklearn_computes(bot: KnowledgeBot) -> None:
    from scipy.sparse import hstack

    model = bot._trained.model
    text = bot.analyse("Когда пришлёте солнышко на дачу в Самару?")
    doc = Document(text.chars, text.lemma_text)
    vector = model.vector(doc)
    ours = np.zeros(model.examples.shape[1])
    ours[vector.columns] = vector.values

    from sklearn.feature_extraction.text import TfidfVectorizer

    blocks = []
    for block, part in zip(model.blocks, (doc.chars, doc.lemmas), strict=True):
        reference = TfidfVectorizer(
            analyzer="char_wb" if block.kind == "char" else "word",
            token_pattern=r"\S+",
            ngram_range=block.ngrams,
            sublinear_tf=True,
            lowercase=False,
            vocabulary=block.vocabulary,
        )
        reference.idf_ = block.idf
        blocks.append(reference.transform([part]) * block.weight)
    expected = hstack(blocks).toarray().ravel()
    assert np.allclose(ours, expected)


def test_the_same_kb_trains_the_same_model(tmp_path: Path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(SMALL_KB, encoding="utf-8")
    first, second = load_bot(path), load_bot(path)
    assert first.model_key == second.model_key
    assert np.array_equal(first._trained.model.weights, second._trained.model.weights)


def test_the_model_is_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trained = load_bot(cache_dir=tmp_path)
    assert list(tmp_path.glob("bot-*.pickle")) == [tmp_path / f"bot-{trained.model_key}.pickle"]

    def no_training(*args: object) -> None:
        raise AssertionError("the cached model should have been loaded")

    monkeypatch.setattr(training, "_train", no_training)
    cached = load_bot(cache_dir=tmp_path)
    assert cached.model_key == trained.model_key
    for text in ("привет", "когда будет солнце", "ваш сервис отстой", "сколько стоит хлеб"):
        a, b = trained.answer(text, DialogueState()), cached.answer(text, DialogueState())
        assert (a.intent, a.confidence) == (b.intent, b.confidence)


def test_a_taught_phrasing_is_answered_at_once_and_learnt_on_retraining(tmp_path: Path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(SMALL_KB, encoding="utf-8")
    bot = load_bot(path)
    before = bot.model_key
    bot.remember([("price", "почём солнце для дачи")])
    assert ask(bot, "Почём солнце для дачи?").intent == "price"  # word for word, no retraining
    assert bot.model_key == before
    bot.retrain()
    assert bot.model_key != before
    with pytest.raises(KeyError):
        bot.remember([("no_such_intent", "текст")])
    with pytest.raises(ValueError, match="word"):
        bot.remember([("price", "?!")])


def test_explain_shows_scores_and_nearest_examples() -> None:
    bot = load_bot()
    explained = bot.explain("можно заказать солнце на балкон?")
    assert explained.reply.intent == "order"
    top = explained.intents[0]
    assert top.intent == "order" and top.title == "Заказ и доставка по адресу"
    assert top.confidence == explained.reply.confidence
    assert top.examples and all(n.intent == "order" for n in top.examples)
    sims = [n.similarity for n in top.examples]
    assert sims == sorted(sims, reverse=True) and 0 < sims[0] <= 1
    assert explained.nearest[0].similarity >= sims[0]


def test_a_huge_kb_gets_the_nearest_centroid_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(classifier_module, "LINEAR_MAX_INTENTS", 2)
    path = tmp_path / "kb.yaml"
    path.write_text(SMALL_KB, encoding="utf-8")
    bot = load_bot(path)
    assert bot._trained.model.kind == "centroid"
    assert ask(bot, "здравствуйте!").intent == "hello"
    assert ask(bot, "какая у вас цена").intent == "price"


def test_gibberish_is_not_classified(bot: KnowledgeBot) -> None:
    reply = ask(bot, "zxqwv jjkl")
    assert reply.intent == FALLBACK and reply.ranking == ()


def test_cross_validation_reports_and_tunes() -> None:
    kb = parse_knowledge_base(SMALL_KB)
    report = cross_validate(kb, folds=2)
    assert len(report.readings) == 15
    scores = report.scores()
    assert set(scores) >= {"accuracy", "macro_f1", "oos_precision", "oos_recall", "false_accept"}
    assert all(0 <= v <= 1 for v in scores.values())
    tuned, _ = report.tuned()
    text = report.format()
    assert "stratified 2-fold on 15 KB examples" in text
    assert f"threshold {tuned.threshold}" in text


def test_the_default_kb_cross_validates() -> None:
    """The numbers README reports: out-of-fold, the policy as shipped."""
    scores = cross_validate(load_knowledge_base(), folds=5).scores()
    assert scores["accuracy"] >= 0.65
    assert scores["oos_recall"] >= 0.7


def test_answering_modules_do_not_import_sklearn(bot: KnowledgeBot) -> None:
    """Commands and routes that never train (stats, account deletion) stay light, and a
    cached model answers without scikit-learn."""
    cache = BOT_CACHE_DIR
    load_bot(cache_dir=cache)  # the session's bot came from (or filled) this cache
    code = (
        "import sys\n"
        "import sunsupport.cli, sunsupport.app, sunsupport.stats.service\n"
        "import sunsupport.auth.accounts\n"
        "from sunsupport.bot import load_bot, DialogueState\n"
        f"bot = load_bot(cache_dir=__import__('pathlib').Path({str(cache)!r}))\n"
        "assert bot.answer('привет', DialogueState()).intent == 'greeting'\n"
        "assert not [m for m in sys.modules if m.startswith('sklearn')], 'sklearn imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
