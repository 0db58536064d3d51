"""Find toponym mentions in English text, with exact character offsets and a kind.

    >>> from claimmap.places.extract import KeySet, extract_mentions
    >>> keys = KeySet.from_names({"sumy": {"settlement", "oblast"}, "yunakivka": {"settlement"}})
    >>> [(m.surface, m.kind) for m in extract_mentions("Fighting near Yunakivka on the Sumy front.",
    ...                                                article_id="a", keys=keys)]
    [('Yunakivka', 'settlement'), ('Sumy front', 'sector')]

The scan is dictionary driven: runs of capitalised words are looked up (longest first) among the
normalised and skeleton keys of every gazetteer tier. The words around a match decide its kind
("Sumy Oblast" is the oblast, "Khotin community" the hromada, "the Sumy direction" a front sector).
Guards keep out what is not a place: common English words (by wordfreq), person names ("Vladimir
Boyko", a role word before a name, a surname seen as a person before), legal references and
military groupings. A capitalised word after a place cue ("the village of Zhuravka") that no tier
knows is still returned, kind ``unknown``, for the geocoder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from claimmap.places.variants import normalise, skeleton
from claimmap.records import Mention

__all__ = ["KeySet", "extract_mentions"]

MAX_TOKENS = 4
# A word, with inner apostrophes and hyphens (Mar'yanivka, Novo-Oleksandrivka) but not a
# possessive ending (Ukraine's -> Ukraine). Combining marks (a stress accent, "Kondrato\u0301vka")
# stay inside the word: a letter followed by marks is one character to a reader.
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_LETTERS = rf"[^\W\d_](?:[^\W\d_]|[{_MARKS}])*"
_TOKEN = re.compile(rf"{_LETTERS}(?:['’ʼ](?!s\b){_LETTERS}|-{_LETTERS})*")
#: A line longer than this is prose, never a Title Case headline (bounds the work per name).
_HEADLINE_MAX = 300

# Words after a name that make it an area, and the kind they make.
_SUFFIX_KINDS: dict[str, str] = {
    "oblast": "oblast",
    "region": "oblast",
    "province": "oblast",
    "governorate": "oblast",
    "raion": "raion",
    "rayon": "raion",
    "district": "raion",
    "hromada": "hromada",
    "community": "hromada",
    "municipality": "hromada",
    "direction": "sector",
    "front": "sector",
    "axis": "sector",
    "sector": "sector",
    "frontline": "sector",
    "border area": "sector",
    # Ukrainian and Russian, as they appear inside English text ("Сумська область").
    "область": "oblast",
    "області": "oblast",
    "области": "oblast",
    "обл": "oblast",
    "район": "raion",
    "районі": "raion",
    "районе": "raion",
    "громада": "hromada",
    "громаді": "hromada",
    "громади": "hromada",
    "напрямок": "sector",
    "напрямку": "sector",
    "направление": "sector",
    "направлении": "sector",
}
# Adjectives reporters put between a name and the suffix word ("Khotin territorial community").
_SUFFIX_FILLERS = ("territorial", "amalgamated", "urban", "rural", "settlement", "village")
_SUFFIX_RE = re.compile(
    r"[ \t]+((?:(?:" + "|".join(_SUFFIX_FILLERS) + r")\s+)?)([^\W\d_]+(?: area)?)"
)
# Words before a name that say it is a settlement.
_SETTLEMENT_CUES = re.compile(
    r"(?:\b(?:city|town|village|settlement|hamlet|township|outskirts)\s+of\s+(?:the\s+)?"
    r"|\b(?:near|outside|in|at|into|toward|towards|from|around|to)\s+(?:the\s+)?"
    r"(?:village\s+|town\s+|city\s+|settlement\s+)?)$",
    re.IGNORECASE,
)
_STRONG_CUES = re.compile(
    r"\b(?:city|town|village|villages|settlement|settlements|hamlet)\s+(?:of\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
# Words before a capitalised name that make it a person, a unit, a document or a group.
_PERSON_CUES = re.compile(
    r"\b(?:journalist|analyst|commander|general|gen\.|colonel|col\.|major|lieutenant|captain|"
    r"sergeant|spokesman|spokeswoman|spokesperson|president|minister|governor|mayor|head|chief|"
    r"mr\.?|mrs\.?|ms\.?|dr\.?|blogger|correspondent|reporter|deputy|official|soldier|"
    r"officer|leader|said|says|told|according\s+to\s+(?:journalist|analyst|blogger))\s+$",
    re.IGNORECASE,
)
_NOT_PLACE_BEFORE = re.compile(
    r"\b(?:articles?|art\.|paragraph|part|unit|brigade|battalion)\s+$", re.IGNORECASE
)
_GROUPING_AFTER = re.compile(
    r"^['’\"”]?\s+(?:group|grouping|battlegroup|task\s+force)\b", re.IGNORECASE
)
_POSSESSIVE = re.compile(r"^['’]s\b")

COMMON_WORD_ZIPF = 4.0  #: wordfreq Zipf at or above which a capitalised word is an ordinary word
FUZZY_CUTOFF = 88.0  #: rapidfuzz ratio on skeletons needed for a fuzzy match
FUZZY_MIN_LENGTH = 6


@dataclass(frozen=True, slots=True)
class KeySet:
    """Every name the gazetteer tiers know, normalised, with the kinds of place behind it."""

    kinds: Mapping[str, frozenset[str]]
    skeleton_keys: Mapping[str, str]  #: skeleton -> one normalised key with that skeleton
    fuzzy_choices: tuple[str, ...]  #: single-word skeletons of settlements, for fuzzy matching
    max_tokens: int = MAX_TOKENS

    @classmethod
    def from_names(
        cls, names: Mapping[str, Iterable[str]], *, fuzzy_keys: Iterable[str] | None = None
    ) -> KeySet:
        """Build from ``{normalised key: kinds}``; ``fuzzy_keys`` default to settlement keys."""
        kinds = {key: frozenset(k) for key, k in names.items() if key}
        skeletons: dict[str, str] = {}
        for key in sorted(kinds):
            skeletons.setdefault(skeleton(key), key)
        if fuzzy_keys is None:
            fuzzy_keys = (k for k, kk in kinds.items() if "settlement" in kk)
        choices = sorted({skeleton(k) for k in fuzzy_keys if " " not in k and len(k) >= 5})
        longest = max((key.count(" ") + 1 for key in kinds), default=1)
        return cls(
            kinds=kinds,
            skeleton_keys=skeletons,
            fuzzy_choices=tuple(choices),
            max_tokens=min(MAX_TOKENS, longest),
        )

    def match(self, surface: str) -> str | None:
        """The normalised key a surface form stands for, exactly or by skeleton; else None."""
        key = normalise(surface)
        if key in self.kinds:
            return key
        return self.skeleton_keys.get(skeleton(key))

    def fuzzy(self, surface: str) -> str | None:
        """The key a misspelt single word most likely means, if it is close enough."""
        skel = skeleton(normalise(surface))
        if len(skel) < FUZZY_MIN_LENGTH or not self.fuzzy_choices:
            return None
        found = process.extractOne(
            skel, self.fuzzy_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        return self.skeleton_keys.get(found[0]) if found else None


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency  # loaded on first use, never at import time

    return zipf_frequency(word, "en")


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper()


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start].rstrip(" \t\"'“‘«(")
    return not before or before[-1] in ".!?\n:;—–-"


def _suffix_kind(text: str, end: int) -> tuple[str, int] | None:
    """The area kind named by the words right after a name, and where that phrase ends."""
    rest = text[end : end + 40]
    m = _SUFFIX_RE.match(rest)
    if not m:
        return None
    word = m.group(2).lower()
    kind = _SUFFIX_KINDS.get(word) or _SUFFIX_KINDS.get(word.split()[0])
    if kind is None:
        return None
    if word not in _SUFFIX_KINDS:  # "front area": the suffix is the first word only
        return kind, end + m.start(2) + len(word.split()[0])
    return kind, end + m.end(2)


def _title_case_line(text: str, pos: int) -> bool:
    """Whether the line around ``pos`` is a Title Case headline."""
    start = text.rfind("\n", max(0, pos - _HEADLINE_MAX), pos) + 1
    end = text.find("\n", pos, pos + _HEADLINE_MAX)
    end = len(text) if end == -1 and len(text) - pos <= _HEADLINE_MAX else end
    if (start == 0 and pos > _HEADLINE_MAX) or end == -1:
        return False
    words = [w for w in _TOKEN.findall(text[start:end]) if len(w) > 3]
    return len(words) >= 4 and sum(_is_capitalised(w) for w in words) >= 0.7 * len(words)


def _person_names(text: str, tokens: list[re.Match[str]]) -> set[str]:
    """Surnames the text introduces as people ("journalist Vladimir Boyko" -> {"boyko", ...})."""
    people: set[str] = set()
    for i, tok in enumerate(tokens):
        cue = text[max(0, tok.start() - 40) : tok.start()]
        if not _is_capitalised(tok.group()) or not _PERSON_CUES.search(cue):
            continue
        j = i
        while (
            j + 1 < len(tokens)
            and _is_capitalised(tokens[j + 1].group())
            and text[tokens[j].end() : tokens[j + 1].start()] == " "
        ):
            j += 1
        for t in tokens[i : j + 1]:
            people.add(normalise(t.group()))
    return people


def extract_mentions(text: str, *, article_id: str, keys: KeySet) -> tuple[Mention, ...]:
    """Every toponym mention in ``text``, in order, non-overlapping."""
    tokens = list(_TOKEN.finditer(text))
    people = _person_names(text, tokens)
    mentions: list[Mention] = []
    i = 0
    while i < len(tokens):
        found = _match_at(text, tokens, i, keys, people)
        if found is None:
            i += 1
            continue
        mention, used = found
        mentions.append(
            Mention(
                article_id=article_id,
                start=mention[0],
                end=mention[1],
                surface=text[mention[0] : mention[1]],
                kind=mention[2],
                key=mention[3],
            )
        )
        i += used
        while i < len(tokens) and tokens[i].start() < mention[1]:
            i += 1
    return tuple(mentions)


def _run_end(text: str, tokens: list[re.Match[str]], i: int, limit: int) -> int:
    """Index past the last token of the capitalised run starting at ``i`` (at most ``limit``)."""
    j = i + 1
    while (
        j < len(tokens)
        and j - i < limit
        and _is_capitalised(tokens[j].group())
        and text[tokens[j - 1].end() : tokens[j].start()] in (" ", "-")
    ):
        j += 1
    return j


def _match_at(
    text: str, tokens: list[re.Match[str]], i: int, keys: KeySet, people: set[str]
) -> tuple[tuple[int, int, str, str], int] | None:
    first = tokens[i]
    if not _is_capitalised(first.group()):
        return None
    before = text[max(0, first.start() - 40) : first.start()]
    if _NOT_PLACE_BEFORE.search(before):
        return None
    run = _run_end(text, tokens, i, keys.max_tokens)
    for n in range(run - i, 0, -1):
        start, end = first.start(), tokens[i + n - 1].end()
        key = keys.match(text[start:end])
        if key is None:
            continue
        if not _acceptable(text, tokens, i, n, key, keys, people, before):
            return None
        return _with_kind(text, start, end, key, keys, before), n
    # Nothing known: a misspelling of a settlement, or an unknown toponym after a place cue.
    surface = first.group()
    if normalise(surface) in people or _sentence_initial(text, first.start()):
        return None
    if run - i > 1 or _zipf(surface.lower()) >= 3.0:
        return None
    key = keys.fuzzy(surface)
    if key is not None:
        return _with_kind(text, first.start(), first.end(), key, keys, before), 1
    if _SETTLEMENT_CUES.search(before[-30:]) and _STRONG_CUES.search(before[-30:]):
        return (first.start(), first.end(), "unknown", normalise(surface)), 1
    return None


def _acceptable(
    text: str,
    tokens: list[re.Match[str]],
    i: int,
    n: int,
    key: str,
    keys: KeySet,
    people: set[str],
    before: str,
) -> bool:
    """Guards against words that are in a gazetteer but are not places here."""
    end_tok = i + n
    surface = text[tokens[i].start() : tokens[end_tok - 1].end()]
    if key in people or _PERSON_CUES.search(before[-40:]):
        return False
    after = text[tokens[end_tok - 1].end() : tokens[end_tok - 1].end() + 20]
    if _GROUPING_AFTER.match(after):
        return False
    kinds = keys.kinds.get(key, frozenset())
    title = _title_case_line(text, tokens[i].start())
    # "Vladimir Boyko": a known name glued to an unknown capitalised word is a person's name
    # (except in a Title Case headline, where every word is capitalised).
    if (
        not title
        and end_tok < len(tokens)
        and _is_capitalised(tokens[end_tok].group())
        and text[tokens[end_tok - 1].end() : tokens[end_tok].start()] == " "
        and keys.match(tokens[end_tok].group()) is None
        and _suffix_kind(text, tokens[end_tok - 1].end()) is None
        and "country" not in kinds
    ):
        return False
    if (
        not title
        and i > 0
        and _is_capitalised(tokens[i - 1].group())
        and text[tokens[i - 1].end() : tokens[i].start()] == " "
        and keys.match(tokens[i - 1].group()) is None
        and not _sentence_initial(text, tokens[i - 1].start())
        and _zipf(tokens[i - 1].group().lower()) < 4.0
    ):
        return False
    if n == 1 and _zipf(surface.lower()) >= COMMON_WORD_ZIPF and "country" not in kinds:
        # An ordinary English word ("North", "Reading") is a place only after a place cue.
        return bool(_STRONG_CUES.search(before[-30:])) or (
            _suffix_kind(text, tokens[i].end()) is not None and _zipf(surface.lower()) < 5.0
        )
    return True


def _with_kind(
    text: str, start: int, end: int, key: str, keys: KeySet, before: str
) -> tuple[int, int, str, str]:
    kinds = keys.kinds.get(key, frozenset())
    suffix = _suffix_kind(text, end)
    if suffix is not None:
        kind, suffix_end = suffix
        return start, suffix_end, kind, key
    if "country" in kinds:
        return start, end, "country", key
    if "settlement" in kinds or _STRONG_CUES.search(before[-30:]):
        return start, end, "settlement", key
    for kind in ("hromada", "raion", "oblast"):
        if kind in kinds:
            return start, end, kind, key
    return start, end, "settlement", key
