"""Text helpers every reader shares: the content hash, near-duplicate shingles, the language,
dates written in the text.

    >>> from claimmap.inputs.text import article_id, detect_language, parse_date
    >>> article_id("Sumy  under fire") == article_id("Sumy under fire")
    True
    >>> detect_language("Бої тривають у Юнаківці"), parse_date("3 червня 2025")
    ('uk', '2025-06-03')

They live apart from ``files`` so the page, feed and Telegram readers can use them without
importing the file reader (which imports them back for pages).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

#: ``similarity`` at or above this marks two articles as versions of one report.
NEAR_DUPLICATE_THRESHOLD = 0.05
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_MONTHS = {
    **{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december"), 1)},
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
        "oct", "nov", "dec"), 1)},
    "sept": 9,
    **{m: i for i, m in enumerate(("января", "февраля", "марта", "апреля", "мая", "июня", "июля",
        "августа", "сентября", "октября", "ноября", "декабря"), 1)},
    **{m: i for i, m in enumerate(("січня", "лютого", "березня", "квітня", "травня", "червня",
        "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"), 1)},
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATES = (
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)"),
    re.compile(rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b",
               re.IGNORECASE),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b",
               re.IGNORECASE),
)  # fmt: skip
_WORD = re.compile(r"\w+")
_LANGUAGE_SAMPLE = 20_000  # characters; plenty to tell three languages apart
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z]")
_UK_LETTERS = re.compile("[іїєґІЇЄҐ]")
_RU_LETTERS = re.compile("[ыэёъЫЭЁЪ]")


def article_id(text: str) -> str:
    """Content hash: sha256 (first 16 hex digits) of the NFC, whitespace-collapsed text."""
    normal = " ".join(unicodedata.normalize("NFC", _INVISIBLE.sub("", text)).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def fingerprint(text: str) -> frozenset[int]:
    """Stable 64-bit hashes of the case-folded word 3-shingles of ``text`` (shorter: its words)."""
    words = _WORD.findall(unicodedata.normalize("NFC", text).casefold())
    k = min(3, len(words))
    return frozenset(
        int.from_bytes(hashlib.blake2b(" ".join(words[i : i + k]).encode(), digest_size=8).digest())
        for i in range(len(words) - k + 1 if words else 0)
    )


def similarity(a: str | frozenset[int], b: str | frozenset[int]) -> float:
    """Jaccard index of two texts' (or two fingerprints') word 3-shingles, in [0, 1]."""
    fa = a if isinstance(a, frozenset) else fingerprint(a)
    fb = b if isinstance(b, frozenset) else fingerprint(b)
    shared = len(fa & fb)
    union = len(fa) + len(fb) - shared
    return shared / union if union else 0.0


def detect_language(text: str) -> str:
    """``uk``, ``ru``, ``en``, or ``mixed`` when each script has at least a fifth of the letters
    (an English report quoting Cyrillic sources at length, a bilingual post).

    Ukrainian has і ї є ґ, Russian ы э ё ъ; the larger count wins. A tie (usually none of
    either) is ``ru``: і is one of the commonest Ukrainian letters, so Ukrainian text lacks
    it only when very short. The language decides which declension applies to its names.

    >>> detect_language("Бої тривають у Юнаківці"), detect_language("Бои идут в Юнаковке")
    ('uk', 'ru')
    >>> detect_language("Fighting near Yunakivka. Бої тривають у Юнаківці та Андріївці.")
    'mixed'
    """
    sample = text[:_LANGUAGE_SAMPLE]
    cyrillic, latin = len(_CYRILLIC.findall(sample)), len(_LATIN.findall(sample))
    letters = cyrillic + latin
    if letters and min(cyrillic, latin) >= MIXED_SHARE * letters:
        return "mixed"
    if cyrillic <= latin:
        return "en"
    return "uk" if len(_UK_LETTERS.findall(sample)) > len(_RU_LETTERS.findall(sample)) else "ru"


#: Each script needs this share of the letters for a text to be ``mixed``.
MIXED_SHARE = 0.2


def parse_date(value: str) -> str:
    """The first real date written in ``value`` as ISO ``YYYY-MM-DD``, or "" when there is none.

    Reads ISO dates (also with a time), ``03.06.2025`` (day first), ``June 3, 2025`` and
    ``3 June 2025``, including Russian and Ukrainian month names in the genitive."""
    found: list[tuple[int, str]] = []
    for pattern in _DATES:
        for m in pattern.finditer(value):
            month = _MONTHS[m["mon"].lower()] if "mon" in m.groupdict() else int(m["m"])
            try:
                day = dt.date(int(m["y"]), month, int(m["d"]))
            except ValueError:
                continue
            if 1900 <= day.year <= 2100:
                found.append((m.start(), day.isoformat()))
                break
    return min(found)[1] if found else ""
