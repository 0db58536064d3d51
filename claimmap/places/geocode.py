"""The geopy (Nominatim) fallback tier: rate-limited, cached, biased to the article, fails fast.

    >>> from claimmap.places.geocode import NominatimTier
    >>> tier = NominatimTier(domain="127.0.0.1:8080", scheme="http")   # a local stand-in
    >>> tier.name
    'geocoder'

It is the only module that touches the network. geopy's ``Nominatim`` speaks the API and geopy's
``RateLimiter`` spaces the requests (1 per second by default, Nominatim's usage policy). Around
them this module adds what the pipeline needs:

* a persistent cache (any object with ``cache_get``/``cache_put``, e.g. the SQLite store); only
  answers are cached, never errors;
* a circuit breaker: once the service is unreachable (refused, DNS failure, timeout) every later
  call fails at once for ``cooldown_seconds``, so an offline ingest never hangs;
* bounded retries: 429 waits for ``Retry-After`` (capped), 5xx backs off, at most ``max_retries``;
  a service still refusing after them opens the circuit too, so a batch never sleeps per name;
* answers are checked before they are cached: a result without coordinates is an error;
* a viewbox around the article's other places and a country filter (UA, RU, BY by default).

Clock and sleep are injected, so tests run without waiting.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from geopy.exc import (
    GeocoderParseError,
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
)
from geopy.exc import GeocoderUnavailable as GeopyUnavailable
from geopy.extra.rate_limiter import RateLimiter

from claimmap.errors import GeocoderError, GeocoderUnavailable
from claimmap.records import Candidate, Mention, Place

__all__ = ["GeocodeCache", "MemoryCache", "NominatimTier", "haversine_km", "place_from_raw"]

USER_AGENT = "claimmap/0.1 (Sumy front claim mapper; offline-first)"
_SETTLEMENT_TYPES = {
    "city",
    "town",
    "village",
    "hamlet",
    "suburb",
    "neighbourhood",
    "isolated_dwelling",
    "locality",
    "municipality",
    "quarter",
}
_KIND_BY_ADDRESSTYPE = {
    "state": "oblast",
    "region": "oblast",
    "province": "oblast",
    "district": "raion",
    "county": "raion",
    "country": "country",
}


class GeocodeCache(Protocol):
    def cache_get(self, key: str) -> str | None: ...
    def cache_put(self, key: str, value: str) -> None: ...


@dataclass(slots=True)
class MemoryCache:
    """A process-local cache, for use without a database."""

    data: dict[str, str] = field(default_factory=dict)

    def cache_get(self, key: str) -> str | None:
        return self.data.get(key)

    def cache_put(self, key: str, value: str) -> None:
        self.data[key] = value


class _InjectedRateLimiter(RateLimiter):
    """geopy's RateLimiter with its clock and sleep replaceable."""

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        min_delay_seconds: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        super().__init__(
            func, min_delay_seconds=min_delay_seconds, max_retries=0, swallow_exceptions=False
        )
        self._injected_clock = clock
        self._injected_sleep = sleep

    def _clock(self) -> float:
        return self._injected_clock()

    def _sleep(self, seconds: float) -> None:
        self._injected_sleep(seconds)


def place_from_raw(raw: dict[str, Any]) -> Place:
    """A Place from one Nominatim ``/search`` result (jsonv2 or json with addressdetails)."""
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError) as err:
        raise GeocoderError(f"geocoder result without usable coordinates: {raw!r:.200}") from err
    address = raw.get("address") or {}
    addresstype = raw.get("addresstype") or raw.get("type") or ""
    kind = _KIND_BY_ADDRESSTYPE.get(addresstype, "settlement")
    name = raw.get("name") or str(raw.get("display_name", "")).split(",")[0].strip()
    osm = f"osm:{raw.get('osm_type', 'node')}/{raw.get('osm_id', raw.get('place_id', '?'))}"
    return Place(
        place_id=osm,
        kind=kind,
        name=name or "?",
        lat=lat,
        lon=lon,
        coord_source="nominatim",
        tier="geocoder",
        admin1=address.get("state", ""),
        admin2=address.get("district", "") or address.get("county", ""),
        admin3=address.get("municipality", ""),
        country_code=str(address.get("country_code", "")).upper(),
        settlement_type=addresstype if addresstype in _SETTLEMENT_TYPES else "",
        variants=(str(raw.get("display_name", "")),) if raw.get("display_name") else (),
    )


class NominatimTier:
    """The fallback tier. ``geocode`` may be injected (any callable like geopy's ``geocode``)."""

    name = "geocoder"

    def __init__(
        self,
        *,
        domain: str = "nominatim.openstreetmap.org",
        scheme: str = "https",
        user_agent: str = USER_AGENT,
        timeout: float = 5.0,
        min_delay_seconds: float = 1.0,
        max_retries: int = 2,
        max_retry_after: float = 30.0,
        cooldown_seconds: float = 300.0,
        country_codes: Sequence[str] = ("ua", "ru", "by"),
        cache: GeocodeCache | None = None,
        geocode: Callable[..., Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if geocode is None:
            from functools import partial

            from geopy.adapters import RequestsAdapter
            from geopy.geocoders import Nominatim

            # The adapter's own urllib3 retries would sleep through 429s out of our sight:
            # retries and back-off are ours (bounded, clock injected), so turn its off.
            geocode = Nominatim(
                user_agent=user_agent,
                domain=domain,
                scheme=scheme,
                timeout=timeout,
                adapter_factory=partial(RequestsAdapter, max_retries=0),
            ).geocode
        self._geocode = _InjectedRateLimiter(
            geocode, min_delay_seconds=min_delay_seconds, clock=clock, sleep=sleep
        )
        self.domain = domain
        self.max_retries = max_retries
        self.max_retry_after = max_retry_after
        self.cooldown_seconds = cooldown_seconds
        self.country_codes = tuple(country_codes)
        self.cache: GeocodeCache = cache if cache is not None else MemoryCache()
        self._clock = clock
        self._sleep = sleep
        self._down_until = 0.0
        self._down_reason = ""
        self.requests = 0  #: HTTP requests made (tests and benchmarks read it)

    def candidates(
        self, mention: Mention, *, near: tuple[float, float] | None = None
    ) -> list[Candidate]:
        """Ranked candidates for one mention; raises GeocoderError/GeocoderUnavailable."""
        query = mention.surface.strip()
        params: dict[str, Any] = {
            "exactly_one": False,
            "limit": 5,
            "addressdetails": True,
            "country_codes": list(self.country_codes),
        }
        if near is not None:
            lat, lon = near
            params["viewbox"] = [(lat - 1.5, lon - 2.0), (lat + 1.5, lon + 2.0)]
        key = "nominatim:" + json.dumps({"q": query, **params}, sort_keys=True, default=str)
        cached = self.cache.cache_get(key)
        if cached is not None:
            raws = json.loads(cached)
            places = [place_from_raw(r) for r in raws]
        else:
            raws = self._fetch(query, params)
            places = [place_from_raw(r) for r in raws]  # GeocoderError before anything is cached
            self.cache.cache_put(key, json.dumps(raws, sort_keys=True))
        ranked = sorted(places, key=lambda p: _distance_key(p, near))
        return [
            Candidate(p, round(0.75 - 0.05 * i, 3), "geocoder", query) for i, p in enumerate(ranked)
        ]

    def _fetch(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        now = self._clock()
        if now < self._down_until:
            raise GeocoderUnavailable(
                f"geocoder unreachable ({self._down_reason}); "
                f"not retried for {self._down_until - now:.0f} s"
            )
        attempt = 0
        while True:
            attempt += 1
            try:
                self.requests += 1
                result = self._geocode(query, **params)
                break
            except (GeocoderTimedOut, GeopyUnavailable) as err:
                self._trip(f"{type(err).__name__}: {err}")
                raise GeocoderUnavailable(f"geocoder unreachable: {err}") from err
            except GeocoderRateLimited as err:
                wait = min(float(err.retry_after or 1.0), self.max_retry_after)
                if attempt > self.max_retries:
                    self._trip(f"rate-limited (429) after {attempt} tries")
                    raise GeocoderUnavailable(
                        f"geocoder rate-limited (429) after {attempt} tries"
                    ) from err
                self._sleep(wait)
            except GeocoderQuotaExceeded as err:
                raise GeocoderUnavailable(f"geocoder quota exceeded: {err}") from err
            except GeocoderParseError as err:
                raise GeocoderError(f"geocoder sent a malformed answer: {err}") from err
            except GeocoderServiceError as err:
                if attempt > self.max_retries:
                    self._trip(f"server error after {attempt} tries: {err}")
                    raise GeocoderError(f"geocoder error after {attempt} tries: {err}") from err
                self._sleep(min(2.0**attempt, self.max_retry_after))
            except (ValueError, TypeError, KeyError, AttributeError) as err:
                # a garbage body (JSONDecodeError), or JSON that is not a list of places
                # (geopy's parser raises TypeError/KeyError on results without coordinates)
                raise GeocoderError(f"geocoder sent a malformed answer: {err!r:.200}") from err
        return [loc.raw for loc in (result or []) if isinstance(getattr(loc, "raw", None), dict)]

    def _trip(self, reason: str) -> None:
        self._down_until = self._clock() + self.cooldown_seconds
        self._down_reason = reason


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _distance_key(place: Place, near: tuple[float, float] | None) -> float:
    if near is None or place.lat is None or place.lon is None:
        return 0.0
    return haversine_km((place.lat, place.lon), near)
