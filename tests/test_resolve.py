"""Resolution: the seeds, areas, homonyms by context, wider tiers, the geocoder fallback."""

from __future__ import annotations

import pytest
from conftest import SEEDS
from nominatim_server import NominatimStandIn, serve

from claimmap.places.geocode import NominatimTier
from claimmap.places.resolve import Resolver
from claimmap.records import Resolution

SEED_PLACES = {
    "Alexandria": "UA59080170090050969",  # Oleksandriia, Myropilska hromada
    "Miropol": "UA59080170010043659",  # Myropillia
    "Yunakivka": "UA59080310010046655",
    "Kondratovka": "UA59080290080084186",  # Kindrativka
}


def by_surface(resolutions: tuple[Resolution, ...]) -> dict[str, Resolution]:
    return {r.mention.surface: r for r in resolutions}


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_villages_resolve_to_their_gazetteer_points(resolver: Resolver, path) -> None:
    found = by_surface(resolver.resolve_text(path.read_text(encoding="utf-8")))
    for surface, place_id in SEED_PLACES.items():
        r = found[surface]
        assert r.place is not None
        assert r.place.place_id == place_id, r.reason
        assert r.confidence >= 0.8, r.reason
        assert r.precision == 1
        assert r.tier == "sumy"
        gaz = resolver.place(place_id)
        assert (r.place.lat, r.place.lon) == (gaz.lat, gaz.lon)
        assert r.reason


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_areas_and_countries(resolver: Resolver, path) -> None:
    resolutions = resolver.resolve_text(path.read_text(encoding="utf-8"))
    sectors = [r for r in resolutions if r.mention.kind == "sector"]
    assert sectors
    for r in sectors:
        assert r.place is not None
        assert r.place.kind == "sector"
        assert r.place.place_id == "sector:sumy"
        assert r.precision == 3
    countries = {r.mention.surface: r for r in resolutions if r.mention.kind == "country"}
    assert countries["Ukraine"].place.place_id == "country:UA"  # type: ignore[union-attr]
    assert all(
        r.precision == 3 and not r.place.has_point  # type: ignore[union-attr]
        for r in countries.values()
    )
    # A bare "Sumy" in these articles is the region they are about, never a point on the city.
    for r in resolutions:
        if r.mention.surface == "Sumy":
            assert r.precision == 3, r.reason


def test_runners_up_and_reason_are_given(resolver: Resolver) -> None:
    r = by_surface(resolver.resolve_text("Russian troops seized Alexandria and stormed Miropol."))[
        "Alexandria"
    ]
    assert r.runners_up, "Oleksandriia in Kirovohrad oblast and Alexandria, Egypt lose"
    assert all(c.place.place_id != r.place.place_id for c in r.runners_up)  # type: ignore[union-attr]
    assert "Myropillia" in r.reason


def test_kostiantynivka_follows_the_article_context(resolver: Resolver) -> None:
    donetsk = by_surface(
        resolver.resolve_text(
            "Russian forces shelled Kostiantynivka and Druzhkivka in Donetsk Oblast, "
            "near Chasiv Yar."
        )
    )["Kostiantynivka"]
    sumy = by_surface(
        resolver.resolve_text(
            "Near the border in Sumy raion, Russian troops attacked Kostiantynivka and Yunakivka."
        )
    )["Kostiantynivka"]
    assert donetsk.place is not None
    assert sumy.place is not None
    assert donetsk.place.admin1.startswith("Donetsk"), donetsk.reason
    assert sumy.place.tier == "sumy", sumy.reason
    assert sumy.place.place_id.startswith("UA5908"), sumy.reason


def test_kursk_places_come_from_the_world_tier(resolver: Resolver) -> None:
    r = by_surface(resolver.resolve_text("Ukrainian drones hit Sudzha in Russia's Kursk region."))[
        "Sudzha"
    ]
    assert r.place is not None
    assert r.place.country_code == "RU"
    assert r.tier == "world"


def test_unknown_name_goes_to_the_geocoder() -> None:
    with serve() as state:
        resolver = Resolver.offline(
            fallback=NominatimTier(domain=state.domain, scheme="http", min_delay_seconds=0.0)
        )
        r = by_surface(
            resolver.resolve_text("Shelling hit the village of Hlybnivka near Yunakivka.")
        )["Hlybnivka"]
    assert r.tier == "geocoder"
    assert r.place is not None
    assert r.place.place_id == "osm:node/337001"
    assert "far_from_article" not in r.flags


def test_geocoder_result_far_away_is_flagged() -> None:
    with serve(NominatimStandIn(mode=["far"])) as state:  # Vladivostok: RU, but 6,000 km away
        resolver = Resolver.offline(
            fallback=NominatimTier(domain=state.domain, scheme="http", min_delay_seconds=0.0)
        )
        r = by_surface(
            resolver.resolve_text("Shelling hit the village of Hlybnivka near Yunakivka.")
        )["Hlybnivka"]
    assert "far_from_article" in r.flags
    assert r.confidence < 0.5


def test_geocoder_unreachable_leaves_the_mention_unresolved_with_the_reason() -> None:
    resolver = Resolver.offline(
        fallback=NominatimTier(domain="127.0.0.1:9", scheme="http", timeout=1.0)
    )
    r = by_surface(resolver.resolve_text("Shelling hit the village of Hlybnivka near Yunakivka."))[
        "Hlybnivka"
    ]
    assert r.place is None
    assert r.tier == "unresolved"
    assert "geocoder unreachable" in r.reason


def test_override_wins_and_says_so(resolver: Resolver) -> None:
    text = "Russian troops seized Alexandria."
    mention = resolver.resolve_text(text, article_id="a")[0].mention
    other = resolver.place("UA59080170010043659")
    r = resolver.resolve([mention], text=text, overrides={mention.mention_id: other})[0]
    assert r.place == other
    assert "override" in r.flags
    assert r.confidence == 1.0


def test_offline_index_cache_round_trips_and_survives_damage(tmp_path, monkeypatch) -> None:
    from claimmap.places import gazetteer

    monkeypatch.setenv("CLAIMMAP_CACHE_DIR", str(tmp_path))
    gazetteer.load_offline.cache_clear()
    try:
        built = gazetteer.load_offline()
        (cache,) = tmp_path.glob("offline-index-*.pickle")
        gazetteer.load_offline.cache_clear()
        loaded = gazetteer.load_offline()
        assert loaded is not built
        assert [len(g) for g in loaded[0]] == [len(g) for g in built[0]]
        assert loaded[1].kinds == built[1].kinds
        assert loaded[0][0].get("UA59080170090050969") == built[0][0].get("UA59080170090050969")
        cache.write_bytes(b"not a pickle")
        gazetteer.load_offline.cache_clear()
        rebuilt = gazetteer.load_offline()
        assert rebuilt[1].kinds == built[1].kinds
        assert cache.read_bytes() != b"not a pickle"  # replaced by a good one
    finally:
        gazetteer.load_offline.cache_clear()


def test_border_distance_is_per_place_from_the_state_border_line(resolver: Resolver) -> None:
    sopych = resolver.place("UA59100070190030721")  # a village on the Bryansk border
    assert resolver.border_km(sopych) < 3
    assert resolver.border_km(resolver.place("UA59080270010036634")) > 20  # Sumy city
    assert resolver.border_km(resolver.place("geonames:524901")) == float("inf")  # Moscow


def test_a_stated_distance_to_the_border_weighs_the_candidates(resolver: Resolver) -> None:
    [rylsk, _] = resolver.resolve_text(
        "A drone hit Rylsk, about 30 km from the border with Ukraine."
    )
    assert "from the state border, where the text puts it (30 km)" in rylsk.reason
    [village] = resolver.resolve_text("Обстріляно Павлівку, за 5 км від кордону.")
    assert village.place.place_id == "UA59080030370089250"  # the Bilopillia-hromada one
    assert "5 km" in village.reason
