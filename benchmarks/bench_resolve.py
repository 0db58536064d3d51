"""Gazetteer load time and resolution speed, against a plain Aho-Corasick scan as lower bound.

    python benchmarks/bench_resolve.py [--runs 200]

Prints the load time of each gazetteer tier, the time to extract and resolve an article with 50
place mentions, and, in the same process on the same text, the time of a pyahocorasick scan over
the same variant keys (the practical lower bound for finding the names at all), with both
throughputs and their ratio. Targets (issue 3): Sumy tier load < 0.5 s; 50 mentions < 20 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import ahocorasick

from claimmap.places import gazetteer
from claimmap.places.gazetteer import keyset_for
from claimmap.places.resolve import GazetteerTier, Resolver
from claimmap.places.variants import normalise

SENTENCES = (
    "Russian forces launched an assault on {a} and {b}, according to a military source.",
    "Active fighting continues in the nearby villages of {a} and {b}.",
    "The enemy shelled {a} overnight; a drone strike hit {b} in the Sumy direction.",
    "Ukrainian troops were forced to retreat from {a} toward {b}.",
    "DeepState reported that Russian units had advanced near {a} and {b}.",
)


def build_article(places: list[str], *, seed: int = 7) -> str:
    """A front-line report naming ``places`` (two per sentence), with filler between them."""
    rng = random.Random(seed)
    parts = ["Situation on the Sumy front", ""]
    for i in range(0, len(places) - 1, 2):
        parts.append(rng.choice(SENTENCES).format(a=places[i], b=places[i + 1]))
        parts.append("The source did not give details on casualties or losses on either side.")
    return "\n\n".join(parts)


def timed(func, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    loads = {}
    tiers = []
    for tier in ("sumy", "ukraine", "world"):
        start = time.perf_counter()
        tiers.append(gazetteer.load(tier))
        loads[tier] = time.perf_counter() - start
    start = time.perf_counter()
    keys = keyset_for(tiers)
    loads["extractor key set"] = time.perf_counter() - start
    resolver = Resolver([GazetteerTier(g) for g in tiers], keys=keys)
    gazetteer.load_offline()  # make sure the cache file exists
    gazetteer.load_offline.cache_clear()
    start = time.perf_counter()
    gazetteer.load_offline()
    loads["all, from the cache"] = time.perf_counter() - start
    for name, seconds in loads.items():
        print(f"load {name:<18} {seconds * 1000:8.1f} ms")

    rng = random.Random(1)
    sumy = [p for p in tiers[0].places if p.kind == "settlement"]
    names = [p.name for p in rng.sample(sumy, 48)]
    article = build_article(names)
    resolutions = resolver.resolve_text(article, article_id="bench")
    print(
        f"article: {len(article):,} characters, {len(resolutions)} mentions "
        f"({sum(r.place is not None for r in resolutions)} resolved)"
    )

    resolve_s = timed(lambda: resolver.resolve_text(article, article_id="bench"), args.runs)

    automaton = ahocorasick.Automaton()
    for key in keys.kinds:
        automaton.add_word(key, key)
    automaton.make_automaton()
    lowered = normalise(article)
    print(f"Aho-Corasick automaton over {len(keys.kinds):,} variant keys")
    scan_s = timed(lambda: sum(1 for _ in automaton.iter(normalise(article))), args.runs)
    hits = sum(1 for _ in automaton.iter(lowered))

    print(
        f"extract + resolve: {resolve_s * 1000:7.2f} ms per article "
        f"({1 / resolve_s:8.0f} articles/s, {len(article) / resolve_s / 1e6:6.2f} MB/s)"
    )
    print(
        f"Aho-Corasick scan: {scan_s * 1000:7.2f} ms per article "
        f"({1 / scan_s:8.0f} articles/s, {len(article) / scan_s / 1e6:6.2f} MB/s; "
        f"{hits} raw key hits, substrings included)"
    )
    print(f"ratio: claimmap takes {resolve_s / scan_s:.1f}x the Aho-Corasick lower bound")


if __name__ == "__main__":
    main()
