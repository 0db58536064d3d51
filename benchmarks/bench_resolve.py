"""Gazetteer load time and resolution speed, against a plain Aho-Corasick scan as lower bound.

    python benchmarks/bench_resolve.py [--runs 200]

Prints the load time of each gazetteer tier, the time to extract and resolve an article with 50
place mentions, and, in the same process on the same text, the time of a pyahocorasick scan over
the same variant keys (the practical lower bound for finding the names at all), with both
throughputs and their ratio; then the same report in Ukrainian and in Russian, with the names
in the case their sentence needs, against the English one of about the same length. Targets:
Sumy tier load < 0.5 s, 50 mentions < 20 ms (issue 3); a Cyrillic article costs at most 1.5x an
English one, and the index with every case form loads from the cache in < 0.5 s (issue 9).
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

#: The same reports in Ukrainian and Russian: {a}/{b} are filled with the case shown.
CYRILLIC = {
    "uk": (
        ("Російські війська штурмували {a} та {b}, повідомило джерело у війську.", "acc"),
        ("Активні бої тривають у селах {a} та {b}.", "loc"),
        ("Ворог обстріляв {a} вночі; удар дрона влучив у {b} на Сумському напрямку.", "acc"),
        ("Українські військові були змушені відступити з {a} до {b}.", "gen"),
        ("DeepState повідомив, що російські підрозділи просунулися біля {a} та {b}.", "gen"),
    ),
    "ru": (
        ("Российские войска штурмовали {a} и {b}, сообщил военный источник.", "acc"),
        ("Активные бои продолжаются в селах {a} и {b}.", "loc"),
        ("Противник обстрелял {a} ночью; удар дрона пришелся на {b} на Сумском направлении.",
         "acc"),
        ("Украинские военные были вынуждены отступить из {a} к {b}.", "gen"),
        ("DeepState сообщил, что российские подразделения продвинулись у {a} и {b}.", "gen"),
    ),
}  # fmt: skip
FILLER = {
    "uk": "Джерело не повідомило подробиць про втрати з обох сторін.",
    "ru": "Источник не сообщил подробностей о потерях с обеих сторон.",
}

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


def build_cyrillic(places: list, lang: str, *, seed: int = 7) -> str:
    """The same report in ``lang``, each name in the case its sentence takes."""
    from claimmap.places.morphology import case_forms

    def form(place, case: str) -> str:  # type: ignore[no-untyped-def]
        name = place.name_uk if lang == "uk" else (place.name_ru or place.name_uk)
        endings = {
            "acc": ("у", "ю", "е", "і", "и"),
            "loc": ("ці", "і", "е"),
            "gen": ("и", "і", "а"),
        }
        forms = sorted(case_forms(name, lang))
        return next((f for f in forms if f.endswith(endings[case])), name)

    rng = random.Random(seed)
    title = {"uk": "Ситуація на Сумському напрямку", "ru": "Ситуация на Сумском направлении"}
    parts = [title[lang], ""]
    for i in range(0, len(places) - 1, 2):
        sentence, case = rng.choice(CYRILLIC[lang])
        parts.append(sentence.format(a=form(places[i], case), b=form(places[i + 1], case)))
        parts.append(FILLER[lang])
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
    for tier in ("sumy", "areas", "ukraine", "world"):
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

    chosen = rng.sample([p for p in sumy if p.name_uk and p.name_ru], 48)
    english = build_article([p.name for p in chosen])
    english_s = timed(lambda: resolver.resolve_text(english, article_id="bench"), args.runs)
    for lang in ("uk", "ru"):
        text = build_cyrillic(chosen, lang)
        found = resolver.resolve_text(text, article_id="bench")
        cyrillic_s = timed(lambda t=text: resolver.resolve_text(t, article_id="bench"), args.runs)
        per_char = (cyrillic_s / len(text)) / (english_s / len(english))
        print(
            f"{lang}: {len(text):,} characters, {len(found)} mentions, {cyrillic_s * 1000:.2f} ms "
            f"vs English {len(english):,} characters {english_s * 1000:.2f} ms: "
            f"{per_char:.2f}x per character (target <= 1.5x)"
        )


if __name__ == "__main__":
    main()
