"""Bot engine benchmark: training time, answers/s and latency, default KB vs a generated
10 000-intent KB.

Run: .venv/bin/python bench/bot.py [--intents 10000] [--queries 2000]
The engine alone (no HTTP, no database), one thread. Training is measured without the
disk cache (``build s``: analysing the examples + fitting) and, for the default KB,
loading the cached model as a restart or a second worker does (``cached s``).
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sunsupport.bot import DialogueState, KnowledgeBot, load_bot
from sunsupport.bot.evaluation import read_jsonl
from sunsupport.bot.kb import Intent, KnowledgeBase, load_knowledge_base

SYLLABLES = (
    "ба бо ве ви га го да ду же за зо ка ки ко ла ли ло ма ми мо на но ны па по ра ре ро "
    "са се со та те то ту фа ха це ча ши ща ю я ар ов ен ик ус ом ль ск ст"
).split()
DEV_SET = Path(__file__).resolve().parents[1] / "../shared/eval/dev.jsonl"
NOW = datetime(2025, 3, 10, 9, tzinfo=UTC)
DEFAULT_QUERIES = [
    "привет", "какая погода", "когда будет солнце?", "почему нет солнца", "пока",
    "спасибо большое", "позовите оператора", "во сколько рассвет в Самаре",
    "когда следующее затмение", "солнце слишком яркое", "сколько стоит подписка",
    "что такое полярная ночь", "что ты умеешь", "ты бот?", "сколько стоит биткоин",
    "Добрый день, какие у вас тарифы?", "солнеце когда", "погдоа", "как испечь пирог",
]  # fmt: skip


def make_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def generated_kb(intents: int, rng: random.Random) -> KnowledgeBase:
    """The default KB plus ``intents`` synthetic ones over a Zipf-ish 20k-word vocabulary."""
    vocabulary = [make_word(rng) for _ in range(20_000)]
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(20_000)))
    extra = []
    for number in range(intents):
        examples = [
            " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(2, 6)))
            for _ in range(8)
        ]
        extra.append(Intent(id=f"gen_{number}", examples=examples, answers=[f"Ответ {number}"]))
    base = load_knowledge_base(None)
    return base.model_copy(update={"intents": [*base.intents, *extra]})


def queries_for(bot: KnowledgeBot, count: int, rng: random.Random) -> list[str]:
    """Real questions plus examples of random intents with a word dropped (paraphrase-ish)."""
    pool = list(DEFAULT_QUERIES)
    if DEV_SET.exists():
        pool += [text for text, _ in read_jsonl(DEV_SET)]
    out = []
    for _ in range(count):
        if rng.random() < 0.5:
            out.append(rng.choice(pool))
        else:
            intent = bot.kb.intents[rng.randrange(len(bot.kb.intents))]
            if not intent.examples:
                out.append(rng.choice(pool))
                continue
            words = rng.choice(intent.examples).split()
            if len(words) > 2:
                words.pop(rng.randrange(len(words)))
            out.append(" ".join(words))
    return out


def measure(bot: KnowledgeBot, queries: list[str]) -> dict[str, float]:
    """Wall-clock figures, and the same on this thread's CPU clock: on a shared machine
    the wall clock also counts the time other processes held the core."""
    for text in queries[:50]:  # warm the morphology cache
        bot.answer(text, DialogueState(), now=NOW)
    latencies = []
    cpu = []
    started = time.perf_counter()
    cpu_started = time.thread_time()
    for text in queries:
        t0, c0 = time.perf_counter(), time.thread_time()
        bot.answer(text, DialogueState(), now=NOW)
        latencies.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    total = time.perf_counter() - started
    cpu_total = time.thread_time() - cpu_started
    latencies.sort()
    cpu.sort()
    p99 = int(len(latencies) * 0.99) - 1
    return {
        "per_second": len(queries) / total,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[p99] * 1000,
        "cpu_per_second": len(queries) / cpu_total,
        "cpu_p99_ms": cpu[p99] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intents", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    args = parser.parse_args()
    rng = random.Random(42)

    t0 = time.perf_counter()
    import sklearn.linear_model  # noqa: F401 - the one-off import, reported apart

    import_seconds = time.perf_counter() - t0
    load_bot()  # warm pymorphy3's dictionaries and the lemma cache, like a running server
    t0 = time.perf_counter()
    small = load_bot()
    small_build = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as cache:
        load_bot(cache_dir=Path(cache))
        t0 = time.perf_counter()
        load_bot(cache_dir=Path(cache))
        small_cached: float | None = time.perf_counter() - t0
    small_result = measure(small, queries_for(small, args.queries, rng))

    kb = generated_kb(args.intents, rng)
    t0 = time.perf_counter()
    large = KnowledgeBot(kb)
    large_build = time.perf_counter() - t0
    large_result = measure(large, queries_for(large, args.queries, rng))

    rows = [
        (
            f"default ({len(small.intent_ids)} intents)",
            small,
            small_build,
            small_cached,
            small_result,
        ),
        (f"generated ({len(large.intent_ids)} intents)", large, large_build, None, large_result),
    ]
    print(f"scikit-learn import (once per process): {import_seconds:.2f} s\n")
    print(
        f"{'knowledge base':<26} {'model':>8} {'build s':>8} {'cached s':>8} "
        f"{'answers/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'CPU: answers/s':>15} {'p99 ms':>7}"
    )
    for name, bot, build, cached, result in rows:
        kind = bot._trained.model.kind
        cached_text = f"{cached:>8.2f}" if cached is not None else f"{'-':>8}"
        print(
            f"{name:<26} {kind:>8} {build:>8.2f} {cached_text} {result['per_second']:>10.0f} "
            f"{result['p50_ms']:>7.3f} {result['p99_ms']:>7.3f} "
            f"{result['cpu_per_second']:>15.0f} {result['cpu_p99_ms']:>7.3f}"
        )
    size_ratio = len(large.intent_ids) / len(small.intent_ids)
    cost_ratio = small_result["per_second"] / large_result["per_second"]
    print(
        f"\nKB size x{size_ratio:.0f} -> cost per answer x{cost_ratio:.2f} "
        f"(p50 x{large_result['p50_ms'] / small_result['p50_ms']:.2f})"
    )


if __name__ == "__main__":
    main()
