"""The base map that reads without tiles: boundaries of Sumy oblast and its neighbours, town names.

    >>> from claimmap.views.basemap import boundary_ids, oblast_bounds, town_rows
    >>> "UA59080000000057897" in boundary_ids()  # Sumskyi raion, a KATOTTG code
    True
    >>> [[round(x) for x in corner] for corner in oblast_bounds()]
    [[50, 33], [52, 36]]
    >>> from claimmap.records import Place
    >>> town_rows([Place("UA1", "settlement", "Sumy", "Суми", lat=50.9, lon=34.8,
    ...                  settlement_type="city")])
    [[50.9, 34.8, 'Sumy', 'Суми', 0]]

The GeoJSON files in ``boundaries/`` are OpenStreetMap data (© OpenStreetMap contributors,
ODbL 1.0; see ``boundaries/PROVENANCE.txt``): the state border with Russia, the oblast, its 5
raions and 51 hromadas (ids are KATOTTG codes, the Sumy gazetteer's place ids) and the six
neighbouring oblasts. The page gets them once, compact: coordinates at 1e-4 degrees (about
10 m) as integer deltas, decoded in the browser. Pure: files in, lists and strings out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from claimmap.errors import MapError
from claimmap.records import Place

#: Layer name -> file in ``claimmap/views/boundaries``, drawn bottom to top.
BOUNDARY_FILES = {
    "neighbours": "neighbour_oblasts.geojson",
    "oblast": "sumy_oblast.geojson",
    "hromada": "sumy_hromadas.geojson",
    "raion": "sumy_raions.geojson",
    "border": "ua_ru_state_border.geojson",
}
#: Shown on every map drawn from these files (ODbL produced work).
ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright" target="_blank">OpenStreetMap</a> '
    "contributors (ODbL)"
)
#: Town label rank by KATOTTG settlement type: cities first, then selyshche, then villages.
TOWN_RANK = {"city": 0, "selyshche": 1}
_SCALE = 10_000  # 1e-4 degrees


@lru_cache(maxsize=1)
def load_boundaries() -> dict[str, dict[str, Any]]:
    """The five GeoJSON feature collections by layer name (read once)."""
    folder = resources.files("claimmap.views") / "boundaries"
    layers = {}
    for layer, name in BOUNDARY_FILES.items():
        try:
            data = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise MapError(f"boundary file {name} cannot be read ({err})") from err
        if data.get("type") != "FeatureCollection" or not data.get("features"):
            raise MapError(f"boundary file {name} is not a GeoJSON FeatureCollection")
        layers[layer] = data
    return layers


@lru_cache(maxsize=1)
def boundary_ids() -> frozenset[str]:
    """The ids of every polygon (KATOTTG codes for Ukraine, ISO 3166-2 for Russian regions)."""
    return frozenset(
        f["properties"]["id"]
        for layer, data in load_boundaries().items()
        if layer != "border"
        for f in data["features"]
    )


def _points(coords: Any) -> list[list[float]]:
    if coords and isinstance(coords[0], int | float):
        return [coords]
    return [p for part in coords for p in _points(part)]


@lru_cache(maxsize=1)
def oblast_bounds() -> list[list[float]]:
    """[[south, west], [north, east]] of Sumy oblast."""
    [feature] = load_boundaries()["oblast"]["features"]
    points = _points(feature["geometry"]["coordinates"])
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _encode_ring(ring: Sequence[Sequence[float]]) -> list[int]:
    """A ring or line as flat integer deltas: x0, y0, dx1, dy1, ... (units of 1e-4 degrees)."""
    out, last_x, last_y = [], 0, 0
    for lon, lat in ring:
        x, y = round(lon * _SCALE), round(lat * _SCALE)
        if out and x == last_x and y == last_y:
            continue
        out += [x - last_x, y - last_y]
        last_x, last_y = x, y
    return out


def _encode(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """Any (Multi)Polygon or (Multi)LineString as a list of parts, each a list of rings."""
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Polygon":
        parts = [coords]
    elif kind == "MultiPolygon":
        parts = coords
    elif kind == "LineString":
        parts = [[coords]]
    elif kind == "MultiLineString":
        parts = [[line] for line in coords]
    else:
        raise MapError(f"boundary geometry {kind!r} is not drawn")
    return [[_encode_ring(ring) for ring in part] for part in parts]


@lru_cache(maxsize=1)
def compact_boundaries() -> dict[str, list[dict[str, Any]]]:
    """Per layer, each feature as {id, en, uk, poly (bool), g (encoded parts)} for the page."""
    layers: dict[str, list[dict[str, Any]]] = {}
    for layer, data in load_boundaries().items():
        layers[layer] = [
            {
                "id": f["properties"]["id"],
                "en": f["properties"].get("name_en") or "",
                "uk": f["properties"].get("name_uk") or "",
                "ru": f["properties"].get("country") == "RU",
                "poly": f["geometry"]["type"].endswith("Polygon"),
                "g": _encode(f["geometry"]),
            }
            for f in data["features"]
        ]
    return layers


def town_rows(settlements: Sequence[Place]) -> list[list[Any]]:
    """[lat, lon, name, Ukrainian name, rank] per settlement with a point; rank 0 city,
    1 selyshche, 2 village (the page shows higher ranks only when zoomed in)."""
    return [
        [round(p.lat, 5), round(p.lon, 5), p.name, p.name_uk, TOWN_RANK.get(p.settlement_type, 2)]
        for p in settlements
        if p.lat is not None and p.lon is not None
    ]
