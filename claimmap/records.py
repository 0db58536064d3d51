"""The records that flow through the pipeline: frozen, slotted, each keeping its provenance.

    >>> from claimmap.records import Mention
    >>> m = Mention(article_id="a1", start=10, end=19, surface="Kondratovka",
    ...             kind="settlement", key="kondratovka")
    >>> m.mention_id
    'a1:10:19'

Stages pass these between each other; they become dicts only at the edges (storage, export).
Vocabularies (kinds, tiers, event types, ...) are listed here so every stage and the docs agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: What a place is. ``sector`` is a front sector ("the Sumy direction"): an area, never a point.
PLACE_KINDS = ("settlement", "hromada", "raion", "oblast", "country", "sector")
#: Mention kinds: place kinds plus ``unknown``, a capitalised toponym found in no offline tier;
#: ``embedded`` (a name inside a road or line's name), ``dateline`` (where a report was filed) and
#: ``organisation`` (a medium, office or unit named after a place) never become claims;
#: ``tentative`` is a near-miss spelling the resolver keeps (as a settlement) only when the
#: article's other places make its reading near-certain, and drops otherwise.
MENTION_KINDS = (*PLACE_KINDS, "unknown", "embedded", "dateline", "organisation", "tentative")
#: Mention kinds that are no site of an event.
NOT_SITES = ("embedded", "dateline", "organisation")
#: Where a resolution came from, in the order the resolver asks.
TIERS = ("sumy", "areas", "ukraine", "world", "geocoder", "unresolved")
#: ACLED-style geo-precision: 1 the place itself, 2 near / part of an area, 3 a region.
PRECISIONS = (1, 2, 3)
#: Who acts in a claim.
ACTORS = ("Russian forces", "Ukrainian forces", "unspecified")
#: How sure the text is: one side's claim, an assessment/confirmation, or a denial.
STATUSES = ("claimed", "confirmed", "denied")
#: A place's part in a claim: where it happened, where a move goes, where it comes from.
ROLES = ("location", "target", "origin")
#: issue 12: event types that change who holds a place (a sequence of them is never one event).
CONTROL_TYPES = ("territorial_capture", "recapture", "withdrawal")


def event_family(event_type: str) -> str:
    """The claims an event of this type is merged from are those of its place and family: its
    own type, or for the control types all three (the other side's control change closes it).

    >>> event_family("assault"), event_family("recapture")
    ('assault', 'control')
    """
    return "control" if event_type in CONTROL_TYPES else event_type


@dataclass(frozen=True, slots=True)
class Place:
    """A place in a gazetteer tier (or found by the geocoder).

    ``place_id`` is the KATOTTG code in Sumy oblast (``UA59080170090050969``),
    ``geonames:<id>`` in the wider tiers, ``country:<ISO>`` for countries,
    ``sector:<slug>`` for front sectors and ``osm:<type>/<id>`` for geocoder results.
    """

    place_id: str
    kind: str
    name: str
    name_uk: str = ""
    name_ru: str = ""
    lat: float | None = None
    lon: float | None = None
    coord_source: str = ""
    population: int = 0
    tier: str = "sumy"
    admin1: str = ""  #: oblast (Latin), e.g. "Sumy"
    admin2: str = ""  #: raion (Latin), e.g. "Sumskyi"
    admin3: str = ""  #: hromada (Latin), e.g. "Myropilska"
    country_code: str = "UA"
    geonames_id: int | None = None
    settlement_type: str = ""  #: city | selyshche | village (KATOTTG M/X/C), else ""
    variants: tuple[str, ...] = ()  #: known spellings, Latin and Cyrillic

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    # Pickling (the gazetteer index cache holds ~70,000 places): the state is a plain tuple
    # set slot by slot; dataclasses' own __setstate__ looks up the fields for every object and
    # was half of the cache's load time.
    def __getstate__(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _PLACE_SLOTS)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        for name, value in zip(_PLACE_SLOTS, state, strict=True):
            object.__setattr__(self, name, value)


_PLACE_SLOTS = Place.__slots__


@dataclass(frozen=True, slots=True)
class Article:
    """One article, kept verbatim. ``article_id`` is a content hash, so re-ingest is a no-op."""

    article_id: str
    title: str
    text: str
    source: str = ""  #: outlet or author, where the file names one
    published: str = ""  #: ISO date (YYYY-MM-DD) from the file's own metadata; never its mtime
    language: str = "en"
    path: str = ""  #: file name it came from; "" for pasted text
    origin_id: str = ""  #: article_id of the first article of its near-duplicate cluster
    # issue 16: every claim links to its source.
    url: str = ""  #: where it was read: the page, feed item or t.me link; "" for files and text
    published_at: str = ""  #: full ISO 8601 timestamp with offset when the source gives one


@dataclass(frozen=True, slots=True)
class Mention:
    """A toponym found in an article, with exact character offsets into ``Article.text``."""

    article_id: str
    start: int
    end: int
    surface: str  #: ``text[start:end]``, exactly
    kind: str  #: one of MENTION_KINDS
    key: str  #: the normalised name looked up in the gazetteer ("sumy" for "Sumy Oblast")

    @property
    def mention_id(self) -> str:
        return f"{self.article_id}:{self.start}:{self.end}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place a mention may refer to, with how it matched and its score in [0, 1]."""

    place: Place
    score: float
    match: str  #: exact | variant | derived | fuzzy | geocoder | override
    matched: str = ""  #: the variant key that matched


@dataclass(frozen=True, slots=True)
class Resolution:
    """The answer for one mention: the chosen place (or None) and why."""

    mention: Mention
    place: Place | None
    confidence: float
    precision: int  #: 1/2/3, or 0 when unresolved
    tier: str  #: one of TIERS
    reason: str
    runners_up: tuple[Candidate, ...] = ()
    flags: tuple[str, ...] = ()  #: e.g. "far_from_article", "override"


@dataclass(frozen=True, slots=True)
class Claim:
    """One sentence's statement that something happened at one place."""

    article_id: str
    sentence_start: int
    sentence_end: int
    sentence: str
    event_type: str  #: one of claimmap.claims.claims.EVENT_TYPES
    actor: str  #: one of ACTORS
    status: str  #: one of STATUSES
    attribution: str  #: who says so ("a military source"), "" when the text does not say
    place_id: str
    role: str  #: one of ROLES
    mention_start: int
    mention_end: int
    surface: str
    precision: int
    confidence: float
    # issue 11: who says it, what exactly, and how it stands (docs/EVENT_TYPES.md)
    language: str = "en"  #: the sentence's language: en | uk | ru
    detail: str = ""  #: sub-event detail: weapon (artillery, kab, fpv, ...), partial_control, ...
    target_side: str = ""  #: who is hit or loses ground: an actor, "civilians", or ""
    source: str = ""  #: the source's name in the sources table ("General Staff of Ukraine")
    source_side: str = ""  #: RU | UA | monitor | "" (unknown)
    source_kind: str = ""  #: official | military | authority | media | blogger | monitor | generic
    situation: bool = False  #: states a situation ("under control") rather than a change
    hedged: bool = False  #: the sentence hedges ("reportedly", "нібито", "якобы")
    killed: int = 0  #: dead stated in the sentence (0: none stated)
    injured: int = 0  #: wounded stated in the sentence (0: none stated)
    #: ``article:start:end`` of a later sentence that rejects this claim (status is then denied)
    denied_by: str = ""
    # issue 12: when the sentence says it happened (claimmap.claims.dates)
    date: str = ""  #: ISO date, "" when undated
    date_end: str = ""  #: last day of a span ("" for one day)
    date_precision: int = 0  #: ACLED time_precision: 1 day, 2 up to a week, 3 month; 0 undated
    date_text: str = ""  #: the words that gave the date, "" for the publication date


@dataclass(frozen=True, slots=True)
class Event:
    """Claims about one place and event type, merged, with their corroboration."""

    event_id: str
    event_type: str
    actor: str
    status: str
    place: Place
    precision: int
    claims: tuple[Claim, ...]
    n_claims: int
    n_articles: int
    n_origins: int
    first_reported: str = ""
    last_reported: str = ""
    confidence: float = 0.0
    surfaces: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  #: article titles (with outlet where known)
    # issue 11: what exactly, and who stands behind it
    detail: str = ""  #: the most common sub-event detail among the claims
    target_side: str = ""  #: the majority target side among the claims
    sides: tuple[str, ...] = ()  #: distinct sides (RU, UA) whose sources report it
    monitors: tuple[str, ...] = ()  #: distinct independent monitors that report it
    n_sides: int = 0  #: len(sides)
    n_monitors: int = 0  #: len(monitors)
    situation: bool = False  #: every claim states a situation rather than a change
    killed: int = 0  #: the most dead any claim states
    injured: int = 0  #: the most wounded any claim states
    denials: int = 0  #: how many claims deny it
    # issue 12: when it happened, from its claims' dates (claimmap.claims.events)
    date: str = ""  #: first day (ACLED event_date), "" when every claim is undated
    date_end: str = ""  #: last day of a span, "" for one day
    time_precision: int = 0  #: ACLED: 1 day, 2 up to a week, 3 month or vaguer; 0 undated
    # issue 16: every claim links to its source.
    source_urls: tuple[str, ...] = ()  #: the articles' URLs / t.me links, where known


@dataclass(frozen=True, slots=True)
class ArticleAnalysis:
    """Everything the pipeline derived from one article: stored together, in one transaction."""

    article: Article
    mentions: tuple[Mention, ...] = ()
    resolutions: tuple[Resolution, ...] = ()
    claims: tuple[Claim, ...] = ()
    errors: tuple[str, ...] = field(default=())  #: non-fatal problems, e.g. geocoder unreachable


# issue 13: curation (dismissals and claim corrections) and its audit trail.
#: What a user can dismiss (and restore).
CURATION_KINDS = ("mention", "claim", "event", "article")
#: The claim fields a user can correct.
CLAIM_CORRECTIONS = ("event_type", "actor", "status")


@dataclass(frozen=True, slots=True)
class Curation:
    """One standing curation: a dismissed target, or a claim's corrected fields (JSON)."""

    kind: str  #: one of CURATION_KINDS
    target: (
        str  #: mention id, claim id (``claimmap.claims.curation.claim_id``), event or article id
    )
    action: str  #: "dismiss" or "correct"
    value: str  #: the reason for a dismissal; a JSON object of corrected fields for "correct"
    label: str = ""  #: what the user saw ("Oleksandriia — territorial capture")
    at: str = ""  #: ISO time (UTC) of the last change
    who: str = ""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One curation action, as recorded: what, old and new value, when, who."""

    seq: int
    at: str
    who: str
    action: str  #: dismiss | restore | correct
    kind: str  #: one of CURATION_KINDS
    target: str
    old_value: str
    new_value: str
    label: str = ""
