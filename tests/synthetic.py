"""Synthetic articles for the crash and concurrency tests: seed sentences, other place names.

    >>> from pathlib import Path
    >>> paths = write_articles(Path("/tmp/x"), 3, prefix="a")   # doctest: +SKIP

Every article is made of sentences of the two seed articles with their Sumy place names swapped
for other names from the same list, so each article has mentions, resolutions and claims, and
no two articles have the same text (the article id is a content hash).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
#: Names the seeds use, and the names swapped in for them (all in the Sumy gazetteer).
SEED_NAMES = ("Alexandria", "Miropol", "Yunakivka", "Kondratovka")
NAMES = (
    "Alexandria", "Miropol", "Yunakivka", "Kondratovka", "Khotin", "Shostka", "Vorozhba",
    "Bilopillia", "Krasnopillia", "Velyka Pysarivka", "Sumy", "Okhtyrka", "Trostianets",
    "Lebedyn", "Putyvl", "Hlukhiv", "Konotop", "Romny", "Seredyna-Buda", "Esman",
)  # fmt: skip
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]")
_SEED_NAME = re.compile("|".join(SEED_NAMES))


def seed_sentences() -> list[str]:
    sentences: list[str] = []
    for path in SEEDS:
        sentences.extend(m.group().strip() for m in _SENTENCE.finditer(path.read_text("utf-8")))
    return [s for s in sentences if len(s) > 40]


def article_text(rng: random.Random, number: int, *, size: int = 4000) -> str:
    """About ``size`` characters: a headline naming the article number, then paragraphs."""
    sentences = seed_sentences()
    named = [s for s in sentences if _SEED_NAME.search(s)]
    lines = [f"Report {number}: fighting near {rng.choice(NAMES)}", ""]
    length = 0
    while length < size:
        pool = named if rng.random() < 0.6 else sentences
        sentence = _SEED_NAME.sub(lambda _: rng.choice(NAMES), rng.choice(pool))
        lines.append(sentence + "\n")
        length += len(sentence) + 1
    return "\n".join(lines)


def write_articles(
    directory: Path, count: int, *, prefix: str = "article", seed: int = 0, size: int = 4000
) -> list[Path]:
    """Write ``count`` synthetic articles ``{prefix}_{i:04d}.txt`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        path = directory / f"{prefix}_{i:04d}.txt"
        path.write_text(article_text(rng, seed * 100_000 + i, size=size), encoding="utf-8")
        paths.append(path)
    return paths
