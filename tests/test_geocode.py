"""The geopy fallback against a local HTTP server speaking Nominatim's API (never the internet)."""

from __future__ import annotations

import socket
import time

import pytest
from nominatim_server import FakeClock, NominatimStandIn, serve

from claimmap.errors import GeocoderError, GeocoderUnavailable
from claimmap.places.geocode import USER_AGENT, MemoryCache, NominatimTier
from claimmap.records import Mention


def mention(name: str) -> Mention:
    return Mention("a", 0, len(name), name, "unknown", name.lower())


def tier(state: NominatimStandIn, clock: FakeClock, **kw: object) -> NominatimTier:
    return NominatimTier(
        domain=state.domain, scheme="http", timeout=1.0, clock=clock, sleep=clock.sleep, **kw
    )  # type: ignore[arg-type]


def test_answer_becomes_a_geocoder_place_and_is_cached() -> None:
    clock = FakeClock()
    cache = MemoryCache()
    with serve() as state:
        t = tier(state, clock, cache=cache)
        first = t.candidates(mention("Hlybnivka"), near=(51.0, 35.0))
        again = t.candidates(mention("Hlybnivka"), near=(51.0, 35.0))
    assert len(state.requests) == 1  # the second answer came from the cache
    assert first == again
    place = first[0].place
    assert place.tier == "geocoder"
    assert place.place_id == "osm:node/337001"
    assert (place.lat, place.lon) == (51.0712, 34.9903)
    assert place.country_code == "UA"
    assert state.user_agents[0] == USER_AGENT


def test_request_is_biased_to_the_article_area() -> None:
    clock = FakeClock()
    with serve() as state:
        tier(state, clock).candidates(mention("Hlybnivka"), near=(51.0, 35.0))
    sent = state.requests[0]
    assert sent["countrycodes"] == ["ua,ru,by"]
    lon1, lat1, lon2, lat2 = map(float, sent["viewbox"][0].split(","))
    assert lat1 < 51.0 < lat2
    assert lon1 < 35.0 < lon2


def test_rate_limiter_spaces_requests_one_second_apart() -> None:
    clock = FakeClock()
    with serve() as state:
        t = tier(state, clock)
        t.candidates(mention("Hlybnivka"))
        t.candidates(mention("Paris"))
    assert len(state.requests) == 2
    assert clock.sleeps == [pytest.approx(1.0)]


def test_429_waits_for_retry_after_then_succeeds() -> None:
    clock = FakeClock()
    with serve(NominatimStandIn(mode=["429"], retry_after="7")) as state:
        found = tier(state, clock, min_delay_seconds=0.0).candidates(mention("Hlybnivka"))
    assert found[0].place.name == "Глибнівка"
    assert 7.0 in clock.sleeps
    assert len(state.requests) == 2


def test_429_forever_gives_up_within_limits_and_caches_nothing() -> None:
    clock = FakeClock()
    cache = MemoryCache()
    with serve(NominatimStandIn(mode=["429"] * 10, retry_after="3600")) as state:
        t = tier(
            state, clock, cache=cache, min_delay_seconds=0.0, max_retries=2, max_retry_after=30.0
        )
        with pytest.raises(GeocoderUnavailable, match="429"):
            t.candidates(mention("Hlybnivka"))
    assert len(state.requests) == 3
    assert max(clock.sleeps) == 30.0  # Retry-After capped
    assert cache.data == {}


@pytest.mark.parametrize(("mode", "error"), [("500", GeocoderError), ("garbage", GeocoderError)])
def test_server_errors_are_reported_not_cached(mode: str, error: type[Exception]) -> None:
    clock = FakeClock()
    cache = MemoryCache()
    with serve(NominatimStandIn(mode=[mode] * 5)) as state, pytest.raises(error):
        tier(state, clock, cache=cache, min_delay_seconds=0.0).candidates(mention("Hlybnivka"))
    assert cache.data == {}


def test_empty_answer_is_no_candidate_and_is_cached() -> None:
    clock = FakeClock()
    cache = MemoryCache()
    with serve(NominatimStandIn(mode=["empty"])) as state:
        assert tier(state, clock, cache=cache).candidates(mention("Nowhere")) == []
    assert len(cache.data) == 1  # "no such place" is an answer


def test_timeout_fails_fast_and_opens_the_circuit() -> None:
    clock = FakeClock()
    with serve(NominatimStandIn(mode=["hang"], hang_seconds=3.0)) as state:
        t = tier(state, clock)
        started = time.monotonic()
        with pytest.raises(GeocoderUnavailable, match="unreachable"):
            t.candidates(mention("Hlybnivka"))
        assert time.monotonic() - started < 2.5
        with pytest.raises(GeocoderUnavailable, match="not retried"):
            t.candidates(mention("Paris"))
    assert len(state.requests) == 1  # the second call never reached the server


def test_connection_refused_is_unreachable_at_once() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    clock = FakeClock()
    t = NominatimTier(
        domain=f"127.0.0.1:{port}", scheme="http", timeout=2.0, clock=clock, sleep=clock.sleep
    )
    started = time.monotonic()
    with pytest.raises(GeocoderUnavailable):
        t.candidates(mention("Hlybnivka"))
    assert time.monotonic() - started < 2.0
