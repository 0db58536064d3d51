"""Turn an article's resolved place mentions into claims: event type, actor, attribution, status.

    >>> from claimmap.records import Article, Mention, Place, Resolution
    >>> text = "Russian troops seized control of Alexandria, according to a military source."
    >>> article = Article(article_id="a1", title="", text=text)
    >>> start = text.find("Alexandria")
    >>> mention = Mention("a1", start, start + 10, "Alexandria", "settlement", "alexandria")
    >>> place = Place("UA59", "settlement", "Oleksandriia")
    >>> [claim] = extract_claims(article, [Resolution(mention, place, 0.9, 1, "sumy", "exact")])
    >>> claim.event_type, claim.actor, claim.attribution, claim.status, claim.confidence
    ('territorial_capture', 'Russian forces', 'a military source', 'claimed', 0.9)

How a sentence becomes claims (docs/EVENT_TYPES.md has the full story):

* Sentences come from ``syntok``; offsets are exact (``text[start:end]`` is the sentence).
* Every trigger lives in the one table ``TRIGGERS`` (regex over lower-cased text -> event type,
  actor hint). Each place mention binds to the nearest trigger before it in its clause ("X was
  captured" binds the trigger right after it); a place in a sentence with no trigger is a
  ``mention``. Clauses split on ";", ", while", ", where", "and launched", ... so two events in one
  sentence stay apart. Triggers in a hypothetical clause ("could", "would", "if") bind as mentions.
* "from X" gives X the role ``origin``; for moves (advance, withdrawal) "toward(s)/to/into/on Y"
  gives Y the role ``target``; everything else is a ``location``.
* A sentence with no place but an event and "there" / "in the area" binds to the one place of the
  sentence before it (confidence x0.5); actor and attribution are inherited from earlier sentences
  of the same paragraph when a sentence names none (actor inheritance costs x0.9).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from syntok import segmenter

from claimmap.claims.dates import date_claims
from claimmap.errors import ClaimInputError
from claimmap.records import ACTORS, Article, Claim, Resolution

RU, UA, ANY = "Russian forces", "Ukrainian forces", "unspecified"

EVENT_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "territorial_capture": "A side takes control of a place (ACLED: non-state actor/government "
        "regains territory): seized, captured, occupied, took, fell.",
        "recapture": "A side takes a place back: liberated, recaptured, retook, regained control.",
        "assault": "A ground attack on a place (ACLED armed clash, attack phase): assault on, "
        "stormed, attacked, offensive against.",
        "advance": "Forces move forward on or toward a place: advancing toward, pushing toward, "
        "advances on, broke through.",
        "armed_clash": "Fighting at a place with no side named as winner (ACLED armed clash): "
        "fighting continues, clashes, battles for, engaged, repelled.",
        "withdrawal": "A side leaves a place: retreat from, withdrew, pulled back, forced to "
        "retreat, fell back.",
        "shelling": "Artillery, rocket or missile fire (ACLED shelling/artillery/missile attack): "
        "shelled, artillery, mortar, MLRS, missile strike.",
        "air_drone_strike": "Air or drone strike (ACLED air/drone strike): drone strike, "
        "airstrike, glide bomb, KAB, Shahed, FPV.",
        "civilian_harm": "Civilians harmed or moved (ACLED violence against civilians / "
        "displacement): civilians killed or wounded, evacuation.",
        "strategic_development": "A non-violent turn that changes the situation (ACLED strategic "
        "development): desertion, abandoned its positions, battalion headquarters, surrender.",
        "mention": "The place is named with no event bound to it (or only a hypothetical one); "
        "it stays a claim and never becomes an event.",
    }
)


@dataclass(frozen=True, slots=True)
class Trigger:
    """One row of the trigger table: regexes over lower-cased text and what they mean."""

    event_type: str
    patterns: tuple[str, ...]
    actor: str = ""  #: actor to assume when the sentence names none
    move: bool = False  #: "to/toward Y" makes Y a target


#: The trigger table: the only place where words become event types. Where two rows match
#: overlapping text the longer match wins, then the earlier row ("drone attack" over "attack").
TRIGGERS: tuple[Trigger, ...] = (
    Trigger(
        "territorial_capture",
        (
            r"(?:seiz|tak|gain|establish)(?:e|es|ed|ing|en|s)? (?:full )?control (?:of|over)",
            r"took (?:full )?control (?:of|over)",
            r"captur(?:e|es|ed|ing)|seiz(?:e|es|ed|ing)",
            r"occup(?:y|ies|ied|ying)",
            r"(?:took|taken)(?! (?:part|place|time|steps|measures|note|action|cover|into))",
            r"(?:fell|fallen|falls?)(?=\s*(?:$|[,.;:!?]|to\b|under\b|into\b))",
            r"(?:the )?fall of|(?:has|have|had) fallen",
        ),
    ),
    Trigger(
        "recapture",
        (
            r"liberat(?:e|es|ed|ing|ion of)",
            r"recaptur(?:e|es|ed|ing)|retook|retak(?:e|es|en|ing)",
            r"regain(?:ed|s|ing)? (?:full )?control (?:of|over)",
        ),
    ),
    Trigger(
        "assault",
        (
            r"assault(?:s|ed|ing)?|stormed|storming|counter-?attack(?:s|ed|ing)?",
            r"attack(?:s|ed|ing)?|offensives? (?:on|against)",
        ),
    ),
    Trigger(
        "advance",
        (
            r"advanc(?:e|es|ed|ing)(?! (?:weapons|systems|technology))",
            r"push(?:ed|es|ing)?(?= (?:from|toward|towards|into|deeper|forward|on|closer)\b)",
            r"(?:mov(?:e|es|ed|ing)|march(?:ed|es|ing)?) (?:toward|towards|on)",
            r"(?:broke|break|breaks|breaking) through|breakthrough|encircl(?:e|es|ed|ing|ement)",
        ),
        move=True,
    ),
    Trigger(
        "armed_clash",
        (
            r"(?:active )?(?:combat|fighting|hostilities|battles?) (?:continues?|continued)",
            r"(?:combat|fighting|hostilities|battles?) (?:rag(?:e|es|ed|ing)|(?:is|are) ongoing)",
            r"fighting|fought|clash(?:es|ed|ing)?|firefights?|skirmish(?:es)?",
            r"battles? (?:for|over|in|near|around)|combat (?:in|near|around|for)",
            r"engag(?:ed|es|ing)(?! (?:to|in talks|in negotiations))",
            r"(?:repel(?:s|led|ling)?|repuls(?:e|es|ed|ing))(?: (?:an?|the|several|\d+))?"
            r"(?: (?:russian|ukrainian|enemy))?(?: (?:attacks?|assaults?|offensives?))?",
        ),
    ),
    Trigger(
        "withdrawal",
        (
            r"forced to (?:retreat|withdraw|leave|pull back|abandon)",
            r"retreat(?:s|ed|ing)?|withdr(?:ew|aw|aws|awn|awing|awal)",
            r"fell back|fall(?:s|ing)? back|pull(?:ed|s|ing)? (?:back|out)",
        ),
        move=True,
    ),
    Trigger(
        "shelling",
        (
            r"shell(?:ed|ing|s)|artillery|mortars?|howitzers?",
            r"mlrs|multiple rocket|grad|uragan|smerch|iskander|tochka",
            r"(?:missile|rocket|ballistic) (?:strikes?|attacks?|fire)|bombard(?:ed|ing|ment|s)?",
        ),
    ),
    Trigger(
        "air_drone_strike",
        (
            r"(?:drone|uav|fpv|kamikaze)[- ]?(?:drone )?(?:strikes?|attacks?)",
            r"air ?strikes?|air raids?",
        ),
    ),
    Trigger(
        "air_drone_strike",
        (
            r"glide bombs?|guided (?:aerial )?bombs?|kabs?|fabs?|bomb(?:ed|ing|s)?",
            r"(?:shahed|geran|lancet)s?(?: (?:drones?|uavs?))?",
        ),
        actor=RU,
    ),
    Trigger("air_drone_strike", (r"drones?|uavs?|fpvs?",)),
    Trigger(
        "civilian_harm",
        (
            r"evacuat(?:e|es|ed|ing|ion)|civilian casualties",
            r"(?:civilians?|residents?|children|people)(?: \w+){0,2} "
            r"(?:killed|wounded|injured|died|dead|hurt)",
            r"(?:killed|killing|wounded|wounding|injured|injuring)(?: \w+){0,3} "
            r"(?:civilians?|residents?|children|people)",
        ),
    ),
    Trigger(
        "strategic_development",
        (
            r"desert(?:ed|ing|ion|ions|ers?)",
            r"abandon(?:ed|s|ing)? (?:its |their |his |the |our )?positions?",
            r"battalion headquarters",
            r"surrender(?:s|ed|ing)?|mutin(?:y|ies)",
        ),
    ),
)

#: Who acts: phrases over lower-cased text; ``enemy`` is filled in by ``extract_claims``.
_ARMS = (
    r"(?:armed )?(?:forces|troops|army|military|units?|soldiers|servicemen|fighters|infantry|"
    r"assault (?:groups?|units?|detachments?)|sabotage (?:and reconnaissance )?groups?|marines|"
    r"paratroopers|airborne(?: troops)?|brigades?|battalions?|drones?|aviation|air force|"
    r"artillery|artillerymen|gunners|"
    r"defenders|defen[cs]e forces)"
)
_ACTOR_PHRASES: tuple[tuple[str, str], ...] = (
    (
        RU,
        rf"russian {_ARMS}|russians|the russian side|russia(?:'s)? (?:armed )?forces|"
        r"armed forces of the russian federation|rf armed forces|occupiers|occupying forces|"
        r"invaders|russia(?!'s (?:ministry|mod|defen))",
    ),
    (
        UA,
        rf"ukrainian {_ARMS}|ukrainians|the ukrainian side|ukraine(?:'s)? (?:armed )?forces|"
        r"armed forces of ukraine|\bafu|zsu|our (?:defenders|forces|troops|soldiers|units)|"
        r"defen[cs]e forces of ukraine",
    ),
    (ANY, r"both sides|the two sides|either side"),
    (
        "enemy",
        r"the enemy(?! (?:losses|pressure|'s))|"
        r"enemy (?:forces|troops|units|soldiers|assault groups?)",
    ),
)
_OBJECT_BEFORE = re.compile(
    r"\b(?:against|of|by|from|with|to|for|within|among|on|at|toward|towards|near|into|between|"
    r"about|over|under|upon|amid)\s+(?:the\s+)?$"
)
_CLAUSE_BREAK = re.compile(
    r";|:|\s[—–]\s|—|, (?:while|whereas|where|which|but|as|although|though|however|when|"
    r"since|because|meanwhile|even as|after|before)\b|\s(?:while|whereas|but)\s|"
    r",?\s(?:and|but) (?=(?:also |then )?(?:\w+(?:ed|ing)|took|struck|fell|withdrew|retook|hit|"
    r"made|began)\b)"
)
_HYPOTHETICAL = re.compile(
    r"\b(?:could|would|might(?! have)|may(?! have|\s*\d)|if|unless|should|"
    r"(?:threaten|intend|aim|seek|hope|want)(?:s|ed|ing)? to|plan(?:s|ned|ning)? to|"
    r"prepar(?:e|es|ed|ing) to|"
    r"in order to|likely to|expected to|set to|about to|capable of)\b"
)
_NOT_BEFORE = re.compile(r"(?:\b(?:not|no|never|without)\b|n't)(?:\s+\w+){0,2}\s*$")
_NEGATION = re.compile(
    r"(?:\b(?:not|never|no|neither|nor|without|failed to|fail to|fails to|unable to)\b|n't\b)"
    r"(?:\s+[\w'-]+){0,4}\s*$"
)
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|refut(?:e|es|ed|ing)|debunk(?:s|ed|ing)?|"
    r"(?:reject|dismiss)(?:s|ed|es|ing)? (?:the )?(?:claims?|reports?)|false|fake|untrue|"
    r"disinformation)\b"
)
_CONFIRM = re.compile(
    r"\b(?:confirm(?:s|ed|ing)?|assess(?:es|ed)?|geolocat(?:ed|ion)|verifie[sd])\b"
)
_REFERENCE = re.compile(
    r"(?:\d[\d.,]*\s*(?:km|kilomet(?:re|er)s?|miles?)\s+(?:\w+\s+)?(?:of|from)|"
    r"(?:north|south|east|west)(?:-?(?:east|west))?\s+of|\bnear|\boutside(?: of)?|close to|"
    r"not far from|outskirts of)\s+(?:the\s+)?(?:(?:village|town|city|settlement) of\s+)?$"
)
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
#: A "sentence" longer than this (a scraped page with no full stops) is cut at white space, so the
#: work per place mention stays bounded; no real sentence is this long.
MAX_SENTENCE_CHARS = 2000
_SPACES = re.compile(r"\s*")
_ORIGIN = re.compile(r"\bfrom\s+(?:[\w'-]+\s+){0,4}$")
_TARGET = re.compile(r"\b(?:toward|towards|to|into|on|in the direction of)\s+(?:[\w'-]+\s+){0,4}$")
_PASSIVE_GAP = re.compile(
    r"^(?:\s|,|\x00|\band\b|\bor\b)*(?:\b(?:was|were|is|are|has|have|had|been|being|reportedly|"
    r"also|now|finally|completely|fully|again|allegedly)\b\s*)*$"
)
#: Words that point back to the place of the sentence before ("stationed there").
ANAPHORS = (
    "there",
    "in the area",
    "in that area",
    "in this area",
    "on this front",
    "on that front",
)
_ANAPHOR = re.compile(r"\b(?:" + "|".join(a.replace(" ", r"\s+") for a in ANAPHORS) + r")\b")

_ATTR_VERBS = (
    r"reported|reports|said|says|claimed|claims|stated|states|announced|announces|assessed|"
    r"assesses|confirmed|confirms|wrote|writes|noted|notes|told|alleged|alleges|denied|denies|"
    r"refuted|refutes|indicated|indicates"
)
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+(?P<src>[^,;:.!?()]+)")
_NAME = r"[A-Z][\w'’.-]*"
_POSTPOSED = re.compile(
    rf"[,\"”’]\s*(?:{_ATTR_VERBS})\s+(?P<src>(?:the\s+)?{_NAME}(?:\s+(?:of|the|for|and|{_NAME}))*)"
)
_PREPOSED = re.compile(rf"\s+(?:has\s+|have\s+)?(?:{_ATTR_VERBS})\b")
_REPORTS_SAY = re.compile(
    r"\breports? (?:indicate|suggest|say|said|claim|show)s?\b|\bit (?:was|is|has been) "
    r"(?:reported|revealed|claimed|said)\b|\bunconfirmed reports?\b",
    re.IGNORECASE,
)
_UNATTRIBUTED = re.compile(r"\b(?:reportedly|allegedly)\b", re.IGNORECASE)
_GENERIC_SOURCES = re.compile(
    r"^(?:it|he|she|they|we|i|this|that|who|which|reports?|recent reports|the reports?|"
    r"the source|a source|sources)$",
    re.IGNORECASE,
)
_SOURCE_NOUNS = frozenset(
    re.findall(
        r"\w+",
        "source sources official officials spokesperson spokesman spokeswoman analyst analysts "
        "journalist journalists ministry staff command administration governor head commander "
        "blogger bloggers channel outlet agency media correspondent monitor monitors observers "
        "military army mod",
    )
)
_REPORT_NOUN = re.compile(r"^(?:(?:the|recent|new|latest|several|some|media)\s+)*reports?$", re.I)


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int  #: offsets into the article text
    end: int
    rule: Trigger


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Exact ``(start, end)`` offsets of the sentences of ``text`` (whitespace-trimmed).

    >>> t = "Gen. Smith said 213,000 left.\\n\\nThen U.S. troops came."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Gen. Smith said 213,000 left.', 'Then U.S. troops came.']
    """
    return [(s, e) for s, e, _ in _sentences(text)]


def _sentences(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph number) for each sentence."""
    if not isinstance(text, str):
        raise ClaimInputError(f"split_sentences: expected text as str, got {type(text).__name__}")
    spans: list[tuple[int, int, int]] = []
    # Paragraph by paragraph: syntok slows down quadratically on long documents.
    bounds = [0, *(i for m in _BLANK_LINE.finditer(text) for i in m.span()), len(text)]
    for para_no, (lo, hi) in enumerate(zip(bounds[::2], bounds[1::2], strict=True)):
        for paragraph in segmenter.analyze(text[lo:hi]):
            for sentence in paragraph:
                tokens = [t for t in sentence if t.value]  # syntok ends with an empty token
                if not tokens:
                    continue
                start, last = lo + tokens[0].offset, tokens[-1]
                end = lo + last.offset + len(last.value)
                if text[end - len(last.value) : end] != last.value:  # rejoined "hy-\nphen"
                    end = lo + last.offset + len(text[lo + last.offset : hi].split(None, 1)[0])
                spans.append((start, end, para_no))
    # syntok may drop characters between tokens: make each sentence run to the next one.
    fixed: list[tuple[int, int, int]] = []
    for i, (start, end, para) in enumerate(spans):
        stop = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        tail = text[end:stop]
        if tail.strip() and "\n\n" not in tail:
            end = end + len(tail.rstrip())
        while end - start > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
            cut = cut if cut != -1 else start + MAX_SENTENCE_CHARS
            fixed.append((start, cut, para))
            start = _SPACES.match(text, cut).end()  # type: ignore[union-attr]
        fixed.append((start, end, para))
    return fixed


def _lower(text: str) -> str:
    """Lower-case without changing length, with curly apostrophes made straight."""
    low = text.lower()  # one pass in C; char by char only when a letter lowers to two ("İ")
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("’", "'")


def _check(article: Article, resolutions: Sequence[Resolution]) -> None:
    where = f"article {article.article_id}" + (f" ({article.path})" if article.path else "")
    for res in resolutions:
        m = res.mention
        if m.article_id != article.article_id:
            raise ClaimInputError(f"{where}: mention {m.mention_id} belongs to another article")
        if not (0 <= m.start < m.end <= len(article.text)) or article.text[m.start : m.end] != (
            m.surface
        ):
            raise ClaimInputError(
                f"{where}: mention {m.surface!r} at {m.start}:{m.end} does not match the text"
            )
        if res.place is not None and res.precision not in (1, 2, 3):
            raise ClaimInputError(f"{where}: {m.surface!r} has precision {res.precision}, not 1-3")
        if not 0.0 <= res.confidence <= 1.0:
            raise ClaimInputError(f"{where}: {m.surface!r} has confidence {res.confidence}")


def _eligible(res: Resolution) -> bool:
    return res.place is not None and res.mention.kind != "country" and res.place.kind != "country"


@cache
def _trigger_regexes() -> tuple[tuple[Trigger, re.Pattern[str]], ...]:
    return tuple((t, re.compile(rf"\b(?:{'|'.join(t.patterns)})\b")) for t in TRIGGERS)


def _find_triggers(low: str, lo: int, hi: int) -> list[_Hit]:
    hits: list[tuple[int, int, int, Trigger]] = []
    for index, (rule, regex) in enumerate(_trigger_regexes()):
        for m in regex.finditer(low, lo, hi):
            hits.append((m.start(), m.end(), index, rule))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0]), h[2]))
    kept: list[_Hit] = []
    for start, end, _, rule in hits:
        if not kept or start >= kept[-1].end:
            kept.append(_Hit(start, end, rule))
    return kept


def _clause_starts(low: str, lo: int, hi: int) -> list[int]:
    return [lo] + [m.start() for m in _CLAUSE_BREAK.finditer(low, lo, hi)]


def _actor_phrases(low: str, lo: int, hi: int, enemy: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for actor, pattern in _ACTOR_PHRASES:
        for m in re.finditer(rf"\b(?:{pattern})\b", low[lo:hi]):
            found.append((lo + m.start(), lo + m.end(), enemy if actor == "enemy" else actor))
    found.sort()
    return [f for i, f in enumerate(found) if not any(g[0] <= f[0] < g[1] for g in found[:i])]


def _is_object(low: str, start: int, end: int) -> bool:
    """Is the phrase the object of a preposition ("against Russian forces")? "with Russian
    forces making advances" is a subject all the same."""
    if re.match(r"\s+\w+ing\b", low[end : end + 24]) and low[max(0, start - 5) : start] == "with ":
        return False
    return bool(_OBJECT_BEFORE.search(low[max(0, start - 24) : start]))


def _actor_for(hit: _Hit, low: str, phrases: list, clause_end: int) -> str:
    """Who acts: an adjective on the trigger ("Russian assault"), else the agent after it
    ("by/to Russian forces"), else the nearest subject before it; "" when none."""
    if m := re.search(r"\b(russian|ukrainian)\s+$", low[max(0, hit.start - 12) : hit.start]):
        return RU if m.group(1) == "russian" else UA
    for start, _, actor in phrases:
        if hit.end <= start < clause_end and re.search(
            r"\b(?:by|to)\s+(?:the\s+)?$", low[max(0, start - 12) : start]
        ):
            return actor
    subjects = [p for p in phrases if p[1] <= hit.start and not _is_object(low, p[0], p[1])]
    return subjects[-1][2] if subjects else ""


def _attribution(text: str, lo: int, hi: int) -> str:
    sentence = text[lo:hi]
    if m := _ACCORDING.search(sentence):
        return _trim_source(m.group("src"))
    if m := _POSTPOSED.search(sentence):
        return _trim_source(m.group("src"))
    if _REPORTS_SAY.search(sentence):
        return "unattributed report"
    for m in _PREPOSED.finditer(sentence):  # the source is the text before the verb
        head = re.split(r"[,;:.!?()\"“”]", sentence[max(0, m.start() - 100) : m.start()])[-1]
        src = re.sub(
            r"^(?:\s*(?:that|and|however|recently|also|meanwhile)\b)+", "", head.strip(), flags=re.I
        ).strip()
        if _REPORT_NOUN.match(src):
            return "unattributed report"
        words = src.split()
        if (
            0 < len(words) <= 8
            and not _GENERIC_SOURCES.match(src)
            and (words[-1][:1].isupper() or words[-1].lower() in _SOURCE_NOUNS)
        ):
            return _trim_source(src)
    return "unattributed report" if _UNATTRIBUTED.search(sentence) else ""


def _trim_source(src: str) -> str:
    words = src.strip().split()[:8]
    return " ".join(words).rstrip(".,;: ")


def _role(low: str, window_start: int, mention_start: int, move: bool) -> str:
    window = low[window_start:mention_start]
    if _ORIGIN.search(window):
        return "origin"
    if move and _TARGET.search(window):
        return "target"
    return "location"


def extract_claims(
    article: Article, resolutions: Sequence[Resolution], *, enemy: str = RU
) -> tuple[Claim, ...]:
    """One claim per eligible resolved mention (and per anaphoric event), in text order.

    ``enemy`` is who "the enemy" is: Russian forces in Ukrainian reporting (the default).
    Raises ClaimInputError when a resolution does not fit the article.
    """
    if enemy not in ACTORS:
        raise ClaimInputError(f"enemy must be one of {ACTORS}, got {enemy!r}")
    _check(article, resolutions)
    text, low = article.text, _lower(article.text)
    usable = sorted((r for r in resolutions if _eligible(r)), key=lambda r: r.mention.start)
    starts = [r.mention.start for r in usable]
    claims: list[Claim] = []
    para_actor: tuple[int, str] = (-1, "")
    para_attr: tuple[int, str] = (-1, "")
    previous: list[Resolution] = []
    for lo, hi, para in _sentences(text):
        first, stop = bisect_left(starts, lo), bisect_left(starts, hi)
        inside = [r for r in usable[first:stop] if r.mention.end <= hi]
        phrases = _actor_phrases(low, lo, hi, enemy)
        subjects = [p for p in phrases if not _is_object(low, p[0], p[1])]
        attribution = _attribution(text, lo, hi)
        if not attribution and para_attr[0] == para:
            attribution = para_attr[1]
        inherited = para_actor[1] if para_actor[0] == para else ""
        if inside or len({r.place.place_id for r in previous if r.place}) == 1:
            sentence = _Sentence(
                text=text,
                low=low,
                lo=lo,
                hi=hi,
                attribution=attribution,
                inherited=inherited,
                article_id=article.article_id,
                phrases=phrases,
                hits=_find_triggers(low, lo, hi),
                starts=_clause_starts(low, lo, hi),
                stance=_stance(low[lo:hi]),
                sentence=text[lo:hi],
            )
            if inside:
                claims.extend(sentence.claims(inside))
            else:
                claims.extend(sentence.anaphoric(previous[-1]))
        if subjects:
            para_actor = (para, subjects[-1][2])
        if attribution:
            para_attr = (para, attribution)
        previous = inside
    return date_claims(_unrepeated(claims), article)


def _unrepeated(claims: list[Claim]) -> tuple[Claim, ...]:
    """Drop a claim whose sentence, place, type and role an earlier claim of the same article
    already has: a headline printed again as the first paragraph says it once, not twice."""
    seen: set[tuple[str, str, str, str]] = set()
    kept = []
    normal: dict[tuple[int, int], str] = {}  # a long sentence with many places: normalise once
    for claim in claims:
        span = (claim.sentence_start, claim.sentence_end)
        if span not in normal:
            normal[span] = " ".join(claim.sentence.split())
        key = (normal[span], claim.place_id, claim.event_type, claim.role)
        if key not in seen:
            seen.add(key)
            kept.append(claim)
    return tuple(kept)


def _stance(sentence: str) -> str:
    """What the whole sentence says about its events: denied, confirmed or just claimed."""
    if _DENIAL.search(sentence):
        return "denied"
    for m in _CONFIRM.finditer(sentence):
        if not _NOT_BEFORE.search(sentence, max(0, m.start() - 40), m.start()):
            return "confirmed"
    return "claimed"


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence and what was found in it, ready to bind mentions to triggers."""

    text: str
    low: str
    lo: int
    hi: int
    attribution: str
    inherited: str  #: the paragraph's last actor, "" if none
    article_id: str
    phrases: list[tuple[int, int, str]]  #: actor phrases
    hits: list[_Hit]  #: triggers
    starts: list[int]  #: clause starts
    stance: str  #: sentence-level status
    sentence: str  #: ``text[lo:hi]``, sliced once: every claim of the sentence shares it

    def clause(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.starts, pos)
        return self.starts[i - 1], (self.starts[i] if i < len(self.starts) else self.hi)

    def _claim(self, res: Resolution, start: int, end: int, **fields: object) -> Claim:
        return Claim(
            article_id=self.article_id,
            sentence_start=self.lo,
            sentence_end=self.hi,
            sentence=self.sentence,
            attribution=self.attribution,
            place_id=res.place.place_id if res.place else "",
            mention_start=start,
            mention_end=end,
            surface=self.text[start:end],
            precision=res.precision,
            **fields,  # type: ignore[arg-type]
        )

    def _event(
        self, res: Resolution, hit: _Hit, weight: float, span: tuple[int, int], role: str
    ) -> Claim:
        c_start, c_end = self.clause(hit.start)
        actor = _actor_for(hit, self.low, self.phrases, c_end)
        if not actor:
            actor = hit.rule.actor or self.inherited
            if actor and not hit.rule.actor:
                weight *= 0.9
        status = self.stance
        if _NEGATION.search(self.low, max(c_start, hit.start - 60), hit.start):
            status = "denied"
        return self._claim(
            res,
            *span,
            event_type=hit.rule.event_type,
            actor=actor or ANY,
            status=status,
            role=role,
            confidence=round(res.confidence * weight, 4),
        )

    def _mention(self, res: Resolution) -> Claim:
        m = res.mention
        return self._claim(
            res,
            m.start,
            m.end,
            event_type="mention",
            actor=ANY,
            status="claimed",
            role="location",
            confidence=res.confidence,
        )

    def _hypothetical(self, hit: _Hit) -> bool:
        return bool(_HYPOTHETICAL.search(self.low, *self.clause(hit.start)))

    def claims(self, inside: list[Resolution]) -> list[Claim]:
        out: list[Claim] = []
        for i, res in enumerate(inside):
            m = res.mention
            c_start, c_end = self.clause(m.start)
            before = [h for h in self.hits if c_start <= h.start and h.end <= m.start]
            after = [h for h in self.hits if m.end <= h.start < c_end]
            gap = self._masked(m.end, after[0].start, inside) if after else ""
            if after and _PASSIVE_GAP.match(gap) and not gap.rstrip().endswith(","):
                hit, weight, window = after[0], 1.0, m.start  # "X was captured", "X fell"
            elif before:
                hit, weight = before[-1], 1.0
                ends = [r.mention.end for r in inside[:i] if r.mention.end <= m.start]
                window = max([*ends, hit.end])
                if window > hit.end and _REFERENCE.search(self.low[window : m.start]):
                    out.append(self._mention(res))  # "captured A, 10 km from B": B is a landmark
                    continue
            elif after:
                hit, weight, window = after[0], 0.8, m.start
            else:
                out.append(self._mention(res))
                continue
            if self._hypothetical(hit):
                out.append(self._mention(res))
                continue
            role = (
                _role(self.low, window, m.start, hit.rule.move) if window < m.start else "location"
            )
            out.append(self._event(res, hit, weight, (m.start, m.end), role))
        return out

    def _masked(self, start: int, end: int, inside: list[Resolution]) -> str:
        """The text between ``start`` and ``end`` with place mentions replaced by NUL."""
        chars = list(self.low[start:end])
        for r in inside:
            for k in range(max(r.mention.start, start), min(r.mention.end, end)):
                chars[k - start] = "\x00"
        return re.sub("\x00+", "\x00", "".join(chars))

    def anaphoric(self, antecedent: Resolution) -> list[Claim]:
        anaphor = _ANAPHOR.search(self.low, self.lo, self.hi)
        if anaphor is None or not self.hits:
            return []
        before = [h for h in self.hits if h.end <= anaphor.start()]
        hit = before[-1] if before else self.hits[0]
        if self._hypothetical(hit):
            return []
        return [self._event(antecedent, hit, 0.5, anaphor.span(), "location")]
