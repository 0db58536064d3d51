"""The claimmap dashboard: the map, the sentences behind each event, corrections, exports.

    $ streamlit run dashboard.py

Opens on the seed articles (a database is built on the first run). ``CLAIMMAP_DB`` names the
database file, ``CLAIMMAP_OFFLINE=1`` turns the geocoder off. Only this file imports streamlit;
the map, the highlighting and the filters are pure functions in ``claimmap.views.mapview``, the data
comes from ``claimmap.pipeline``. Widget keys start with ``cm_``.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from claimmap.errors import ClaimMapError
from claimmap.inputs.files import read_text
from claimmap.pipeline import IngestSummary, Pipeline
from claimmap.records import Article, Event, Place, Resolution
from claimmap.views.export import (
    EVENT_COLUMNS,
    event_rows,
    events_csv,
    events_geojson,
    mentions_csv,
)
from claimmap.views.mapview import (
    build_map,
    event_id_from_tooltip,
    filter_events,
    highlight_html,
    selection_layer,
    source_label,
    source_link_html,
)

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
    "first_reported",
    "event_id",
]
_MARKDOWN = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~$:]")
CSS = "<style>mark{background:#ffe066;padding:0 2px}.cm-meta{color:#555;font-size:.9em}</style>"


@dataclass
class Shared:
    """The pipeline every session shares, and a counter bumped on each write."""

    pipeline: Pipeline
    db: str
    version: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def changed(self) -> None:
        with self.lock:
            self.version += 1

    @property
    def key(self) -> tuple[str, int]:
        return self.db, self.version


@st.cache_resource(show_spinner="Loading the gazetteer and the seed articles…")
def shared(db: str, offline: bool) -> Shared:
    pipeline = Pipeline.open(db=db or None, offline=offline)
    pipeline.ensure_seeds()
    return Shared(pipeline, db)


@st.cache_data(show_spinner=False, max_entries=4)
def load_events(_s: Shared, key: tuple[str, int]) -> list[Event]:
    return _s.pipeline.store.events()


@st.cache_data(show_spinner=False, max_entries=4)
def load_articles(_s: Shared, key: tuple[str, int]) -> dict[str, Article]:
    return {a.article_id: a for a in _s.pipeline.store.articles()}


@st.cache_data(show_spinner=False, max_entries=4)
def load_resolutions(_s: Shared, key: tuple[str, int]) -> list[Resolution]:
    return _s.pipeline.store.resolutions()


@st.cache_data(show_spinner=False, max_entries=2)
def load_settlements(_s: Shared, db: str) -> list[Place]:
    return [p for p in _s.pipeline.gazetteer.places if p.kind == "settlement" and p.has_point]


@st.cache_data(show_spinner=False, max_entries=256)
def search(_s: Shared, db: str, query: str) -> list[Place]:
    return _s.pipeline.search_places(query, limit=12)


@st.cache_data(show_spinner=False, max_entries=8)
def exports(_s: Shared, key: tuple[str, int], ids: tuple[str, ...]) -> tuple[str, str, str]:
    wanted = set(ids)
    events = [e for e in load_events(_s, key) if e.event_id in wanted]
    geojson = json.dumps(events_geojson(events), ensure_ascii=False, indent=1)
    mentions = mentions_csv(load_resolutions(_s, key), articles=load_articles(_s, key))
    return events_csv(events), geojson, mentions


def md(text: str) -> str:
    """Text shown literally where streamlit renders Markdown (messages, expander labels)."""
    return _MARKDOWN.sub(r"\\\g<0>", text)


def place_label(place: Place) -> str:
    where = ", ".join(x for x in (place.admin3, place.admin2, place.admin1) if x) or place.tier
    uk = f" / {place.name_uk}" if place.name_uk else ""
    return f"{place.name}{uk} ({place.kind}, {where}) [{place.place_id}]"


def event_label(event: Event) -> str:
    return f"{event.place.name} — {event.event_type.replace('_', ' ')} ({event.status})"


def sidebar_filters(events: Sequence[Event], articles: dict[str, Article]) -> dict:
    sb = st.sidebar
    sb.header("Filters")
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
    days = sorted({d for e in events for d in (e.first_reported, e.last_reported) if d})
    if days:
        lo, hi = date.fromisoformat(days[0][:10]), date.fromisoformat(days[-1][:10])
        picked = sb.date_input(
            "Reported between", (lo, hi), min_value=lo, max_value=hi, key="cm_f_dates"
        )
        if isinstance(picked, tuple) and len(picked) == 2:
            # "~" sorts after any time part, so the whole last day is inside the range
            chosen["dates"] = (picked[0].isoformat(), picked[1].isoformat() + "~")
        chosen["include_undated"] = sb.checkbox("Include undated", True, key="cm_f_undated")
    else:
        sb.caption("No event has a publication date, so there is no date filter.")
    chosen["min_confidence"] = sb.slider("Minimum confidence", 0.0, 1.0, 0.0, 0.05, key="cm_f_conf")
    chosen["text"] = sb.text_input(
        "Search text", key="cm_f_text", placeholder="place, spelling, sentence, title"
    )
    return chosen


def select(event_id: str | None) -> None:
    st.session_state["cm_selected"] = event_id


def on_map_click() -> None:
    clicked = (st.session_state.get("cm_map") or {}).get("last_object_clicked_tooltip")
    event_id = event_id_from_tooltip(clicked)
    if event_id:
        select(event_id)


def on_table_select() -> None:
    rows = st.session_state["cm_table"]["selection"]["rows"]
    ids = st.session_state.get("cm_table_ids", [])
    if rows and rows[0] < len(ids):
        select(ids[rows[0]])


def show_map(
    s: Shared, shown: list[Event], articles: dict[str, Article], chosen: Event | None
) -> None:
    fmap = build_map(shown, articles=articles, settlements=load_settlements(s, s.db), popups=False)
    ring = selection_layer(chosen) if chosen is not None else None
    centre = (chosen.place.lat, chosen.place.lon) if chosen and chosen.place.has_point else None
    st_folium(
        fmap,
        key="cm_map",
        height=560,
        use_container_width=True,
        returned_objects=["last_object_clicked_tooltip", "last_object_clicked_count"],
        feature_group_to_add=ring,
        center=centre,
        on_change=on_map_click,
    )


def correction(s: Shared, key: str, mention_ids: list[str], default_query: str) -> None:
    """Search the gazetteer and move these mentions to the place chosen."""
    query = st.text_input("Search the gazetteer", default_query, key=f"cm_fix_q_{key}")
    places = search(s, s.db, query) if query.strip() else []
    if not places:
        st.caption("No place matches; try another spelling (Latin or Cyrillic).")
        return
    labels = {p.place_id: place_label(p) for p in places}
    pick = st.selectbox(
        "Correct place", list(labels), format_func=lambda i: labels.get(i, i), key=f"cm_fix_p_{key}"
    )
    noun = "mention" if len(mention_ids) == 1 else f"{len(mention_ids)} mentions"
    if st.button(f"Move {noun} to this place", key=f"cm_fix_go_{key}"):
        try:
            with st.spinner("Re-resolving and rebuilding events…"):
                for mention_id in mention_ids:
                    s.pipeline.override(mention_id, pick)
        except ClaimMapError as err:
            st.error(md(str(err)))
            return
        s.changed()
        st.session_state["cm_flash"] = f"Moved {noun} to {labels[pick]}."
        st.rerun()


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
            ids = [r.mention.mention_id for r in group]
            correction(s, f"{event.event_id}_{i}", ids, res.place.name if res.place else surface)


def panel(
    s: Shared,
    shown: list[Event],
    articles: dict[str, Article],
    chosen: Event | None,
    resolutions: dict[str, Resolution],
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
        on_change=lambda: select(st.session_state["cm_pick"]),
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
    explain(s, chosen, resolutions)


def review(s: Shared, articles: dict[str, Article], resolutions: list[Resolution]) -> None:
    threshold = st.slider(
        "Show mentions with confidence below",
        0.0,
        1.0,
        LOW_CONFIDENCE,
        0.05,
        key="cm_review_threshold",
    )
    groups: dict[tuple[str, str], list[Resolution]] = defaultdict(list)
    for res in resolutions:
        if res.place is None or res.confidence < threshold:
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
                    "Candidates: "
                    + "; ".join(f"{place_label(c.place)} {c.score:.2f}" for c in res.runners_up)
                )
            ids = [r.mention.mention_id for r in group]
            correction(s, f"review_{i}", ids, surface)


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
    if st.button("Add the uploaded files", key="cm_upload_go", disabled=not files):
        bar = st.progress(0.0, text="Reading…")

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / max(total, 1), text=f"{done}/{total} {name}")

        uploads = [(f.name, f.getvalue()) for f in files or []]
        finish(s, s.pipeline.ingest_uploads(uploads, progress=progress))
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
        else:
            with st.spinner("Fetching…"):
                finish(s, s.pipeline.ingest_urls(urls.splitlines()))
    with st.form("cm_paste_form"):
        title = st.text_input("Title (optional; else the first line)", key="cm_paste_title")
        source = st.text_input("Source or outlet (optional)", key="cm_paste_source")
        text = st.text_area("Article text", key="cm_paste_text", height=180)
        pasted = st.form_submit_button("Add pasted text")
    if pasted:
        if not text.strip():
            st.error("Paste the article text first.")
        else:
            with st.spinner("Analysing…"):
                summary = s.pipeline.ingest_text(text, title=title, source=source)
            if summary.ingested or summary.duplicates:
                with contextlib.suppress(ClaimMapError):
                    article = read_text(text, title=title, source=source)
                    st.session_state["cm_last_article"] = article.article_id
            finish(s, summary)
    last = st.session_state.get("cm_last_article")
    articles = load_articles(s, s.key)
    if last in articles:
        show_article(articles[last], load_resolutions(s, s.key))


def _names(names: Sequence[str], shown: int = 12) -> str:
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def finish(s: Shared, summary: IngestSummary) -> None:
    st.session_state["cm_ingest_report"] = summary
    if summary.ingested:
        s.changed()
    st.rerun()


def show_article(article: Article, resolutions: list[Resolution]) -> None:
    spans = [
        (r.mention.start, r.mention.end)
        for r in resolutions
        if r.mention.article_id == article.article_id
    ]
    meta = " · ".join(x for x in (article.source, article.published or "undated") if x)
    st.html(
        f"{CSS}<h4>{html.escape(article.title)}</h4><div class='cm-meta'>{html.escape(meta)}"
        f" · places found are marked {source_link_html(article)}</div>"
        f"{highlight_html(article, spans, all_paragraphs=True)}"
    )


def main() -> None:
    st.set_page_config(page_title="claimmap", page_icon="🗺️", layout="wide")
    db = os.environ.get("CLAIMMAP_DB", "")
    offline = os.environ.get("CLAIMMAP_OFFLINE", "").strip().lower() in ("1", "true", "yes")
    try:
        s = shared(db, offline)
    except ClaimMapError as err:
        st.error(md(f"claimmap cannot start: {err}"))
        st.stop()
    events, articles = load_events(s, s.key), load_articles(s, s.key)
    resolutions = load_resolutions(s, s.key)
    shown = filter_events(events, articles=articles, **sidebar_filters(events, articles))
    st.sidebar.caption(f"Database: {s.pipeline.store.path}" + (" · offline" if offline else ""))
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
    chosen = next((e for e in shown if e.event_id == st.session_state.get("cm_selected")), None)
    tab_map, tab_review, tab_articles, tab_add, tab_export = st.tabs(
        ["Map", "Review", "Articles", "Add articles", "Export"]
    )
    with tab_map:
        left, right = st.columns([3, 2])
        with left:
            show_map(s, shown, articles, chosen)
        with right:
            panel(s, shown, articles, chosen, {r.mention.mention_id: r for r in resolutions})
        st.session_state["cm_table_ids"] = [e.event_id for e in shown]
        table = pd.DataFrame(event_rows(shown), columns=list(EVENT_COLUMNS))
        st.dataframe(
            table[TABLE_COLUMNS],
            key="cm_table",
            hide_index=True,
            on_select=on_table_select,
            selection_mode="single-row",
            width="stretch",
        )
    with tab_review:
        review(s, articles, resolutions)
    with tab_articles:
        ordered = sorted(articles.values(), key=lambda a: (a.published, a.title), reverse=True)
        titles = {a.article_id: a.title for a in ordered}
        pick = st.selectbox(
            "Article", list(titles), format_func=lambda i: titles.get(i, i), key="cm_article"
        )
        if pick in articles:
            show_article(articles[pick], resolutions)
    with tab_add:
        add_articles(s)
    with tab_export:
        events_text, geojson_text, mentions_text = exports(
            s, s.key, tuple(e.event_id for e in shown)
        )
        st.caption(f"The {len(shown)} events that match the filters, and every mention.")
        st.download_button(
            "Events (CSV)", events_text, "claimmap-events.csv", "text/csv", key="cm_dl_events_csv"
        )
        st.download_button(
            "Events (GeoJSON)",
            geojson_text,
            "claimmap-events.geojson",
            "application/geo+json",
            key="cm_dl_events_geojson",
        )
        st.download_button(
            "Mentions (CSV)",
            mentions_text,
            "claimmap-mentions.csv",
            "text/csv",
            key="cm_dl_mentions_csv",
        )


if __name__ == "__main__":
    main()
