"""Resolve mentions to places: gazetteer tiers, then the geocoder, then disambiguation by context.

    >>> from claimmap.places.resolve import Resolver
    >>> resolver = Resolver.offline()                       # Sumy, Ukraine and world tiers
    >>> text = "Russian troops seized Alexandria and stormed Miropol."
    >>> [r.place.name for r in resolver.resolve_text(text, article_id="a")]
    ['Oleksandriia', 'Myropillia']

Every tier answers the same question (``Tier.candidates``), so the chain is a list, not flags. The
resolver asks the offline tiers for all candidates at once (a village of Sumy oblast must be able
to beat a city in Egypt), asks the fallback geocoder only for names no offline tier knows, then
scores each candidate by
  * match quality (official name > known variant > news-style skeleton > fuzzy),
  * tier (the Sumy gazetteer is what this tool is about; wider tiers need evidence),
  * spatial coherence with the other places named in the article,
  * context words in the sentence (its raion or hromada named nearby, "border" near the border),
  * prior (population, admin rank),
and returns the best with a confidence in [0, 1] (from the margin over the runner-up), the
geo-precision (ACLED: 1 place, 2 near / part of an area, 3 region), the runners-up and a reason.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from claimmap.errors import GeocoderError, UnknownPlaceError
from claimmap.places.boundaries import haversine_km
from claimmap.places.extract import KeySet, extract_mentions
from claimmap.places.gazetteer import Gazetteer, keyset_for, load_offline
from claimmap.places.languages import LANGUAGES
from claimmap.places.stated import AREA_MENTIONS, inside, shared_area_words, stated_areas
from claimmap.places.variants import normalise, skeleton
from claimmap.records import Candidate, Mention, Place, Resolution

__all__ = ["GazetteerTier", "Resolver", "Tier"]

MATCH_QUALITY = {
    "exact": 1.0,
    "variant": 0.95,
    "inflected": 0.93,
    "derived": 0.9,
    "skeleton": 0.85,
    "fuzzy": 0.7,
    "geocoder": 0.75,
    "override": 1.0,
}
TIER_BONUS = {"sumy": 1.0, "areas": 0.2, "ukraine": 0.2, "world": 0.0, "geocoder": 0.0}
RUNNERS_UP = 5
FAR_KM = 150.0  #: a place this far from the article's other places is flagged
#: Score for lying in the area the text states (and taken from the candidates that do not,
#: when another candidate does): the sentence's own words outweigh spelling and coherence.
STATED_BONUS = 4.0
#: Names listed in one sentence are chosen together: a candidate close (JOINT_KM) to a candidate
#: of another name of the sentence gains up to this much.
JOINT_WEIGHT = 1.5
JOINT_KM = 10.0
#: How many names before and after a name in its sentence count as listed with it.
JOINT_NEIGHBOURS = 4
#: A typo is read as a place only if a place the article names for sure is this close.
TYPO_KM = 15.0
#: How many sure places before and after a typo in the text may confirm it.
TYPO_ANCHORS = 20
#: Characters each side of a mention in which its raion or hromada counts as named nearby.
WINDOW = 200
#: "near the border" favours candidates this close (km) to the state border line
NEAR_BORDER_KM = 25.0

_NEAR_CUE = re.compile(
    r"\b(?:near|outside|outskirts\s+of|around|close\s+to|vicinity\s+of|"
    r"direction\s+of|approaches\s+to|east\s+of|west\s+of|north\s+of|"
    r"south\s+of)\s+(?:the\s+)?(?:village\s+of\s+|town\s+of\s+)?$",
    re.I,
)
_CITY_CUE = re.compile(r"\b(?:city|town|regional\s+(?:centre|center)|downtown|residents)\b", re.I)
_REGION_PREP = re.compile(r"\b(?:in|across|throughout|over|into)\s+(?:the\s+)?$", re.I)
_BORDER_WORDS = sorted({w for lang in LANGUAGES.values() for w in lang.border_words}, key=len)
_KM_WORDS = sorted({w for lang in LANGUAGES.values() for w in lang.km_words}, key=len)
#: "near the border", "у прикордонні", "на границе" (the stems are in the language tables)
_BORDER = re.compile(rf"(?<![^\W\d_])(?:{'|'.join(map(re.escape, _BORDER_WORDS))})", re.I)
#: "about 30 km from the border", "за 5 км від кордону", "в 10 километрах от границы"
_BORDER_DISTANCE = re.compile(
    rf"(\d+(?:[.,]\d+)?)\s*(?:{'|'.join(map(re.escape, reversed(_KM_WORDS)))})(?![^\W\d_])"
    rf"\.?[^.;\n\d]{{0,30}}?(?<![^\W\d_])(?:{'|'.join(map(re.escape, _BORDER_WORDS))})",
    re.I,
)
#: A stated distance to the border is looked for this far (characters) after and before a name.
BORDER_DISTANCE_SPAN = (60, 100)
_KIND_FOR = {  # mention kind -> place kinds that can answer it, best first
    "settlement": ("settlement",),
    "unknown": ("settlement", "hromada", "raion", "oblast", "country"),
    "hromada": ("hromada", "settlement"),
    "raion": ("raion", "settlement"),
    "oblast": ("oblast", "settlement"),
    "sector": ("oblast", "raion", "settlement"),
    "country": ("country",),
    "embedded": ("settlement",),
    "dateline": ("settlement", "country", "oblast"),
    "organisation": (),
}


class Tier(Protocol):
    """One source of candidates. Gazetteer tiers and the geocoder share it."""

    name: str

    def candidates(
        self, mention: Mention, *, near: tuple[float, float] | None = None
    ) -> list[Candidate]: ...


def _point(place: Place) -> tuple[float, float] | None:
    return (place.lat, place.lon) if place.lat is not None and place.lon is not None else None


@dataclass(frozen=True, slots=True)
class GazetteerTier:
    """Candidates from one offline gazetteer, by exact key, then by news-style skeleton."""

    gazetteer: Gazetteer

    @property
    def name(self) -> str:
        return self.gazetteer.tier

    def candidates(
        self, mention: Mention, *, near: tuple[float, float] | None = None
    ) -> list[Candidate]:
        kinds = _KIND_FOR.get(mention.kind, ("settlement",))
        found: dict[str, Candidate] = {}
        for place in self.gazetteer.lookup(mention.key):
            if place.kind in kinds:
                official = mention.key in (normalise(place.name), normalise(place.name_uk))
                found[place.place_id] = Candidate(
                    place,
                    MATCH_QUALITY["exact" if official else "variant"],
                    "exact" if official else "variant",
                    mention.key,
                )
        for place in self.gazetteer.lookup_form(mention.key):
            if place.kind in kinds and place.place_id not in found:
                found[place.place_id] = Candidate(
                    place, MATCH_QUALITY["inflected"], "inflected", mention.key
                )
        for place in self.gazetteer.lookup_skeleton(skeleton(mention.key)):
            if place.kind in kinds and place.place_id not in found:
                found[place.place_id] = Candidate(
                    place, MATCH_QUALITY["skeleton"], "skeleton", skeleton(mention.key)
                )
        return list(found.values())


@dataclass(slots=True)
class _Scored:
    candidate: Candidate
    score: float
    notes: list[str] = field(default_factory=list)


class Resolver:
    """Chains tiers and disambiguates; ``fallback`` (the geocoder) is asked only when they fail."""

    def __init__(
        self, tiers: Sequence[Tier], *, fallback: Tier | None = None, keys: KeySet | None = None
    ) -> None:
        self.tiers = tuple(tiers)
        self.fallback = fallback
        self._keys = keys
        self._gazetteers = {
            t.gazetteer.tier: t.gazetteer for t in tiers if isinstance(t, GazetteerTier)
        }

    @classmethod
    def offline(cls, *, fallback: Tier | None = None) -> Resolver:
        """A resolver over the committed Sumy, Ukraine and world gazetteers (loaded once per
        process: they are immutable)."""
        gazetteers, keys = load_offline()
        return cls([GazetteerTier(g) for g in gazetteers], fallback=fallback, keys=keys)

    def border_km(self, place: Place) -> float:
        """The place's distance (km) to the Ukraine–Russia state border, as its gazetteer
        computed it from the OSM border line (inf without a point or far from the border)."""
        gazetteer = self._gazetteers.get(place.tier)
        return gazetteer.border_km(place.place_id) if gazetteer is not None else math.inf

    def inside(self, place: Place, area: Place) -> bool:
        """Whether ``place`` lies in ``area``: ``stated.inside`` with the area's polygon and
        the polygons holding the place, where the boundaries have them."""
        home, of_area = self._gazetteers.get(place.tier), self._gazetteers.get(area.tier)
        polygon = of_area.polygon(area.place_id) if of_area is not None else None
        within = home.within(place.place_id) if home is not None else ()
        return inside(place, area, polygon=polygon, within=within)

    @property
    def keys(self) -> KeySet:
        if self._keys is None:
            self._keys = keyset_for(t.gazetteer for t in self.tiers if isinstance(t, GazetteerTier))
        return self._keys

    def place(self, place_id: str) -> Place:
        """The place with this id in any gazetteer tier (sectors are derived from their oblast)."""
        for tier in self.tiers:
            if isinstance(tier, GazetteerTier) and place_id in tier.gazetteer:
                return tier.gazetteer.get(place_id)
        if place_id.startswith("sector:"):
            for tier in self.tiers:
                if isinstance(tier, GazetteerTier):
                    for place in tier.gazetteer.lookup(place_id.removeprefix("sector:")):
                        if place.kind == "oblast":
                            return _sector(place, place_id.removeprefix("sector:"))
        raise UnknownPlaceError(f"no place with id {place_id!r} in any gazetteer tier")

    # -- public entry points -------------------------------------------------------------------

    def resolve_text(self, text: str, *, article_id: str = "text") -> tuple[Resolution, ...]:
        """Extract the mentions of ``text`` and resolve them."""
        return self.resolve(
            extract_mentions(text, article_id=article_id, keys=self.keys), text=text
        )

    def candidates_for(self, name: str, *, context: str = "") -> list[Candidate]:
        """Ranked candidates for one name, as ``claimmap resolve NAME --context TEXT`` shows."""
        text = f"{context}\n{name}" if context else name
        offset = len(text) - len(name)
        mentions = list(extract_mentions(text, article_id="cli", keys=self.keys))
        target = next((m for m in mentions if m.start == offset), None)
        if target is None:
            key = normalise(name)
            target = Mention("cli", offset, len(text), name, "unknown", key)
            mentions.append(target)
        resolution = next(
            (r for r in self.resolve(mentions, text=text) if r.mention.start == target.start),
            None,
        )
        if resolution is None:
            return []
        chosen = (
            [Candidate(resolution.place, resolution.confidence, "chosen", target.key)]
            if resolution.place is not None
            else []
        )
        return chosen + list(resolution.runners_up)

    def resolve(
        self,
        mentions: Sequence[Mention],
        *,
        text: str,
        overrides: Mapping[str, Place] | None = None,
    ) -> tuple[Resolution, ...]:
        """Resolve every mention of one article; ``overrides`` map mention ids to places."""
        overrides = overrides or {}
        mentions = shared_area_words(text, mentions)
        pools = {m: self._offline_candidates(m) for m in mentions}
        context = _ArticleContext.build(text, mentions, pools, inside=self.inside)
        context.bind(stated_areas(text, mentions), pools)
        context.prepare(
            p for pool in pools.values() for c in pool if (p := _point(c.place)) is not None
        )
        results: list[Resolution] = []
        tentative: list[Mention] = []
        for mention in mentions:
            if mention.mention_id in overrides:
                results.append(_override(mention, overrides[mention.mention_id]))
                continue
            pool = pools[mention]
            if mention.kind == "tentative":
                tentative.append(mention)
                continue
            if mention.kind == "organisation":
                results.append(
                    _unresolved(
                        mention,
                        f"{mention.surface!r} names an organisation, medium or unit here "
                        f"({context.text[mention.start : mention.end + 20]!r}), not a place",
                        flags=("organisation",),
                    )
                )
                continue
            if not pool and self.fallback is not None:
                results.append(self._geocode(mention, context))
                continue
            results.append(self._choose(mention, pool, context, text))
        if tentative:  # typos last: read against the places the article names for sure
            sure = [
                (r.mention.start, r.place.name, (r.place.lat, r.place.lon), r.mention.key)
                for r in results
                if r.place is not None
                and r.place.kind == "settlement"
                and r.place.has_point
                and r.confidence >= 0.4
            ]
            sure.sort()
            starts = [s[0] for s in sure]
            for m in tentative:  # the sure places around it in the text (bounded work per word)
                i = bisect.bisect_left(starts, m.start)
                near = [s[1:] for s in sure[max(0, i - TYPO_ANCHORS) : i + TYPO_ANCHORS]]
                if (typo := self._typo(m, context, near)) is not None:
                    results.append(typo)
            results.sort(key=lambda r: (r.mention.start, r.mention.end))
        return tuple(results)

    # -- internals ------------------------------------------------------------------------------

    def _offline_candidates(self, mention: Mention) -> list[Candidate]:
        pool: list[Candidate] = []
        for tier in self.tiers:
            pool.extend(tier.candidates(mention))
        return pool

    def _typo(
        self,
        mention: Mention,
        context: _ArticleContext,
        sure: Sequence[tuple[str, tuple[float, float], str]],
    ) -> Resolution | None:
        """A near-miss spelling read as a Sumy settlement, when one reading lies within TYPO_KM
        of a place the article names for sure (``sure``: name, point, key of each resolved
        settlement); else None (the word is dropped). Among readings within a few points of
        the best spelling score, the nearest wins."""
        sumy = next(
            (t.gazetteer for t in self.tiers if isinstance(t, GazetteerTier) and t.name == "sumy"),
            None,
        )
        if sumy is None:
            return None
        options = []
        for key, score in self.keys.near_misses(mention.surface):
            for place in sumy.lookup(key):
                point = _point(place)
                if place.kind != "settlement" or point is None:
                    continue
                near = min(
                    ((name, haversine_km(point, q)) for name, q, k in sure if k != key),
                    key=lambda nk: nk[1],
                    default=None,
                )
                if near is not None and near[1] <= TYPO_KM:
                    options.append((score, near[1], place.place_id, place, near))
        if not options:
            return None
        top = max(o[0] for o in options)
        options = sorted((o for o in options if o[0] >= top - 6.0), key=lambda o: (o[1], -o[0]))
        score, _, _, place, (name, km) = options[0]
        if len(options) > 1 and options[1][1] - km < 2.0 and options[1][3].name != place.name:
            return None  # two readings as likely: not near-certain
        fixed = replace(mention, kind="settlement")
        reason = (
            f"read {mention.surface!r} as {place.name} ({place.admin3} hromada): a near "
            f"spelling ({score:.0f}% alike), and {name}, named in the article, is {km:.0f} km "
            f"away"
        )
        return Resolution(
            fixed,
            replace(place, variants=()),
            round(0.6 * score / 100, 3),
            _precision(fixed, place, context.text),
            place.tier,
            reason,
            flags=("typo",),
        )

    def _geocode(self, mention: Mention, context: _ArticleContext) -> Resolution:
        assert self.fallback is not None
        try:
            pool = self.fallback.candidates(mention, near=context.focus)
        except GeocoderError as err:
            return _unresolved(mention, str(err), flags=("geocoder_error",))
        if not pool:
            return _unresolved(
                mention, f"no gazetteer tier and no geocoder result for {mention.surface!r}"
            )
        best = pool[0]
        flags: tuple[str, ...] = ()
        confidence = best.score
        reason = (
            f"{mention.surface!r} is in no offline gazetteer; the geocoder found {best.place.name}"
        )
        point = _point(best.place)
        if context.focus is not None and point is not None:
            distance = haversine_km(point, context.focus)
            reason += f", {distance:.0f} km from the article's other places"
            if distance > FAR_KM:
                flags = ("far_from_article",)
                confidence *= 0.5
                reason += " (far: check it)"
        return Resolution(
            mention,
            best.place,
            round(confidence, 3),
            _precision(mention, best.place, context.text),
            "geocoder",
            reason,
            tuple(pool[1 : RUNNERS_UP + 1]),
            flags,
        )

    def _choose(
        self, mention: Mention, pool: list[Candidate], context: _ArticleContext, text: str
    ) -> Resolution:
        if not pool:
            return _unresolved(
                mention, f"{mention.surface!r} is in no gazetteer tier (geocoder off)"
            )
        scored = sorted(
            (self._score(c, mention, context) for c in pool),
            key=lambda s: (-s.score, s.candidate.place.place_id),
        )
        best = scored[0]
        place = best.candidate.place
        margin = best.score - scored[1].score if len(scored) > 1 else 3.0
        confidence = best.candidate.score * (1.0 / (1.0 + math.exp(-1.6 * margin)))
        precision = _precision(mention, place, text)
        reason = _reason(mention, best, scored[1:3])
        region = self._region_reading(mention, place, context, text)
        if region is not None:
            place, why = region
            precision = 3
            reason = f"{mention.surface!r} -> {place.name} (a region, precision 3): {why}"
        elif mention.kind == "sector":
            place = _sector(place, mention.key)
            precision = 3
            reason = (
                f"{mention.surface!r} -> {place.name}, a front sector (precision 3) "
                f"centred on {best.candidate.place.name} {best.candidate.place.kind}; "
                + "; ".join(best.notes)
            )
        elif mention.kind in ("oblast", "country") or place.kind in ("oblast", "country"):
            precision = 3
        flags: tuple[str, ...] = ()
        unmet = context.unmet(mention)
        if unmet:  # the text says where it is, and no place of this name is known there
            where = "; ".join(f"{area.surface!r} ({words!r})" for area, words in unmet)
            reason = (
                f"no place called {mention.surface!r} is known where the text puts it "
                f"({where}): read elsewhere, check it; " + reason
            )
            flags = ("outside_stated_area",)
            confidence *= 0.5
        # Runners-up carry their share of the evidence (softmax over the scores), in [0, 1].
        total = sum(math.exp(s.score - best.score) for s in scored)
        # A region reading keeps the settlement it displaced as the first runner-up.
        losers = scored if region is not None else scored[1:]
        runners = tuple(
            replace(
                s.candidate,
                place=replace(s.candidate.place, variants=()),
                score=round(math.exp(s.score - best.score) / total, 3),
            )
            for s in losers[:RUNNERS_UP]
        )
        # The answer carries no spelling list: those stay in the gazetteer (and were most of
        # what the database stored per mention); the mention keeps the spelling that was seen.
        return Resolution(
            mention,
            replace(place, variants=()),
            round(confidence, 3),
            precision,
            place.tier,
            reason,
            runners,
            flags,
        )

    def _region_reading(
        self, mention: Mention, place: Place, context: _ArticleContext, text: str
    ) -> tuple[Place, str] | None:
        """A bare "Sumy" in an article about the Sumy direction, not said to be the city."""
        if mention.kind != "settlement" or mention.key not in context.area_keys:
            return None
        sentence = _sentence_around(text, mention.start, mention.end)
        before = text[max(0, mention.start - 20) : mention.start]
        if _CITY_CUE.search(sentence) or not _REGION_PREP.search(before):
            return None
        area = context.area_keys[mention.key]
        return area, (
            f"a bare {mention.surface!r} after a preposition, in an article that names the "
            f"{area.name}, with no word saying it is the city; the city "
            f"{place.name} is the runner-up"
        )

    def _stated(self, s: _Scored, mention: Mention, context: _ArticleContext) -> None:
        """What the sentence says about where: a stated area restricts the names it governs
        (and an area named beside villages is the one that holds them)."""
        place = s.candidate.place
        for area_mention, words in context.stated.get(mention, ()):
            areas = [c.place for c in context.pools.get(area_mention, ())]
            holder = next((a for a in areas if context.inside(place, a)), None)
            if holder is not None:
                s.score += STATED_BONUS
                s.notes.append(f"in {holder.name} {holder.kind}, as the text says ({words!r})")
            elif context.fits(mention, areas):
                s.score -= STATED_BONUS
            # else no candidate is there: ``_choose`` flags the answer and says so first
        governed = context.governs.get(mention, ())
        if place.kind in AREA_MENTIONS and governed:
            held = sum(
                any(context.inside(c.place, place) for c in context.pools.get(m, ()))
                for m in governed
            )
            if held:
                s.score += min(2.0 * held, 4.0)
                s.notes.append(f"holds {held} of the places named with it")

    def _score(self, candidate: Candidate, mention: Mention, context: _ArticleContext) -> _Scored:
        place = candidate.place
        s = _Scored(candidate, 2.0 * candidate.score + TIER_BONUS.get(place.tier, 0.0))
        s.notes.append(f"{candidate.match} match ({candidate.matched!r})")
        if place.tier != "sumy":
            s.notes.append(f"{place.tier} tier")
        kinds = _KIND_FOR.get(mention.kind, ())
        if place.kind in kinds:  # "Sumy front" is the oblast's sector before it is the city
            s.score -= 2.5 * kinds.index(place.kind)
        point = _point(place)
        if point is not None and place.kind == "settlement":
            coherence, nearest = context.coherence(point, exclude=mention.key)
            s.score += 2.5 * coherence
            if nearest is not None and coherence > 0.2:
                s.notes.append(f"{nearest[1]:.0f} km from {nearest[0]}, named in the same article")
        credited = set()
        if (
            point is not None
            and place.kind == "settlement"
            and place.admin1
            and place.admin1 in context.admin1_named
        ):
            s.score += 0.8
            s.notes.append(f"the article names {place.admin1} oblast")
            credited.add("oblast")
        window, window_key = context.window(mention)
        for label, value in (("raion", place.admin2), ("hromada", place.admin3)):
            if value and _stem(value) in window_key:
                s.score += 1.0
                s.notes.append(f"its {label} ({value}) is named nearby")
                credited.add(label)
        if (
            point is not None
            and place.kind == "settlement"
            and place.tier != "sumy"
            and mention.kind not in AREA_MENTIONS  # where a settlement is, not an area's reading
        ):
            stated = {id(a) for a, _ in context.stated.get(mention, ())}
            # areas the article names that hold it (by polygon where there is one): what the
            # admin columns say for the Sumy tier, for the places that have none (Russia)
            for start, area, source in context.named_areas:
                if (
                    area.kind in credited
                    or id(source) in stated  # stated beside it: ``_stated`` weighs that
                    or start == mention.start  # "Glushkovo district": not its own evidence
                    or (area.kind != "oblast" and abs(start - mention.start) > WINDOW)
                ):
                    continue
                if context.inside(place, area):
                    s.score += 0.8 if area.kind == "oblast" else 1.0
                    s.notes.append(f"in {area.name} {area.kind}, which the article names")
                    credited.add(area.kind)
        stated_km = context.border_distance(mention)
        if stated_km is not None and point is not None:
            km = self.border_km(place)  # "Rylsk, about 30 km from the border"
            fit = math.exp(-abs(km - stated_km) / max(5.0, 0.25 * stated_km))
            if fit > 0.1:
                s.score += 1.0 * fit
                s.notes.append(
                    f"{km:.0f} km from the state border, where the text puts it ({stated_km:g} km)"
                )
        elif _BORDER.search(window) and self.border_km(place) < NEAR_BORDER_KM:
            s.score += 0.5
            s.notes.append(
                f"{self.border_km(place):.0f} km from the state border, which the sentence mentions"
            )
        self._stated(s, mention, context)
        if point is not None and place.kind == "settlement":
            together, partner = context.together(mention, point)
            if together > 0.3:
                s.score += JOINT_WEIGHT * together
                s.notes.append(f"{partner}, named with it, is close by")
        s.score += 0.35 * min(1.0, math.log10(place.population + 1) / 6.5)
        if place.settlement_type == "city" or place.kind in ("oblast", "country"):
            s.score += 0.15
        return s


def _stem(name: str) -> str:
    """'Sumskyi' -> 'sums', 'Myropilska' -> 'myropil': enough to spot the name in a sentence."""
    key = normalise(name)
    for ending in ("ska", "skyi", "skyy", "yi", "a"):
        if key.endswith(ending) and len(key) - len(ending) >= 4:
            return key[: -len(ending)]
    return key


def _sentence_around(text: str, start: int, end: int, *, limit: int = 1000) -> str:
    lo, hi = max(0, start - limit), end + limit  # bounded: a page may be one endless line
    left = max(text.rfind(". ", lo, start), text.rfind("\n", lo, start), lo - 1) + 1
    right_candidates = [i for i in (text.find(". ", end, hi), text.find("\n", end, hi)) if i != -1]
    right = min(right_candidates) if right_candidates else min(len(text), hi)
    return text[left:right]


def _precision(mention: Mention, place: Place, text: str) -> int:
    if place.kind in ("oblast", "country", "sector") or mention.kind in (
        "oblast",
        "sector",
        "country",
    ):
        return 3
    before = text[max(0, mention.start - 40) : mention.start]
    if place.kind in ("hromada", "raion") or _NEAR_CUE.search(before):
        return 2
    return 1


def _sector(area: Place, key: str) -> Place:
    """The front sector named after an area ("Sumy direction", "Сумському напрямку" ->
    sector:sumy), centred on that area; named by the area's oblast when it has one, else by
    ``key``."""
    slug = normalise(area.admin1) if area.admin1 else key
    return replace(
        area,
        place_id=f"sector:{slug.replace(' ', '-')}",
        kind="sector",
        name=f"{slug.title()} direction",
        name_uk="",
        coord_source=f"centre of {area.name} ({area.coord_source})",
        variants=(),
    )


def _unresolved(mention: Mention, why: str, *, flags: tuple[str, ...] = ()) -> Resolution:
    return Resolution(mention, None, 0.0, 0, "unresolved", f"unresolved: {why}", flags=flags)


def _override(mention: Mention, place: Place) -> Resolution:
    return Resolution(
        mention,
        place,
        1.0,
        _precision(mention, place, ""),
        place.tier,
        f"manual override: {mention.surface!r} set to {place.name} by a user",
        flags=("override",),
    )


def _reason(mention: Mention, best: _Scored, others: Sequence[_Scored]) -> str:
    place = best.candidate.place
    where = ", ".join(
        x
        for x in (
            place.admin3 and f"{place.admin3} hromada",
            place.admin2 and f"{place.admin2} raion",
            place.admin1 and f"{place.admin1} oblast",
        )
        if x
    )
    text = f"{mention.surface!r} -> {place.name}" + (f" ({where})" if where else "")
    text += ": " + "; ".join(best.notes)
    if others:
        text += "; chosen over " + ", ".join(
            f"{p.name} ({p.admin1 or p.country_code}, {p.tier})"
            for p in (o.candidate.place for o in others)
        )
    return text


@dataclass(slots=True)
class _ArticleContext:
    """What the whole article says about where it is: anchors, named oblasts, area names.

    Anchors are the candidate points of every settlement mention, weighted 1/(number of
    candidates), so an unambiguous village counts fully and a name shared by five counts a fifth.
    Distances are computed with numpy, all anchors at once (an article can have hundreds).
    """

    text: str
    anchor_keys: list[str]
    anchor_names: list[str]
    anchor_lat: np.ndarray  # radians
    anchor_lon: np.ndarray
    anchor_weight: np.ndarray
    anchor_key_index: np.ndarray
    key_numbers: dict[str, int]
    admin1_named: set[str]
    #: (offset, area, mention) for the area candidates of each area mention
    named_areas: list[tuple[int, Place, Mention]]
    area_keys: dict[str, Place]
    inside: Callable[[Place, Place], bool]
    focus: tuple[float, float] | None
    stated: dict[Mention, list[tuple[Mention, str]]] = field(default_factory=dict)
    governs: dict[Mention, list[Mention]] = field(default_factory=dict)
    pools: Mapping[Mention, list[Candidate]] = field(default_factory=dict)
    _fits: dict[tuple[Mention, tuple[str, ...]], bool] = field(default_factory=dict)
    _sentences: dict[Mention, list[Mention]] | None = None

    def bind(
        self,
        stated: dict[Mention, list[tuple[Mention, str]]],
        pools: Mapping[Mention, list[Candidate]],
    ) -> None:
        """Remember which areas the text states for which names (see ``places.stated``)."""
        self.stated, self.pools = stated, pools
        self.governs = {}
        for mention, areas in stated.items():
            for area, _ in areas:
                self.governs.setdefault(area, []).append(mention)

    def nearest_sure(self, point: tuple[float, float], *, exclude: str) -> tuple[str, float] | None:
        """The nearest candidate of a name with at most two readings (weight >= 0.5), other
        than ``exclude``, and its distance (km)."""
        if not len(self.anchor_keys):
            return None
        d = _distances_km(point, self.anchor_lat, self.anchor_lon)
        mask = (self.anchor_weight >= 0.5) & np.array([k != exclude for k in self.anchor_keys])
        if not mask.any():
            return None
        i = int(np.argmin(np.where(mask, d, np.inf)))
        return self.anchor_names[i], float(d[i])

    def together(self, mention: Mention, point: tuple[float, float]) -> tuple[float, str]:
        """How close ``point`` is to the nearest candidate of another settlement named in the
        same sentence (1 at the same spot, exp(-d / JOINT_KM)), and that candidate's name."""
        if self._sentences is None:
            self._sentences = _sentence_groups(self.text, list(self.pools))
        best, name = 0.0, ""
        for other in self._sentences.get(mention, ()):
            for c in self.pools.get(other, ()):
                q = _point(c.place)
                if q is None or c.place.kind != "settlement":
                    continue
                closeness = math.exp(-haversine_km(point, q) / JOINT_KM)
                if closeness > best:
                    best, name = closeness, c.place.name
        return best, name

    def unmet(self, mention: Mention) -> list[tuple[Mention, str]]:
        """The areas the text places ``mention`` in (with the words saying so) that hold no
        candidate of it."""
        return [
            (area, words)
            for area, words in self.stated.get(mention, ())
            if (areas := [c.place for c in self.pools.get(area, ())])
            and not self.fits(mention, areas)
        ]

    def fits(self, mention: Mention, areas: Sequence[Place]) -> bool:
        """Whether any candidate of ``mention`` lies in one of ``areas``."""
        key = (mention, tuple(a.place_id for a in areas))
        if key not in self._fits:
            self._fits[key] = any(
                self.inside(c.place, a) for c in self.pools.get(mention, ()) for a in areas
            )
        return self._fits[key]

    _memo: dict[tuple[float, float, str], tuple[float, tuple[str, float] | None]] = field(
        default_factory=dict
    )
    _windows: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    _rows: dict[tuple[float, float], tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )

    _border_distances: dict[tuple[int, int], float | None] = field(default_factory=dict)

    def border_distance(self, mention: Mention) -> float | None:
        """The distance (km) to the border the text gives right after or before a name
        ("Rylsk, about 30 km from the border"), if any."""
        span = (mention.start, mention.end)
        if span not in self._border_distances:
            after, before = BORDER_DISTANCE_SPAN
            found = _BORDER_DISTANCE.search(self.text, mention.end, mention.end + after)
            if found is None:
                lo = max(0, mention.start - before)
                found = next(
                    iter(reversed(list(_BORDER_DISTANCE.finditer(self.text, lo, mention.start)))),
                    None,
                )
            self._border_distances[span] = (
                float(found.group(1).replace(",", ".")) if found is not None else None
            )
        return self._border_distances[span]

    def window(self, mention: Mention) -> tuple[str, str]:
        """The text around a mention (200 characters each side), raw and normalised."""
        span = (mention.start, mention.end)
        if span not in self._windows:
            raw = self.text[max(0, mention.start - WINDOW) : mention.end + WINDOW]
            self._windows[span] = (raw, normalise(raw))
        return self._windows[span]

    @classmethod
    def build(
        cls,
        text: str,
        mentions: Sequence[Mention],
        pools: Mapping[Mention, list[Candidate]],
        *,
        inside: Callable[[Place, Place], bool] = inside,
    ) -> _ArticleContext:
        admin1: set[str] = set()
        areas: dict[str, Place] = {}
        named: list[tuple[int, Place, Mention]] = []
        by_key: dict[str, dict[str, tuple[str, tuple[float, float]]]] = {}
        for mention in mentions:
            pool = pools[mention]
            if mention.kind in AREA_MENTIONS:
                named += [
                    (mention.start, c.place, mention) for c in pool if c.place.kind in AREA_MENTIONS
                ]
            if mention.kind in ("oblast", "sector"):
                for c in pool:
                    if c.place.kind == "oblast":
                        admin1.add(c.place.admin1 or c.place.name)
                        if mention.kind == "sector":  # "the Sumy direction", not the oblast
                            areas[mention.key] = _sector(c.place, mention.key)
            if mention.kind in ("settlement", "unknown") and mention.key not in by_key:
                points = {
                    c.place.place_id: (c.place.name, p)
                    for c in pool
                    if c.place.kind == "settlement" and (p := _point(c.place)) is not None
                }
                if points:
                    by_key[mention.key] = points
        keys, names, lats, lons, weights, index = [], [], [], [], [], []
        for number, (key, points) in enumerate(by_key.items()):
            for name, (lat, lon) in points.values():
                keys.append(key)
                names.append(name)
                lats.append(lat)
                lons.append(lon)
                weights.append(1.0 / len(points))
                index.append(number)
        focus = None
        strong = [(la, lo) for la, lo, w in zip(lats, lons, weights, strict=True) if w >= 0.5]
        if strong:
            focus = (
                sum(a for a, _ in strong) / len(strong),
                sum(b for _, b in strong) / len(strong),
            )
        return cls(
            text,
            keys,
            names,
            np.radians(lats),
            np.radians(lons),
            np.array(weights),
            np.array(index, dtype=np.int64),
            {k: n for n, k in enumerate(by_key)},
            admin1,
            named,
            areas,
            inside,
            focus,
        )

    def prepare(self, points: Iterable[tuple[float, float]]) -> None:
        """Compute the coherence of many candidate points at once (one distance matrix)."""
        todo = sorted(set(points) - self._rows.keys())
        if not todo or not len(self.anchor_keys):
            return
        lat0 = np.radians([p[0] for p in todo])[:, None]
        lon0 = np.radians([p[1] for p in todo])[:, None]
        h = (
            np.sin((self.anchor_lat - lat0) / 2) ** 2
            + np.cos(lat0) * np.cos(self.anchor_lat) * np.sin((self.anchor_lon - lon0) / 2) ** 2
        )
        d = 2 * 6371.0 * np.arcsin(np.sqrt(np.minimum(1.0, h)))
        support = self.anchor_weight * np.exp(-d / 40.0)
        starts = np.flatnonzero(np.r_[True, np.diff(self.anchor_key_index) != 0])
        best = np.maximum.reduceat(support, starts, axis=1)  # points x keys
        for row, point in enumerate(todo):
            self._rows[point] = (d[row], support[row], best[row])

    def _result(
        self, d: np.ndarray, support: np.ndarray, best: np.ndarray, excluded: int
    ) -> tuple[float, tuple[str, float] | None]:
        n_keys = len(self.key_numbers) - (excluded >= 0)
        if not n_keys:
            return 0.0, None
        total = float(best.sum()) - (float(best[excluded]) if excluded >= 0 else 0.0)
        masked = np.where((self.anchor_key_index != excluded) & (support > 0), d, np.inf)
        i = int(np.argmin(masked))
        nearest = (self.anchor_names[i], float(d[i])) if np.isfinite(masked[i]) else None
        return min(1.0, total / max(1.0, n_keys**0.5)), nearest

    def coherence(
        self, point: tuple[float, float], *, exclude: str
    ) -> tuple[float, tuple[str, float] | None]:
        """How well a point agrees with the other places of the article (0..1), and the nearest."""
        memo_key = (point[0], point[1], exclude)
        if memo_key not in self._memo:
            if point not in self._rows:
                self.prepare([point])
            if point not in self._rows:  # no anchors at all
                return 0.0, None
            self._memo[memo_key] = self._result(
                *self._rows[point], self.key_numbers.get(exclude, -1)
            )
        return self._memo[memo_key]


def _sentence_groups(text: str, mentions: Sequence[Mention]) -> dict[Mention, list[Mention]]:
    """For each settlement mention, the other settlement mentions of its sentence (a sentence
    ends at ". ", "! ", "? " or a line break; bounded, like ``_sentence_around``)."""
    ordered = sorted(
        (m for m in mentions if m.kind in ("settlement", "unknown")), key=lambda m: m.start
    )
    groups: list[list[Mention]] = []
    for m in ordered:
        if groups and not _SENTENCE_BREAK.search(text, groups[-1][-1].end, m.start):
            groups[-1].append(m)
        else:
            groups.append([m])
    out: dict[Mention, list[Mention]] = {}
    for group in groups:
        for i, m in enumerate(group):  # its neighbours in the list: bounded, a page may be
            near = group[max(0, i - JOINT_NEIGHBOURS) : i + JOINT_NEIGHBOURS + 1]  # one line
            out[m] = [o for o in near if o.key != m.key]
    return out


_SENTENCE_BREAK = re.compile(r"[.!?](?:\s|$)|\n")


def _distances_km(point: tuple[float, float], lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Haversine distances (km) from one (lat, lon) point in degrees to arrays in radians."""
    lat0, lon0 = math.radians(point[0]), math.radians(point[1])
    h = np.sin((lat - lat0) / 2) ** 2 + math.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.minimum(1.0, h)))
