"""Draw events on a folium map that reads without tiles, and the HTML that explains them.

    >>> from claimmap.views.mapview import build_map, event_id_from_click, highlight_html
    >>> m = build_map([], articles={}, asset_base="/app/static")
    >>> "/app/static/vendor/leaflet-1.9.4/leaflet.js" in m.get_root().render()
    True
    >>> event_id_from_click("cm-open:3bf65396b468")
    '3bf65396b468'
    >>> from claimmap.records import Article
    >>> highlight_html(Article("a1", "T", "One.\\n\\nTwo <b>."), [(6, 9)])
    '<p><mark>Two</mark> &lt;b&gt;.</p>'

Pure: records in, ``folium.Map`` or HTML strings out; nothing here imports streamlit. The base
map (``claimmap.views.basemap``: state border, oblast, raion and hromada outlines, neighbouring
oblasts, town names by zoom) is drawn from packaged OpenStreetMap boundaries, so no tile is
needed. Events become one client-side layer: compact JSON rows, markers, tooltips and popups
made in the browser (``claimmap.views.mapscript``), overlapping markers clustered, so 10,000
events stay fast. Raion, hromada and oblast events are drawn as their polygons. The view opens
on the oblast; far events are reachable (legend: "show all") but do not set the zoom. Strings
from articles reach the page as JSON escaped for ``<script>`` and are escaped again in the
browser before they become HTML. folium's CDN links are replaced by the pinned copies in
``static/vendor`` (served by Streamlit at ``/app/static``); ``asset_base=None`` keeps CDN links,
to the same pinned versions, for maps saved as standalone HTML.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from claimmap.errors import MapError
from claimmap.records import ACTORS, Article, Claim, Event, Place
from claimmap.views import basemap
from claimmap.views.mapscript import BASE_JS, CSS, EVENTS_JS, FRAME_JS, OPEN_PREFIX

#: Pinned web assets: name -> (npm package@version, file inside the package's dist, local path
#: under ``static/``). The local copies are the same files (see ``static/vendor/README.md``).
VENDORED_JS: dict[str, tuple[str, str, str]] = {
    "leaflet": ("leaflet@1.9.4", "dist/leaflet.js", "vendor/leaflet-1.9.4/leaflet.js"),
    "markercluster": (
        "leaflet.markercluster@1.5.3",
        "dist/leaflet.markercluster.js",
        "vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js",
    ),
}
VENDORED_CSS: dict[str, tuple[str, str, str]] = {
    "leaflet_css": ("leaflet@1.9.4", "dist/leaflet.css", "vendor/leaflet-1.9.4/leaflet.css"),
    "fontawesome_css": (
        "@fortawesome/fontawesome-free@6.2.0",
        "css/all.min.css",
        "vendor/fontawesome-free-6.2.0/css/all.min.css",
    ),
    "markercluster_css": (
        "leaflet.markercluster@1.5.3",
        "dist/MarkerCluster.css",
        "vendor/leaflet.markercluster-1.5.3/MarkerCluster.css",
    ),
    "markercluster_default_css": (
        "leaflet.markercluster@1.5.3",
        "dist/MarkerCluster.Default.css",
        "vendor/leaflet.markercluster-1.5.3/MarkerCluster.Default.css",
    ),
}
#: Sumy oblast, for an empty map.
SUMY_CENTRE = (51.0, 34.1)
#: Markers closer than this (pixels) are clustered, at any zoom below CLUSTER_UNTIL_ZOOM.
CLUSTER_RADIUS = 28
CLUSTER_UNTIL_ZOOM = 13
#: Popups list this many claims with snippets this long; more events get fewer and shorter.
FULL_POPUPS_UP_TO = 1000
POPUP_CLAIMS = (3, 2)  #: (up to FULL_POPUPS_UP_TO events, above)
SNIPPET_CHARS = (240, 100)
#: Up to this many areas are SVG paths (each with its data-event-id); more share one canvas.
SVG_AREAS_UP_TO = 200
#: Each event row's fields, in order (the page reads them by position to stay small).
ROW_FIELDS = ("lat", "lon", "style", "size", "status", "event_id", "precision", "radius_m",
              "boundary_id", "popup", "area_label")  # fmt: skip
#: The popup part of a row, in order.
POPUP_FIELDS = ("name", "name_uk", "actor", "first_reported", "last_reported", "n_claims",
                "n_articles", "n_origins", "claims", "more")  # fmt: skip
#: Radius (km) of the area symbol drawn for a precision-3 event, by place kind.
AREA_RADIUS_KM = {"sector": 30.0, "oblast": 60.0, "raion": 25.0, "hromada": 12.0}
_OPEN = re.compile(rf"^{re.escape(OPEN_PREFIX)}([0-9A-Za-z_-]+)$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
#: Ten colours that stay apart (Okabe–Ito first), given to event types in EVENT_TYPES order.
_PALETTE = ("#D55E00", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#7F3C8D",
            "#A6761D", "#B2182B", "#332288")  # fmt: skip
#: Font Awesome (solid) icon by a word in the event type's name; the first match wins.
_ICON_HINTS = (
    ("recaptur", "flag-checkered"), ("liberat", "flag-checkered"), ("captur", "flag"),
    ("assault", "person-rifle"), ("attack", "person-rifle"), ("advanc", "forward"),
    ("withdraw", "backward"), ("retreat", "backward"), ("clash", "crosshairs"),
    ("fight", "crosshairs"), ("drone", "plane"), ("air", "plane"), ("shell", "burst"),
    ("strike", "burst"), ("civilian", "user-injured"), ("strateg", "chess-knight"),
)  # fmt: skip
#: Claim-only event types that are never drawn (EVENT_TYPES documents them too).
_NOT_EVENTS = ("mention",)


@dataclass(frozen=True, slots=True)
class EventStyle:
    """How one event type is drawn: a colour, a Font Awesome icon name and a legend label."""

    colour: str
    icon: str
    label: str


def event_styles() -> dict[str, EventStyle]:
    """A fixed style per ``claimmap.claims.claims.EVENT_TYPES``, in that order (imported lazily)."""
    from claimmap.claims.claims import EVENT_TYPES

    styles = {}
    for i, name in enumerate(n for n in EVENT_TYPES if n not in _NOT_EVENTS):
        icon = next((icon for hint, icon in _ICON_HINTS if hint in name.lower()), "circle-dot")
        label = name.replace("_", " ")
        styles[name] = EventStyle(_PALETTE[i % len(_PALETTE)], icon, label)
    return styles


def _style(event_type: str, styles: Mapping[str, EventStyle]) -> EventStyle:
    return styles.get(event_type) or EventStyle("#555555", "circle-question", event_type)


def marker_size(event: Event) -> int:
    """Marker diameter in pixels: 22 for one claim from one origin, up to 46 when corroborated."""
    origins = max(event.n_origins, 1)
    claims = max(event.n_claims, origins)
    return 22 + round(min(14.0, 7 * math.log2(origins)) + min(10.0, 3 * math.log2(claims)))


def event_tooltip(event: Event) -> str:
    """Plain text shown on hover: the place and the event, nothing internal."""
    where = event.place.name + (" (area)" if event.precision == 3 else "")
    return f"{where} — {event.event_type.replace('_', ' ')}"


def event_id_from_click(value: str | None) -> str | None:
    """The event id a popup's "Full sources" button sent (st_folium's
    ``last_object_clicked_popup``), else None."""
    match = _OPEN.match((value or "").strip())
    return match.group(1) if match else None


def snippet(claim: Claim, limit: int) -> str:
    """The claim's sentence, cut to ``limit`` characters around its place mention."""
    text = " ".join(claim.sentence.split())
    if len(text) <= limit:
        return text
    at = max(0, min(len(claim.sentence), claim.mention_start - claim.sentence_start))
    at = len(" ".join(claim.sentence[:at].split()))
    start = max(0, min(at - limit // 2, len(text) - limit))
    cut = text[start : start + limit].strip()
    return ("…" if start > 0 else "") + cut + ("…" if start + limit < len(text) else "")


def source_link_html(article: Article, *, label: str = "source") -> str:
    """A link to where the article can be read (page, feed item, t.me post) opening in a new
    tab; "" when it has no http(s) URL. The URL is escaped, so no attribute can be injected."""
    url = article.url
    if not url.lower().startswith(("http://", "https://")):
        return ""
    return (
        f'<a class="cm-source" href="{html.escape(url, quote=True)}" target="_blank" '
        f'rel="noopener noreferrer">{html.escape(label)}</a>'
    )


def highlight_html(
    article: Article, spans: Sequence[tuple[int, int]], *, all_paragraphs: bool = False
) -> str:
    """The paragraph(s) holding ``spans`` (every one with ``all_paragraphs``), escaped, each
    span inside ``<mark>``; ``…`` marks paragraphs left out between two shown."""
    text = article.text
    for start, end in spans:
        if not 0 <= start < end <= len(text):
            raise MapError(
                f"article {article.article_id}: span ({start}, {end}) is outside its text "
                f"of {len(text)} characters"
            )
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    bounds, last = [], 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        bounds.append((last, brk.start()))
        last = brk.end()
    bounds.append((last, len(text)))
    out, previous = [], None
    for index, (p_start, p_end) in enumerate(bounds):
        inside = [(max(s, p_start), min(t, p_end)) for s, t in merged if s < p_end and t > p_start]
        if not inside and not all_paragraphs:
            continue
        if previous is not None and index != previous + 1:
            out.append('<p class="cm-gap">…</p>')
        parts, cursor = [], p_start
        for s, t in inside:
            parts.append(html.escape(text[cursor:s]))
            parts.append(f"<mark>{html.escape(text[s:t])}</mark>")
            cursor = t
        parts.append(html.escape(text[cursor:p_end]))
        out.append("<p>" + "".join(parts) + "</p>")
        previous = index
    return "".join(out)


def source_label(article: Article) -> str:
    """How the source filter names an article's origin: its outlet, else its title."""
    return article.source or article.title or article.article_id


def filter_events(
    events: Sequence[Event],
    *,
    articles: Mapping[str, Article],
    event_types: Collection[str] | None = None,
    actors: Collection[str] | None = None,
    statuses: Collection[str] | None = None,
    dates: tuple[str, str] | None = None,
    include_undated: bool = True,
    min_confidence: float = 0.0,
    sources: Collection[str] | None = None,
    text: str = "",
) -> list[Event]:
    """The events that pass every filter given (``None`` means "any"), in their order.

    ``dates`` is an inclusive ISO range matched against first/last reported; ``sources`` are
    ``source_label`` values; ``text`` is a case-insensitive search over place names, spellings,
    claim sentences and article titles.
    """
    needle = text.strip().casefold()
    kept = []
    for event in events:
        if event_types is not None and event.event_type not in event_types:
            continue
        if actors is not None and event.actor not in actors:
            continue
        if statuses is not None and event.status not in statuses:
            continue
        if event.confidence < min_confidence:
            continue
        if dates is not None:
            first, last = event.first_reported, event.last_reported or event.first_reported
            if not first:
                if not include_undated:
                    continue
            elif last < dates[0] or first > dates[1]:
                continue
        ids = {claim.article_id for claim in event.claims}
        if sources is not None and not any(
            source_label(articles[a]) in sources for a in ids if a in articles
        ):
            continue
        if needle:
            haystack = [event.place.name, event.place.name_uk, *event.surfaces, *event.sources]
            haystack += [claim.sentence for claim in event.claims]
            haystack += [articles[a].title for a in ids if a in articles]
            if not any(needle in item.casefold() for item in haystack):
                continue
        kept.append(event)
    return kept


def asset_url(name: str, *, asset_base: str | None) -> str:
    """Where the page loads one pinned asset from: ``asset_base`` or the jsDelivr CDN."""
    table = VENDORED_JS if name in VENDORED_JS else VENDORED_CSS
    if name not in table:
        raise MapError(f"no vendored web asset named {name!r}; known: {sorted(VENDORED_JS)}")
    package, dist_path, local = table[name]
    if asset_base is None:
        return f"https://cdn.jsdelivr.net/npm/{package}/{dist_path}"
    return f"{asset_base.rstrip('/')}/{local}"


def _js_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element and a JS source string."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(char, escaped)
    return text


class _Tables:
    """String tables shared by every row: snippets and sources are stored once."""

    def __init__(self, articles: Mapping[str, Article]) -> None:
        self.articles = articles
        self.snippets: dict[str, int] = {}
        self.sources: dict[str, int] = {}
        self.source_rows: list[list[str]] = []

    def snippet(self, text: str) -> int:
        return self.snippets.setdefault(text, len(self.snippets))

    def source(self, article_id: str) -> int:
        if article_id not in self.sources:
            article = self.articles.get(article_id)
            row = (
                [article.title or article.article_id, article.source, article.published]
                if article is not None
                else [article_id, "", ""]
            )
            self.sources[article_id] = len(self.source_rows)
            self.source_rows.append(row)
        return self.sources[article_id]


def _popup(event: Event, tables: _Tables, *, n_claims: int, chars: int) -> list[Any]:
    claims = [
        [tables.snippet(snippet(c, chars)), tables.source(c.article_id),
         tables.source_rows[tables.source(c.article_id)][2]]
        for c in event.claims[:n_claims]
    ]  # fmt: skip
    actor = ACTORS.index(event.actor) if event.actor in ACTORS else len(ACTORS) - 1
    return [event.place.name, event.place.name_uk, actor, event.first_reported,
            event.last_reported, event.n_claims, event.n_articles, event.n_origins, claims,
            max(0, len(event.claims) - len(claims))]  # fmt: skip


class _Text(Element):
    """Text that goes into the page as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _Literal(MacroElement):
    """A MacroElement whose rendered macros reach the page as text. branca wraps each macro's
    output in a new Jinja template: article text reading ``{{ ... }}`` or ``{% ... %}`` in a
    popup's snippet was run as Jinja (or broke the map), and compiling the 2.4 MB script of
    10,000 events took 0.3 s, twice per dashboard run."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(_Text(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class _BaseLayer(_Literal):
    """Boundaries, settlement dots and town names (see ``claimmap.views.basemap``)."""

    _template = Template(BASE_JS)

    def __init__(self, settlements: Sequence[Place]) -> None:
        super().__init__()
        self._name = "BaseMap"
        self.boundaries_json = _js_json(basemap.compact_boundaries())
        self.towns_json = _js_json(basemap.town_rows(settlements))
        self.attribution_json = _js_json(basemap.ATTRIBUTION)


class _EventLayer(JSCSSMixin, _Literal):
    """Events as two layers (areas, then points clustered where they overlap): JSON rows and
    string tables, markers, tooltips and popups built in the browser."""

    _template = Template(EVENTS_JS)

    def __init__(self, tables: dict[str, Any], *, base_name: str,
                 asset_base: str | None) -> None:  # fmt: skip
        super().__init__()
        self._name = "EventLayer"
        self.tables_json = _js_json(tables)
        self.base_name = base_name
        self.open_prefix_json = _js_json(OPEN_PREFIX)
        self.svg_areas_up_to = SVG_AREAS_UP_TO
        self.group_js = (
            f"L.markerClusterGroup({{chunkedLoading: true, showCoverageOnHover: false, "
            f"maxClusterRadius: {CLUSTER_RADIUS}, disableClusteringAtZoom: {CLUSTER_UNTIL_ZOOM}, "
            f"chunkProgress: loaded}})"
        )
        self.default_js = [("markercluster", asset_url("markercluster", asset_base=asset_base))]
        self.default_css = [
            (name, asset_url(name, asset_base=asset_base))
            for name in ("markercluster_css", "markercluster_default_css")
        ]


class _Frame(_Literal):
    """The legend (collapsible), the layer control and the initial view. The view is fitted
    again when the map first gets a size: a map made in a hidden Streamlit tab starts at 0x0."""

    _template = Template(FRAME_JS)

    def __init__(self, legend_html: str, view: list[list[float]] | None,
                 everything: list[list[float]] | None,
                 overlays: Sequence[tuple[str, str]]) -> None:  # fmt: skip
        super().__init__()
        self._name = "Frame"
        self.css = CSS
        self.html_json = _js_json(legend_html)
        self.view_json = _js_json(view)
        self.all_json = _js_json(everything)
        self.overlays = [(_js_json(label), expr) for label, expr in overlays]


def _legend_html(styles: Mapping[str, EventStyle], used: Mapping[str, int], hidden: int,
                 outside: int, *, open_: bool) -> str:  # fmt: skip
    """Only the event types on this map, then how status, size, areas and the base map read."""
    e = html.escape
    total = sum(used.values())
    rows = [f"<details{' open' if open_ else ''}><summary>Legend · {total} event(s)</summary>"]
    if not used:
        rows.append("<div>No events to show</div>")
    order = list(styles)
    for name in sorted(used, key=lambda n: (n not in styles, order.index(n) if n in styles
                                              else 0, n)):  # fmt: skip
        style = _style(name, styles)
        rows.append(
            f'<div><span class="cm-key" style="background:{style.colour}"></span>'
            f'<i class="fa-solid fa-{style.icon}"></i> {e(style.label)} ({used[name]})</div>'
        )
    rows.append(
        '<div class="cm-legend-note">border solid: confirmed, dashed: claimed, dotted: denied'
        "<br>larger: more independent origins<br>dashed outline: an area, not a point</div>"
        '<div class="cm-legend-note"><span class="cm-line" style="border-top:3px dashed #b2182b">'
        '</span>UA–RU state border<br><span class="cm-line" style="border-top:2px solid #333">'
        '</span>oblast <span class="cm-line" style="border-top:1.5px solid #666"></span>raion '
        '<span class="cm-line" style="border-top:1px solid #a3a3a3"></span>hromada</div>'
    )
    if outside:
        rows.append(
            f'<div class="cm-legend-note">{outside} event(s) outside this view · '
            '<a class="cm-fit-all">show all</a> · <a class="cm-home">oblast</a></div>'
        )
    if hidden:
        rows.append(f'<div class="cm-legend-note">{hidden} event(s) without coordinates</div>')
    return "".join(rows) + "</details>"


class _Ring(_Literal):
    """A dashed ring that lets clicks through (folium's CircleMarker drops ``interactive``)."""

    _template = Template("""
{% macro script(this, kwargs) %}
L.circleMarker({{ this.point_json }}, {radius: {{ this.radius }}, color: "#111", weight: 3,
  dashArray: "4 3", fill: false, interactive: false}).addTo({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, lat: float, lon: float, radius: float) -> None:
        super().__init__()
        self._name = "Ring"
        self.point_json = _js_json([lat, lon])
        self.radius = float(radius)


def selection_layer(event: Event) -> folium.FeatureGroup:
    """A ring around the selected event (for st_folium's ``feature_group_to_add``)."""
    group = folium.FeatureGroup(name="Selected", control=False)
    if event.place.lat is not None and event.place.lon is not None:
        radius = marker_size(event) / 2 + 7 if event.precision != 3 else 14
        _Ring(event.place.lat, event.place.lon, radius).add_to(group)
    return group


_AREA_ORDER = {"country": 0, "oblast": 1, "sector": 2, "raion": 3, "hromada": 4}


def build_map(
    events: Sequence[Event],
    *,
    articles: Mapping[str, Article],
    settlements: Sequence[Place] = (),
    selected: str | None = None,
    asset_base: str | None = "/app/static",
    tiles: str | None = None,
    base: bool = True,
    popups: bool = True,
) -> folium.Map:
    """One marker per event (its polygon or a dashed circle for precision 3) over the base map.

    ``settlements`` give the dots and town names; ``base=False`` leaves the boundaries out;
    ``tiles`` adds a tile layer (it needs the network). Areas are drawn largest first, so each
    stays visible and clickable; areas at one place nest as shrinking circles.
    """
    styles = event_styles()
    style_list = [*styles.values(), EventStyle("#555555", "circle-question", "other")]
    index = {name: i for i, name in enumerate(styles)}
    full = len(events) <= FULL_POPUPS_UP_TO
    n_claims, chars = POPUP_CLAIMS[not full], SNIPPET_CHARS[not full]
    tables = _Tables(articles)
    polygons = basemap.boundary_ids() if base else frozenset()
    points: list[list[Any]] = []
    areas: list[tuple[tuple[int, int], list[Any]]] = []
    used: dict[str, int] = {}
    at_place: dict[str, int] = {}
    hidden = 0
    for order, event in enumerate(events):
        place = event.place
        if place.lat is None or place.lon is None:
            hidden += 1
            continue
        used[event.event_type] = used.get(event.event_type, 0) + 1
        area = event.precision == 3
        nth = at_place[place.place_id] = at_place.get(place.place_id, -1) + 1 if area else 0
        radius = AREA_RADIUS_KM.get(place.kind, 30.0) * 1000 * max(0.3, 1 - 0.2 * nth)
        row = [
            round(place.lat, 5), round(place.lon, 5),
            index.get(event.event_type, len(style_list) - 1), marker_size(event),
            {"confirmed": 0, "claimed": 1}.get(event.status, 2), event.event_id,
            event.precision, round(radius),
            place.place_id if area and place.place_id in polygons else "",
            _popup(event, tables, n_claims=n_claims if popups else 0, chars=chars),
            f"{place.name} (area)" if area and not nth else "",
        ]  # fmt: skip
        if not popups:
            row[9][8] = []
        if area:
            areas.append(((_AREA_ORDER.get(place.kind, 2), order), row))
        else:
            points.append(row)
    chosen = next((ev for ev in events if ev.event_id == selected), None)
    if selected is not None and chosen is None:
        raise MapError(f"selected event {selected!r} is not among the {len(events)} events drawn")
    fmap = folium.Map(location=SUMY_CENTRE, zoom_start=8, tiles=tiles, control_scale=True)
    fmap.default_js = [("leaflet", asset_url("leaflet", asset_base=asset_base))]
    fmap.default_css = [
        (name, asset_url(name, asset_base=asset_base))
        for name in ("leaflet_css", "fontawesome_css")
    ]
    overlays: list[tuple[str, str]] = []
    base_name = "null"
    if base:
        layer = _BaseLayer(settlements)
        layer.add_to(fmap)
        base_name = layer.get_name()
        overlays += [("Hromada outlines", f"{base_name}.groups.hromada"),
                     ("Raion outlines", f"{base_name}.groups.raion")]  # fmt: skip
        if settlements:
            overlays += [("Settlements", f"{base_name}.dots"),
                         ("Town names", f"{base_name}.names")]  # fmt: skip
    shared = {
        "styles": [{"colour": s.colour, "icon": s.icon, "label": s.label} for s in style_list],
        "actors": list(ACTORS),
    }
    area_rows = [row for _, row in sorted(areas, key=lambda a: a[0])]
    layer = _EventLayer(
        {**shared, "snippets": list(tables.snippets), "sources": tables.source_rows,
         "areas": area_rows, "points": points},
        base_name=base_name, asset_base=asset_base,
    )  # fmt: skip
    layer.add_to(fmap)
    overlays += [("Events", f"{layer.get_name()}.points"),
                 ("Areas (precision 3)", f"{layer.get_name()}.areas")]  # fmt: skip
    view = basemap.oblast_bounds() if base else None
    where = [(r[0], r[1]) for r in points + area_rows]
    everything = None
    if where:
        lats, lons = [w[0] for w in where], [w[1] for w in where]
        everything = [[min(lats) - 0.15, min(lons) - 0.15], [max(lats) + 0.15, max(lons) + 0.15]]
        if view is None:
            view = everything
    if view is not None and view is not everything:
        pad = 0.08
        view = [[view[0][0] - pad, view[0][1] - pad], [view[1][0] + pad, view[1][1] + pad]]
    if chosen is not None and chosen.place.lat is not None and chosen.place.lon is not None:
        selection_layer(chosen).add_to(fmap)
        view = [[chosen.place.lat - 0.15, chosen.place.lon - 0.15],
                [chosen.place.lat + 0.15, chosen.place.lon + 0.15]]  # fmt: skip
    outside = 0
    if view is not None:
        (south, west), (north, east) = view
        outside = sum(not (south <= lat <= north and west <= lon <= east) for lat, lon in where)
    _Frame(_legend_html(styles, used, hidden, outside, open_=len(used) <= 6), view, everything,
           overlays).add_to(fmap)  # fmt: skip
    return fmap
