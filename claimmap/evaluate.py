"""Measure extraction and resolution against a gold development set, and against a baseline.

    >>> from claimmap.evaluate import evaluate, load_devset
    >>> from claimmap.places.boundaries import haversine_km
from claimmap.places.resolve import Resolver
    >>> scores = evaluate(Resolver.offline(), load_devset("tests/data/devset.jsonl"))
    >>> 0.0 <= scores.resolution_accuracy <= 1.0
    True

Extraction is scored on exact spans (start, end); resolution on the gold mentions that name a
place id, using the resolver on the whole passage (so context counts) and matching by span. The
baseline is the population heuristic: every offline place whose name matches, most populous wins.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from claimmap.errors import ClaimMapError
from claimmap.places.boundaries import haversine_km
from claimmap.places.resolve import Resolver
from claimmap.places.variants import normalise
from claimmap.records import Mention

__all__ = ["GoldMention", "Passage", "Scores", "evaluate", "load_devset"]


@dataclass(frozen=True, slots=True)
class GoldMention:
    start: int
    end: int
    surface: str
    kind: str
    place_id: str


@dataclass(frozen=True, slots=True)
class Passage:
    passage_id: str
    text: str
    mentions: tuple[GoldMention, ...]
    tags: tuple[str, ...] = ()
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class Scores:
    passages: int
    gold_mentions: int
    found_mentions: int
    true_positives: int
    resolvable: int  #: gold mentions with a place id
    resolved_right: int
    baseline_right: int
    errors: tuple[str, ...]  #: one line per miss, for reading
    outside: int = 0  #: gold places outside Sumy oblast with a point
    outside_near: int = 0  #: of those, put within 10 km of the gold point
    by_lang: tuple[tuple[str, Scores], ...] = ()

    @property
    def precision(self) -> float:
        return self.true_positives / self.found_mentions if self.found_mentions else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold_mentions if self.gold_mentions else 0.0

    @property
    def resolution_accuracy(self) -> float:
        return self.resolved_right / self.resolvable if self.resolvable else 0.0

    @property
    def baseline_accuracy(self) -> float:
        return self.baseline_right / self.resolvable if self.resolvable else 0.0

    @property
    def outside_accuracy(self) -> float:
        return self.outside_near / self.outside if self.outside else 0.0

    def describe(self) -> str:
        lines = [
            f"{self.passages} passages, {self.gold_mentions} gold mentions: extraction "
            f"precision {self.precision:.3f}, recall {self.recall:.3f}; exact-place accuracy "
            f"{self.resolution_accuracy:.3f} ({self.resolved_right}/{self.resolvable}) vs "
            f"population heuristic {self.baseline_accuracy:.3f} "
            f"({self.baseline_right}/{self.resolvable}); outside Sumy oblast within 10 km "
            f"{self.outside_accuracy:.3f} ({self.outside_near}/{self.outside})"
        ]
        for lang, sub in self.by_lang:
            lines.append(f"  {lang}: " + sub.describe().splitlines()[0])
        return "\n".join(lines)


#: Found mention kinds that are not place tags (an organisation named after a place is shown
#: as such, never mapped), so they count neither as found places nor as spurious ones.
NOT_PLACE_KINDS = ("organisation",)
NEAR_KM = 10.0


def load_devset(path: str | Path) -> list[Passage]:
    passages = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            mentions = tuple(
                GoldMention(m["start"], m["end"], m["surface"], m["kind"], m.get("place_id", ""))
                for m in row["mentions"]
            )
            passage = Passage(
                row["id"], row["text"], mentions, tuple(row.get("tags", ())), row.get("lang", "en")
            )
        except (ValueError, KeyError, TypeError) as err:
            raise ClaimMapError(f"{path}:{number}: not a dev-set row: {err}") from err
        for m in mentions:
            if passage.text[m.start : m.end] != m.surface:
                raise ClaimMapError(f"{path}:{number}: offsets of {m.surface!r} do not match")
        passages.append(passage)
    return passages


def baseline_place(resolver: Resolver, mention: GoldMention, text: str) -> str:
    """The population heuristic: all places with a matching name, the most populous wins."""
    probe = Mention(
        "baseline",
        mention.start,
        mention.end,
        mention.surface,
        "unknown",
        normalise(mention.surface),
    )
    pool = [c for tier in resolver.tiers for c in tier.candidates(probe)]
    if not pool:
        return ""
    return max(pool, key=lambda c: (c.place.population, c.place.place_id)).place.place_id


def evaluate(resolver: Resolver, passages: Sequence[Passage]) -> Scores:
    """Scores over ``passages``, and per language when there are several."""
    whole = _evaluate(resolver, passages)
    langs = sorted({p.lang for p in passages})
    if len(langs) < 2:
        return whole
    subs = tuple(
        (lang, _evaluate(resolver, [p for p in passages if p.lang == lang])) for lang in langs
    )
    return replace(whole, by_lang=subs)


def _gold_point(resolver: Resolver, place_id: str) -> tuple[float, float] | None:
    try:
        place = resolver.place(place_id)
    except ClaimMapError:
        return None
    return (place.lat, place.lon) if place.lat is not None and place.lon is not None else None


def _evaluate(resolver: Resolver, passages: Sequence[Passage]) -> Scores:
    gold_n = found_n = tp = resolvable = right = base_right = outside = near = 0
    errors: list[str] = []
    for passage in passages:
        resolutions = resolver.resolve_text(passage.text, article_id=passage.passage_id)
        by_span = {
            (r.mention.start, r.mention.end): r
            for r in resolutions
            if r.mention.kind not in NOT_PLACE_KINDS
        }
        gold_spans = {(g.start, g.end) for g in passage.mentions}
        found_n += len(by_span)
        gold_n += len(passage.mentions)
        tp += len(gold_spans & set(by_span))
        for span, r in by_span.items():
            if span not in gold_spans:
                errors.append(f"{passage.passage_id}: spurious {r.mention.surface!r}")
        for g in passage.mentions:
            got = by_span.get((g.start, g.end))
            if got is None:
                errors.append(f"{passage.passage_id}: missed {g.surface!r}")
            if not g.place_id:
                continue
            resolvable += 1
            chosen = got.place.place_id if got is not None and got.place is not None else ""
            if chosen == g.place_id:
                right += 1
            elif got is not None:
                errors.append(
                    f"{passage.passage_id}: {g.surface!r} -> {chosen or 'nothing'} "
                    f"(gold {g.place_id}); {got.reason}"
                )
            if baseline_place(resolver, g, passage.text) == g.place_id:
                base_right += 1
            gold_point = (
                None if g.place_id.startswith("UA59") else _gold_point(resolver, g.place_id)
            )
            if gold_point is not None and g.kind not in ("country", "sector"):
                outside += 1
                point = (
                    (got.place.lat, got.place.lon)
                    if got is not None and got.place is not None and got.place.has_point
                    else None
                )
                if point is not None and haversine_km(point, gold_point) <= NEAR_KM:
                    near += 1
    return Scores(
        len(passages),
        gold_n,
        found_n,
        tp,
        resolvable,
        right,
        base_right,
        tuple(errors),
        outside,
        near,
    )
