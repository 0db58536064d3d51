"""Near-duplicate candidates through a MinHash LSH index, so a new article is compared only
with the stored articles likely to be versions of the same report, not with every one.

    >>> a = signature("Russian forces seized Yunakivka on Tuesday, the General Staff said.")
    >>> b = signature("Russian forces have seized Yunakivka on Tuesday, said the General Staff.")
    >>> len(a.buckets) == BANDS, len(set(a.buckets) & set(b.buckets)) > 0
    (True, True)
    >>> round(jaccard(a.shingles, b.shingles), 2)
    0.21

The decision is the one ``claimmap.inputs.text.similarity`` makes: the Jaccard index of word
3-shingles at or above ``NEAR_DUPLICATE_THRESHOLD`` (0.05). That threshold is too low for LSH
over the 3-shingles themselves (unrelated Sumy reports score up to 0.006, rewrites 0.08-0.10:
no band shape separates those). So the index hashes something that does separate them: the
article's *rare words* (below ``COMMON_ZIPF`` in wordfreq for English, Ukrainian and Russian:
names, numbers, specific terms), where the seed rewrites score 0.47 and a hand-written rewrite
0.80, and unrelated reports mostly under 0.15. datasketch's MinHash (126 permutations) gives
each article 42 bands of 3 rows; a stored article that shares a band is a candidate (the chance
is 99.1% at a rare-word Jaccard of 0.47, 68% at 0.30, 4% at 0.10). Candidates are ranked by
how many bands they share and at most ``MAX_CANDIDATES`` are verified exactly against their
stored 3-shingles. (Measured on 2,000 distinct synthetic reports: a new one has a median of 9
candidates, at most 228.) A first design on the 500 commonest words and 64 bands of 2 made
a fifth of a 10,000-article store candidates for every new article.

Each back end stores, per article, its ``buckets`` (one 64-bit key per band, indexed) and its
sorted 3-shingle hashes (``shingles``, about 2 KB); see ``SQLiteStore.find_origin``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from claimmap.inputs.text import fingerprint

__all__ = ["BANDS", "MAX_CANDIDATES", "Signature", "jaccard", "signature"]

PERMUTATIONS = 126
ROWS = 3
BANDS = PERMUTATIONS // ROWS
#: Candidates verified exactly, those sharing most bands first: a bound on the cost of one new
#: article however many stored articles share its topic words.
MAX_CANDIDATES = 200
#: Below this many stored articles every one is verified (exactly what ``similarity`` pairs,
#: whatever the order of ingest: about 20 ms an article at 1,000); from it on, only the index's
#: candidates, whose pairing of a rewrite can depend on which versions were stored first.
EXACT_BELOW = 2000
#: A word this frequent (wordfreq's Zipf scale, the highest of English, Ukrainian and Russian:
#: 3.0 is once per million words) is not a content word.
COMMON_ZIPF = 3.0
_SEED = 1
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Signature:
    """What the index keeps of one article."""

    buckets: tuple[int, ...]  #: one signed 64-bit key per band (band number mixed in)
    shingles: bytes  #: the sorted uint64 3-shingle hashes (``fingerprint``), for verification


@lru_cache(maxsize=200_000)
def _common(word: str) -> bool:
    from wordfreq import zipf_frequency

    return any(zipf_frequency(word, lang) >= COMMON_ZIPF for lang in ("en", "uk", "ru"))


def content_words(text: str) -> set[str]:
    """The case-folded rare words of ``text`` (names, numbers, specific terms): what rewrites of
    one report share and unrelated reports on the same front mostly do not."""
    words = _WORD.findall(unicodedata.normalize("NFC", text).casefold())
    return {w for w in set(words) if (len(w) > 2 or w.isdigit()) and not _common(w)}


def signature(text: str) -> Signature:
    """The article's band keys and 3-shingle hashes."""
    from datasketch import MinHash  # imported on first use: it takes scipy with it

    words = sorted(content_words(text))
    minhash = MinHash(num_perm=PERMUTATIONS, seed=_SEED)
    if words:
        minhash.update_batch([w.encode("utf-8") for w in words])
    values = np.asarray(minhash.hashvalues, dtype=np.uint64)
    buckets = []
    if words:
        for band in range(BANDS):
            chunk = band.to_bytes(2, "big") + values[band * ROWS : (band + 1) * ROWS].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8).digest()
            buckets.append(int.from_bytes(digest, "big", signed=True))
    shingles = np.array(sorted(fingerprint(text)), dtype=np.uint64).tobytes()
    return Signature(tuple(buckets), shingles)


def jaccard(a: bytes, b: bytes) -> float:
    """The Jaccard index of two stored shingle sets (``Signature.shingles``): what
    ``claimmap.inputs.text.similarity`` gives for the two texts."""
    x = np.frombuffer(a, dtype=np.uint64)
    y = np.frombuffer(b, dtype=np.uint64)
    shared = len(np.intersect1d(x, y, assume_unique=True))
    union = len(x) + len(y) - shared
    return shared / union if union else 0.0
