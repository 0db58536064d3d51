"""Draw events on a folium map that renders offline, and the HTML that explains them.

    >>> from claimmap.views.mapview import build_map, event_id_from_tooltip, highlight_html
    >>> m = build_map([], articles={}, asset_base="/app/static")
    >>> "/app/static/vendor/leaflet-1.9.4/leaflet.js" in m.get_root().render()
    True
    >>> event_id_from_tooltip("Oleksandriia — capture, claimed [event:e1]")
    'e1'
    >>> from claimmap.records import Article
    >>> highlight_html(Article("a1", "T", "One.\\n\\nTwo <b>."), [(6, 9)])
    '<p><mark>Two</mark> &lt;b&gt;.</p>'

Pure: records in, ``folium.Map`` or HTML strings out; nothing here imports streamlit. Events
become one client-side layer (data as JSON, markers made in the browser), clustered when there
are many, so 10,000 events stay fast. Every string that comes from an article is escaped, and the
JSON is escaped for ``<script>`` too. folium's CDN links are replaced by the pinned copies in
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
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from claimmap.errors import MapError
from claimmap.records import Article, Event, Place

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
#: More event markers than this are clustered (crowded); fewer are all drawn.
CLUSTER_ABOVE = 50
#: More events than this get short popups (no sentences) to keep the page small.
FULL_POPUPS_UP_TO = 1000
#: Radius (km) of the area symbol drawn for a precision-3 event, by place kind.
AREA_RADIUS_KM = {"sector": 30.0, "oblast": 60.0, "raion": 25.0, "hromada": 12.0}
_TOOLTIP_ID = re.compile(r"\[event:([^\[\]\s]+)\]\s*$")
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
    """Plain text shown on hover; ends in ``[event:<id>]`` so a click can be traced back."""
    where = event.place.name + (" (area)" if event.precision == 3 else "")
    counts = f"{event.n_claims} claim{'s' * (event.n_claims != 1)}"
    return (
        f"{where} — {event.event_type.replace('_', ' ')}, {event.actor}, {event.status}, "
        f"{counts} [event:{event.event_id}]"
    )


def event_id_from_tooltip(text: str | None) -> str | None:
    """The event id in a tooltip made by ``event_tooltip`` (as st_folium returns it), else None."""
    match = _TOOLTIP_ID.search(text or "")
    return match.group(1) if match else None


def popup_html(event: Event, *, articles: Mapping[str, Article], max_claims: int | None = 5) -> str:
    """The popup: place (Latin and Ukrainian), type, actor, status, counts, claim sentences."""
    e = html.escape
    place = event.place
    names = f"<b>{e(place.name)}</b>"
    if place.name_uk:
        names += f' <span lang="uk">{e(place.name_uk)}</span>'
    if event.precision == 3:
        names += " <i>(area; not a precise location)</i>"
    lines = [
        names,
        f"{e(event.event_type.replace('_', ' '))} · {e(event.actor)} · {e(event.status)}",
        f"{event.n_claims} claims · {event.n_articles} articles · {event.n_origins} origins",
    ]
    claims = event.claims if max_claims is None else event.claims[:max_claims]
    items = []
    for claim in claims:
        article = articles.get(claim.article_id)
        title = article.title if article is not None else claim.article_id
        link = f" {source_link_html(article)}" if article is not None and article.url else ""
        items.append(f"<li>“{e(claim.sentence)}” — <i>{e(title)}</i>{link}</li>")
    body = "<br>".join(lines)
    if items:
        body += '<ol class="cm-claims">' + "".join(items) + "</ol>"
    if len(claims) < len(event.claims):
        body += f"<i>and {len(event.claims) - len(claims)} more</i>"
    return f'<div class="cm-popup" data-event-id="{e(event.event_id)}">{body}</div>'


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


_CSS = """
.cm-icon { background: none; border: none; }
.leaflet-interactive:focus, .cm-icon:focus { outline: none; }
.cm-marker { box-sizing: border-box; width: 100%; height: 100%; border-radius: 50%;
  border: 2px solid #222; color: #fff; display: flex; align-items: center;
  justify-content: center; box-shadow: 0 1px 3px rgba(0,0,0,.5); }
.cm-marker i { font-size: 11px; }
.cm-st-claimed { border-style: dashed; } .cm-st-denied { border-style: dotted; opacity: .6; }
.cm-near { outline: 2px dashed rgba(0,0,0,.45); outline-offset: 2px; }
.cm-area-label { background: none; border: none; font: italic 12px sans-serif; color: #333;
  white-space: nowrap; text-shadow: 0 0 3px #fff; }
.cm-legend { background: rgba(255,255,255,.88); padding: 4px 7px; border-radius: 4px;
  font: 11px/1.4 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 220px; }
.cm-legend .cm-key { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  vertical-align: middle; margin-right: 4px; border: 2px solid #222; box-sizing: border-box; }
.cm-legend-note { color: #444; font-size: 10px; margin-top: 3px; }
.cm-popup ol { padding-left: 18px; margin: 4px 0; }
"""

_LAYER_JS = """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function() {
  var styles = {{ this.styles_json }}, status = ["confirmed", "claimed", "denied"];
  var esc = function(s) { return String(s).replace(/[&<>"']/g, function(c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]; }); };
  var group = {{ this.group_js }}, layers = [];
  {{ this.data_json }}.forEach(function(d) {
    var st = styles[d[2]], size = d[3], layer;
    if (d[8] === 3) {
      layer = L.circle([d[0], d[1]], {radius: d[9], color: st.colour, weight: 2,
        dashArray: "8 6", fillColor: st.colour, fillOpacity: 0.12, className: "cm-area"});
      if (d[10]) { layers.push(L.marker([d[0], d[1]], {interactive: false, icon: L.divIcon({
        className: "cm-area-label", html: d[10], iconSize: null})})); }
    } else {
      var cls = "cm-marker cm-st-" + status[d[4]] + (d[8] === 2 ? " cm-near" : "");
      layer = L.marker([d[0], d[1]], {riseOnHover: true, icon: L.divIcon({
        className: "cm-icon", iconSize: [size, size],
        html: '<div class="' + cls + '" data-event-id="' + esc(d[7]) + '" style="background:' +
          st.colour + '"><i class="fa-solid fa-' + st.icon + '"></i></div>'})});
    }
    layer.bindTooltip(d[5]);
    if (d[6]) { layer.bindPopup(d[6], {maxWidth: 360}); }
    layers.push(layer);
  });
  if (group.addLayers) { group.addLayers(layers); }
  else { layers.forEach(function(layer) { group.addLayer(layer); }); }
  return group;
})();
{% endmacro %}
"""


class _EventLayer(JSCSSMixin, folium.map.Layer):
    """All events as one layer: JSON data, markers built in the browser, optionally clustered."""

    _template = Template(_LAYER_JS)

    def __init__(self, rows: list[list[Any]], styles: list[dict[str, str]], *, name: str,
                 cluster: bool, asset_base: str | None) -> None:  # fmt: skip
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "EventLayer"
        self.data_json = _js_json(rows)
        self.styles_json = _js_json(styles)
        options = "{chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45}"
        self.group_js = f"L.markerClusterGroup({options})" if cluster else "L.featureGroup()"
        if cluster:
            self.default_js = [("markercluster", asset_url("markercluster", asset_base=asset_base))]
            self.default_css = [
                (name, asset_url(name, asset_base=asset_base))
                for name in ("markercluster_css", "markercluster_default_css")
            ]


class _SettlementLayer(folium.map.Layer):
    """Every gazetteer settlement as a faint dot with its name on hover (drawn on a canvas)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function() {
  var group = L.featureGroup(), renderer = L.canvas({padding: 0.3});
  {{ this.data_json }}.forEach(function(s) {
    L.circleMarker([s[0], s[1]], {renderer: renderer, radius: 2, weight: 0.5, color: "#777",
      fillColor: "#999", fillOpacity: 0.6}).bindTooltip(s[2]).addTo(group);
  });
  return group;
})();
{% endmacro %}
""")

    def __init__(self, places: Sequence[Place], *, show: bool) -> None:
        super().__init__(name="Settlements", overlay=True, control=True, show=show)
        self._name = "SettlementLayer"
        rows = [
            [round(p.lat, 5), round(p.lon, 5), html.escape(_bilingual(p))]
            for p in places
            if p.has_point and p.lat is not None and p.lon is not None
        ]
        self.data_json = _js_json(rows)


class _Frame(MacroElement):
    """The legend (a Leaflet control, bottom right) and the initial view. The view is fitted
    again when the map first gets a size: a map made in a hidden Streamlit tab starts at 0x0."""

    _template = Template("""
{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
{% macro script(this, kwargs) %}
(function(map) {
  var legend = L.control({position: "bottomright"}), bounds = {{ this.bounds_json }};
  legend.onAdd = function() { var div = L.DomUtil.create("div", "cm-legend");
    div.innerHTML = {{ this.html_json }}; return div; };
  legend.addTo(map);
  var box = map.getContainer(), hidden = box.clientWidth === 0;
  if (bounds) { map.fitBounds(bounds); }
  if (window.ResizeObserver) {
    new ResizeObserver(function() {
      if (box.clientWidth === 0) { hidden = true; return; }
      map.invalidateSize();
      if (hidden && bounds) { map.fitBounds(bounds); }
      hidden = false;
    }).observe(box);
  }
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, legend_html: str, bounds: list[list[float]] | None) -> None:
        super().__init__()
        self._name = "Frame"
        self.css = _CSS
        self.html_json = _js_json(legend_html)
        self.bounds_json = _js_json(bounds)


def _bilingual(place: Place) -> str:
    return f"{place.name} / {place.name_uk}" if place.name_uk else place.name


def _legend_html(styles: Mapping[str, EventStyle], used: Mapping[str, int], hidden: int) -> str:
    """Only the event types on this map, then how status, size and areas are drawn."""
    e = html.escape
    rows = ["<b>Events</b>"] if used else ["<b>No events to show</b>"]
    for name in sorted(used, key=lambda n: (n not in styles, list(styles).index(n)
                                              if n in styles else 0, n)):  # fmt: skip
        style = _style(name, styles)
        rows.append(
            f'<div><span class="cm-key" style="background:{style.colour}"></span>'
            f'<i class="fa-solid fa-{style.icon}"></i> {e(style.label)} ({used[name]})</div>'
        )
    rows.append(
        '<div class="cm-legend-note">border solid: confirmed, dashed: claimed, dotted: denied'
        "<br>larger: more independent origins<br>dashed circle: an area, not a point</div>"
    )
    if hidden:
        rows.append(f'<div class="cm-legend-note">{hidden} event(s) without coordinates</div>')
    return "".join(rows)


class _Ring(MacroElement):
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


def build_map(
    events: Sequence[Event],
    *,
    articles: Mapping[str, Article],
    settlements: Sequence[Place] = (),
    selected: str | None = None,
    asset_base: str | None = "/app/static",
    tiles: str | None = "OpenStreetMap",
    show_settlements: bool = True,
    popups: bool = True,
) -> folium.Map:
    """One marker per event (area symbol for precision 3), a legend and a settlements layer.

    ``popups=False`` leaves popups out (the dashboard shows details in its own panel). Areas at
    one place are drawn as nested circles, largest first, so each stays visible and clickable.
    """
    styles = event_styles()
    style_list = [*styles.values(), EventStyle("#555555", "circle-question", "other")]
    index = {name: i for i, name in enumerate(styles)}
    full = len(events) <= FULL_POPUPS_UP_TO
    points: list[list[Any]] = []
    areas: list[list[Any]] = []
    used: dict[str, int] = {}
    at_place: dict[str, int] = {}
    hidden = 0
    for event in events:
        place = event.place
        if place.lat is None or place.lon is None:
            hidden += 1
            continue
        used[event.event_type] = used.get(event.event_type, 0) + 1
        nth = 0
        if event.precision == 3:
            nth = at_place[place.place_id] = at_place.get(place.place_id, -1) + 1
        radius = AREA_RADIUS_KM.get(place.kind, 30.0) * 1000 * max(0.3, 1 - 0.2 * nth)
        (areas if event.precision == 3 else points).append([
            round(place.lat, 5), round(place.lon, 5),
            index.get(event.event_type, len(style_list) - 1), marker_size(event),
            {"confirmed": 0, "claimed": 1}.get(event.status, 2),
            html.escape(event_tooltip(event)),
            popup_html(event, articles=articles, max_claims=5 if full else 0) if popups else "",
            event.event_id, event.precision, round(radius),
            "" if nth else html.escape(f"{place.name} (area)"),
        ])  # fmt: skip
    chosen = next((ev for ev in events if ev.event_id == selected), None)
    if selected is not None and chosen is None:
        raise MapError(f"selected event {selected!r} is not among the {len(events)} events drawn")
    fmap = folium.Map(location=SUMY_CENTRE, zoom_start=8, tiles=tiles, control_scale=True)
    fmap.default_js = [("leaflet", asset_url("leaflet", asset_base=asset_base))]
    fmap.default_css = [
        (name, asset_url(name, asset_base=asset_base))
        for name in ("leaflet_css", "fontawesome_css")
    ]
    if settlements:
        _SettlementLayer(settlements, show=show_settlements).add_to(fmap)
    style_rows = [{"colour": s.colour, "icon": s.icon} for s in style_list]
    if areas:
        _EventLayer(areas, style_rows, name="Areas (precision 3)", cluster=False,
                    asset_base=asset_base).add_to(fmap)  # fmt: skip
    _EventLayer(points, style_rows, name="Events", cluster=len(points) > CLUSTER_ABOVE,
                asset_base=asset_base).add_to(fmap)  # fmt: skip
    if settlements or areas:
        folium.LayerControl(collapsed=True).add_to(fmap)
    where = [(r[0], r[1]) for r in points + areas]
    if chosen is not None and chosen.place.lat is not None and chosen.place.lon is not None:
        selection_layer(chosen).add_to(fmap)
        where = [(chosen.place.lat, chosen.place.lon)]
    bounds = None
    if where:
        pad = 0.15
        lats, lons = [w[0] for w in where], [w[1] for w in where]
        bounds = [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]
    _Frame(_legend_html(styles, used, hidden), bounds).add_to(fmap)
    return fmap
