"""The geopy fallback against a local HTTP server speaking Nominatim's API (never the internet)."""

from __future__ import annotations

import re
import socket
import time

import pytest
from nominatim_server import PLACES, FakeClock, NominatimStandIn, serve

from claimmap.errors import ConfigError, GeocoderError, GeocoderUnavailable
from claimmap.places.geocode import (
    MAX_TEXT,
    USER_AGENT,
    MemoryCache,
    NominatimTier,
    clean_raw,
    tier_from_url,
)
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
        t.candidates(mention("Kursk"))
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


# --- the server is untrusted input (issue 14): each case bounded, nothing bad cached ----------

#: Every request below has a 1 s total deadline; a case may take at most this long in all.
DEADLINE = 1.0
BOUND = DEADLINE + 1.5

REFUSED = {  # mode -> (error, what its message says)
    "trickle": (GeocoderUnavailable, "did not answer within 1 s"),
    "hang": (GeocoderUnavailable, "did not answer within 1 s"),
    "huge": (GeocoderError, "over 1,048,576 bytes"),
    "bad:NaN,34.99": (GeocoderError, "impossible lat"),
    "bad:51.07,1e308": (GeocoderError, "impossible lon"),
    "bad:51.07,200": (GeocoderError, "impossible lon"),
    "bad:95,34.99": (GeocoderError, "lat"),
    "bad:51.07,-Infinity": (GeocoderError, "impossible lon"),
    "bad:inf,34.99": (GeocoderError, "lat"),
    "bad:abc,34.99": (GeocoderError, "lat"),
    "bad:,34.99": (GeocoderError, "lat"),
    "badjson": (GeocoderError, "malformed answer"),
    "brazil": (GeocoderError, "outside UA, RU, BY ('Hlybnivka, Paraíba, Brasil' in BR)"),
    "html": (GeocoderError, "HTML, not JSON"),
}


@pytest.mark.parametrize("mode", list(REFUSED))
def test_hostile_answers_are_refused_in_time_and_never_cached(mode: str) -> None:
    error, says = REFUSED[mode]
    clock = FakeClock()
    cache = MemoryCache()
    with serve(NominatimStandIn(mode=[mode] * 5, hang_seconds=10.0)) as state:
        t = tier(state, clock, cache=cache, min_delay_seconds=0.0)
        t.timeout = DEADLINE
        started = time.monotonic()
        with pytest.raises(error) as raised:
            t.candidates(mention("Hlybnivka"))
        took = time.monotonic() - started
    assert says in str(raised.value)
    assert took < BOUND, f"{mode}: {took:.2f} s"
    assert cache.data == {}
    assert len(state.requests) == 1  # no silent retry of a refused answer


def test_a_huge_body_is_not_read_past_the_cap() -> None:
    with serve(NominatimStandIn(mode=["huge"])) as state:
        t = tier(state, FakeClock(), min_delay_seconds=0.0)
        with pytest.raises(GeocoderError, match="over 1,048,576 bytes"):
            t.candidates(mention("Hlybnivka"))
        time.sleep(0.2)  # the server notices the closed socket
    assert state.sent_bytes < 10 * 1024 * 1024  # of 50 MB offered


def test_stored_strings_are_cut_to_size() -> None:
    cache = MemoryCache()
    with serve(NominatimStandIn(mode=["longname"])) as state:
        found = tier(state, FakeClock(), cache=cache).candidates(mention("Hlybnivka"))
    assert found[0].place.variants[0].startswith("Глибнівка x")
    assert len(found[0].place.variants[0]) == MAX_TEXT
    assert max(len(v) for v in cache.data.values()) < 3 * MAX_TEXT + 1000


def test_redirect_on_the_same_origin_is_followed() -> None:
    cache = MemoryCache()
    with serve(NominatimStandIn(mode=["redirect"])) as state:
        found = tier(state, FakeClock(), cache=cache).candidates(mention("Hlybnivka"))
    assert found[0].place.place_id == "osm:node/337001"
    assert len(state.requests) == 2
    assert len(cache.data) == 1


def test_redirect_to_another_host_is_never_followed() -> None:
    cache = MemoryCache()
    with serve() as other:
        target = f"http://localhost:{other.port}/search"  # same machine, other origin
        with serve(NominatimStandIn(mode=[f"redirect:{target}"] * 3)) as state:
            t = tier(state, FakeClock(), cache=cache)
            with pytest.raises(GeocoderError, match="redirected to another host"):
                t.candidates(mention("Hlybnivka"))
            with pytest.raises(GeocoderUnavailable, match="not retried"):
                t.candidates(mention("Kursk"))  # the circuit is open: not asked again
    assert other.requests == []  # the place names never reached the other host
    assert len(state.requests) == 1
    assert cache.data == {}


def test_redirect_loops_stop() -> None:
    with serve(NominatimStandIn(mode=["redirect"] * 10)) as state:
        t = tier(state, FakeClock(), min_delay_seconds=0.0, max_retries=0)
        with pytest.raises(GeocoderError, match="redirected more than 3 times"):
            t.candidates(mention("Hlybnivka"))
    assert len(state.requests) == 4


def test_foreign_results_are_dropped_and_the_rest_kept() -> None:
    raws = [*PLACES["hlybnivka"], *PLACES["paris"]]
    kept, refused = NominatimTier(domain="x")._in_countries([clean_raw(r) for r in raws])
    assert [r["osm_id"] for r in kept] == [337001]
    assert refused == ["'Paris, Île-de-France, France' in FR"]


def test_a_damaged_cache_entry_is_refused_not_trusted() -> None:
    cache = MemoryCache()
    with serve() as state:
        t = tier(state, FakeClock(), cache=cache)
        t.candidates(mention("Hlybnivka"))
        (key,) = cache.data
        cache.data[key] = cache.data[key].replace('"34.9903"', '"1e308"')
        with pytest.raises(GeocoderError, match="impossible lon"):
            t.candidates(mention("Hlybnivka"))


def test_the_batch_budget_bounds_429_waits_and_later_names() -> None:
    clock = FakeClock()
    with serve(NominatimStandIn(mode=["429"] * 10, retry_after="25")) as state:
        t = tier(state, clock, min_delay_seconds=0.0, budget_seconds=40.0, max_retry_after=30.0)
        with pytest.raises(GeocoderUnavailable, match="overrun the batch's 40 s budget"):
            t.candidates(mention("Hlybnivka"))
        assert sum(clock.sleeps) <= 40.0  # one 25 s wait; the second would overrun
        t._down_until = 0.0  # a later name, the circuit closed again: the budget still holds
        t.spent = 40.0
        with pytest.raises(GeocoderUnavailable, match="budget for this batch"):
            t.candidates(mention("Kursk"))
        asked = len(state.requests)
        state.mode.clear()
        t.begin_batch()  # a new batch has the whole budget again
        t.candidates(mention("Kursk"))
    assert asked == 2
    assert len(state.requests) == 3


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("localhost:8080", "not an http(s) URL"),
        ("ftp://example.org/nominatim", "not an http(s) URL"),
        ("127.0.0.1:9", "not an http(s) URL"),
        ("http://", "names no host"),
        ("https:///search", "names no host"),
        ("http://127.0.0.1:99999", "not a URL"),
        ("http://127.0.0.1:8080/?q=x", "query"),
    ],
)
def test_a_bad_geocoder_url_is_one_line(url: str, says: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(says)) as raised:
        tier_from_url(url)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "domain", "scheme"),
    [
        ("http://127.0.0.1:8080", "127.0.0.1:8080", "http"),
        ("https://nominatim.example.org/", "nominatim.example.org", "https"),
        ("https://example.org/nominatim/", "example.org/nominatim", "https"),
        ("http://[::1]:8080", "[::1]:8080", "http"),
    ],
)
def test_a_good_geocoder_url_becomes_a_tier(url: str, domain: str, scheme: str) -> None:
    t = tier_from_url(url)
    assert (t.domain, t._scheme) == (domain, scheme)


def test_a_geocoder_url_from_the_stand_in_works_end_to_end() -> None:
    with serve() as state:
        t = tier_from_url(f"http://{state.domain}", min_delay_seconds=0.0)
        assert t.candidates(mention("Hlybnivka"))[0].place.name == "Глибнівка"
