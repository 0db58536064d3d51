"""The OpenStreetMap boundaries as the resolver uses them: which area polygons hold a point,
and how far a point lies from the Ukraine–Russia state border.

    >>> from claimmap.places.boundaries import load_boundaries
    >>> b = load_boundaries()
    >>> b.holding([50.911], [34.803])[0]       # Sumy city: its hromada, raion and oblast
    ('UA59000000000057109', 'UA59080000000057897', 'UA59080270000073662')
    >>> round(float(b.border_km([51.17], [35.1])[0]))  # a point north of Yunakivka
    2

The polygons are the Sumy oblast, its 5 raions and 51 hromadas (KATOTTG ids), the six
neighbouring oblasts (KATOTTG ids for Chernihiv, Poltava and Kharkiv, ISO 3166-2 for Kursk,
Belgorod and Bryansk) and the state border's lines, from ``claimmap/views/boundaries`` (the
files the map draws: © OpenStreetMap contributors, ODbL 1.0, see PROVENANCE.txt there). They
are read as data files, so the places wing imports nothing from the views wing. The gazetteer
asks once per place, when it is built (``Gazetteer.from_places``); nothing here runs per
candidate.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from claimmap.records import Place

if TYPE_CHECKING:
    import numpy as np

__all__ = ["FILES", "Boundaries", "haversine_km", "load_boundaries"]

#: The files read, in ``claimmap/views/boundaries`` (the map's layers).
FILES = (
    "sumy_oblast.geojson",
    "sumy_raions.geojson",
    "sumy_hromadas.geojson",
    "neighbour_oblasts.geojson",
    "ua_ru_state_border.geojson",
)
#: Points farther than this (degrees, about 150 km) from the border line's box get no
#: distance (inf): no sentence places them "near the border" or "N km from the border".
_BORDER_MARGIN_DEG = 1.5
#: Latitude the planar search for the nearest border point is scaled at; the distance itself
#: is then measured along the sphere (haversine), so the scale only picks the nearest point.
_SCALE_LAT = 51.0


def boundaries_dir() -> Any:
    """The folder of the boundary files (a Traversable inside the installed package)."""
    return resources.files("claimmap") / "views" / "boundaries"


@dataclass(frozen=True, slots=True)
class Boundaries:
    """Area polygons by id, their names, and the state border line (lon/lat degrees)."""

    ids: tuple[str, ...]
    levels: tuple[str, ...]
    polygons: tuple[Any, ...]  #: shapely geometries, prepared
    names: Mapping[str, tuple[str, ...]]  #: id -> its English, Ukrainian and Russian names
    border: Any  #: shapely MultiLineString
    #: ids of the six oblasts around Sumy oblast (``neighbour_oblasts.geojson``)
    neighbours: frozenset[str] = frozenset()

    def holding(self, lats: Sequence[float], lons: Sequence[float]) -> list[tuple[str, ...]]:
        """For each point, the ids of the polygons that hold it (sorted)."""
        import numpy as np  # imported here: the index cache's digest reads FILES
        import shapely

        x, y = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        inside = np.zeros((len(self.ids), len(x)), dtype=bool)
        for row, polygon in enumerate(self.polygons):
            inside[row] = shapely.contains_xy(polygon, x, y)
        order = sorted(range(len(self.ids)), key=lambda i: self.ids[i])
        return [tuple(self.ids[i] for i in order if inside[i, col]) for col in range(len(x))]

    def border_km(self, lats: Sequence[float], lons: Sequence[float]) -> np.ndarray:
        """For each point, its distance (km) to the state border; inf far from it."""
        import numpy as np  # imported here: the index cache's digest reads FILES
        import shapely

        lat, lon = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
        out = np.full(len(lat), np.inf)
        if not len(lat) or self.border.is_empty:
            return out
        west, south, east, north = self.border.bounds
        m = _BORDER_MARGIN_DEG
        near = (lat >= south - m) & (lat <= north + m) & (lon >= west - m) & (lon <= east + m)
        if not near.any():
            return out
        k = math.cos(math.radians(_SCALE_LAT))
        line = shapely.transform(self.border, lambda c: c * np.array([k, 1.0]))
        points = shapely.points(lon[near] * k, lat[near])
        nearest = shapely.get_coordinates(shapely.shortest_line(points, line))[1::2]
        out[near] = _haversine(lat[near], lon[near], nearest[:, 1], nearest[:, 0] / k)
        return out

    def polygon_of(self, place: Place) -> str | None:
        """The id of the polygon of an area place: its own id (KATOTTG), else an oblast of
        the same country whose name it bears ("Kursk Oblast" -> RU-KRS)."""
        if place.place_id in self.names:
            return place.place_id
        if place.kind != "oblast":
            return None
        own = {n.lower() for n in (place.name, place.name_uk, place.name_ru) if n}
        for pid, names in self.names.items():
            if pid.startswith(place.country_code) and own & {n.lower() for n in names}:
                return pid
        return None


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> Any:
    import numpy as np

    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.minimum(1.0, h)))


@lru_cache(maxsize=1)
def load_boundaries() -> Boundaries:
    """The boundaries of ``boundaries_dir()`` (read once per process)."""
    import shapely

    ids, levels, polygons, lines, neighbours = [], [], [], [], []
    names: dict[str, tuple[str, ...]] = {}
    folder = boundaries_dir()
    for name in FILES:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        for feature in data["features"]:
            props, geometry = feature["properties"], shapely.geometry.shape(feature["geometry"])
            if props["level"] == "country":
                lines.append(geometry)
                continue
            ids.append(props["id"])
            if name == "neighbour_oblasts.geojson":
                neighbours.append(props["id"])
            levels.append(props["level"])
            shapely.prepare(geometry)
            polygons.append(geometry)
            names[props["id"]] = tuple(
                props[k] for k in ("name_en", "name_uk", "name_ru") if props.get(k)
            )
    return Boundaries(
        tuple(ids),
        tuple(levels),
        tuple(polygons),
        names,
        shapely.multilinestrings(lines),
        frozenset(neighbours),
    )
