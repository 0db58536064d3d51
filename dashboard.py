"""The claimmap dashboard: the map, the sentences behind each event, corrections, exports.

    $ streamlit run dashboard.py

Opens on the seed articles (a database is built on the first run). ``CLAIMMAP_DB`` names the
database file, ``CLAIMMAP_OFFLINE=1`` turns the geocoder off. Only this file imports streamlit;
the map, the highlighting and the filters are pure functions in ``claimmap.views.mapview``, the data
comes from ``claimmap.pipeline``. Widget keys start with ``cm_``.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import gzip
import hashlib
import html
import json
import os
import re
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import altair as alt
import folium
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException
from streamlit_folium import st_folium

from claimmap.claims.claims import EVENT_TYPES
from claimmap.claims.curation import claim_id, mention_of
from claimmap.errors import ClaimMapError
from claimmap.inputs.files import read_text
from claimmap.pipeline import IngestSummary, Pipeline
from claimmap.places.gazetteer import FILES, data_dir, parse_rows
from claimmap.records import ACTORS, STATUSES, Article, Claim, Event, Place, Resolution
from claimmap.views.control import check_claims, load_control_layer
from claimmap.views.export import (
    event_rows,
    events_csv,
    events_geojson,
    mentions_csv,
)
from claimmap.views.mapview import (
    build_map,
    event_id_from_click,
    filter_events,
    highlight_html,
    selection_layer,
    source_label,
    source_link_html,
)
from claimmap.views.timeline import (
    Changes,
    changes_since,
    date_bounds,
    default_since,
    filter_days,
    in_range,
    per_day,
    place_history,
)

#: How the article's language (``Article.language``) is shown.
LANGUAGE_NAMES = {"en": "English", "uk": "Ukrainian", "ru": "Russian", "mixed": "mixed languages"}
LOW_CONFIDENCE = 0.6  #: the Review tab's default threshold
REVIEW_LIMIT = 40  #: groups of mentions shown at once in the Review tab
TABLE_COLUMNS = [
    "location",
    "event_type",
    "actor",
    "status",
    "confidence",
    "n_claims",
    "n_articles",
    "n_origins",
    "geo_precision",
    "event_date",
    "time_precision",
    "first_reported",
    "event_id",
]
_MARKDOWN = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~$:=&@]")
_NEWLINES = re.compile(r"[\r\n\u2028\u2029]+")
CSS = "<style>mark{background:#ffe066;padding:0 2px}.cm-meta{color:#555;font-size:.9em}</style>"


@dataclass
class Shared:
    """The pipeline every session shares, and a counter bumped on each write.

    Writes from the page (adding articles) hold ``writing``; every run waits for them before
    it reads (``settled``). Streamlit starts a new run at once when the user presses Reload or
    any widget, while the old run may still be ingesting: without the wait the new run read the
    database before the paste reached it, and the old run was stopped before it could bump
    the version, so the paste never showed (issue 14, item 18)."""

    pipeline: Pipeline
    db: str
    version: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    def changed(self) -> None:
        with self.lock:
            self.version += 1

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold off every other run's reads; the version is bumped even if this run is stopped."""
        with self.write_lock:
            try:
                yield
            finally:
                self.changed()

    def settled(self) -> tuple[str, int]:
        """Wait for a write in progress (another run's ingest), then the key to read with."""
        with self.write_lock:
            return self.key

    @property
    def key(self) -> tuple[str, int]:
        return self.db, self.version


@st.cache_resource(show_spinner="Opening the database…")
def shared(db: str, offline: bool) -> Shared:
    """The gazetteers load on first need (an ingest, a correction, a search): the map, the
    table and every tab show what is stored without them (``Pipeline.open(lazy=True)``)."""
    pipeline = Pipeline.open(db=db or None, offline=offline, lazy=True)
    if not pipeline.store.articles():
        with st.spinner("Loading the gazetteer and the seed articles…"):
            pipeline.ensure_seeds()
    return Shared(pipeline, db)


def ready(s: Shared) -> bool:
    """Load the gazetteers (and set the geocoder up) now, saying so; False with why if not."""
    try:
        with st.spinner("Loading the gazetteer…"):
            s.pipeline.resolver  # noqa: B018 (built on first use)
    except ClaimMapError as err:
        st.error(md(str(err)))
        return False
    return True


# What a run reads is kept once per database version (``Shared.key``) with cache_resource, the
# same objects for every run and session: records are frozen and nothing here changes the lists.
# (cache_data pickled 10,000 events and their resolutions in and out on every run: 1.4 s.)


@contextlib.contextmanager
def bulk() -> Iterator[None]:
    """Read many records without the cycle collector, then leave them out of its walks.

    10,000 events and their resolutions are a million small objects; making them set off
    seven full collections, each walking every object of the process (1-2 s of a first run).
    The records hold no cycles, so reference counting frees them when the cache drops them;
    ``gc.freeze`` only spares the collector from walking them (and streamlit's modules) again
    (cyclic garbage standing at that moment is kept: a few objects per new database version)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


@st.cache_resource(show_spinner=False, max_entries=2)
def load_events(_s: Shared, key: tuple[str, int]) -> list[Event]:
    with bulk():
        return _s.pipeline.store.events()


@st.cache_resource(show_spinner=False, max_entries=2)
def load_articles(_s: Shared, key: tuple[str, int]) -> dict[str, Article]:
    return {a.article_id: a for a in _s.pipeline.store.articles()}


@st.cache_resource(show_spinner=False, max_entries=4)
def load_review(_s: Shared, key: tuple[str, int], below: float) -> list[Resolution]:
    """The mentions the Review tab lists: unresolved or less sure than ``below``, without
    dismissed mentions and articles. Only these are read: all 14,000 resolutions of a
    10,000-event store took 1.2 s of every first run, for a tab that shows a few."""
    return _s.pipeline.resolutions(below=below)


@st.cache_resource(show_spinner=False, max_entries=8)
def load_article_resolutions(_s: Shared, key: tuple[str, int], article_id: str) -> list[Resolution]:
    """One article's resolutions (curation honoured), read when it is first shown."""
    return _s.pipeline.resolutions(article_id)


def event_resolutions(s: Shared, event: Event) -> dict[str, Resolution]:
    """Every stored resolution (dismissed ones too) of the articles behind ``event``."""
    article_ids = dict.fromkeys(c.article_id for c in event.claims)
    return {r.mention.mention_id: r for article_id in article_ids
            for r in s.pipeline.store.resolutions(article_id)}  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=2)
def load_curations(_s: Shared, key: tuple[str, int]) -> list:
    return _s.pipeline.store.curations()


@st.cache_resource(show_spinner=False)
def load_settlements() -> list[Place]:
    """The Sumy settlements for the base map, read from the gazetteer file without building
    its index (that takes seconds and the map needs none of it)."""
    path = data_dir() / FILES["sumy"]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="\n") as fh:
        places = list(parse_rows(fh, tier="sumy", source=str(path)))
    return [p for p in places if p.kind == "settlement" and p.has_point]


@st.cache_resource(show_spinner=False, max_entries=4)
def map_of(
    _s: Shared, key: tuple[str, int], shown_digest: str, tiles: str | None,
    _shown: list[Event], _articles: dict[str, Article],
) -> folium.Map:  # fmt: skip
    """The map of these events, built once; each run draws a copy (st_folium changes the map
    it draws, and copying it takes milliseconds where building it takes half a second)."""
    with bulk():
        return build_map(_shown, articles=_articles, settlements=load_settlements(), tiles=tiles)


def digest(events: Sequence[Event]) -> str:
    """A short key for a list of events (hashing the list itself costs streamlit 0.3 s)."""
    return hashlib.sha256("\n".join(e.event_id for e in events).encode()).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=2)
def event_table(_s: Shared, key: tuple[str, int]) -> pd.DataFrame:
    """The table columns of every event, by event id, made once per database version."""
    with bulk():
        rows = pd.DataFrame(event_rows(load_events(_s, key)), columns=TABLE_COLUMNS)
    return rows.set_index("event_id", drop=False)


def table_of(s: Shared, key: tuple[str, int], events: Sequence[Event]) -> pd.DataFrame:
    """The table of these events (ids are unique: the store's primary key), in their order."""
    return event_table(s, key).loc[[e.event_id for e in events]].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=256)
def search(_s: Shared, db: str, query: str) -> list[Place]:
    return _s.pipeline.search_places(query, limit=12)


def find(s: Shared, query: str) -> list[Place]:
    """Places matching ``query`` (none for a blank one); loads the gazetteers on first use."""
    if not query.strip() or not ready(s):
        return []
    return search(s, s.db, query)


def md(text: str) -> str:
    """Text shown literally where streamlit renders Markdown (messages, captions, expander
    labels): every Markdown punctuation mark is backslash-escaped (so ``![x](url)`` is no
    image, and ``http://`` or ``www.`` no link) and line breaks become spaces (no headings)."""
    return _MARKDOWN.sub(r"\\\g<0>", _NEWLINES.sub(" ", text))


def place_label(place: Place) -> str:
    where = ", ".join(x for x in (place.admin3, place.admin2, place.admin1) if x) or place.tier
    uk = f" / {place.name_uk}" if place.name_uk else ""
    return f"{place.name}{uk} ({place.kind}, {where}) [{place.place_id}]"


def event_label(event: Event) -> str:
    return f"{event.place.name} — {event.event_type.replace('_', ' ')} ({event.status})"


FILTER_KEYS = ("cm_f_event_types", "cm_f_actors", "cm_f_statuses", "cm_f_sources", "cm_f_dates",
               "cm_f_undated", "cm_f_conf", "cm_f_text")  # fmt: skip


def reset_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)


def go_to_place(s: Shared) -> None:
    """Find a place by any spelling and centre the map on it."""
    sb = st.sidebar
    query = sb.text_input("Go to a place", key="cm_goto_q", placeholder="any spelling: Sumy, Суми")
    if not query.strip():
        st.session_state.pop("cm_goto", None)
        return
    places = [p for p in find(s, query) if p.has_point]
    if not places:
        sb.caption("No place with that name.")
        return
    labels = {p.place_id: place_label(p) for p in places}
    pick = sb.selectbox(
        "Places found", list(labels), format_func=lambda i: labels.get(i, i), key="cm_goto_p"
    )
    st.session_state["cm_goto"] = next(p for p in places if p.place_id == pick)


def sidebar_filters(events: Sequence[Event], articles: dict[str, Article]) -> dict:
    sb = st.sidebar
    sb.header("Filters")
    sb.button("Reset filters", key="cm_f_reset", on_click=reset_filters)
    options = {
        "event_types": sorted({e.event_type for e in events}),
        "actors": sorted({e.actor for e in events}),
        "statuses": sorted({e.status for e in events}),
        "sources": sorted({source_label(a) for a in articles.values()}),
    }
    labels = {
        "event_types": "Event type",
        "actors": "Actor",
        "statuses": "Status",
        "sources": "Source",
    }
    chosen: dict = {}
    for name, values in options.items():
        picked = sb.multiselect(labels[name], values, key=f"cm_f_{name}", placeholder="any")
        chosen[name] = set(picked) or None
    chosen["event_days"], chosen["include_undated_days"] = date_filter(events)
    chosen["min_confidence"] = sb.slider("Minimum confidence", 0.0, 1.0, 0.0, 0.05, key="cm_f_conf")
    chosen["text"] = sb.text_input(
        "Search text", key="cm_f_text", placeholder="place, spelling, sentence, title"
    )
    return chosen


def select(event_id: str | None) -> None:
    st.session_state["cm_selected"] = event_id


def picked(event_id: str | None) -> None:
    """The user chose an event (a callback, before the widgets): the map goes to it, not to
    the place looked up with "Go to a place"."""
    select(event_id)
    if event_id is not None:
        st.session_state["cm_goto_q"] = ""
        st.session_state.pop("cm_goto", None)


def on_map_click() -> None:
    """A popup's "Full sources" button names its event (see claimmap.views.mapscript)."""
    clicked = (st.session_state.get("cm_map") or {}).get("last_object_clicked_popup")
    event_id = event_id_from_click(clicked)
    if event_id:
        picked(event_id)


def on_table_select() -> None:
    rows = st.session_state["cm_table"]["selection"]["rows"]
    ids = st.session_state.get("cm_table_ids", [])
    if rows and rows[0] < len(ids):
        picked(ids[rows[0]])


def show_map(
    s: Shared, shown: list[Event], articles: dict[str, Article], chosen: Event | None
) -> None:
    tiles = "OpenStreetMap" if st.session_state.get("cm_tiles") else None
    fmap = copy.deepcopy(map_of(s, s.key, digest(shown), tiles, shown, articles))
    ring = selection_layer(chosen) if chosen is not None else None
    centre, zoom = None, None
    goto: Place | None = st.session_state.get("cm_goto")
    if goto is not None and goto.has_point:
        centre, zoom = (goto.lat, goto.lon), 11
    elif chosen and chosen.place.has_point:
        centre = (chosen.place.lat, chosen.place.lon)
    st_folium(
        fmap,
        key="cm_map",
        height=600,
        use_container_width=True,
        returned_objects=["last_object_clicked_popup", "last_object_clicked_count"],
        feature_group_to_add=ring,
        center=centre,
        zoom=zoom,
        on_change=on_map_click,
    )


def correction(s: Shared, key: str, group: list[Resolution]) -> None:
    """Move these mentions to another place: the picker starts at the current place, then the
    runners-up, then what the search finds. After the move the panel follows the event."""
    res = group[0]
    query = st.text_input(
        "Search the gazetteer", key=f"cm_fix_q_{key}", placeholder="another spelling"
    )
    options: dict[str, Place] = {}
    if res.place is not None:
        options[res.place.place_id] = res.place
    for candidate in res.runners_up:
        options.setdefault(candidate.place.place_id, candidate.place)
    for place in find(s, query):
        options.setdefault(place.place_id, place)
    if not options:
        st.caption("No place matches; try another spelling (Latin or Cyrillic).")
        return
    current = res.place.place_id if res.place is not None else None
    runners = {c.place.place_id for c in res.runners_up}

    def label(place_id: str) -> str:
        tag = " · current" if place_id == current else " · runner-up" if place_id in runners else ""
        return place_label(options[place_id]) + tag

    pick = st.selectbox("Correct place", list(options), format_func=label, key=f"cm_fix_p_{key}")
    mention_ids = [r.mention.mention_id for r in group]
    noun = "mention" if len(mention_ids) == 1 else f"{len(mention_ids)} mentions"
    if st.button(f"Move {noun} to this place", key=f"cm_fix_go_{key}", disabled=pick == current):
        try:
            with st.spinner("Re-resolving and rebuilding events…"):
                for mention_id in mention_ids:
                    s.pipeline.override(mention_id, pick)
        except ClaimMapError as err:
            st.error(md(str(err)))
            return
        s.changed()
        moved = set(mention_ids)
        follow = next((e for e in s.pipeline.store.events()
                       if any(mention_of(c) in moved for c in e.claims)), None)  # fmt: skip
        select(follow.event_id if follow is not None else None)
        st.session_state["cm_flash"] = f"Moved {noun} to {place_label(options[pick])}."
        st.rerun()


def curate(s: Shared, done: str, action, *args, follow: str = "", **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Run one curation call, report it at the top and refresh everything. ``follow``: a claim
    id whose event the panel shows afterwards (a corrected type can move it to another event)."""
    try:
        action(*args, **kwargs)
    except ClaimMapError as err:
        st.error(md(str(err)))
        return
    s.changed()
    if follow:
        event = next((e for e in s.pipeline.store.events()
                      if any(claim_id(c) == follow for c in e.claims)), None)  # fmt: skip
        select(event.event_id if event is not None else None)
    st.session_state["cm_flash"] = done
    st.rerun()


def claim_controls(s: Shared, claim: Claim, key: str) -> None:
    """Correct a claim's event type, actor or status, or dismiss it (not an event)."""
    cid = claim_id(claim)
    types = list(EVENT_TYPES)
    cols = st.columns(3)
    event_type = cols[0].selectbox(
        "Event type", types, index=types.index(claim.event_type), key=f"cm_ct_{key}"
    )
    actor = cols[1].selectbox(
        "Actor", list(ACTORS), index=list(ACTORS).index(claim.actor), key=f"cm_ca_{key}"
    )
    status = cols[2].selectbox(
        "Status", list(STATUSES), index=list(STATUSES).index(claim.status), key=f"cm_cs_{key}"
    )
    left, right = st.columns(2)
    if left.button("Save correction", key=f"cm_cfix_{key}"):
        curate(s, f"Corrected claim {cid}.", s.pipeline.correct_claim, cid, follow=cid,
               event_type=event_type, actor=actor, status=status)  # fmt: skip
    if right.button("Dismiss claim (not an event)", key=f"cm_cdis_{key}"):
        curate(s, f"Dismissed claim {cid}.", s.pipeline.dismiss, "claim", cid,
               reason="not an event")  # fmt: skip


def explain(s: Shared, event: Event, resolutions: dict[str, Resolution]) -> None:
    """Why each spelling became this place, with the control to correct it."""
    groups: dict[str, list[Resolution]] = defaultdict(list)
    for claim in event.claims:
        res = resolutions.get(f"{claim.article_id}:{claim.mention_start}:{claim.mention_end}")
        if res is not None and res not in groups[res.mention.surface]:
            groups[res.mention.surface].append(res)
    st.markdown("**How the place was resolved**")
    for i, (surface, group) in enumerate(groups.items()):
        res = group[0]
        chosen = place_label(res.place) if res.place else "no place"
        with st.expander(md(f"“{surface}” → {chosen} · confidence {res.confidence:.2f}")):
            lines = [
                f"<b>Spelling:</b> {html.escape(surface)} ({len(group)} mention(s))",
                f"<b>Chosen:</b> {html.escape(chosen)}, tier {html.escape(res.tier)}, "
                f"precision {res.precision}",
                f"<b>Reason:</b> {html.escape(res.reason)}",
            ]
            if res.flags:
                lines.append(f"<b>Flags:</b> {html.escape(', '.join(res.flags))}")
            st.html("<br>".join(lines))
            if res.runners_up:
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                "runner-up": place_label(c.place),
                                "score": round(c.score, 3),
                                "match": c.match,
                            }
                            for c in res.runners_up
                        ]
                    ),
                    hide_index=True,
                    width="stretch",
                )
            correction(s, f"{event.event_id}_{i}", group)
            reason = st.selectbox("Dismiss as", ["not a place", "wrong kind of place"],
                                  key=f"cm_mdis_r_{event.event_id}_{i}")  # fmt: skip
            if st.button(f"Dismiss “{surface}” ({len(group)} mention(s))",
                         key=f"cm_mdis_{event.event_id}_{i}"):  # fmt: skip
                curate(s, f"Dismissed “{surface}” ({reason}).", dismiss_all, s,
                       [r.mention.mention_id for r in group], reason)  # fmt: skip


def dismiss_all(s: Shared, mention_ids: list[str], reason: str) -> None:
    for mention_id in mention_ids:
        s.pipeline.dismiss("mention", mention_id, reason=reason)


def panel(
    s: Shared,
    shown: list[Event],
    articles: dict[str, Article],
    chosen: Event | None,
) -> None:
    ids = [e.event_id for e in shown]
    st.session_state["cm_pick"] = chosen.event_id if chosen is not None else None
    labels = {e.event_id: event_label(e) for e in shown}
    st.selectbox(
        "Event",
        ids,
        index=None,
        format_func=lambda i: labels.get(i, i),
        key="cm_pick",
        placeholder="Click a marker, a table row, or choose here",
        on_change=lambda: picked(st.session_state["cm_pick"]),
    )
    if chosen is None:
        return
    e, place = html.escape, chosen.place
    st.html(
        f"{CSS}<h3 style='margin:0'>{e(place.name)} <small>{e(place.name_uk)}</small></h3>"
        f"<div class='cm-meta'>{e(chosen.event_type.replace('_', ' '))} · {e(chosen.actor)} · "
        f"{e(chosen.status)} · confidence {chosen.confidence:.2f} · {chosen.n_claims} claims in "
        f"{chosen.n_articles} articles from {chosen.n_origins} independent origin(s)"
        f"{' · area, not a precise point' if chosen.precision == 3 else ''}</div>"
    )
    with st.popover("Dismiss this event"):
        reason = st.selectbox("Why", ["not an event", "wrong place", "duplicate", "other"],
                              key=f"cm_edis_r_{chosen.event_id}")  # fmt: skip
        if st.button("Dismiss the event", key=f"cm_edis_{chosen.event_id}"):
            curate(s, f"Dismissed {event_label(chosen)}; restore it in the Curation tab.",
                   s.pipeline.dismiss, "event", chosen.event_id, reason=reason)  # fmt: skip
    by_article: dict[str, list] = defaultdict(list)
    for claim in chosen.claims:
        by_article[claim.article_id].append(claim)
    for article_id, claims in by_article.items():
        article = articles.get(article_id)
        if article is None:
            st.warning(md(f"Article {article_id} is no longer in the database."))
            continue
        spans = [(c.sentence_start, c.sentence_end) for c in claims]
        meta = " · ".join(x for x in (article.source, article.published or "undated") if x)
        st.html(
            f"{CSS}<div><b>{e(article.title)}</b> <span class='cm-meta'>{e(meta)}</span> "
            f"{source_link_html(article)}</div>{highlight_html(article, spans)}"
        )
        with st.expander("Correct or dismiss these claims, or the article"):
            for n, claim in enumerate(claims):
                st.caption(md(f"“{claim.sentence[:120]}” ({claim.surface})"))
                claim_controls(s, claim, f"{chosen.event_id}_{article_id}_{n}")
            reason = st.selectbox("Dismiss the article as", ["duplicate", "off topic"],
                                  key=f"cm_adis_r_{chosen.event_id}_{article_id}")  # fmt: skip
            if st.button("Dismiss the article", key=f"cm_adis_{chosen.event_id}_{article_id}"):
                curate(s, f"Dismissed the article {article.title} ({reason}).",
                       s.pipeline.dismiss, "article", article_id, reason=reason)  # fmt: skip
    explain(s, chosen, event_resolutions(s, chosen))


def review(s: Shared, articles: dict[str, Article]) -> None:
    threshold = st.slider(
        "Show mentions with confidence below",
        0.0,
        1.0,
        LOW_CONFIDENCE,
        0.05,
        key="cm_review_threshold",
    )
    groups: dict[tuple[str, str], list[Resolution]] = defaultdict(list)
    for res in load_review(s, s.key, threshold):  # the unresolved and those below it
        groups[(res.mention.surface, res.place.place_id if res.place else "")].append(res)
    if not groups:
        st.success("Every mention is resolved at or above this confidence.")
        return
    st.caption(f"{len(groups)} spelling(s) to check; the first {REVIEW_LIMIT} are shown.")
    ordered = sorted(
        groups.items(), key=lambda kv: (kv[1][0].place is not None, kv[1][0].confidence, kv[0][0])
    )
    for i, ((surface, _), group) in enumerate(ordered[:REVIEW_LIMIT]):
        res = group[0]
        chosen = place_label(res.place) if res.place else "unresolved"
        with st.expander(md(f"“{surface}” → {chosen} · {res.confidence:.2f} · {len(group)}×")):
            st.html(f"<b>Reason:</b> {html.escape(res.reason)}")
            article = articles.get(res.mention.article_id)
            if article is not None:
                span = [(res.mention.start, res.mention.end)]
                st.html(f"{CSS}<i>{html.escape(article.title)}</i>{highlight_html(article, span)}")
            if res.runners_up:
                st.caption(
                    md(
                        "Candidates: "
                        + "; ".join(f"{place_label(c.place)} {c.score:.2f}" for c in res.runners_up)
                    )
                )
            correction(s, f"review_{i}", group)


def add_articles(s: Shared) -> None:
    # The last report stays until the next ingest: the map component can trigger a rerun
    # right after st.rerun(), and a report shown only once would flash by unseen.
    report: IngestSummary | None = st.session_state.get("cm_ingest_report")
    if report is not None:
        if report.ingested:
            st.success(md(f"Added {len(report.ingested)}: {_names(report.ingested)}"))
        if report.duplicates:
            st.info(md(f"Already in the database: {_names(report.duplicates)}"))
        for note in report.notes:
            st.info(md(note))
        for name, reason in report.failed:
            st.error(md(f"{name}: {reason}"))
    files = st.file_uploader(
        "Article files (.txt, .md, .html), RSS/Atom feeds (.xml), Telegram exports (.json)",
        accept_multiple_files=True,
        key="cm_upload",
    )
    if st.button("Add the uploaded files", key="cm_upload_go", disabled=not files) and ready(s):
        bar = st.progress(0.0, text="Reading…")

        stopped: list[BaseException] = []

        def progress(done: int, total: int, name: str) -> None:
            if stopped:
                return
            try:
                bar.progress(done / max(total, 1), text=f"{done}/{total} {name}")
            except ScriptControlException as err:  # a newer run took over: finish the batch
                stopped.append(err)

        uploads = [(f.name, f.getvalue()) for f in files or []]
        with s.writing():
            summary = s.pipeline.ingest_uploads(uploads, progress=progress)
            st.session_state["cm_ingest_report"] = summary
        finish(s, summary)
    with st.form("cm_url_form"):  # issue 16: pages and feeds by URL, for users who are online
        urls = st.text_area(
            "Add by URL (one web page or RSS/Atom feed per line)", key="cm_urls", height=80
        )
        fetch = st.form_submit_button("Fetch and add")
    if fetch:
        if s.pipeline.offline:
            st.error(
                "Offline (CLAIMMAP_OFFLINE=1): nothing is fetched. Upload saved pages instead."
            )
        elif not urls.strip():
            st.error("Give at least one URL.")
        elif ready(s):
            with st.spinner("Fetching…"):
                with s.writing():
                    summary = s.pipeline.ingest_urls(urls.splitlines())
                finish(s, summary)
    with st.form("cm_paste_form"):
        title = st.text_input("Title (optional; else the first line)", key="cm_paste_title")
        source = st.text_input("Source or outlet (optional)", key="cm_paste_source")
        text = st.text_area("Article text", key="cm_paste_text", height=180)
        published = st.date_input(
            "Published (optional; else the date the text gives)",
            value=None,
            key="cm_paste_published",
        )
        pasted = st.form_submit_button("Add pasted text")
    if pasted:
        if not text.strip():
            st.error("Paste the article text first.")
        elif ready(s):
            with st.spinner("Analysing…"):
                summary = ingest_pasted(
                    s,
                    text,
                    title=title,
                    source=source,
                    published=published.isoformat() if published else "",
                )
            if summary.ingested or summary.duplicates:
                with contextlib.suppress(ClaimMapError):
                    article = read_text(text, title=title, source=source)
                    st.session_state["cm_last_article"] = article.article_id
            finish(s, summary)
    last = st.session_state.get("cm_last_article")
    articles = load_articles(s, s.key)
    if last in articles:
        show_article(articles[last], load_article_resolutions(s, s.key, last))


def ingest_pasted(
    s: Shared, text: str, *, title: str, source: str, published: str = ""
) -> IngestSummary:
    """Store a paste while every other run waits (``Shared.writing``), so a Reload pressed
    meanwhile shows it once it is in."""
    with s.writing():
        summary = s.pipeline.ingest_text(text, title=title, source=source, published=published)
        st.session_state["cm_ingest_report"] = summary
    return summary


def _names(names: Sequence[str], shown: int = 12) -> str:
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def finish(s: Shared, summary: IngestSummary) -> None:
    st.session_state["cm_ingest_report"] = summary
    st.rerun()


def show_article(article: Article, resolutions: list[Resolution]) -> None:
    spans = [
        (r.mention.start, r.mention.end)
        for r in resolutions
        if r.mention.article_id == article.article_id
    ]
    language = LANGUAGE_NAMES.get(article.language, article.language)
    meta = " · ".join(x for x in (article.source, article.published or "undated", language) if x)
    st.html(
        f"{CSS}<h4>{html.escape(article.title)}</h4><div class='cm-meta'>{html.escape(meta)}"
        f" · places found are marked {source_link_html(article)}</div>"
        f"{highlight_html(article, spans, all_paragraphs=True)}"
    )


def curation_tab(s: Shared) -> None:
    """What is dismissed or corrected now (each restorable), then the audit of every action."""
    standing = load_curations(s, s.key)
    if not standing:
        st.caption("Nothing is dismissed or corrected.")
    for n, c in enumerate(standing):
        what = "dismissed" if c.action == "dismiss" else f"corrected {c.value}"
        cols = st.columns([5, 1])
        cols[0].markdown(md(f"{c.kind} · {c.label or c.target} · {what} · {c.who}, {c.at}"))
        if cols[1].button("Restore", key=f"cm_restore_{n}_{c.kind}_{c.target}"):
            curate(s, f"Restored {c.kind} {c.label or c.target}.", s.pipeline.restore,
                   c.kind, c.target)  # fmt: skip
    st.markdown("**Audit**")
    audit = s.pipeline.store.audit(limit=500)
    if audit:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "when": a.at,
                        "who": a.who,
                        "action": a.action,
                        "kind": a.kind,
                        "what": a.label or a.target,
                        "old": a.old_value,
                        "new": a.new_value,
                        "id": a.target,
                    }
                    for a in audit
                ]
            ),
            hide_index=True,
            width="stretch",
            key="cm_audit",
        )
    else:
        st.caption("No curation action yet.")


# -- time (issue 12): the date filter, the timeline, what changed, a place's history ----------


def _days(value: object) -> tuple[date, date] | None:
    """A date_input range value as (first, last); one picked day is a range of one."""
    if isinstance(value, date):
        return value, value
    if isinstance(value, (tuple, list)) and value:
        return value[0], value[-1]
    return None


def _reset_dates(bounds: tuple[str, str]) -> None:
    st.session_state["cm_f_dates"] = tuple(date.fromisoformat(d) for d in bounds)


def date_filter(events: Sequence[Event]) -> tuple[tuple[str, str] | None, bool]:
    """The sidebar's date range over the events' own dates: ((first, last) or None, undated?).

    Always shown; disabled, with why, while no event is dated. It follows the data: a range
    the user has not narrowed widens with new dates, and events a narrowed range hides are
    counted under it, with a button to show them."""
    sb = st.sidebar
    bounds = date_bounds(events)
    if bounds is None:
        sb.date_input("Happened between", value=None, disabled=True, key="cm_f_dates_off")
        sb.caption(
            "No event is dated yet: add an article with a publication date (the paste form "
            "takes one; the CLI has --published) and its claims are dated."
        )
        return None, True
    lo, hi = date.fromisoformat(bounds[0]), date.fromisoformat(bounds[1])
    seen = st.session_state.get("cm_f_dates_bounds")
    picked = _days(st.session_state.get("cm_f_dates"))
    if seen != bounds:
        untouched = seen is None or picked is None or picked == tuple(map(date.fromisoformat, seen))
        if untouched:
            st.session_state["cm_f_dates"] = (lo, hi)
        else:  # the user's own range, kept, but never outside what the widget allows
            first, last = min(max(picked[0], lo), hi), max(min(picked[1], hi), lo)
            st.session_state["cm_f_dates"] = (first, max(first, last))
        st.session_state["cm_f_dates_bounds"] = bounds
    value = _days(sb.date_input("Happened between", min_value=lo, max_value=hi, key="cm_f_dates"))
    undated = sb.checkbox("Include undated", True, key="cm_f_undated")
    if value is None:
        return None, undated
    days = (value[0].isoformat(), value[1].isoformat())
    hidden = [e for e in events if e.date and not in_range(e, days)]
    if hidden:
        sb.warning(f"{len(hidden)} dated event(s) outside these dates are hidden.")
        sb.button("Show all dates", key="cm_f_dates_all", on_click=_reset_dates, args=(bounds,))
    return days, undated


def _day_of(value: object) -> str:
    """A Vega-Lite selection bound (epoch milliseconds or an ISO string) as an ISO day."""
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, tz=UTC).date().isoformat()
    return str(value)[:10]


def brush_days() -> tuple[str, str] | None:
    """The days the timeline's brush covers, or None when nothing is brushed."""
    state = st.session_state.get("cm_timeline") or {}
    brush = (state.get("selection") or {}).get("cm_brush") or {}
    bounds = brush.get("day")
    if not bounds or len(bounds) != 2:
        return None
    first, last = sorted(_day_of(v) for v in bounds)
    return first, last


def timeline(events: Sequence[Event]) -> None:
    """Events per day by type; dragging across it filters the map and the table."""
    rows = per_day(events)
    if not rows:
        st.caption("Timeline: no dated event matches the filters.")
        return
    brush = alt.selection_interval(name="cm_brush", encodings=["x"])
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            x=alt.X("day:T", title=None, scale=alt.Scale(padding=24)),  # room to start a drag
            y=alt.Y("sum(events):Q", title="events"),
            color=alt.Color("event_type:N", title="type"),
            tooltip=["day:T", "event_type:N", "events:Q"],
        )
        .add_params(brush)
        .properties(height=140)
    )
    st.altair_chart(chart, key="cm_timeline", on_select="rerun", width="stretch")
    brushed = brush_days()
    if brushed is None:
        st.caption("Drag across the timeline to show only those days on the map.")
        return
    hidden = len(events) - len(filter_days(events, brushed, include_undated=False))
    st.caption(
        f"Map and table show {brushed[0]} to {brushed[1]}; {hidden} other event(s) are hidden "
        "(click the chart outside the selection to show them)."
    )


def _when(claim_or_row: object) -> str:
    day, end = getattr(claim_or_row, "date", ""), getattr(claim_or_row, "date_end", "")
    if not day:
        return "undated"
    return f"{day} – {end}" if end else day


def history(events: Sequence[Event], chosen: Event | None, articles: dict[str, Article]) -> None:
    """The selected place's history: every claim about it, oldest first."""
    if chosen is None:
        return
    rows = place_history(events, chosen.place.place_id, articles=articles)
    st.html(f"<b>History of {html.escape(chosen.place.name)}</b> ({len(rows)} claims)")
    table = pd.DataFrame(
        [
            {
                "when": _when(r),
                "precision": r.date_precision or None,
                "words": r.date_text or ("(publication date)" if r.date else ""),
                "event": r.event_type.replace("_", " "),
                "actor": r.actor,
                "status": r.status,
                "source": r.source,
                "sentence": r.sentence,
            }
            for r in rows
        ]
    )
    st.dataframe(table, hide_index=True, key="cm_history", width="stretch")


@st.cache_resource(show_spinner=False, max_entries=4)
def changes_of(_s: Shared, key: tuple[str, int], since: str) -> Changes:
    return changes_since(load_events(_s, key), articles=load_articles(_s, key), since=since)


def what_changed(s: Shared, key: tuple[str, int], articles: dict[str, Article]) -> None:
    """New events, new claims on old events, status changes, places that changed hands."""
    start = default_since(articles)
    if start is None:
        st.info("No article has a publication date, so nothing can be new since a day.")
        return
    since = st.date_input("What changed since (published on or after)", start, key="cm_since")
    changes = changes_of(s, key, since.isoformat())
    st.markdown(f"**New events** ({len(changes.new_events)})")
    if changes.new_events:
        st.dataframe(table_of(s, key, changes.new_events), hide_index=True, key="cm_ch_new")
    st.markdown(f"**New claims on older events** ({len(changes.new_claims)})")
    for event, claims in changes.new_claims:
        st.markdown(f"- {md(event_label(event))}: {len(claims)} new claim(s), since {event.date}")
    st.markdown(f"**Status changes** ({len(changes.status_changes)})")
    for event, before, now in changes.status_changes:
        st.markdown(f"- {md(event_label(event))}: {before} → {now}")
    st.markdown(f"**Places that changed hands** ({len(changes.changed_hands)})")
    for name, before, after in changes.changed_hands:
        st.markdown(
            f"- {md(name)}: {md(before.event_type.replace('_', ' '))} by {md(before.actor)} "
            f"({_when(before)}) → {md(after.event_type.replace('_', ' '))} by "
            f"{md(after.actor)} ({_when(after)})"
        )


def control_layers(events: Sequence[Event]) -> None:
    """An analyst's dated control areas, and where each capture or recapture claim lay."""
    st.caption(
        "Load a GeoJSON FeatureCollection of areas, each feature with a `date` property "
        "(your own assessed-control polygons or a provider's export). For each capture or "
        "recapture claim, claimmap shows whether the place lay inside, near or outside the "
        "area of the latest layer date on or before the claim's date. Nothing is stored."
    )
    upload = st.file_uploader("Control layer (.geojson, .json)", key="cm_control_file")
    if upload is None:
        return
    try:
        layer = load_control_layer(upload.getvalue(), name=upload.name)
    except ClaimMapError as err:
        st.error(md(str(err)))
        return
    st.success(md(f"{upload.name}: {len(layer)} date(s), {layer[0].date} to {layer[-1].date}"))
    checks = check_claims(events, layer)
    if not checks:
        st.info("No dated capture or recapture claim on a point to check.")
        return
    table = pd.DataFrame(
        [
            {
                "claim date": _when(c.claim),
                "place": c.event.place.name,
                "event": c.claim.event_type.replace("_", " "),
                "actor": c.claim.actor,
                "status": c.claim.status,
                "where": c.placement.verdict,
                "layer of": c.placement.layer_date,
                "km from edge": c.placement.distance_km,
                "sentence": c.claim.sentence,
            }
            for c in checks
        ]
    )
    st.dataframe(table, hide_index=True, key="cm_control_table", width="stretch")


def main() -> None:
    st.set_page_config(page_title="claimmap", page_icon="🗺️", layout="wide")
    db = os.environ.get("CLAIMMAP_DB", "")
    offline = os.environ.get("CLAIMMAP_OFFLINE", "").strip().lower() in ("1", "true", "yes")
    try:
        s = shared(db, offline)
    except ClaimMapError as err:
        st.error(md(f"claimmap cannot start: {err}"))
        st.stop()
    if s.write_lock.locked():
        with st.spinner("Waiting for the articles being added…"):
            s.settled()
    key = s.settled()
    events, articles = load_events(s, key), load_articles(s, key)
    filters = sidebar_filters(events, articles)
    days, undated = filters.pop("event_days"), filters.pop("include_undated_days")
    filtered = filter_events(events, articles=articles, **filters)
    in_days = filter_days(filtered, days, include_undated=undated)
    shown = filter_days(in_days, brush_days(), include_undated=False)
    go_to_place(s)
    st.sidebar.checkbox(
        "Online map tiles (OpenStreetMap)",
        key="cm_tiles",
        help="The base map needs no network; tiles add roads and rivers",
    )
    store = s.pipeline.store
    st.sidebar.caption(md(f"Database: {store.path}") + (" · offline" if offline else ""))
    if getattr(store, "read_only", False):
        st.sidebar.warning(md(f"Writes are off: {store.read_only_reason}"))
    if st.sidebar.button(
        "Reload from the database",
        key="cm_reload",
        help="Show articles added by another process, e.g. the CLI",
    ):
        s.changed()
        st.rerun()
    st.title("claimmap · Sumy oblast")
    st.caption(f"{len(articles)} articles · {len(events)} events · {len(shown)} match the filters")
    if flash := st.session_state.get("cm_flash"):  # kept until the next change (see add_articles)
        st.success(md(flash))
    selected = st.session_state.get("cm_selected")
    chosen = next((e for e in shown if e.event_id == selected), None)
    (
        tab_map,
        tab_review,
        tab_articles,
        tab_add,
        tab_export,
        tab_changes,
        tab_control,
        tab_curation,
    ) = st.tabs(
        [
            "Map",
            "Review",
            "Articles",
            "Add articles",
            "Export",
            "What changed",
            "Control layers",
            "Curation",
        ]
    )
    with tab_map:
        timeline(in_days)
        left, right = st.columns([3, 2])
        with left:
            show_map(s, shown, articles, chosen)
        with right:
            panel(s, shown, articles, chosen)
            history(events, chosen, articles)
        st.session_state["cm_table_ids"] = [e.event_id for e in shown]
        st.dataframe(
            table_of(s, key, shown),
            key="cm_table",
            hide_index=True,
            on_select=on_table_select,
            selection_mode="single-row",
            width="stretch",
        )
    with tab_changes:
        what_changed(s, key, articles)
    with tab_control:
        control_layers(events)
    with tab_review:
        review(s, articles)
    with tab_articles:
        ordered = sorted(articles.values(), key=lambda a: (a.published, a.title), reverse=True)
        gone = {c.target for c in load_curations(s, s.key) if c.kind == "article"}
        titles = {a.article_id: a.title + (" (dismissed)" if a.article_id in gone else "")
                  for a in ordered}  # fmt: skip
        pick = st.selectbox(
            "Article", list(titles), format_func=lambda i: titles.get(i, i), key="cm_article"
        )
        if pick in articles:
            show_article(articles[pick], load_article_resolutions(s, s.key, pick))
    with tab_add:
        add_articles(s)
    with tab_export:
        export_tab(s, shown, articles)
    with tab_curation:
        curation_tab(s)


def export_tab(s: Shared, shown: list[Event], articles: dict[str, Article]) -> None:
    """The files are made when a button is pressed (st.download_button runs the callable then,
    in another thread): making all three on every run cost 2.4 s at 10,000 events."""
    st.caption(f"The {len(shown)} events that match the filters, and every mention.")
    st.download_button(
        "Events (CSV)",
        lambda: events_csv(shown),
        "claimmap-events.csv",
        "text/csv",
        key="cm_dl_events_csv",
    )
    st.download_button(
        "Events (GeoJSON)",
        lambda: json.dumps(events_geojson(shown), ensure_ascii=False, indent=1),
        "claimmap-events.geojson",
        "application/geo+json",
        key="cm_dl_events_geojson",
    )
    st.download_button(
        "Mentions (CSV)",
        lambda: mentions_csv(s.pipeline.resolutions(), articles=articles),
        "claimmap-mentions.csv",
        "text/csv",
        key="cm_dl_mentions_csv",
    )


if __name__ == "__main__":
    main()
