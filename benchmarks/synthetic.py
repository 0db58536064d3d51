"""Synthetic front-line reports for benchmarks: ~4 KB each, real Sumy place names, seeded.

Every article is distinct, as a real corpus is: its claim sentences come from three of ten
shared templates, and the three filler sentences after each are drawn word by word from 5,000
common English words, so two articles share few word 3-shingles (Jaccard 0.011 median, 0.029 at
most over 100 articles, like unrelated reports and under the near-duplicate threshold of 0.05):
no article is taken for a rewrite of another.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from claimmap.places.gazetteer import load_sumy

TEMPLATES = (
    "Russian forces have seized control of {a}, according to a military source.",
    "Russian troops launched an assault on {a} and {b}, the General Staff said.",
    "Active fighting continues in the nearby villages of {a} and {b}.",
    "Ukrainian troops were forced to retreat from {a} toward {b}.",
    "The enemy shelled {a} overnight, injuring two civilians, the regional administration said.",
    "A drone strike hit {a} in the Sumy direction, DeepState reported.",
    "Ukrainian forces liberated {a} after a week of fighting, the brigade said.",
    "Residents of {a} were evacuated as artillery fire intensified near {b}.",
    "The Russian Ministry of Defence claimed the capture of {a}; Kyiv denied it.",
    "Clashes were reported near {a}, where both sides are engaged in prolonged fighting.",
)


def _vocabulary() -> list[str]:
    from wordfreq import top_n_list

    return [w for w in top_n_list("en", 5000) if w.isalpha() and len(w) > 2]


def _filler(rng: random.Random, words: list[str]) -> str:
    """A sentence of 10-16 random common words, lower case (no capitalised word but the first,
    so it adds no place-like spans)."""
    picked = rng.sample(words, rng.randint(10, 16))
    return " ".join(picked).capitalize() + "."


def articles(n: int, *, seed: int = 42, size: int = 4000) -> Iterator[tuple[str, str]]:
    """``n`` (file name, text) pairs of about ``size`` characters each."""
    rng = random.Random(seed)
    names = [p.name for p in load_sumy().places if p.kind == "settlement"]
    words = _vocabulary()
    for i in range(n):
        lines = [
            f"Front update {i}: the situation in Sumy Oblast",
            "",
            f"Published: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "",
        ]
        chosen = rng.sample(TEMPLATES, 3)  # templates shared by every article would pair them
        while sum(len(x) + 2 for x in lines) < size:
            sentence = rng.choice(chosen).format(a=rng.choice(names), b=rng.choice(names))
            fillers = " ".join(_filler(rng, words) for _ in range(3))
            lines.append(f"{sentence} {fillers}")
            lines.append("")
        yield f"synthetic_{i:05d}.txt", "\n".join(lines)
