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
