"""Events and mentions as rows, CSV, GeoJSON and JSON Lines: pure functions from records to text.

    >>> from claimmap.views.export import EVENT_COLUMNS, safe_cell
    >>> EVENT_COLUMNS[:4]
    ('event_id', 'event_type', 'actor', 'status')
    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell(-1.5), safe_cell("-1.5")
    ('\\'=HYPERLINK("http://x")', '-1.5', '-1.5')

Every column is described in docs/COLUMNS.md. CSV is RFC 4180 (``\\r\\n`` line ends, quotes
doubled), returned as ``str``: write it as UTF-8 (``utf-8-sig`` if Excel must open it). Text
cells that a spreadsheet would run as a formula (starting with ``= + - @``, a tab, CR or LF,
also after leading white space or quotes) get a leading ``'``; plain numbers are left as they are.
GeoJSON (RFC 7946) and JSON Lines carry the unmodified values.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

from claimmap.records import Article, Claim, Event, Resolution

#: The events CSV contract, in order (docs/COLUMNS.md describes each one).
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "event_type", "actor", "status", "location", "location_uk", "admin1", "admin2",
    "admin3", "latitude", "longitude", "geo_precision", "place_id", "confidence", "n_claims",
    "n_articles", "n_origins", "first_reported", "last_reported", "sources", "source_sentences",
    "surfaces", "source_url",
    # issue 12: when it happened (ACLED's event_date and time_precision)
    "event_date", "time_precision", "start_date", "end_date", "claim_dates",
)  # fmt: skip
#: The mentions CSV/JSONL contract, in order.
MENTION_COLUMNS: tuple[str, ...] = (
    "article", "start", "end", "surface", "kind", "place_id", "name", "name_uk", "lat", "lon",
    "precision", "confidence", "tier", "reason", "mention_id", "runners_up",
)  # fmt: skip
#: Joins several values (titles, sentences, surfaces) inside one cell.
JOINER = " | "

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: What a spreadsheet may skip before it looks for a formula: white space and quotes.
_LEADING = " \u00a0\u3000\"'“”‘’«»"


def safe_cell(value: object) -> str:
    """A cell's text, neutralised so a spreadsheet shows it instead of running it as a formula."""
    if value is None:
        return ""
    text = str(value)
    if _NUMBER.fullmatch(text):
        return text
    if text.startswith(_FORMULA_START) or text.lstrip(_LEADING).startswith(_FORMULA_START):
        return "'" + text
    return text


def event_rows(events: Iterable[Event]) -> list[dict[str, object]]:
    """One dict per event with ``EVENT_COLUMNS`` as keys; numbers stay numbers, missing is None."""
    rows: list[dict[str, object]] = []
    for event in events:
        place = event.place
        rows.append(
            {
                "event_id": event.event_id,
                "event_type": event.event_type,
                "actor": event.actor,
                "status": event.status,
                "location": place.name,
                "location_uk": place.name_uk,
                "admin1": place.admin1,
                "admin2": place.admin2,
                "admin3": place.admin3,
                "latitude": _coordinate(place.lat),
                "longitude": _coordinate(place.lon),
                "geo_precision": event.precision,
                "place_id": place.place_id,
                "confidence": round(event.confidence, 3),
                "n_claims": event.n_claims,
                "n_articles": event.n_articles,
                "n_origins": event.n_origins,
                "first_reported": event.first_reported,
                "last_reported": event.last_reported,
                "sources": JOINER.join(_unique(event.sources)),
                "source_sentences": JOINER.join(_unique(c.sentence for c in event.claims)),
                "surfaces": JOINER.join(_unique(event.surfaces)),
                "source_url": JOINER.join(_unique(event.source_urls)),
                "event_date": event.date,
                "time_precision": event.time_precision or None,
                "start_date": event.date,
                "end_date": event.date_end or event.date,
                "claim_dates": JOINER.join(_unique(_claim_date(c) for c in event.claims)),
            }
        )
    return rows


def _claim_date(claim: Claim) -> str:
    """``2025-06-04..2025-06-05 p1 "у ніч на 5 червня"``; "" for an undated claim."""
    if not claim.date:
        return ""
    span = f"{claim.date}..{claim.date_end}" if claim.date_end else claim.date
    words = f' "{claim.date_text}"' if claim.date_text else " (publication date)"
    return f"{span} p{claim.date_precision}{words}"


def events_csv(events: Iterable[Event]) -> str:
    """The events as CSV text (header ``EVENT_COLUMNS``), formula-safe."""
    return _csv(EVENT_COLUMNS, event_rows(events))


def events_geojson(events: Iterable[Event]) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection, one Feature per event with the CSV columns as properties.

    Events of precision 3 (a region, not a point) and places without coordinates get
    ``"geometry": null``; points are ``[longitude, latitude]``."""
    events = list(events)
    features = []
    for event, row in zip(events, event_rows(events), strict=True):
        point = (
            event.precision != 3 and row["latitude"] is not None and row["longitude"] is not None
        )
        features.append(
            {
                "type": "Feature",
                "id": event.event_id,
                "geometry": (
                    {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
                    if point
                    else None
                ),
                "properties": row,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def mention_rows(
    resolutions: Iterable[Resolution], *, articles: Mapping[str, Article]
) -> list[dict[str, object]]:
    """One dict per resolved (or unresolved) mention, keys ``MENTION_COLUMNS``.

    ``article`` is the file name (the title for pasted text, the id when ``articles`` lacks
    it); ``runners_up`` is
    ``"name [place_id] score"`` per candidate, joined with `` | ``."""
    return [
        {**row, "runners_up": JOINER.join(_runner_text(c) for c in row["runners_up"])}
        for row in _mention_dicts(resolutions, articles)
    ]


def mentions_csv(resolutions: Iterable[Resolution], *, articles: Mapping[str, Article]) -> str:
    """The mentions as CSV text (header ``MENTION_COLUMNS``), formula-safe."""
    return _csv(MENTION_COLUMNS, mention_rows(resolutions, articles=articles))


def mentions_jsonl(resolutions: Iterable[Resolution], *, articles: Mapping[str, Article]) -> str:
    """The mentions as JSON Lines; ``runners_up`` is a list of {place_id, name, score, match}."""
    return "".join(
        json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n"
        for row in _mention_dicts(resolutions, articles)
    )


def _article_name(article: Article) -> str:
    return PurePath(article.path).name if article.path else article.title


def _mention_dicts(
    resolutions: Iterable[Resolution], articles: Mapping[str, Article]
) -> list[dict[str, Any]]:
    rows = []
    for res in resolutions:
        mention, place = res.mention, res.place
        article = articles.get(mention.article_id)
        rows.append(
            {
                "article": _article_name(article) if article else mention.article_id,
                "start": mention.start,
                "end": mention.end,
                "surface": mention.surface,
                "kind": mention.kind,
                "place_id": place.place_id if place else "",
                "name": place.name if place else "",
                "name_uk": place.name_uk if place else "",
                "lat": _coordinate(place.lat) if place else None,
                "lon": _coordinate(place.lon) if place else None,
                "precision": res.precision,
                "confidence": round(res.confidence, 3),
                "tier": res.tier,
                "reason": res.reason,
                "mention_id": mention.mention_id,
                "runners_up": [
                    {
                        "place_id": c.place.place_id,
                        "name": c.place.name,
                        "score": round(c.score, 3),
                        "match": c.match,
                    }
                    for c in res.runners_up
                ],
            }
        )
    return rows


def _runner_text(candidate: Mapping[str, Any]) -> str:
    return f"{candidate['name']} [{candidate['place_id']}] {candidate['score']:.2f}"


def _csv(columns: tuple[str, ...], rows: Iterable[Mapping[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([safe_cell(row[c]) for c in columns] for row in rows)
    return buffer.getvalue()


def _coordinate(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
