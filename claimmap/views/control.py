"""Control layers: an analyst's dated areas of control, and where each capture claim lay in them.

    >>> ring = [[35.0, 51.0], [35.2, 51.0], [35.2, 51.2], [35.0, 51.2], [35.0, 51.0]]
    >>> layer = load_control_layer(json.dumps({"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"date": "2025-06-10"},
    ...      "geometry": {"type": "Polygon", "coordinates": [ring]}}]}))
    >>> [a.date for a in layer]
    ['2025-06-10']
    >>> where_on(layer, lat=51.1, lon=35.1, day="2025-06-12")
    Placement(verdict='inside', layer_date='2025-06-10', distance_km=0.0)

The file is a GeoJSON FeatureCollection (RFC 7946, longitude first) whose features carry a
``date`` property (``YYYY-MM-DD``, or a datetime) and Polygon or MultiPolygon geometries: an
analyst's own assessed-control polygons or a provider's export. No such data ships with
claimmap (the providers' licences forbid redistribution).

For a claim dated D, the layer is the union of the features of the latest date on or before D
(the situation as assessed on that day); a place is ``inside`` it, ``near`` it (within
``NEAR_KM`` of its edge, outside) or ``outside``; with no layer on or before D the answer is
``no layer``. Geometry is shapely's; distances are in kilometres on a local equirectangular
projection around the place (good to well under 1% at these distances and latitudes).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date as Date

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from claimmap.errors import ControlLayerError
from claimmap.records import Claim, Event

__all__ = [
    "CAPTURE_TYPES",
    "NEAR_KM",
    "ClaimCheck",
    "ControlArea",
    "Placement",
    "check_claims",
    "load_control_layer",
    "where_on",
]

#: How far outside a controlled area a place still counts as "near" it.
NEAR_KM = 3.0
#: The claims whose place is checked against the layer.
CAPTURE_TYPES = ("territorial_capture", "recapture")
_KM_PER_DEGREE = 111.32


@dataclass(frozen=True, slots=True)
class ControlArea:
    """One dated area of control: the union of a layer's features of that date."""

    date: str
    geometry: BaseGeometry
    names: tuple[str, ...] = ()  #: the features' ``name`` properties, where given


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a place lay relative to the controlled area of the layer in force on a day."""

    verdict: str  #: inside | near | outside | no layer
    layer_date: str = ""
    distance_km: float = 0.0  #: from the area's edge; 0 inside


def load_control_layer(text: str | bytes, *, name: str = "control layer") -> list[ControlArea]:
    """The dated areas of a GeoJSON FeatureCollection, oldest first.

    Raises ControlLayerError (one line, naming the file and the feature) for anything that is
    not a FeatureCollection of dated polygons."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as err:
        raise ControlLayerError(f"{name}: not JSON ({err})") from err
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ControlLayerError(f"{name}: not a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ControlLayerError(f"{name}: the FeatureCollection has no features")
    by_date: dict[str, list[BaseGeometry]] = {}
    names: dict[str, list[str]] = {}
    for i, feature in enumerate(features):
        where = f"{name}: feature {i}"
        if not isinstance(feature, dict):
            raise ControlLayerError(f"{where} is not an object")
        props = feature.get("properties") or {}
        day = _day(props.get("date") if isinstance(props, dict) else None)
        if not day:
            raise ControlLayerError(f"{where} has no 'date' property (YYYY-MM-DD)")
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in (
            "Polygon",
            "MultiPolygon",
        ):
            raise ControlLayerError(f"{where}: the geometry is not a Polygon or MultiPolygon")
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, AttributeError, IndexError) as err:
            raise ControlLayerError(f"{where}: broken geometry ({err})") from err
        if geom.is_empty:
            raise ControlLayerError(f"{where}: the geometry is empty")
        if not geom.is_valid:
            geom = geom.buffer(0)  # a self-touching ring drawn by hand: repair, keep the area
        by_date.setdefault(day, []).append(geom)
        if isinstance(props.get("name"), str):
            names.setdefault(day, []).append(props["name"])
    return [
        ControlArea(day, unary_union(geoms), tuple(names.get(day, ())))
        for day, geoms in sorted(by_date.items())
    ]


def _day(value: object) -> str:
    if not isinstance(value, str):
        return ""
    try:
        return Date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return ""


def _layer_on(layer: Sequence[ControlArea], day: str) -> ControlArea | None:
    found = None
    for area in layer:  # oldest first
        if area.date <= day:
            found = area
    return found


def _km(geom: BaseGeometry, lat: float, lon: float) -> BaseGeometry:
    scale = (_KM_PER_DEGREE * math.cos(math.radians(lat)), _KM_PER_DEGREE)
    return shapely.transform(geom, lambda xy: (xy - (lon, lat)) * scale)


def where_on(
    layer: Sequence[ControlArea], *, lat: float, lon: float, day: str, near_km: float = NEAR_KM
) -> Placement:
    """Inside, near or outside the area of the latest layer date on or before ``day``."""
    area = _layer_on(layer, day[:10]) if day else None
    if area is None:
        return Placement("no layer")
    point = Point(lon, lat)
    if area.geometry.covers(point):
        return Placement("inside", area.date, 0.0)
    distance = _km(area.geometry, lat, lon).distance(Point(0.0, 0.0))
    verdict = "near" if distance <= near_km else "outside"
    return Placement(verdict, area.date, round(distance, 2))


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """A capture or recapture claim and where its place lay on its date."""

    event: Event
    claim: Claim
    placement: Placement


def check_claims(
    events: Iterable[Event], layer: Sequence[ControlArea], *, near_km: float = NEAR_KM
) -> list[ClaimCheck]:
    """Every dated capture/recapture claim of the events whose place has a point, checked."""
    out = []
    for event in events:
        place = event.place
        if event.event_type not in CAPTURE_TYPES or place.lat is None or place.lon is None:
            continue
        for claim in event.claims:
            if not claim.date:
                continue
            placement = where_on(layer, lat=place.lat, lon=place.lon, day=claim.date,
                                 near_km=near_km)  # fmt: skip
            out.append(ClaimCheck(event, claim, placement))
    out.sort(key=lambda c: (c.claim.date, c.event.place.name))
    return out
