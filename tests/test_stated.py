"""Tests for claimmap.places.stated and the resolver's use of stated areas."""

from __future__ import annotations

from claimmap.places.resolve import Resolver
from claimmap.places.stated import inside, stated_areas
from claimmap.records import Mention, Place


def _mentions(text: str, spans: list[tuple[str, str]]) -> list[Mention]:
    out, pos = [], 0
    for surface, kind in spans:
        start = text.index(surface, pos)
        out.append(Mention("a", start, start + len(surface), surface, kind, surface.lower()))
        pos = start + len(surface)
    return out


def test_a_list_before_an_area_is_governed_by_it() -> None:
    text = "Новеньке, Басівка Юнаківської громади та Веселівка, Журавка Хотінської громади"
    ms = _mentions(
        text,
        [("Новеньке", "settlement"), ("Басівка", "settlement"), ("Юнаківської громади",
         "hromada"), ("Веселівка", "settlement"), ("Журавка", "settlement"),
         ("Хотінської громади", "hromada")],
    )  # fmt: skip
    found = stated_areas(text, ms)
    assert [a.surface for a, _ in found[ms[1]]] == ["Юнаківської громади"]
    assert [a.surface for a, _ in found[ms[4]]] == ["Хотінської громади"]


def test_an_area_before_a_colon_list() -> None:
    text = "В Харьковской области: Графское, Нескучное."
    ms = _mentions(
        text, [("Харьковской области", "oblast"), ("Графское", "settlement"),
               ("Нескучное", "settlement")]
    )  # fmt: skip
    found = stated_areas(text, ms)
    assert set(found) == {ms[1], ms[2]}


def test_a_genitive_chain_gives_both_areas() -> None:
    text = "місто Костянтинівка Краматорського району Донецької області"
    ms = _mentions(
        text, [("Костянтинівка", "settlement"), ("Краматорського району", "raion"),
               ("Донецької області", "oblast")]
    )  # fmt: skip
    assert {a.surface for a, _ in stated_areas(text, ms)[ms[0]]} == {
        "Донецької області", "Краматорського району"
    }  # fmt: skip


def test_inside_by_admin_columns_and_distance() -> None:
    village = Place("v", "settlement", "Basivka", tier="sumy", admin1="Sumy",
                    admin2="Sumskyi", admin3="Yunakivska", lat=51.1, lon=34.9)  # fmt: skip
    hromada = Place("h", "hromada", "Yunakivska", tier="sumy", admin1="Sumy", lat=51.1, lon=35)
    other = Place("o", "hromada", "Khotinska", tier="sumy", admin1="Sumy", lat=51.2, lon=34.7)
    assert inside(village, hromada)
    assert not inside(village, other)
    far = Place("r", "raion", "Kramatorskyi", tier="areas", admin1="Donetsk", lat=48.7, lon=37.6)
    city = Place("c", "settlement", "Kostiantynivka", tier="ukraine", admin1="Donetsk",
                 lat=48.53, lon=37.7)  # fmt: skip
    assert inside(city, far)


def test_the_stated_area_decides_the_namesake(resolver: Resolver) -> None:
    text = "Окупанти обстріляли Веселовку и Журавку Хотинской громады."
    places = {r.mention.surface: r.place for r in resolver.resolve_text(text)}
    assert places["Веселовку"].place_id == "UA59080290040076082"
    assert places["Журавку"].place_id == "UA59080290070062480"
    assert places["Хотинской громады"].place_id == "UA59080290000021284"


def test_a_stated_area_outside_sumy(resolver: Resolver) -> None:
    text = "Удар по місту Костянтинівка Краматорського району Донецької області."
    places = {r.mention.surface: r.place for r in resolver.resolve_text(text)}
    assert places["Костянтинівка"].admin1 == "Donetsk"
    assert places["Краматорського району"].place_id == "UA14120000000070232"


def test_a_clause_before_the_list_words_still_states_the_area() -> None:
    text = "В Харьковской области наши штурмовики зашли в населённые пункты Графское, Нескучное."
    ms = _mentions(
        text, [("Харьковской области", "oblast"), ("Графское", "settlement"),
               ("Нескучное", "settlement")]
    )  # fmt: skip
    assert set(stated_areas(text, ms)) == {ms[1], ms[2]}


def test_a_plural_area_word_makes_the_names_before_it_areas(resolver: Resolver) -> None:
    text = "Russia's Bryansk and Belgorod regions were attacked by drones."
    by_surface = {r.mention.surface: r for r in resolver.resolve_text(text)}
    assert by_surface["Bryansk"].mention.kind == "oblast"
    assert by_surface["Bryansk"].place.kind == "oblast"


def test_a_stated_area_without_the_name_is_said_and_flagged(resolver: Resolver) -> None:
    # Vodolaga is the Russian singular of Khotin hromada's Vodolahy: no Sumy-oblast place is
    # called so, and the Kharkiv-oblast Vodolaha is no silent answer
    text = "Russian forces attacked the villages in the Sumy region - Vodolaga and Yunakivka."
    [vodolaga] = [r for r in resolver.resolve_text(text) if r.mention.surface == "Vodolaga"]
    assert "outside_stated_area" in vodolaga.flags
    assert vodolaga.reason.startswith("no place called 'Vodolaga' is known where the text puts")
    assert "Sumy region" in vodolaga.reason
    met = [r for r in resolver.resolve_text(text) if r.mention.surface == "Yunakivka"]
    assert met[0].flags == ()


def test_polygons_decide_inside_for_places_without_admin_columns(resolver: Resolver) -> None:
    korenevo = resolver.place("geonames:544906")  # Kursk oblast, world tier: no admin1
    kursk = resolver.place("geonames:538555")
    belgorod = resolver.place("geonames:578071")
    assert not korenevo.admin1
    assert resolver.inside(korenevo, kursk)
    assert not resolver.inside(korenevo, belgorod)
    sumy_hromada = resolver.place("UA59080310000049988")  # Yunakivska hromada
    assert resolver.inside(resolver.place("UA59080310010046655"), sumy_hromada)
