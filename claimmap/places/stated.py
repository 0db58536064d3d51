"""What the sentence says about where a name is: the area stated beside it, and whether a
candidate place lies in that area.

    >>> from claimmap.records import Mention
    >>> text = "Новеньке, Басівка Юнаківської громади та Веселівка, Журавка Хотінської громади"
    >>> ms = [Mention("a", text.find(w), text.find(w) + len(w), w, k, w.lower())
    ...       for w, k in (("Новеньке", "settlement"), ("Басівка", "settlement"),
    ...                    ("Юнаківської громади", "hromada"), ("Веселівка", "settlement"),
    ...                    ("Журавка", "settlement"), ("Хотінської громади", "hromada"))]
    >>> {m.surface: [a.surface for a, _ in areas] for m, areas in stated_areas(text, ms).items()}
    ... # doctest: +NORMALIZE_WHITESPACE
    {'Новеньке': ['Юнаківської громади'], 'Басівка': ['Юнаківської громади'],
     'Веселівка': ['Хотінської громади'], 'Журавка': ['Хотінської громади']}

Patterns, in all three languages (the words are few and structural, so they live here):

* after the name or a list of names: "X Юнаківської громади", "X, Sumy region", "X (Sumy
  Oblast)", "X in the Khotin community", "X у Сумській області", "X, Y and Z in Sumy region";
* a genitive chain: "Костянтинівка Краматорського району Донецької області" (both areas);
* before a list: "В Харьковской области: Графское, Нескучное", "in the Sumy region - Vodolaga
  and Alekseyevka", "villages of the Khotin community: X, Y".

:func:`inside` answers whether a place lies in an area: by the gazetteer's admin columns where
both have them (a Sumy-oblast village and its hromada, raion and oblast), else by the area's
OpenStreetMap polygon where the boundaries have one (the Sumy units and the six neighbouring
oblasts, Kursk, Belgorod and Bryansk among them: ``places.boundaries``), else by the admin1
column (a Ukrainian place and its oblast), else by distance to the area's centre.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace

from claimmap.places.boundaries import haversine_km
from claimmap.records import Mention, Place

__all__ = ["AREA_MENTIONS", "inside", "shared_area_words", "stated_areas"]

AREA_MENTIONS = ("hromada", "raion", "oblast")
#: What may stand between list items, or between a list and the area that follows it.
_LIST_GAP = re.compile(
    r"^(?:\s*[,;]\s*|\s+(?:and|or|та|і|й|и|або|или|ta)\s+|\s*,\s*(?:and|та|і|и|а також)\s+|\s+)$",
    re.IGNORECASE,
)
#: Between a name and the area that places it.
_AREA_GAP = re.compile(
    r"^(?:\s+|\s*,\s*|\s*\(\s*|\s+(?:in|of|near|within|у|в|на|біля|поблизу|под|возле)\s+"
    r"(?:the\s+)?|\s*,?\s*(?:in|of|у|в|на)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
#: Words that introduce a list of settlements.
_LIST_WORDS = (
    r"(?:(?:the\s+)?(?:villages?|settlements?|towns?)\s+(?:of\s+)?|(?:села|селища|сёла|"
    r"поселки|посёлки|населені\s+пункти|населених\s+пунктів|насел[её]нные\s+пункты|"
    r"насел[её]нных\s+пунктов)\s*:?\s*)"
)
#: Between an area and the list it introduces: a colon or dash, the list words ("villages
#: of"), or a short clause ending in a colon or in the list words ("В Харьковской области
#: наши штурмовики зашли в населённые пункты Графское, Нескучное").
_LEAD_GAP = re.compile(
    rf"^(?:\s*[:—–-]\s*|\s*[,:]?\s*{_LIST_WORDS}|\s*[,:]?\s+[^.;\n]{{0,60}}?:\s*|"
    rf"\s*,?\s+[^.;:\n]{{0,60}}?\s{_LIST_WORDS})$",
    re.IGNORECASE,
)
#: An area word in the plural after a list of names: "Bryansk and Belgorod regions" (each
#: name is an area of that kind).
_PLURAL_AREA = re.compile(
    r"\s(?:regions|oblasts|districts|raions|rayons|hromadas|communities)$", re.IGNORECASE
)
#: Distance (km) from an area's centre within which a place counts as inside it, when the
#: gazetteer has no admin column to decide (areas outside Sumy oblast, Russian districts).
RADIUS_KM = {"hromada": 25.0, "raion": 60.0, "oblast": 220.0}


def stated_areas(
    text: str, mentions: Sequence[Mention]
) -> dict[Mention, list[tuple[Mention, str]]]:
    """For each settlement mention, the area mentions the text places it in, with the words
    that say so (``text`` from the name to the area)."""
    ordered = sorted(mentions, key=lambda m: m.start)
    out: dict[Mention, list[tuple[Mention, str]]] = {}
    for i, area in enumerate(ordered):
        if area.kind not in AREA_MENTIONS:
            continue
        # the names before it: a list ending right before the area ("X, Y Юнаківської громади")
        j = i - 1
        chain_end = area.start
        while j >= 0 and ordered[j].kind in AREA_MENTIONS:  # a genitive chain: skip the areas
            if not _AREA_GAP.match(text[ordered[j].end : chain_end]):
                break
            chain_end = ordered[j].start
            j -= 1
        if (
            j >= 0
            and ordered[j].kind in ("settlement", "unknown")
            and _AREA_GAP.match(text[ordered[j].end : chain_end])
        ):
            k = j
            while k >= 0 and ordered[k].kind in ("settlement", "unknown"):
                _add(out, ordered[k], area, text)
                if k == 0 or not _LIST_GAP.match(text[ordered[k - 1].end : ordered[k].start]):
                    break
                k -= 1
        # the names after it: "В Харьковской области: Графское, Нескучное"
        if (
            i + 1 < len(ordered)
            and ordered[i + 1].kind in ("settlement", "unknown")
            and _LEAD_GAP.match(text[area.end : ordered[i + 1].start])
        ):
            k = i + 1
            while k < len(ordered) and ordered[k].kind in ("settlement", "unknown"):
                _add(out, ordered[k], area, text)
                if k + 1 >= len(ordered) or not _LIST_GAP.match(
                    text[ordered[k].end : ordered[k + 1].start]
                ):
                    break
                k += 1
    return out


def shared_area_words(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` with the names listed before a plural area word made areas of its kind:
    in "Russia's Bryansk and Belgorod regions", Bryansk is the oblast, not the city."""
    out = list(mentions)
    for i, area in enumerate(out):
        if area.kind not in AREA_MENTIONS or not _PLURAL_AREA.search(area.surface):
            continue
        k = i
        while k > 0 and out[k - 1].kind in ("settlement", "unknown"):
            if not _LIST_GAP.match(text[out[k - 1].end : out[k].start]):
                break
            k -= 1
            out[k] = replace(out[k], kind=area.kind)
    return out


def _add(out: dict, mention: Mention, area: Mention, text: str) -> None:
    lo, hi = min(mention.start, area.start), max(mention.end, area.end)
    words = text[lo:hi] if hi - lo <= 160 else f"{mention.surface} … {area.surface}"
    found = out.setdefault(mention, [])
    if all(a is not area for a, _ in found):
        found.append((area, " ".join(words.split())))


def inside(
    place: Place, area: Place, *, polygon: str | None = None, within: Collection[str] = ()
) -> bool:
    """Whether ``place`` lies in ``area`` (an oblast, raion or hromada). ``polygon`` is the id
    of the area's boundary polygon when there is one, ``within`` the ids of the polygons that
    hold the place's point (both from the gazetteer, computed once per place)."""
    if place.place_id == area.place_id:
        return False
    if area.country_code and place.country_code and area.country_code != place.country_code:
        return False
    if area.tier == "sumy" and place.tier == "sumy":
        column = {"oblast": place.admin1, "raion": place.admin2, "hromada": place.admin3}
        return column.get(area.kind, "") == (area.admin1 if area.kind == "oblast" else area.name)
    if polygon is not None and place.lat is not None and place.lon is not None:
        return polygon in within
    if area.kind == "oblast" and area.admin1 and place.admin1:
        return place.admin1 == area.admin1
    if area.admin1 and place.admin1 and area.admin1 != place.admin1:
        return False
    if area.lat is None or area.lon is None or place.lat is None or place.lon is None:
        return False
    distance = haversine_km((place.lat, place.lon), (area.lat, area.lon))
    return distance <= RADIUS_KM.get(area.kind, 25.0)
