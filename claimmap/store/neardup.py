"""Near-duplicate candidates through a MinHash LSH index, so a new article is compared only
with the stored articles likely to be versions of the same report, not with every one.

    >>> a = signature("Russian forces seized Yunakivka on Tuesday, the General Staff said.")
    >>> b = signature("Russian forces have seized Yunakivka on Tuesday, said the General Staff.")
    >>> len(a.buckets) == BANDS, len(set(a.buckets) & set(b.buckets)) > 0
    (True, True)
    >>> round(jaccard(a.shingles, b.shingles), 2)
    0.29

The decision is the one ``claimmap.inputs.files.similarity`` makes: the Jaccard index of word
3-shingles at or above ``NEAR_DUPLICATE_THRESHOLD`` (0.05). That threshold is too low for LSH
over the 3-shingles themselves (unrelated Sumy reports score up to 0.006, rewrites 0.08-0.10:
no band shape separates those). So the index hashes something that does separate them: the
article's *content words* (words outside the 500 commonest of English, Ukrainian and Russian,
from wordfreq), where rewrites of one report score 0.27-0.50 and unrelated reports at most
0.11. datasketch's MinHash (128 permutations) gives each article 64 bands of 2 rows; a stored
article that shares a band bucket is a candidate (the chance of that is 98% at a content-word
Jaccard of 0.25, 99.8% at 0.30, 47% at 0.10). Candidates are ranked by how many bands they
share and at most ``MAX_CANDIDATES`` are verified exactly against their stored 3-shingles.

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

from claimmap.inputs.files import fingerprint

__all__ = ["BANDS", "MAX_CANDIDATES", "Signature", "jaccard", "signature"]

PERMUTATIONS = 128
ROWS = 2
BANDS = PERMUTATIONS // ROWS
#: Candidates verified exactly, those sharing most bands first: a bound on the cost of one new
#: article however many stored articles share its topic words.
MAX_CANDIDATES = 200
#: How many of each language's commonest words are not content words.
COMMON_WORDS = 500
_SEED = 1
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Signature:
    """What the index keeps of one article."""

    buckets: tuple[int, ...]  #: one signed 64-bit key per band (band number mixed in)
    shingles: bytes  #: the sorted uint64 3-shingle hashes (``fingerprint``), for verification


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    from wordfreq import top_n_list

    return frozenset(w for lang in ("en", "uk", "ru") for w in top_n_list(lang, COMMON_WORDS))


def content_words(text: str) -> set[str]:
    """The case-folded words of ``text`` outside the commonest ones (digits kept)."""
    common = _common_words()
    words = _WORD.findall(unicodedata.normalize("NFC", text).casefold())
    return {w for w in words if w not in common and (len(w) > 2 or w.isdigit())}


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
    ``claimmap.inputs.files.similarity`` gives for the two texts."""
    x = np.frombuffer(a, dtype=np.uint64)
    y = np.frombuffer(b, dtype=np.uint64)
    shared = len(np.intersect1d(x, y, assume_unique=True))
    union = len(x) + len(y) - shared
    return shared / union if union else 0.0
