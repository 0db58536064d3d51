"""The geopy (Nominatim) fallback tier: rate-limited, cached, biased to the article, fails fast.

    >>> from claimmap.places.geocode import NominatimTier
    >>> tier = NominatimTier(domain="127.0.0.1:8080", scheme="http")   # a local stand-in
    >>> tier.name
    'geocoder'

It is the only module that touches the network (through ``geocode_http``). geopy's ``Nominatim``
speaks the API, geopy's ``RateLimiter`` spaces the requests (1 per second by default, Nominatim's
usage policy) and ``geocode_http.BoundedAdapter`` carries them: one total deadline per request
(``timeout``, 5 s), a 1 MiB cap on the body, redirects only on the same origin, JSON only. The
server is untrusted input. Around them this module adds what the pipeline needs:

* a persistent cache (any object with ``cache_get``/``cache_put``, e.g. the SQLite store); only
  answers are cached, never errors;
* a circuit breaker: once the service is unreachable (refused, DNS failure, timeout) every later
  call fails at once for ``cooldown_seconds``, so an offline ingest never hangs;
* bounded retries: 429 waits for ``Retry-After`` (capped), 5xx backs off, at most ``max_retries``;
  a service still refusing after them opens the circuit too, so a batch never sleeps per name;
* a time budget per batch (``budget_seconds``, 300 s, reset by ``begin_batch``): requests, 429
  waits and back-off all count; once spent, every later name fails at once with that reason;
* answers are checked before they are cached: a result whose latitude or longitude is missing,
  not a number, NaN, infinite or out of range spoils the whole answer (an error, never cached);
  results outside ``country_codes`` are dropped (the server was asked for them only), and an
  answer with nothing left is an error that names what was refused;
* only the fields used are kept, strings cut to ``MAX_TEXT`` characters, so a 50 MB
  ``display_name`` can never reach the cache or the database;
* a viewbox around the article's other places and a country filter (UA, RU, BY by default).

``tier_from_url`` checks a configured URL (``CLAIMMAP_GEOCODER_URL``) and refuses, in one line,
anything but ``http(s)://host[:port][/path]``.

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
from geopy.geocoders import Nominatim

from claimmap.errors import ConfigError, GeocoderError, GeocoderUnavailable
from claimmap.places.boundaries import haversine_km
from claimmap.places.geocode_http import MAX_BYTES, BoundedAdapter, OffOriginRedirect, TooLarge
from claimmap.records import Candidate, Mention, Place

__all__ = [
    "MAX_TEXT",
    "GeocodeCache",
    "MemoryCache",
    "NominatimTier",
    "clean_raw",
    "place_from_raw",
    "tier_from_url",
]

#: Longest string kept from an answer (names, display names, address parts), in characters.
MAX_TEXT = 300
_KEPT = ("place_id", "osm_type", "osm_id", "lat", "lon", "name", "display_name", "class", "type")
_KEPT += ("addresstype", "importance")
_KEPT_ADDRESS = ("state", "district", "county", "municipality", "country", "country_code")

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


class _RawNominatim(Nominatim):
    """geopy's Nominatim, handing back the results as they came: ``clean_raw`` checks them.

    geopy's own parser builds a ``Point`` from each, which silently wraps a longitude of 200 to
    -160 and fails on NaN with a message naming no field; checking once, here, is clearer."""

    def _parse_json(self, places: Any, exactly_one: bool) -> list[Any] | None:
        if not places:
            return None
        if isinstance(places, dict):
            raise GeocoderParseError(f"the answer is not a list of places: {places!r:.120}")
        if not isinstance(places, list):
            raise GeocoderParseError(f"the answer is not a list of places: {places!r:.60}")
        return places[:1] if exactly_one else places


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


def _coordinate(raw: dict[str, Any], key: str, limit: float) -> float:
    value = raw.get(key)
    shown = f"{value!r:.40}"
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise GeocoderError(f"geocoder result without usable coordinates: {key} is {shown}")
    try:
        number = float(value)
    except ValueError as err:
        raise GeocoderError(f"geocoder result with a {key} that is not a number: {shown}") from err
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise GeocoderError(
            f"geocoder result with an impossible {key} {shown} (outside ±{limit:g}); answer refused"
        )
    return number


def _text(value: Any) -> str:
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def clean_raw(raw: Any) -> dict[str, Any]:
    """The fields of one result that claimmap uses, checked and cut to size (what is cached).

    Raises ``GeocoderError`` for a result that is not an object or whose coordinates are missing,
    not numbers, NaN, infinite or out of range."""
    if not isinstance(raw, dict):
        raise GeocoderError(f"geocoder result is not an object: {raw!r:.80}")
    lat, lon = _coordinate(raw, "lat", 90.0), _coordinate(raw, "lon", 180.0)
    kept: dict[str, Any] = {}
    for key in _KEPT:
        value = raw.get(key)
        if isinstance(value, str):
            kept[key] = value[:MAX_TEXT]
        elif isinstance(value, int | float) and not isinstance(value, bool):
            kept[key] = value if math.isfinite(value) else None
    kept["lat"], kept["lon"] = str(lat), str(lon)
    address = raw.get("address")
    if isinstance(address, dict):
        kept["address"] = {k: _text(address.get(k)) for k in _KEPT_ADDRESS if address.get(k)}
    return kept


def place_from_raw(raw: dict[str, Any]) -> Place:
    """A Place from one Nominatim ``/search`` result (jsonv2 or json with addressdetails)."""
    raw = clean_raw(raw)
    lat, lon = float(raw["lat"]), float(raw["lon"])
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
        budget_seconds: float = 300.0,
        max_bytes: int = MAX_BYTES,
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

            # geopy's RequestsAdapter times each socket read (a trickling server holds it for
            # ever) and follows redirects anywhere; BoundedAdapter has one deadline for the whole
            # request, a byte cap, same-origin redirects and no retries (they are ours, below).
            geocode = _RawNominatim(
                user_agent=user_agent,
                domain=domain,
                scheme=scheme,
                timeout=timeout,
                adapter_factory=partial(BoundedAdapter, max_bytes=max_bytes),
            ).geocode
        self._geocode = _InjectedRateLimiter(
            geocode, min_delay_seconds=min_delay_seconds, clock=clock, sleep=sleep
        )
        self.domain = domain
        self._scheme = scheme
        self.timeout = timeout
        self.budget_seconds = budget_seconds
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
        self.spent = 0.0  #: seconds spent on the network this batch (requests, waits, back-off)

    def begin_batch(self) -> None:
        """A new batch gets the whole time budget again (the circuit breaker is kept)."""
        self.spent = 0.0

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
            try:  # an entry written by an older claimmap is checked again
                raws = [clean_raw(r) for r in json.loads(cached)]
            except (ValueError, TypeError) as err:
                raise GeocoderError(f"the cached geocoder answer for {query!r} is damaged") from err
            places = [place_from_raw(r) for r in raws]
        else:
            raws = [clean_raw(r) for r in self._fetch(query, params)]  # errors: nothing cached
            raws, refused = self._in_countries(raws)
            if refused and not raws:
                raise GeocoderError(
                    f"geocoder answered only with places outside {self._countries()} "
                    f"({'; '.join(refused[:3])}); refused"
                )
            places = [place_from_raw(r) for r in raws]
            self.cache.cache_put(key, json.dumps(raws, sort_keys=True, allow_nan=False))
        ranked = sorted(places, key=lambda p: _distance_key(p, near))
        return [
            Candidate(p, round(0.75 - 0.05 * i, 3), "geocoder", query) for i, p in enumerate(ranked)
        ]

    def _countries(self) -> str:
        return ", ".join(c.upper() for c in self.country_codes)

    def _in_countries(self, raws: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
        """The results in the requested countries, and a note on each one refused."""
        if not self.country_codes:
            return raws, []
        wanted = {c.lower() for c in self.country_codes}
        kept, refused = [], []
        for raw in raws:
            code = str((raw.get("address") or {}).get("country_code", "")).lower()
            if code in wanted:
                kept.append(raw)
            else:
                name = str(raw.get("display_name") or raw.get("name") or "?")[:60]
                refused.append(f"{name!r} in {code.upper() or 'no stated country'}")
        return kept, refused

    def _fetch(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        now = self._clock()
        if now < self._down_until:
            raise GeocoderUnavailable(
                f"geocoder unreachable ({self._down_reason}); "
                f"not retried for {self._down_until - now:.0f} s"
            )
        started = now
        try:
            return self._fetch_within_budget(query, params)
        finally:
            self.spent += max(0.0, self._clock() - started)

    def _left(self) -> float:
        left = self.budget_seconds - self.spent
        if left <= 0:
            raise GeocoderUnavailable(
                f"geocoder time budget for this batch ({self.budget_seconds:g} s) is spent; "
                "not asked"
            )
        return left

    def _fetch_within_budget(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            left = self._left() - (self._clock() - started)
            if left <= 0:
                raise GeocoderUnavailable(
                    f"geocoder time budget for this batch ({self.budget_seconds:g} s) is spent "
                    f"after {attempt - 1} tries"
                )
            try:
                self.requests += 1
                result = self._geocode(query, **params, timeout=min(self.timeout, left))
                break
            except (OffOriginRedirect, TooLarge) as err:
                self._trip(str(err))
                raise GeocoderError(f"geocoder answer refused: {err}") from err
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
                if wait >= self._left() - (self._clock() - started):
                    self._trip(f"rate-limited (429), asked to wait {wait:g} s")
                    raise GeocoderUnavailable(
                        f"geocoder rate-limited (429); waiting {wait:g} s would overrun the "
                        f"batch's {self.budget_seconds:g} s budget"
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
                backoff = min(2.0**attempt, self.max_retry_after)
                if backoff >= self._left() - (self._clock() - started):
                    raise GeocoderError(
                        f"geocoder error, and backing off would overrun the batch's "
                        f"{self.budget_seconds:g} s budget: {err}"
                    ) from err
                self._sleep(backoff)
            except (ValueError, TypeError, KeyError, AttributeError) as err:
                # a garbage body (JSONDecodeError), or JSON that is not a list of places
                # (geopy's parser raises TypeError/KeyError on results without coordinates)
                raise GeocoderError(f"geocoder sent a malformed answer: {err!r:.200}") from err
        return [getattr(loc, "raw", loc) for loc in (result or [])]  # checked by clean_raw

    def _trip(self, reason: str) -> None:
        self._down_until = self._clock() + self.cooldown_seconds
        self._down_reason = reason


def tier_from_url(url: str, **options: Any) -> NominatimTier:
    """A tier for ``http(s)://host[:port][/path]``; anything else raises ``ConfigError``.

    ``localhost:8080`` (no scheme), ``ftp://...`` and ``127.0.0.1:9`` are refused in one line
    rather than becoming a traceback or ``https:///search``."""
    from urllib.parse import urlsplit

    shown = f"{url!r:.120}"
    hint = "write it as http://HOST:PORT or https://HOST"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as err:
        raise ConfigError(f"geocoder URL {shown} is not a URL ({err}); {hint}") from None
    if parts.scheme not in ("http", "https"):
        raise ConfigError(f"geocoder URL {shown} is not an http(s) URL; {hint}")
    if not parts.hostname:
        raise ConfigError(f"geocoder URL {shown} names no host; {hint}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(
            f"geocoder URL {shown} has a query, fragment or user name; give only the server"
        )
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    domain = host + (f":{port}" if port else "") + parts.path.rstrip("/")
    return NominatimTier(domain=domain, scheme=parts.scheme, **options)


def _distance_key(place: Place, near: tuple[float, float] | None) -> float:
    if near is None or place.lat is None or place.lon is None:
        return 0.0
    return haversine_km((place.lat, place.lon), near)
