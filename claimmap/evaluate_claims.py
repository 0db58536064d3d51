"""Measure claims against a gold claims development set, per language, in two modes.

    >>> from claimmap.evaluate_claims import evaluate_claims, load_claims_devset
    >>> passages = load_claims_devset("tests/data/claims_devset.jsonl")
    >>> scores = evaluate_claims(passages)            # gold mentions: claims measured alone
    >>> 0.0 <= scores["en"].events_found <= 1.0
    True

*Gold mentions* builds each passage's resolutions from the gold spans and place ids, so the
claim rules are measured apart from place extraction and resolution. *End to end* runs a
``Resolver`` on the text first (``evaluate_claims(passages, resolver=Resolver.offline())``) and
matches claims to gold rows by overlapping span. The measures are those of issue 11: gold events
found as events, coarse type, actor and status on the rows found, confirmations and denials
caught, spurious events, and what always answering "claimed" / "Russian forces" would score.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claimmap.claims.claims import coarse_type, extract_claims
from claimmap.errors import ClaimMapError
from claimmap.places.resolve import Resolver
from claimmap.records import Article, Claim, Mention, Place, Resolution

__all__ = [
    "ClaimScores",
    "GoldPassage",
    "GoldRow",
    "evaluate_claims",
    "load_claims_devset",
    "paired_agreement",
]

_PRECISION = {"settlement": 1, "hromada": 2, "raion": 3, "oblast": 3, "sector": 3, "country": 3}


@dataclass(frozen=True, slots=True)
class GoldRow:
    start: int
    end: int
    surface: str
    place_id: str
    kind: str
    event: bool
    event_type: str
    actor: str
    status: str
    source_side: str = ""


@dataclass(frozen=True, slots=True)
class GoldPassage:
    passage_id: str
    language: str
    text: str
    rows: tuple[GoldRow, ...]
    source: str = ""
    published: str = ""
    title: str = ""
    pair: str = ""


@dataclass(slots=True)
class ClaimScores:
    """Counts for one language (or all); the measures are properties."""

    language: str
    gold_events: int = 0
    found: int = 0
    type_right: int = 0
    actor_right: int = 0
    status_right: int = 0
    always_claimed: int = 0
    always_russian: int = 0
    gold_confirmed: int = 0
    confirmed_caught: int = 0
    gold_denied: int = 0
    denied_caught: int = 0
    false_denials: int = 0
    predicted_events: int = 0
    spurious: int = 0
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def events_found(self) -> float:
        return self._ratio(self.found, self.gold_events)

    @property
    def coarse_type(self) -> float:
        return self._ratio(self.type_right, self.found)

    @property
    def actor(self) -> float:
        return self._ratio(self.actor_right, self.found)

    @property
    def status(self) -> float:
        return self._ratio(self.status_right, self.found)

    @property
    def confirmations(self) -> float:
        return self._ratio(self.confirmed_caught, self.gold_confirmed)

    @property
    def denials(self) -> float:
        return self._ratio(self.denied_caught, self.gold_denied)

    @property
    def spurious_rate(self) -> float:
        return self.spurious / self.predicted_events if self.predicted_events else 0.0

    def describe(self) -> str:
        return (
            f"{self.language}: events found {self.events_found:.1%} ({self.found}/"
            f"{self.gold_events}), coarse type {self.coarse_type:.1%}, actor {self.actor:.1%} "
            f"(always Russian {self._ratio(self.always_russian, self.found):.1%}), status "
            f"{self.status:.1%} (always claimed {self._ratio(self.always_claimed, self.found):.1%})"
            f", confirmations {self.confirmed_caught}/{self.gold_confirmed}, denials "
            f"{self.denied_caught}/{self.gold_denied} ({self.false_denials} false), spurious "
            f"{self.spurious}/{self.predicted_events} ({self.spurious_rate:.1%})"
        )

    def add(self, other: ClaimScores) -> None:
        for name in self.__dataclass_fields__:
            if name not in ("language", "errors"):
                setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def load_claims_devset(path: str | Path) -> list[GoldPassage]:
    """Read a claims dev set (JSON lines); a bad row raises ClaimMapError naming its line."""
    out = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            rows = tuple(
                GoldRow(
                    r["start"],
                    r["end"],
                    r["surface"],
                    r.get("place_id", ""),
                    r["kind"],
                    bool(r["event"]),
                    r["event_type"],
                    r["actor"],
                    r.get("status", ""),
                    r.get("source_side", ""),
                )
                for r in row["rows"]
            )
            passage = GoldPassage(
                row["id"],
                row["lang"],
                row["text"],
                rows,
                row.get("source", ""),
                row.get("published", ""),
                row.get("title", ""),
                row.get("pair", ""),
            )
        except (ValueError, KeyError, TypeError) as err:
            raise ClaimMapError(f"{path}:{number}: not a claims dev-set row: {err}") from err
        for r in rows:
            if passage.text[r.start : r.end] != r.surface:
                raise ClaimMapError(f"{path}:{number}: offsets of {r.surface!r} do not match")
        out.append(passage)
    return out


def _article(p: GoldPassage) -> Article:
    return Article(
        p.passage_id, p.title, p.text, source=p.source, published=p.published, language=p.language
    )


def gold_resolutions(p: GoldPassage) -> list[Resolution]:
    """Resolutions made from the gold spans and place ids (places named by their surface)."""
    out = []
    for r in p.rows:
        if not r.place_id and not r.event:
            continue  # an unresolvable name that reports nothing
        mention = Mention(
            p.passage_id,
            r.start,
            r.end,
            r.surface,
            "settlement" if r.kind not in _PRECISION else r.kind,
            r.surface.lower(),
        )
        kind = r.kind if r.kind in _PRECISION else "settlement"
        # a gold id says the country only when it is a KATOTTG code
        country = "UA" if r.place_id.startswith("UA") else ""
        place = Place(r.place_id or f"gold:{r.surface}", kind, r.surface, country_code=country)
        out.append(Resolution(mention, place, 0.9, _PRECISION.get(r.kind, 1), "sumy", "gold"))
    return out


def passage_claims(p: GoldPassage, resolver: Resolver | None = None) -> tuple[Claim, ...]:
    if resolver is None:
        resolutions: Sequence[Resolution] = gold_resolutions(p)
    else:
        resolutions = resolver.resolve_text(p.text, article_id=p.passage_id)
    return extract_claims(_article(p), resolutions)


def _match(row: GoldRow, claims: Sequence[Claim], exact: bool) -> Claim | None:
    best = None
    for c in claims:
        same = (c.mention_start, c.mention_end) == (row.start, row.end)
        overlap = c.mention_start < row.end and row.start < c.mention_end
        better = best is None or (best.event_type == "mention" and c.event_type != "mention")
        if (same or (not exact and overlap)) and better:
            best = c
    return best


def score_passage(p: GoldPassage, claims: Sequence[Claim], *, exact: bool = True) -> ClaimScores:
    s = ClaimScores(p.language)
    used: set[int] = set()
    for row in p.rows:
        got = _match(row, claims, exact)
        if got is not None:
            used.add(id(got))
        is_event = got is not None and got.event_type != "mention"
        where = f"{p.passage_id} {row.surface!r}"
        if not row.event:
            continue
        s.gold_events += 1
        s.gold_confirmed += row.status == "confirmed"
        s.gold_denied += row.status == "denied"
        if not is_event:
            s.errors.append(f"{where}: missed {row.event_type} ({row.actor}, {row.status})")
            continue
        assert got is not None
        s.found += 1
        s.always_claimed += row.status == "claimed"
        s.always_russian += row.actor == "Russian forces"
        type_ok = coarse_type(got.event_type) == coarse_type(row.event_type)
        s.type_right += type_ok
        s.actor_right += got.actor == row.actor
        s.status_right += got.status == row.status
        s.confirmed_caught += row.status == "confirmed" and got.status == "confirmed"
        s.denied_caught += row.status == "denied" and got.status == "denied"
        s.false_denials += row.status != "denied" and got.status == "denied"
        for ok, what, gold, mine in (
            (type_ok, "type", row.event_type, got.event_type),
            (got.actor == row.actor, "actor", row.actor, got.actor),
            (got.status == row.status, "status", row.status, got.status),
        ):
            if not ok:
                s.errors.append(f"{where}: {what} {mine} (gold {gold}) in {got.sentence!r}")
    gold_events = {(r.start, r.end) for r in p.rows if r.event}
    for c in claims:
        if c.event_type == "mention":
            continue
        s.predicted_events += 1
        hit = any(
            (c.mention_start, c.mention_end) == span
            or (not exact and c.mention_start < span[1] and span[0] < c.mention_end)
            for span in gold_events
        )
        if not hit:
            s.spurious += 1
            s.errors.append(f"{p.passage_id} {c.surface!r}: spurious {c.event_type}")
    return s


def evaluate_claims(
    passages: Sequence[GoldPassage], *, resolver: Resolver | None = None
) -> dict[str, ClaimScores]:
    """Scores per language and ``"all"``; gold mentions unless a resolver is given."""
    out: dict[str, ClaimScores] = {}
    total = ClaimScores("all")
    for p in passages:
        s = score_passage(p, passage_claims(p, resolver), exact=resolver is None)
        out.setdefault(p.language, ClaimScores(p.language)).add(s)
        total.add(s)
    out["all"] = total
    return out


def paired_agreement(
    passages: Sequence[GoldPassage], *, resolver: Resolver | None = None
) -> tuple[int, int, list[str]]:
    """How many (place, event type, actor, status) tuples agree across a pair's languages.

    For each pair, the tuples of its English passage's event claims are compared with those of
    every other language; returns (agreeing, compared, disagreements)."""
    groups: dict[str, dict[str, set[tuple[str, str, str, str]]]] = {}
    for p in passages:
        if not p.pair:
            continue
        tuples = {
            (c.place_id, c.event_type, c.actor, c.status)
            for c in passage_claims(p, resolver)
            if c.event_type != "mention"
        }
        groups.setdefault(p.pair, {})[p.language] = tuples
    agree = total = 0
    notes: list[str] = []
    for pair, by_lang in sorted(groups.items()):
        union = set().union(*by_lang.values())
        for item in sorted(union):
            total += 1
            langs = [lang for lang, tuples in by_lang.items() if item in tuples]
            if len(langs) == len(by_lang):
                agree += 1
            else:
                notes.append(f"{pair}: {item} only in {','.join(sorted(langs))}")
    return agree, total, notes
