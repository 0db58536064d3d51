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
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from claimmap.places.index import Coded, Refs
from claimmap.places.languages import LANGUAGES
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
for _language in LANGUAGES.values():
    for _word, _kind in _language.area_words.items():
        _SUFFIX_KINDS.setdefault(_word, _kind)
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
    r"officer|leader|said|says|told|according\s+to\s+(?:journalist|analyst|blogger)|"
    + "|".join(sorted({w for lang in LANGUAGES.values() for w in lang.person_cues}))
    + r")\s+(?:(?:ВСУ|ЗСУ|ВС РФ|ЗС РФ|AFU)\s+)?$",
    re.IGNORECASE,
)
#: A verb of saying before a name makes it the speaker ("said Boyko") or the one spoken to
#: ("told Kyiv 24"), but a major place after it ("said Belarus remained") is still a place.
_SPEECH_CUE = re.compile(r"\b(?:said|says|told)\s+$", re.IGNORECASE)
_NOT_PLACE_BEFORE = re.compile(
    r"\b(?:articles?|art\.|paragraph|part|unit|brigade|battalion)\s+$", re.IGNORECASE
)
_GROUPING_AFTER = re.compile(
    r"^['’\"”]?\s+(?:group|grouping|battlegroup|task\s+force)\b", re.IGNORECASE
)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^['’]s\b")
_CYRILLIC = re.compile("[\u0400-\u04ff]")

COMMON_WORD_ZIPF = 4.0  #: wordfreq Zipf at or above which a capitalised word is an ordinary word
FUZZY_CUTOFF = 88.0  #: rapidfuzz ratio on skeletons needed for a fuzzy match
FUZZY_MIN_LENGTH = 6
NEAR_MISS_CUTOFF = 72.0  #: ratio for a typo or cut form that the article's places must confirm
NEAR_MISS_MIN_LENGTH = 4


@dataclass(frozen=True, slots=True)
class KeySet:
    """Every name the gazetteer tiers know, normalised, with the kinds of place behind it."""

    kinds: Mapping[str, frozenset[str]]
    skeleton_keys: Mapping[str, str]  #: skeleton -> one normalised key with that skeleton
    fuzzy_choices: tuple[str, ...]  #: single-word skeletons of settlements, for fuzzy matching
    max_tokens: int = MAX_TOKENS
    #: keys of major places (cities of 100,000 and more, oblasts, countries): a name such as
    #: "Moscow" or "Суми" is a place even though it is also a frequent word
    major: frozenset[str] = frozenset()
    #: keys that name an area before a settlement of the same name (regional nicknames:
    #: "на Харківщині" is the oblast, although a village is called Харківщина too)
    area_first: frozenset[str] = frozenset()
    #: lowercase words at or above ZIPF_FLOOR with their Zipf value (``common_words``), so that
    #: a process need not load wordfreq (0.6 s) to read one article; None: ask wordfreq
    common: Mapping[str, float] | None = None

    @classmethod
    def from_names(
        cls,
        names: Mapping[str, Iterable[str]],
        *,
        fuzzy_keys: Iterable[str] | None = None,
        major: Iterable[str] = (),
        area_first: Iterable[str] = (),
        common: Mapping[str, float] | None = None,
    ) -> KeySet:
        """Build from ``{normalised key: kinds}``; ``fuzzy_keys`` default to settlement keys."""
        shared: dict[frozenset[str], frozenset[str]] = {}  # a dozen distinct kind sets
        kinds = {
            key: shared.setdefault(frozenset(k), frozenset(k)) for key, k in names.items() if key
        }
        skeletons: dict[str, str] = {}
        for key in sorted(kinds):
            skeletons.setdefault(skeleton(key), key)
        if fuzzy_keys is None:
            fuzzy_keys = (k for k, kk in kinds.items() if "settlement" in kk)
        choices = sorted({skeleton(k) for k in fuzzy_keys if " " not in k and len(k) >= 5})
        longest = max((key.count(" ") + 1 for key in kinds), default=1)
        coded = Coded(kinds)  # tries, not dicts: the cached index loads in memory copies
        return cls(
            kinds=coded,
            skeleton_keys=Refs(skeletons, coded),
            fuzzy_choices=tuple(choices),
            max_tokens=min(MAX_TOKENS, longest),
            major=frozenset(major),
            area_first=frozenset(area_first),
            common=None if common is None else Coded(common),
        )

    def match(self, surface: str) -> str | None:
        """The normalised key a surface form stands for, exactly or by skeleton; else None."""
        key = normalise(surface)
        if key in self.kinds:
            return key
        return self.skeleton_keys.get(skeleton(key))

    def near_misses(self, surface: str) -> list[tuple[str, float]]:
        """Keys of Sumy settlements a word may be a typo or a cut form of (skeleton ratio at
        least NEAR_MISS_CUTOFF), best first; the resolver keeps one only in context."""
        skel = skeleton(normalise(surface))
        if len(skel) < NEAR_MISS_MIN_LENGTH or not self.fuzzy_choices:
            return []
        found = process.extract(
            skel, self.fuzzy_choices, scorer=fuzz.ratio, score_cutoff=NEAR_MISS_CUTOFF, limit=8
        )
        return [(self.skeleton_keys[f[0]], f[1]) for f in found if f[0] in self.skeleton_keys]

    def fuzzy(self, surface: str) -> str | None:
        """The key a misspelt single word most likely means, if it is close enough."""
        skel = skeleton(normalise(surface))
        if len(skel) < FUZZY_MIN_LENGTH or not self.fuzzy_choices:
            return None
        found = process.extractOne(
            skel, self.fuzzy_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        return self.skeleton_keys.get(found[0]) if found else None

    def zipf(self, word: str) -> float:
        """How common a lowercase word is (see ``_zipf``); 0 below ZIPF_FLOOR, where no rule
        here looks. From the ``common`` table when the word is one plain token, which wordfreq
        itself would look up as it is (tests/test_extract.py checks the two agree)."""
        if (
            self.common is not None
            and word.isalpha()
            and word == word.casefold()
            and unicodedata.is_normalized("NFC", word)
        ):
            return self.common.get(word, 0.0)  # type: ignore[return-value]
        return _zipf(word)


#: The lowest Zipf frequency the extractor's rules compare with (3: once in a million words);
#: ``common_words`` keeps the words from there up.
ZIPF_FLOOR = 3.0


def common_words() -> dict[str, float]:
    """Alphabetic lowercase words of wordfreq's English, Ukrainian and Russian lists at or
    above ZIPF_FLOOR, valued as ``_zipf`` values them (English for Latin words, the larger of
    Ukrainian and Russian for Cyrillic ones), for :attr:`KeySet.common`."""
    from wordfreq import get_frequency_dict

    floor = 10 ** (ZIPF_FLOOR - 9.01)  # a frequency this low rounds to below the floor
    words = {
        word
        for lang in ("en", "uk", "ru")
        for word, freq in get_frequency_dict(lang).items()
        if freq >= floor and word.isalpha() and word == word.casefold()
    }
    exact = _zipf.__wrapped__  # not through the cache: it is for the words of articles
    return {word: z for word in sorted(words) if (z := exact(word)) >= ZIPF_FLOOR}


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    """How common a word is (wordfreq Zipf): in English for Latin words, and the larger of
    Ukrainian and Russian for Cyrillic ones (function words such as "По", "Там", "Об")."""
    from wordfreq import zipf_frequency  # loaded on first use, never at import time

    if _CYRILLIC.search(word):
        return max(zipf_frequency(word, "uk"), zipf_frequency(word, "ru"))
    return zipf_frequency(word, "en")


def _is_acronym(token: str) -> bool:
    """ЗСУ, ВСУ, ОВА, UNN: all capitals, two to five letters."""
    return 2 <= len(token) <= 5 and token.isupper() and token.isalpha()


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


def _person_names(text: str, tokens: list[re.Match[str]], keys: KeySet) -> set[str]:
    """Surnames the text introduces as people ("journalist Vladimir Boyko" -> {"boyko", ...})."""
    people: set[str] = set()
    for i, tok in enumerate(tokens):
        cue = text[max(0, tok.start() - 40) : tok.start()]
        if not _is_capitalised(tok.group()) or not _PERSON_CUES.search(cue):
            continue
        if _SPEECH_CUE.search(cue) and keys.match(tok.group()) in keys.major:
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


@dataclass(frozen=True, slots=True)
class _Part:
    """One name of a hyphenated chain, standing in for a token (the same three methods)."""

    at: int
    until: int
    text: str

    def start(self) -> int:
        return self.at

    def end(self) -> int:
        return self.until

    def group(self) -> str:
        return self.text


_CHAIN_PART = re.compile(r"[^-]+")


def _split_chains(
    text: str, tokens: list[re.Match[str]], keys: KeySet
) -> list[re.Match[str] | _Part]:
    """A hyphenated token that is no name ("Veselivka-Zhuravka-Novenke") becomes its parts when
    every part is capitalised and at least one is a name; "Знобь-Новгородське" stays whole, and
    so does one before an area word (a hromada's name: "Середино-Будської громади")."""
    out: list[re.Match[str] | _Part] = []
    for tok in tokens:
        word = tok.group()
        if "-" in word and keys.match(word) is None and _suffix_kind(text, tok.end()) is None:
            parts = list(_CHAIN_PART.finditer(word))
            if (
                len(parts) >= 2
                and all(_is_capitalised(p.group()) and len(p.group()) >= 3 for p in parts)
                and any(keys.match(p.group()) is not None for p in parts)
            ):
                out.extend(
                    _Part(tok.start() + p.start(), tok.start() + p.end(), p.group()) for p in parts
                )
                continue
        out.append(tok)
    return out


def extract_mentions(text: str, *, article_id: str, keys: KeySet) -> tuple[Mention, ...]:
    """Every toponym mention in ``text``, in order, non-overlapping."""
    tokens = _split_chains(text, list(_TOKEN.finditer(text)), keys)
    people = _person_names(text, tokens, keys)
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
    return tuple(rekind(text, mentions))


_DASH = "-‐‑‒–—"
_DATELINE_AFTER = re.compile(
    r"(?:,\s*[A-ZА-ЯІЇЄҐ][^\W\d]*\.?)?,?\s*(?:[^\W\d]+\.?\s+\d{1,2}\b|\d{1,2}\s+[^\W\d]+|"
    r"\((?:Reuters|AP|AFP|Bloomberg|dpa|UNN|Ukrinform|Укрінформ|УНН|ТАСС|РИА)\))"
)
_DATELINE_END = re.compile(r"\s[-–—]\s|\)\s*[-–—]|/[A-ZА-ЯЁ][^/\n]{1,25}/\.?|\.\s")


def _org_words(where: str) -> re.Pattern[str]:
    words = sorted(
        {w for lang in LANGUAGES.values() for w in getattr(lang, where)}, key=len, reverse=True
    )
    body = "|".join(re.escape(w) for w in words)
    if where == "organisation_after":
        # "Кордон.Медіа", "Sumy OVA"; a full stop and a space end the sentence ("Ворожби. НОВИНИ")
        return re.compile(rf"(?:[\s«\"]|\.(?!\s))*(?:{body})(?![^\W\d_])", re.IGNORECASE)
    return re.compile(rf"(?<![^\W\d_])(?:{body})[\s«\"„]*$", re.IGNORECASE)


def rekind(text: str, mentions: Iterable[Mention]) -> list[Mention]:
    """Mentions whose surroundings make them something other than the site of an event:

    * ``dateline``: "SUMY, June 14 (Reuters) -", "КУРСК, 5 июня. /ТАСС/." (and "Ukraine" in
      "KYIV, Ukraine (AP) —"): where a report was filed;
    * ``organisation``: a medium, office or unit named after a place ("The Kyiv Independent",
      "Kyiv 24", "Sumy OVA", "Кордон.Медіа", "угруповання військ Курськ");
    * ``embedded``: names in a road or line named after places ("the Sumy-Yunakivka highway",
      "траса Суми–Юнаківка").
    The words that decide are in the per-language tables (``places.languages``)."""
    after_org, before_org = _org_words("organisation_after"), _org_words("organisation_before")
    roads = sorted({w for lang in LANGUAGES.values() for w in lang.road_words}, key=len)
    road_after = re.compile(
        rf"\s+(?:[^\W\d_]+\s+)?(?:{'|'.join(map(re.escape, roads))})\b", re.IGNORECASE
    )
    road_before = re.compile(
        rf"\b(?:{'|'.join(map(re.escape, roads))})\s+(?:[^\W\d_]+\s+)?$", re.IGNORECASE
    )
    out = list(mentions)
    dateline_end = -1
    for index, m in enumerate(out):
        line_start = text.rfind("\n", 0, m.start) + 1
        head = not text[line_start : m.start].strip() and m.surface.isupper()
        if (head and len(m.surface) > 2) and (
            _DATELINE_AFTER.match(text, m.end) or text.startswith((",", " ("), m.end)
        ):
            found = _DATELINE_END.search(text, m.end, m.end + 120)
            dateline_end = found.end() if found else m.end
        if m.start < dateline_end:
            out[index] = _with(m, "dateline")
        elif after_org.match(text, m.end) or before_org.search(text, max(0, m.start - 30), m.start):
            out[index] = _with(m, "organisation")
    # chains: names joined by a dash, with a road word just after or before the chain
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and _dash_between(text, out[j].end, out[j + 1].start):
            j += 1
        if j > i and (
            road_after.match(text, out[j].end)
            or road_before.search(text, max(0, out[i].start - 40), out[i].start)
        ):
            for k in range(i, j + 1):
                if out[k].kind not in ("dateline", "organisation"):
                    out[k] = _with(out[k], "embedded")
        i = j + 1
    return out


def _dash_between(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return 0 < len(gap) <= 3 and gap.strip() != "" and all(c in _DASH or c == " " for c in gap)


def _with(mention: Mention, kind: str) -> Mention:
    return Mention(
        mention.article_id, mention.start, mention.end, mention.surface, kind, mention.key
    )


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
    if run - i > 1 or keys.zipf(surface.lower()) >= 3.0:
        return None
    key = keys.fuzzy(surface)
    if key is not None:
        return _with_kind(text, first.start(), first.end(), key, keys, before), 1
    if _SETTLEMENT_CUES.search(before[-30:]) and _STRONG_CUES.search(before[-30:]):
        return (first.start(), first.end(), "unknown", normalise(surface)), 1
    if not _is_acronym(surface) and not _CYRILLIC.search(surface) and keys.near_misses(surface):
        # a typo or a cut form of a romanised name ("Vasivka", "Lokni"): kept only if the
        # article makes it certain. Not for Cyrillic: a near miss there is another word form
        # (на Краснопільщині, the Krasnopillia area), not a misspelt village.
        return (first.start(), first.end(), "tentative", normalise(surface)), 1
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
    if (
        key in people
        or (
            _PERSON_CUES.search(before[-40:])
            and _suffix_kind(text, tokens[end_tok - 1].end())
            is None  # "губернатор Курской области"
            and not (key in keys.major and _SPEECH_CUE.search(before[-40:]))
        )
    ):
        return False
    after = text[tokens[end_tok - 1].end() : tokens[end_tok - 1].end() + 20]
    if _GROUPING_AFTER.match(after):
        return False
    kinds = keys.kinds.get(key, frozenset())
    if (
        _is_acronym(surface)
        and "country" not in kinds
        and key not in keys.area_first  # ДНР: an oblast's other name, in the language tables
        and not _dateline_head(text, tokens[i])
    ):
        return False  # ЗСУ, ОВА, СУМ in a shouted headline: an acronym, not a place
    title = _title_case_line(text, tokens[i].start())
    cyrillic = bool(_CYRILLIC.search(surface))
    # "Vladimir Boyko": a known name glued to an unknown capitalised word is a person's name
    # (except in a Title Case headline, where every word is capitalised).
    nxt = tokens[end_tok].group() if end_tok < len(tokens) else ""
    if (
        not title
        and nxt
        and _is_capitalised(nxt)
        and not _is_acronym(nxt)
        and text[tokens[end_tok - 1].end() : tokens[end_tok].start()] == " "
        and keys.match(nxt) is None
        and _suffix_kind(text, tokens[end_tok - 1].end()) is None
        and "country" not in kinds
        and not (cyrillic and _sentence_initial(text, tokens[end_tok].start()))
    ):
        return False
    prev = tokens[i - 1].group() if i > 0 else ""
    if (
        not title
        and prev
        and _is_capitalised(prev)
        and not _is_acronym(prev)  # "ВСУ Садки": an acronym is not a first name
        and text[tokens[i - 1].end() : tokens[i].start()] == " "
        and keys.match(prev) is None
        and not _sentence_initial(text, tokens[i - 1].start())
        and keys.zipf(prev.lower()) < 4.0
        and _suffix_kind(text, tokens[end_tok - 1].end()) is None  # "Плёхово Суджанского района"
    ):
        return False
    if n == 1 and (
        _is_person(surface) if cyrillic else _latin_first_name(text, tokens[i], key, keys)
    ):
        return False
    if n == 1 and _PERSON_AFTER.match(text, tokens[i].end()) and key not in keys.major:
        return False  # "Kuzmenko, a local official, said"
    if (
        n == 1
        and keys.zipf(surface.lower()) >= COMMON_WORD_ZIPF
        and "country" not in kinds
        and key not in keys.major
    ):
        # A capitalised Cyrillic word inside a sentence is a name: only at a sentence start, in
        # capitals or in a headline can it be an ordinary word ("По словам", "Там", "Селище").
        if cyrillic and not (
            _sentence_initial(text, tokens[i].start()) or surface.isupper() or title
        ):
            return True
        # An ordinary word ("North", "Reading", "Там") is a place only after a place cue.
        return bool(_STRONG_CUES.search(before[-30:])) or (
            _suffix_kind(text, tokens[i].end()) is not None and keys.zipf(surface.lower()) < 5.0
        )
    return True


def _dateline_head(text: str, token: re.Match[str] | _Part) -> bool:
    """ "SUMY, June 14 (Reuters) -": a capitalised name opening a line, then a date or agency."""
    line_start = text.rfind("\n", 0, token.start()) + 1
    return not text[line_start : token.start()].strip() and bool(
        _DATELINE_AFTER.match(text, token.end()) or text.startswith(",", token.end())
    )


#: An appositive that makes a capitalised word a person: "Kuzmenko, a local official",
#: "Oleg, 42,", "Volodymyr, a volunteer from Krasnopillia".
_PERSON_AFTER = re.compile(
    r",\s+(?:(?:a|an)\s+(?:[a-z-]+\s+){0,2}?(?:official|resident|volunteer|spokes(?:man|woman"
    r"|person)|soldier|commander|officer|journalist|blogger|farmer|teacher|mother|father|"
    r"doctor|analyst|correspondent|driver|pensioner|nurse|woman|man)|\d{2},)"
)


_SAYS_AFTER = re.compile(r"\s+(?:said|says|told|wrote|added|recalled|explained)\b")


def _latin_first_name(text: str, token: re.Match[str] | _Part, key: str, keys: KeySet) -> bool:
    """A Latin first name (Oleg, Oleh) that is no major place, followed by a verb of saying:
    "Oleh told UNN". (The list alone cannot decide: Alexandria is a first name too.)"""
    if key in keys.major or not _SAYS_AFTER.match(text, token.end()):
        return False
    return _first_name(token.group())


@lru_cache(maxsize=16384)
def _first_name(word: str) -> bool:
    """Whether gender-guesser's name list (first names of many countries, Ukraine and Russia
    among them) has ``word`` as a first name."""
    from gender_guesser.detector import Detector  # loaded on first use

    return _detector(Detector).get_gender(word) in (
        "male",
        "female",
        "mostly_male",
        "mostly_female",
    )


_DETECTOR: list[object] = []


def _detector(factory):  # type: ignore[no-untyped-def]
    if not _DETECTOR:
        _DETECTOR.append(factory(case_sensitive=False))
    return _DETECTOR[0]


@lru_cache(maxsize=16384)
def _is_person(word: str) -> bool:
    """A Cyrillic first name or patronymic (Олега, Андрій), by pymorphy3's best analysis."""
    from claimmap.places.morphology import person_name

    return person_name(word)


def _with_kind(
    text: str, start: int, end: int, key: str, keys: KeySet, before: str
) -> tuple[int, int, str, str]:
    kinds = keys.kinds.get(key, frozenset())
    suffix = _suffix_kind(text, end)
    if suffix is not None:
        kind, suffix_end = suffix
        if kind == "sector" and (
            not kinds & {"oblast", "raion", "hromada"}
            or ("oblast" not in kinds and "settlement" in kinds and _FROM_BEFORE.search(before))
        ):  # "from the Novenke / Sudzha direction": the town; the Sumy direction: a sector
            return start, end, "settlement", key
        if kind == "settlement" and "settlement" not in kinds:
            return start, end, next(iter(sorted(kinds)), "settlement"), key
        return start, suffix_end, kind, key
    if "country" in kinds:
        return start, end, "country", key
    if key in keys.area_first and "oblast" in kinds:
        return start, end, "oblast", key
    if "settlement" in kinds or _STRONG_CUES.search(before[-30:]):
        return start, end, "settlement", key
    for kind in ("hromada", "raion", "oblast"):
        if kind in kinds:
            return start, end, kind, key
    return start, end, "settlement", key
