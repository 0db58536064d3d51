"""Records to rows and back, shared by every back end (SQLite, PostgreSQL).

    >>> from claimmap.records import Place
    >>> place = Place("sector:sumy", "sector", "Sumy direction")
    >>> place_from(json.loads(place_json(place))) == place
    True
    >>> check_bbox(33.0, 50.0, 35.0, 52.5)
    (33.0, 50.0, 35.0, 52.5)

Places, runners-up, flags and claim lists are JSON text in both back ends, so a row means the
same wherever it is stored and ``claimmap migrate`` can copy rows column by column. ``TABLES``
names every table's portable columns in copy order (parents before children). The spatial
helpers check a bounding box or a radius and measure great-circle distance on the sphere
PostGIS uses for ``geography`` with ``use_spheroid = false``, so both back ends agree.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from functools import lru_cache
from typing import Any

from claimmap.errors import MapError, StorageError
from claimmap.inputs.text import NEAR_DUPLICATE_THRESHOLD
from claimmap.records import (
    Article,
    Candidate,
    Claim,
    Event,
    Mention,
    Place,
    Resolution,
    event_family,
)
from claimmap.store import neardup

__all__ = [
    "ARTICLE_COLUMNS",
    "CLAIM_COLUMNS",
    "EARTH_RADIUS_KM",
    "EVENT_COLUMNS",
    "TABLES",
    "best_origin",
    "by_group",
    "candidates_json",
    "check_bbox",
    "check_owner",
    "check_radius",
    "claim_from",
    "claim_values",
    "dumps",
    "event_changes",
    "event_from",
    "event_values",
    "haversine_km",
    "now",
    "place_from",
    "place_json",
    "radius_box",
    "resolution_from",
]


def _names(words: str) -> tuple[str, ...]:
    return tuple(words.split())


_PLACE_ORDER = tuple(f.name for f in fields(Place))
_CLAIM_ORDER = tuple(f.name for f in fields(Claim))
_PLACE_FIELDS = frozenset(_PLACE_ORDER)
#: claims columns after ``article_id`` and ``seq``
CLAIM_COLUMNS = tuple(f.name for f in fields(Claim) if f.name != "article_id")
ARTICLE_COLUMNS = _names(
    "article_id title text source published language path origin_id url published_at"
)
EVENT_COLUMNS = _names("""
    event_id seq event_type actor status place precision claims n_claims n_articles n_origins
    first_reported last_reported confidence surfaces sources detail target_side sides monitors
    situation killed injured denials date date_end time_precision source_urls place_id family
    sort_date place_name""")
#: Every table's portable columns, parents first (the order ``claimmap migrate`` copies in).
TABLES: dict[str, tuple[str, ...]] = {
    "articles": ARTICLE_COLUMNS,
    "mentions": _names("mention_id article_id start_char end_char surface kind key"),
    "resolutions": _names(
        "mention_id place confidence precision tier reason runners_up flags place_id"
    ),
    "claims": ("article_id", "seq", *CLAIM_COLUMNS),
    "events": EVENT_COLUMNS,
    "near_buckets": ("bucket", "article_id"),
    "shingles": ("article_id", "hashes"),
    "dirty_groups": ("place_id", "family"),
    "overrides": ("mention_id", "place", "created_at"),
    "geocoder_cache": ("key", "value", "created_at"),
    "curation": _names("kind target action value label at who"),
    "audit": _names("seq at who action kind target old_value new_value label"),
}
#: km; the mean radius PostGIS uses for ``geography`` distances on the sphere
EARTH_RADIUS_KM = 6371.0087714  # WGS84 R1 = (2a + b) / 3


# --- records from rows -----------------------------------------------------------------------


def place_from(data: Mapping[str, Any]) -> Place:
    known = {k: v for k, v in data.items() if k in _PLACE_FIELDS}
    return Place(**{**known, "variants": tuple(known.get("variants", ()))})


@lru_cache(maxsize=8192)
def place_of_json(text: str) -> Place:
    """The place a stored JSON object describes, decoded once per distinct text: 10,000
    events name a few hundred places (places are frozen, so sharing one is safe)."""
    return place_from(json.loads(text))


def claim_from(row: dict[str, object]) -> Claim:
    """A claim from a row or a JSON object: booleans are kept as 0/1."""
    for name in ("situation", "hedged"):
        if name in row:
            row[name] = bool(row[name])
    return Claim(**row)  # type: ignore[arg-type]


def article_from(row: Mapping[str, Any]) -> Article:
    return Article(**{name: row[name] for name in ARTICLE_COLUMNS})


def mention_key(row: Mapping[str, Any]) -> str:
    return f"{row['article_id']}:{row['start_char']}:{row['end_char']}"


def resolution_from(row: Mapping[str, Any]) -> Resolution:
    return Resolution(
        mention=Mention(
            row["article_id"],
            row["start_char"],
            row["end_char"],
            row["surface"],
            row["kind"],
            row["key"],
        ),
        place=None if row["place"] is None else place_of_json(row["place"]),
        confidence=row["confidence"],
        precision=row["precision"],
        tier=row["tier"],
        reason=row["reason"],
        runners_up=tuple(
            Candidate(
                place=place_from(c["place"]),
                score=c["score"],
                match=c["match"],
                matched=c["matched"],
            )
            for c in json.loads(row["runners_up"])
        ),
        flags=tuple(json.loads(row["flags"])),
    )


def event_from(row: Mapping[str, Any]) -> Event:
    sides, monitors = json.loads(row["sides"]), json.loads(row["monitors"])
    return Event(
        event_id=row["event_id"],
        event_type=row["event_type"],
        actor=row["actor"],
        status=row["status"],
        place=place_of_json(row["place"]),
        precision=row["precision"],
        claims=tuple(claim_from(c) for c in json.loads(row["claims"])),
        n_claims=row["n_claims"],
        n_articles=row["n_articles"],
        n_origins=row["n_origins"],
        first_reported=row["first_reported"],
        last_reported=row["last_reported"],
        confidence=row["confidence"],
        surfaces=tuple(json.loads(row["surfaces"])),
        sources=tuple(json.loads(row["sources"])),
        detail=row["detail"],
        target_side=row["target_side"],
        sides=tuple(sides),
        monitors=tuple(monitors),
        n_sides=len(sides),
        n_monitors=len(monitors),
        situation=bool(row["situation"]),
        killed=row["killed"],
        injured=row["injured"],
        denials=row["denials"],
        date=row["date"],
        date_end=row["date_end"],
        time_precision=row["time_precision"],
        source_urls=tuple(json.loads(row["source_urls"])),
    )


# --- rows from records -----------------------------------------------------------------------


def by_group(
    groups: Collection[tuple[str, str]], events: Iterable[Event]
) -> Iterator[tuple[tuple[str, str], list[Event]]]:
    """Each (place id, family) group, in order, with the events made for it."""
    made: dict[tuple[str, str], list[Event]] = {group: [] for group in groups}
    for event in events:
        made[(event.place.place_id, event_family(event.event_type))].append(event)
    yield from sorted(made.items())


def event_changes(
    stored: Iterable[Sequence[Any]], events: Sequence[Event]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """What a merge writes: the ids of stored events to delete and the rows to insert.

    ``stored`` are the rows (``EVENT_COLUMNS``) of the groups being merged and ``events`` what
    the merge made of them. A stored event whose row equals a new one's, ``seq`` aside, stays
    as it is: a batch of ten articles touching the groups of the Sumy direction rewrites the
    events that changed, not the thousands those groups hold."""
    old = {row[0]: tuple(row[2:]) for row in stored}
    rows, kept = [], set()
    for seq, event in enumerate(events):
        row = event_values(seq, event)
        if old.get(row[0]) == row[2:]:
            kept.add(row[0])
        else:
            rows.append(row)
    return [event_id for event_id in old if event_id not in kept], rows


def event_values(seq: int, e: Event) -> tuple[Any, ...]:
    """An event's row, in ``EVENT_COLUMNS`` order."""
    return (
        e.event_id,
        seq,
        e.event_type,
        e.actor,
        e.status,
        place_json(e.place),
        e.precision,
        claims_json(e.claims),
        e.n_claims,
        e.n_articles,
        e.n_origins,
        e.first_reported,
        e.last_reported,
        e.confidence,
        dumps(e.surfaces),
        dumps(e.sources),
        e.detail,
        e.target_side,
        dumps(e.sides),
        dumps(e.monitors),
        int(e.situation),
        e.killed,
        e.injured,
        e.denials,
        e.date,
        e.date_end,
        e.time_precision,
        dumps(e.source_urls),
        e.place.place_id,
        event_family(e.event_type),
        e.date or e.first_reported,  # sort_date
        e.place.name,
    )


def claim_values(aid: str, seq: int, claim: Claim) -> tuple[Any, ...]:
    """A claim's row (``article_id``, ``seq``, then ``CLAIM_COLUMNS``); booleans as 0/1."""
    values = (getattr(claim, name) for name in CLAIM_COLUMNS)
    return (aid, seq, *(int(v) if isinstance(v, bool) else v for v in values))


def resolution_values(r: Resolution) -> tuple[Any, ...]:
    return (
        r.mention.mention_id,
        None if r.place is None else place_json(r.place),
        r.confidence,
        r.precision,
        r.tier,
        r.reason,
        candidates_json(r.runners_up),
        dumps(r.flags),
        None if r.place is None else r.place.place_id,
    )


@lru_cache(maxsize=4096)
def place_json(place: Place) -> str:
    """A Place as a JSON object (cached: the same places recur in every article's candidates;
    ``dataclasses.asdict`` deep-copies and was a third of ingest time)."""
    return dumps({name: getattr(place, name) for name in _PLACE_ORDER})


def claims_json(claims: Sequence[Claim]) -> str:
    return dumps([{name: getattr(c, name) for name in _CLAIM_ORDER} for c in claims])


def candidates_json(candidates: Sequence[Candidate]) -> str:
    return (
        "["
        + ", ".join(
            f'{{"place": {place_json(c.place)}, "score": {dumps(c.score)}, '
            f'"match": {dumps(c.match)}, "matched": {dumps(c.matched)}}}'
            for c in candidates
        )
        + "]"
    )


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def check_owner(aid: str, what: str, owners: Sequence[tuple[str, str]]) -> None:
    for owner, label in owners:
        if owner != aid:
            raise StorageError(f"{what} {label!r} belongs to article {owner!r}, not {aid!r}")


# --- near-duplicates -------------------------------------------------------------------------


def best_origin(article_id: str, mine: bytes, candidates: Iterable[tuple[str, str, bytes]]) -> str:
    """The origin of the candidate (article id, origin id, stored shingles; in storage order)
    most similar to an article with shingles ``mine`` at or above
    ``NEAR_DUPLICATE_THRESHOLD`` (the earliest of equals), else ``article_id``."""
    best, best_score = article_id, NEAR_DUPLICATE_THRESHOLD
    for other, origin, hashes in candidates:
        score = neardup.jaccard(mine, bytes(hashes))
        if score >= best_score and (score > best_score or best == article_id):
            best, best_score = origin or other, score
    return best


# --- where: bounding boxes and radii ---------------------------------------------------------


def check_bbox(west: float, south: float, east: float, north: float) -> tuple[float, ...]:
    """The box as floats; MapError (one line) for a box that is not one. ``west > east`` is a
    box across the antimeridian."""
    try:
        box = tuple(float(v) for v in (west, south, east, north))
    except (TypeError, ValueError) as err:
        raise MapError(f"bounding box: not numbers ({err})") from err
    w, s, e, n = box
    if not all(math.isfinite(v) for v in box):
        raise MapError("bounding box: every side must be a finite number")
    if not (-180 <= w <= 180 and -180 <= e <= 180):
        raise MapError(f"bounding box: longitudes {w:g}, {e:g} must lie in -180..180")
    if not (-90 <= s <= n <= 90):
        raise MapError(f"bounding box: need -90 <= south ({s:g}) <= north ({n:g}) <= 90")
    return box


def check_radius(lat: float, lon: float, km: float) -> tuple[float, float, float]:
    try:
        lat, lon, km = float(lat), float(lon), float(km)
    except (TypeError, ValueError) as err:
        raise MapError(f"radius query: not numbers ({err})") from err
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise MapError(f"radius query: ({lat:g}, {lon:g}) is not a latitude and longitude")
    if not (math.isfinite(km) and km >= 0):
        raise MapError(f"radius query: the radius must be a distance >= 0 km, not {km:g}")
    return lat, lon, km


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of ``EARTH_RADIUS_KM``."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def radius_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """A box (south, north, min lon, max lon) holding every point within ``km`` (the bound of
    J. Matuschek's "Finding points within a distance", a little widened); the longitudes are the
    whole circle when the circle reaches a pole or crosses the antimeridian (the exact distance
    decides)."""
    r = km / EARTH_RADIUS_KM * 1.001 + 1e-12  # radians
    south, north = lat - math.degrees(r), lat + math.degrees(r)
    if south <= -90 or north >= 90 or math.sin(r) >= math.cos(math.radians(lat)):
        return max(south, -90.0), min(north, 90.0), -180.0, 180.0
    dlon = math.degrees(math.asin(math.sin(r) / math.cos(math.radians(lat))))
    if lon - dlon < -180 or lon + dlon > 180:
        return south, north, -180.0, 180.0
    return south, north, lon - dlon, lon + dlon
