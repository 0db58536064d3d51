"""Extraction + resolution throughput on 500 distinct ~4 KB articles, against a raw Aho-Corasick
scan over the same keys (normalisation included) in the same run.

    python benchmarks/bench_extract.py [--n 500]

Two corpora: "dense" (benchmarks/synthetic.py: claim templates naming Sumy settlements between
filler sentences) and "seed-like" (tests/synthetic.py: the seed articles' sentences with other
place names). CPU time of this process (``time.process_time``), each corpus run twice and the
faster run kept. Targets (issue 15): >= 500 articles/s, at most 5x the Aho-Corasick scan.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import time
from pathlib import Path
from types import ModuleType

import ahocorasick
from synthetic import articles

from claimmap.places.extract import extract_mentions
from claimmap.places.resolve import Resolver
from claimmap.places.variants import normalise


def seed_like() -> ModuleType:
    """tests/synthetic.py (same module name as benchmarks/synthetic.py, so loaded by path)."""
    path = Path(__file__).resolve().parents[1] / "tests" / "synthetic.py"
    spec = importlib.util.spec_from_file_location("tests_synthetic", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def best_of(runs: int, func) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    resolver = Resolver.offline()
    keys = resolver.keys
    automaton = ahocorasick.Automaton()
    for key in keys.kinds:
        automaton.add_word(key, key)
    automaton.make_automaton()
    rng = random.Random(5)
    corpora = {
        "dense": [text for _, text in articles(args.n, seed=11)],
        "seed-like": [seed_like().article_text(rng, i) for i in range(args.n)],
    }
    print(f"{len(keys.kinds):,} keys; {args.n} articles per corpus; CPU seconds, best of 2")
    print("| corpus | mentions/article | extract art/s | extract + resolve art/s | "
          "Aho-Corasick art/s | ratio |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    for name, texts in corpora.items():
        found = [0]

        def extract(texts=texts) -> None:  # type: ignore[no-untyped-def]
            for i, text in enumerate(texts):
                extract_mentions(text, article_id=str(i), keys=keys)

        def both(texts=texts, found=found) -> None:  # type: ignore[no-untyped-def]
            found[0] = 0
            for i, text in enumerate(texts):
                mentions = extract_mentions(text, article_id=str(i), keys=keys)
                found[0] += len(resolver.resolve(mentions, text=text))

        def scan(texts=texts) -> None:  # type: ignore[no-untyped-def]
            for text in texts:
                for _ in automaton.iter(normalise(text)):
                    pass

        both()  # warm the caches as a long ingest has them
        t_extract, t_both, t_scan = best_of(2, extract), best_of(2, both), best_of(2, scan)
        n = len(texts)
        print(
            f"| {name} | {found[0] / n:.1f} | {n / t_extract:.0f} | {n / t_both:.0f} | "
            f"{n / t_scan:.0f} | {t_both / t_scan:.0f}x |",
            flush=True,
        )


if __name__ == "__main__":
    main()
