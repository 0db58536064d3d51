"""Synthetic front-line reports for benchmarks: ~4 KB each, real Sumy place names, seeded."""

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
FILLER = (
    "The source declined to provide details on casualties or enemy losses.",
    "Analysts said the situation remains difficult along the whole front.",
    "The report could not be independently verified.",
    "Officials urged residents of border areas to follow the evacuation orders.",
)


def articles(n: int, *, seed: int = 42, size: int = 4000) -> Iterator[tuple[str, str]]:
    """``n`` (file name, text) pairs of about ``size`` characters each."""
    rng = random.Random(seed)
    names = [p.name for p in load_sumy().places if p.kind == "settlement"]
    for i in range(n):
        lines = [
            f"Front update {i}: the situation in Sumy Oblast",
            "",
            f"Published: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "",
        ]
        while sum(len(x) + 2 for x in lines) < size:
            sentence = rng.choice(TEMPLATES).format(a=rng.choice(names), b=rng.choice(names))
            lines.append(sentence + " " + rng.choice(FILLER))
            lines.append("")
        yield f"synthetic_{i:05d}.txt", "\n".join(lines)
