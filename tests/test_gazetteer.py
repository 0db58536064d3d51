import gzip
from collections import Counter
from pathlib import Path

import pytest

from claimmap.errors import GazetteerFormatError, UnknownPlaceError
from claimmap.places.gazetteer import data_dir, load, load_sumy, load_ukraine, load_world
from claimmap.places.gazetteer_build import build, default_dirs, read_geonames, read_joined
from claimmap.places.variants import normalise, skeleton

REPO = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).parent / "data" / "gazetteer_sample.tsv"
SOURCE = REPO.parent / "shared" / "data" / "gazetteer-source"


@pytest.fixture(scope="module")
def sumy():
    return load_sumy()


@pytest.fixture(scope="module")
def ukraine():
    return load_ukraine()


@pytest.fixture(scope="module")
def world():
    return load_world()


def test_sumy_counts(sumy) -> None:
    kinds = Counter(p.kind for p in sumy.places)
    assert kinds == {"settlement": 1488, "hromada": 51, "raion": 5, "oblast": 1}
    assert len(sumy) == 1545
    types = Counter(p.settlement_type for p in sumy.places if p.kind == "settlement")
    assert types == {"city": 15, "selyshche": 71, "village": 1402}


def test_sumy_places_are_complete(sumy) -> None:
    for place in sumy.places:
        assert place.tier == "sumy"
        assert place.admin1 == "Sumy"
        assert place.variants, place.place_id
        assert 50.0 < place.lat < 52.5, place.place_id
        assert 32.5 < place.lon < 35.8, place.place_id
        if place.kind == "settlement":
            assert all((place.admin2, place.admin3, place.name_uk, place.name_ru)), place.place_id


@pytest.mark.parametrize(
    ("surface", "place_id"),
    [
        ("Alexandria", "UA59080170090050969"),
        ("Miropol", "UA59080170010043659"),
        ("Kondratovka", "UA59080290080084186"),
        ("Yunakivka", "UA59080310010046655"),
        ("Junakovka", "UA59080310010046655"),
        ("Кондратовка", "UA59080290080084186"),
        ("Khotyn", "UA59080290010046940"),
    ],
)
def test_seed_villages(sumy, surface: str, place_id: str) -> None:
    key = normalise(surface)
    found = sumy.lookup(key) or sumy.lookup_skeleton(skeleton(key))
    assert place_id in {p.place_id for p in found}


def test_seed_village_records(sumy) -> None:
    oleksandriia = sumy.get("UA59080170090050969")
    assert (oleksandriia.name, oleksandriia.name_uk) == ("Oleksandriia", "Олександрія")
    assert (oleksandriia.admin2, oleksandriia.admin3) == ("Sumskyi", "Myropilska")
    assert oleksandriia.geonames_id == 805846
    assert sumy.get("UA59080290080084186").name_ru == "Кондратовка"
    assert "kondratovka" in set(sumy.keys())
    assert skeleton("Alexandria") in set(sumy.skeletons())


def test_areas_carry_the_forms_reporters_use(sumy) -> None:
    raion = sumy.get("UA59080000000057897")
    assert (raion.kind, raion.name) == ("raion", "Sumskyi")
    assert {"Sumskyi", "Sumy", "Sumskoy", "Сумський"} <= set(raion.variants)
    hromada = sumy.get("UA59080290000021284")
    assert (hromada.kind, hromada.name) == ("hromada", "Khotinska")
    assert {"Khotinska", "Khotin", "Хотінь"} <= set(hromada.variants)
    assert hromada in sumy.lookup_skeleton(skeleton("Khotyn"))
    oblast = sumy.get("UA59000000000057109")
    assert oblast.kind == "oblast"
    assert oblast.coord_source == "mean_of_raions"
    kinds = {p.kind for p in sumy.lookup("sumy")}
    assert kinds == {"settlement", "hromada", "raion", "oblast"}


def test_homonyms(sumy) -> None:
    names = Counter(p.name for p in sumy.places if p.kind == "settlement")
    assert names["Oleksandrivka"] == 5
    assert len([p for p in sumy.lookup("oleksandrivka") if p.kind == "settlement"]) == 5
    assert names["Shevchenkove"] == 7


def test_unknown_place(sumy) -> None:
    with pytest.raises(UnknownPlaceError, match="UA00") as err:
        sumy.get("UA00")
    assert isinstance(err.value, KeyError)
    assert "UA00" not in sumy
    assert "UA59080170090050969" in sumy


def test_ukraine_tier(ukraine) -> None:
    kostiantynivka = [p for p in ukraine.lookup("kostiantynivka") if p.admin1 == "Donetsk"]
    city = max(kostiantynivka, key=lambda p: p.population)
    assert (city.place_id, city.population) == ("geonames:705104", 67350)
    assert "Константиновка" in city.variants
    alexandria = ukraine.lookup_skeleton(skeleton("Alexandria"))
    assert "geonames:698625" in {p.place_id for p in alexandria}  # Oleksandriia, Kirovohrad
    kinds = Counter(p.kind for p in ukraine.places)
    assert kinds == {"settlement": 32223}  # the oblasts are in the areas tier, by KATOTTG code
    assert sum(p.admin1 == "Sumy" for p in ukraine.places) == 359
    assert all(p.tier == "ukraine" and p.has_point for p in ukraine.places)


def test_ukraine_tier_excludes_sumy_settlements(sumy, ukraine) -> None:
    sumy_geonames = {f"geonames:{p.geonames_id}" for p in sumy.places if p.geonames_id}
    assert len(sumy_geonames) == 1458
    assert not sumy_geonames & {p.place_id for p in ukraine.places}


def test_areas_tier() -> None:
    areas = load("areas")
    kinds = Counter((p.kind, p.country_code) for p in areas.places)
    assert kinds[("oblast", "RU")] == 3
    assert kinds[("oblast", "UA")] == 23
    assert kinds[("hromada", "UA")] > 1400
    assert kinds[("raion", "RU")] > 60
    kursk = areas.get("geonames:538555")
    assert {"Kursk Oblast", "Kursk region", "Курская область", "Курська область"} <= set(
        kursk.variants
    )
    assert [p.place_id for p in areas.lookup_form(normalise("Курской"))] == ["geonames:538555"]
    kramatorsk = areas.get("UA14120000000070232")
    assert (kramatorsk.kind, kramatorsk.admin1) == ("raion", "Donetsk")
    assert kramatorsk.has_point
    sudzha = areas.get("geonames:486813")
    assert "Sudzha" in sudzha.variants
    assert abs(sudzha.lat - 51.19) < 0.01


def test_world_tier(world) -> None:
    sudzha = world.lookup("sudzha")
    assert [(p.country_code, p.kind) for p in sudzha] == [("RU", "settlement")]
    assert {p.country_code for p in world.lookup("tetkino")} == {"RU"}
    assert "EG" in {p.country_code for p in world.lookup("alexandria")}
    russia = world.get("country:RU")
    assert russia.kind == "country"
    assert not russia.has_point
    assert {"Russia", "Russian Federation", "Россия"} <= set(russia.variants)
    assert world.lookup("ukraine") == (world.get("country:UA"),)
    assert not any(p.country_code == "UA" and p.kind != "country" for p in world.places)


def test_data_dir_finds_the_files() -> None:
    assert (data_dir() / "sumy.tsv").is_file()
    assert (data_dir() / "PROVENANCE.txt").is_file()
    assert (data_dir() / "geonames_readme.txt").is_file()


# ------------------------------------------------------------------------------- malformed files


def _set_field(line: str, index: int, value: str) -> str:
    fields = line.rstrip("\n").split("\t")
    fields[index] = value
    return "\t".join(fields) + "\n"


def _sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)


def test_sample_loads(tmp_path: Path) -> None:
    gaz = load_sumy(SAMPLE)
    assert len(gaz) == 7
    assert gaz.get("UA59080290080084186") in gaz.lookup("kondratovka")


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda ls: [*ls[:3], ls[3].replace("\t", "", 1), *ls[4:]], r"sumy\.tsv:4: expected 18"),
        (lambda ls: [*ls[:4], ls[4].replace("\traion\t", "\tvillage\t"), *ls[5:]], r":5: bad"),
        (lambda ls: [*ls[:5], _set_field(ls[5], 6, "north"), *ls[6:]], r":6: bad coord"),
        (lambda ls: [*ls[:5], _set_field(ls[5], 7, ""), *ls[6:]], r":6: bad coordinates"),
        (lambda ls: [*ls[:5], _set_field(ls[5], 9, "many"), *ls[6:]], r":6: bad population"),
        (lambda ls: ls[:2], r"sumy\.tsv: no header row"),
        (lambda ls: [ls[2].replace("variants", "v"), *ls[3:]], r":1: header lacks variants"),
        (lambda ls: [*ls, ls[-1]], r"duplicate place_id"),
    ],
)
def test_malformed_sumy_file(tmp_path: Path, mangle, message: str) -> None:
    path = tmp_path / "sumy.tsv"
    path.write_text("".join(mangle(_sample_lines())), encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match=message):
        load_sumy(path)


def test_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(GazetteerFormatError, match=r"nope\.tsv"):
        load_sumy(tmp_path / "nope.tsv")
    broken = tmp_path / "ukraine.tsv.gz"
    broken.write_bytes(gzip.compress(b"place_id\tkind\tname\tvariants\n")[:-6])
    with pytest.raises(GazetteerFormatError, match=r"ukraine\.tsv\.gz"):
        load_ukraine(broken)
    latin1 = tmp_path / "world.tsv.gz"
    latin1.write_bytes(
        gzip.compress("place_id\tkind\tname\tvariants\nx\tcountry\tCôte\t\n".encode("latin-1"))
    )
    with pytest.raises(GazetteerFormatError, match=r"world\.tsv\.gz"):
        load_world(latin1)


def test_malformed_sources(tmp_path: Path) -> None:
    joined = tmp_path / "joined.tsv"
    joined.write_text("katottg\tname_uk\nUA59\tСуми\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match=r"joined\.tsv:1: missing columns"):
        read_joined(joined)
    dump = tmp_path / "UA.txt"
    dump.write_text("1\t" * 18 + "x\n" + "1\t2\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match=r"UA\.txt:2: expected 19 columns"):
        list(read_geonames(dump))


# ------------------------------------------------------------------------------------- rebuild


def test_default_dirs_are_relative_to_the_repo() -> None:
    assert default_dirs() == (SOURCE, REPO / "gazetteer")


@pytest.mark.skipif(not SOURCE.is_dir(), reason="needs ../shared/data/gazetteer-source")
def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    counts = build(SOURCE, tmp_path)
    assert counts["sumy_settlement"] == 1488
    assert counts["areas_oblast"] == 26  # 24 oblasts and Kyiv (K) beyond Sumy, less Crimea; 3 RU
    for name in ("sumy.tsv", "areas.tsv.gz", "ukraine.tsv.gz", "world.tsv.gz", "PROVENANCE.txt"):
        assert (tmp_path / name).read_bytes() == (REPO / "gazetteer" / name).read_bytes(), name
    assert (tmp_path / "ukraine.tsv.gz").stat().st_size < 2_000_000
