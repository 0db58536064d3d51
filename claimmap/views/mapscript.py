"""The browser side of the map: CSS and the Leaflet scripts that ``mapview`` fills with JSON.

    >>> from claimmap.views.mapscript import CSS, BASE_JS, EVENTS_JS, FRAME_JS
    >>> "cm-popup" in CSS and "last_object_clicked_popup" in EVENTS_JS and "decode" in BASE_JS
    True

Strings only (jinja macros for folium elements); ``claimmap.views.mapview`` owns the data.
Every string from an article reaches the page as JSON and is escaped here (``esc``) before it
becomes HTML. A popup's "Full sources" button tells the dashboard which event to open by
setting streamlit-folium's ``last_object_clicked_popup`` to ``cm-open:<event id>`` and firing
``moveend``, which makes the component send its value (streamlit_folium 0.27, index.tsx).
"""

from __future__ import annotations

#: What the popup button sends, before the event id.
OPEN_PREFIX = "cm-open:"

CSS = """
.leaflet-container { background: #dfe7ec; }
.cm-icon { background: none; border: none; }
.leaflet-interactive:focus, .cm-icon:focus { outline: none; }
.cm-marker { box-sizing: border-box; width: 100%; height: 100%; border-radius: 50%;
  border: 2px solid #222; color: #fff; display: flex; align-items: center;
  justify-content: center; box-shadow: 0 1px 3px rgba(0,0,0,.5); }
.cm-marker i { font-size: 11px; }
.cm-st-claimed { border-style: dashed; } .cm-st-denied { border-style: dotted; opacity: .6; }
.cm-near { outline: 2px dashed rgba(0,0,0,.45); outline-offset: 2px; }
.cm-area-label, .cm-town, .cm-region { background: none; border: none; white-space: nowrap; }
.cm-area-label span { font: italic 12px sans-serif; color: #333; text-shadow: 0 0 3px #fff; }
.cm-town span { font: 11px sans-serif; color: #222; text-shadow: 0 0 2px #fff, 0 0 2px #fff;
  position: relative; left: 4px; top: -7px; }
.cm-town.cm-r0 span { font-weight: bold; font-size: 12px; }
.cm-town.cm-r2 span { font-size: 10px; color: #444; }
.cm-region span { font: 13px sans-serif; letter-spacing: .08em; color: #777;
  text-transform: uppercase; text-shadow: 0 0 3px #fff; }
.cm-legend { background: rgba(255,255,255,.92); padding: 3px 7px; border-radius: 4px;
  font: 11px/1.4 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 230px;
  max-height: 60vh; overflow-y: auto; }
.cm-legend summary { cursor: pointer; font-weight: bold; }
.cm-legend .cm-key { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  vertical-align: middle; margin-right: 4px; border: 2px solid #222; box-sizing: border-box; }
.cm-legend .cm-line { display: inline-block; width: 18px; vertical-align: middle;
  margin-right: 4px; }
.cm-legend-note { color: #444; font-size: 10px; margin-top: 3px; }
.cm-legend a { cursor: pointer; }
.cm-popup { font: 12px/1.35 sans-serif; }
.cm-popup .cm-pmeta { color: #444; }
.cm-popup ol { padding-left: 18px; margin: 4px 0; }
.cm-popup li { margin-bottom: 3px; }
.cm-popup .cm-src { color: #555; font-style: italic; }
.cm-open { margin-top: 4px; padding: 2px 8px; border: 1px solid #0072B2; border-radius: 3px;
  background: #0072B2; color: #fff; cursor: pointer; font: 12px sans-serif; }
.leaflet-tooltip { white-space: nowrap; }
"""

BASE_JS = """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function(map) {
  var data = {{ this.boundaries_json }}, towns = {{ this.towns_json }};
  var esc = function(s) { return String(s).replace(/[&<>"']/g, function(c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]; }); };
  function decode(flat) {  /* integer deltas of 1e-4 degrees -> [[lat, lon], ...] */
    var out = [], x = 0, y = 0;
    for (var i = 0; i < flat.length; i += 2) { x += flat[i]; y += flat[i + 1];
      out.push([y / 1e4, x / 1e4]); }
    return out;
  }
  function latlngs(f) { return f.g.map(function(part) { return part.map(decode); }); }
  var pane = map.createPane("cm-base"); pane.style.zIndex = 350;
  var linePane = map.createPane("cm-lines"); linePane.style.zIndex = 380;
  linePane.style.pointerEvents = "none"; pane.style.pointerEvents = "none";
  var styles = {
    neighbours: {color: "#9a9a9a", weight: 1, fillColor: "#eeece6", fillOpacity: 1},
    oblast: {color: "#333", weight: 2.2, fillColor: "#fbfaf4", fillOpacity: 1},
    raion: {color: "#666", weight: 1.3, fill: false},
    hromada: {color: "#a3a3a3", weight: 0.7, fill: false},
    border: {color: "#b2182b", weight: 3, dashArray: "12 5 3 5", fill: false}
  };
  var groups = {}, shapes = {};
  Object.keys(data).forEach(function(layer) {
    var group = L.layerGroup();
    data[layer].forEach(function(f) {
      var opts = L.extend({interactive: false, pane: layer === "border" || layer === "raion" ||
        layer === "hromada" ? "cm-lines" : "cm-base"}, styles[layer]);
      if (layer === "neighbours" && f.ru) { opts.fillColor = "#ece4e2"; }
      var ll = latlngs(f), shape = f.poly ? L.polygon(ll, opts) : L.polyline(ll[0], opts);
      shapes[f.id] = {latlngs: ll, name: f.en, uk: f.uk, layer: layer};
      group.addLayer(shape);
      if (layer === "neighbours") {
        group.addLayer(L.marker(shape.getBounds().getCenter(), {interactive: false,
          icon: L.divIcon({className: "cm-region", html: "<span>" + esc(f.en) + "</span>",
          iconSize: null})}));
      }
    });
    groups[layer] = group.addTo(map);
  });
  var dots = L.layerGroup(), renderer = L.canvas({padding: 0.3});
  towns.forEach(function(t) {
    dots.addLayer(L.circleMarker([t[0], t[1]], {renderer: renderer, radius: [3, 1.8, 1.2][t[4]],
      stroke: t[4] === 0, weight: 1, color: "#fff", fillColor: ["#333", "#777", "#aaa"][t[4]],
      fillOpacity: 0.9, interactive: false}));
  });
  dots.addTo(map);
  var names = L.layerGroup().addTo(map), minZoom = [0, 10, 11];
  function label(t) { return L.marker([t[0], t[1]], {interactive: false, keyboard: false,
    icon: L.divIcon({className: "cm-town cm-r" + t[4], iconSize: null,
      html: '<span title="' + esc(t[3]) + '">' + esc(t[2]) + "</span>"})}); }
  function relabel() {
    if (!map.hasLayer(names)) { return; }
    names.clearLayers();
    var z = map.getZoom(), view = map.getBounds().pad(0.1);
    towns.forEach(function(t) {
      if (z >= minZoom[t[4]] && view.contains([t[0], t[1]])) { names.addLayer(label(t)); }
    });
  }
  map.on("zoomend moveend overlayadd", relabel);
  map.whenReady(relabel);
  map.attributionControl && map.attributionControl.addAttribution({{ this.attribution_json }});
  return {groups: groups, shapes: shapes, dots: dots, names: names};
})({{ this._parent.get_name() }});
{% endmacro %}
"""

EVENTS_JS = """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function(map, base) {
  if (map.options.maxZoom === undefined) { map.setMaxZoom(17); }  /* no tiles to say so */
  if (map.options.minZoom === undefined) { map.setMinZoom(4); }
  var t = {{ this.tables_json }}, styles = t.styles, status = ["confirmed", "claimed", "denied"];
  var esc = function(s) { return String(s).replace(/[&<>"']/g, function(c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]; }); };
  var plural = function(n, word) { return n + " " + word + (n === 1 ? "" : "s"); };
  function place(d) { return esc(d[9][0]) + (d[6] === 3 ? " (area)" : ""); }
  function tooltip(d) {
    return '<span data-event-id="' + esc(d[5]) + '">' + place(d) + " — " +
      esc(styles[d[2]].label) + "</span>";
  }
  function popup(d) {
    var p = d[9], st = styles[d[2]], html = '<div class="cm-popup" data-event-id="' +
      esc(d[5]) + '"><b>' + esc(p[0]) + "</b>" + (p[1] ? ' <span lang="uk">' + esc(p[1]) +
      "</span>" : "") + (d[6] === 3 ? " <i>(area; not a precise location)</i>" :
      d[6] === 2 ? " <i>(near)</i>" : "");
    html += '<div class="cm-pmeta">' + esc(st.label) + " · " + esc(t.actors[p[2]]) + " · " +
      status[d[4]] + "</div>";
    html += '<div class="cm-pmeta">' + (p[3] ? "reported " + esc(p[3]) +
      (p[4] && p[4] !== p[3] ? " – " + esc(p[4]) : "") : "undated") + "</div>";
    html += '<div class="cm-pmeta">' + plural(p[5], "claim") + " · " + plural(p[6], "article") +
      " · " + plural(p[7], "independent origin") + "</div>";
    if (p[8].length) {
      html += '<ol class="cm-claims">' + p[8].map(function(c) {
        var src = t.sources[c[1]];
        return "<li>“" + esc(t.snippets[c[0]]) + '” <span class="cm-src">— ' + esc(src[0]) +
          (src[1] ? " (" + esc(src[1]) + ")" : "") + (src[2] ? ", " + esc(src[2]) : "") +
          "</span></li>";
      }).join("") + "</ol>";
    }
    if (p[9]) { html += "<i>and " + p[9] + " more</i><br>"; }
    if (window.__GLOBAL_DATA__) {
      html += '<button type="button" class="cm-open" data-event-id="' + esc(d[5]) +
        '">Full sources in the panel ›</button>';
    }
    return html + "</div>";
  }
  function openInPanel(id) {  /* streamlit-folium sends last_object_clicked_popup on moveend */
    var g = window.__GLOBAL_DATA__;
    if (!g) { return; }
    g.last_object_clicked_popup = {{ this.open_prefix_json }} + id;
    g.last_object_clicked_count += 1;
    map.fire("moveend");
  }
  function loaded(done, total) {  /* every marker is in: the map says so, for tests */
    if (done === total) { map.getContainer().setAttribute("data-cm-loaded", "1"); }
  }
  /* Many areas are drawn on one canvas: software-rastered SVG of a thousand large dashed
     outlines takes seconds per zoom; a few stay SVG paths (with their data-event-id). */
  var areaRenderer = t.areas.length > {{ this.svg_areas_up_to }} ? L.canvas({padding: 0.2}) :
    undefined;
  var drawn = [];  /* every event id on the map, clustered or not: data-cm-events, for tests */
  function build(rows, group) {
    var layers = [];
    rows.forEach(function(d) { drawn.push(d[5]); });
    map.getContainer().setAttribute("data-cm-events", drawn.join(" "));
    rows.forEach(function(d) {
      var st = styles[d[2]], layer, shape = d[8] && base && base.shapes[d[8]];
      if (d[6] === 3) {
        var opts = {color: st.colour, weight: 2.5, dashArray: "8 6", fillColor: st.colour,
          fillOpacity: shape && shape.layer === "oblast" ? 0.04 : 0.14, className: "cm-area",
          renderer: areaRenderer};
        layer = shape ? L.polygon(shape.latlngs, opts) : L.circle([d[0], d[1]],
          L.extend({radius: d[7]}, opts));
        if (d[10]) { layers.push(L.marker([d[0], d[1]], {interactive: false, icon: L.divIcon({
          className: "cm-area-label", html: "<span>" + esc(d[10]) + "</span>",
          iconSize: null})})); }
        layer.on("add", function() { var el = layer.getElement();
          if (el) { el.setAttribute("data-event-id", d[5]); } });
      } else {
        var cls = "cm-marker cm-st-" + status[d[4]] + (d[6] === 2 ? " cm-near" : "");
        layer = L.marker([d[0], d[1]], {riseOnHover: true, icon: L.divIcon({
          className: "cm-icon", iconSize: [d[3], d[3]],
          html: '<div class="' + cls + '" data-event-id="' + esc(d[5]) + '" style="background:' +
            st.colour + '"><i class="fa-solid fa-' + st.icon + '"></i></div>'})});
      }
      layer.bindTooltip(function() { return tooltip(d); }, {direction: "auto"});
      if (d[9][8]) { layer.bindPopup(function() { return popup(d); },
        {maxWidth: 340, minWidth: 240, autoPanPadding: [16, 16]}); }
      layers.push(layer);
    });
    if (group.addLayers) { group.addLayers(layers); if (!layers.length) { loaded(0, 0); } }
    else { layers.forEach(function(layer) { group.addLayer(layer); }); }
    group.on("popupopen", function(e) {
      var button = e.popup.getElement().querySelector(".cm-open");
      if (button) { L.DomEvent.on(button, "click", function(ev) {
        L.DomEvent.stop(ev); openInPanel(button.getAttribute("data-event-id")); }); }
    });
    return group;
  }
  return {areas: build(t.areas, L.featureGroup()).addTo(map),
          points: build(t.points, {{ this.group_js }}).addTo(map)};
})({{ this._parent.get_name() }}, {{ this.base_name }});
{% endmacro %}
"""

FRAME_JS = """
{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
{% macro script(this, kwargs) %}
(function(map) {
  var legend = L.control({position: "bottomright"}), view = {{ this.view_json }};
  var all = {{ this.all_json }}, overlays = {};
  legend.onAdd = function() { var div = L.DomUtil.create("div", "cm-legend");
    div.innerHTML = {{ this.html_json }}; L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    var fit = div.querySelector(".cm-fit-all");
    if (fit && all) { L.DomEvent.on(fit, "click", function(ev) { L.DomEvent.stop(ev);
      map.fitBounds(all); }); }
    var home = div.querySelector(".cm-home");
    if (home && view) { L.DomEvent.on(home, "click", function(ev) { L.DomEvent.stop(ev);
      map.fitBounds(view); }); }
    return div; };
  legend.addTo(map);
  var details = legend.getContainer().querySelector("details");
  if (details && map.getContainer().clientWidth < 720) { details.open = false; }  /* small map */
  {% for label, expr in this.overlays %}overlays[{{ label }}] = {{ expr }};
  {% endfor %}
  L.control.layers(null, overlays, {collapsed: true, position: "topright"}).addTo(map);
  map.options.zoomSnap = 0.25;  /* fit the oblast snugly, not to the next whole zoom */
  var box = map.getContainer(), hidden = box.clientWidth === 0;
  if (view) { map.fitBounds(view); }
  if (window.ResizeObserver) {
    new ResizeObserver(function() {
      if (box.clientWidth === 0) { hidden = true; return; }
      map.invalidateSize();
      if (hidden && view) { map.fitBounds(view); }
      hidden = false;
    }).observe(box);
  }
})({{ this._parent.get_name() }});
{% endmacro %}
"""
