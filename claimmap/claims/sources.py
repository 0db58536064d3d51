"""Who says it: a table of sources with their side and kind, extendable by the user.

    >>> from claimmap.claims.sources import default_sources
    >>> table = default_sources()
    >>> [(s.name, s.side, s.kind) for s in table.find("за даними Генштабу ЗСУ")]
    [('General Staff of Ukraine', 'UA', 'official')]
    >>> table.find("the Russian Ministry of Defence claimed")[0].side
    'RU'

A source's ``side`` is ``RU`` or ``UA`` (a side's own channels: the acting side when it reports
its own gain, the other side when it admits one) or ``monitor`` (DeepState, ISW, geolocated
footage: independent assessors). ``kind`` says what it is: official, military, authority, media,
blogger, monitor or generic ("Russian sources"). The claim rules read sides from here and nowhere
else. A user adds or overrides rows with a TSV or JSON file named by ``CLAIMMAP_SOURCES`` (or
passed to ``load_sources``): columns ``name``, ``side``, ``kind``, ``patterns`` (regexes over
lower-cased text, separated by ``|``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from claimmap.errors import SourceTableError

SIDES = ("RU", "UA", "monitor")
KINDS = ("official", "military", "authority", "media", "blogger", "monitor", "generic")
#: Source side -> the actor that side's forces are.
SIDE_ACTOR = {"RU": "Russian forces", "UA": "Ukrainian forces"}


@dataclass(frozen=True, slots=True)
class Source:
    """One row: a source's canonical name, side, kind and the phrases that name it."""

    name: str
    side: str  #: one of SIDES
    kind: str  #: one of KINDS
    patterns: tuple[str, ...]


_DEFAULT: tuple[tuple[str, str, str, str], ...] = (
    # --- Russian side -------------------------------------------------------------------
    ("Russian Ministry of Defence", "RU", "official",
     r"russian (?:ministry of defen[cs]e|defen[cs]e ministry|mod)|russia'?s? (?:ministry of "
     r"defen[cs]e|defen[cs]e ministry|mod|military|army)|(?:the )?kremlin|"
     r"(?:заяв\w*|заявлени\w*|твердженн\w*|утверждени\w*) москв\w*|moscow(?='s|\s+(?:has |"
     r"have |did not |didn't )?(?:said|says|say|claim|claimed|claims|"
     r"denied|stated|reported|announced|confirmed|rejected))|"
     r"russia(?=\s+(?:has |have )?(?:said|says|claimed|claims|stated|announced|reported))|"
     r"москв\w*(?=\s+(?:заяв|повідом|сообщ|утвержд|стверджу))|минобороны(?: россии| рф)?|"
     r"министерств\w* обороны (?:россии|рф)|міноборони (?:росії|рф)|мо рф|russian general staff|"
     r"генштаб\w* (?:вс )?рф|gerasimov|герасимов\w*|peskov|песков\w*|konashenkov|конашенков\w*"),
    ("Russian Sever group of forces", "RU", "military",
     r"[\"'‘“«]?(?:sever|north)[\"'’”»]? group of forces|группировк\w* (?:войск )?[\"«]?север\w*"),
    ("TASS", "RU", "media", r"tass|тасс"),
    ("RIA Novosti", "RU", "media", r"ria(?: novosti)?|риа(?: новости)?"),
    ("Russian state media", "RU", "media",
     r"russian state (?:media|tv|television)|interfax|интерфакс|izvestia|известия|zvezda|"
     r"звезда|rt\b|sputnik|спутник|life\.ru|shot\b|mash\b"),
    ("Russian war bloggers", "RU", "blogger",
     r"rybar|рыбар\w*|two majors|два майора|военкор\w*|воєнкор\w*|war ?bloggers?|milbloggers?|"
     r"(?:russian |pro-russian |kremlin-affiliated )(?:mil|war )?bloggers?|z-?channels?|"
     r"romanov light|alexander kots|александр коц|kots|коц\b|poddubny|поддубн\w*|"
     r"sladkov|сладков\w*|colonelcassad|полковник кассад|dva majors|военная хроника|"
     r"military chronicle|mikhail zvinchuk|звинчук\w*|wargonzo|воргонзо|сводки ополчения"),
    ("Kursk governor", "RU", "authority",
     r"kursk (?:oblast |region(?:al)? )?governor|governor of kursk|курск\w* губернатор\w*|"
     r"губернатор\w* курск\w*|khinshtein|хинштейн\w*|smirnov|смирнов\w*"),
    ("Belgorod governor", "RU", "authority",
     r"belgorod (?:oblast |region(?:al)? )?governor|governor of belgorod|белгородск\w* "
     r"губернатор\w*|губернатор\w* белгородск\w*|gladkov|гладков\w*"),
    ("Russian sources", "RU", "generic",
     r"russian (?:sources|officials?|media|authorities|military sources|commanders?|claims?|"
     r"channels|telegram channels)|российск\w* (?:источник\w*|СМИ|сми|ведомств\w*)|"
     r"російськ\w* (?:джерел\w*|сми|пропаганд\w*|пабл\w*|канал\w*)"),
    # --- Ukrainian side -----------------------------------------------------------------
    ("General Staff of Ukraine", "UA", "official",
     r"(?:ukrainian |ukraine'?s |the )?general staff(?! of (?:the )?russia)(?: of (?:the )?(?:afu|"
     r"armed forces of ukraine|ukraine))?|(?:генштаб\w*|генеральн\w* штаб\w*)(?! (?:вс )?рф)"
     r"(?: (?:зсу|всу|україни|украины|вс украины|зс україни))?"),
    ("Ukrainian government and command", "UA", "official",
     r"ukrain(?:e'?s|ian) (?:ministry of defen[cs]e|defen[cs]e ministry|mod)|"
     r"міноборони(?! (?:росії|рф))(?: україни)?|минобороны украины|"
     r"kyiv(?='s|\s+(?:has |have |did not )?(?:said|says|called|rejected|denied|stated|"
     r"confirmed|admitted|dismissed|claimed|rejected))|ukraine(?:'s)? (?:military|army)|"
     r"ukraine(?=\s+(?:has |have )?(?:said|says|claimed|stated|denied))|"
     r"(?:в |у )?(?:києв\w*|київ|киев\w*)(?=,?\s+(?:заяв|повідом|сообщ|назва|спростува|опроверг|"
     r"признал|визнал|відки|отверг))|"
     r"zelensk\w*|зеленськ\w*|зеленск\w*|syrskyi|сирськ\w*|сырск\w*|office of the president|"
     r"офіс\w* президента|офис\w* президента|центр протидії дезінформації|центр противодействия "
     r"дезинформации|center for countering disinformation|ccd\b|цпд\b"),
    ("Ukrainian brigade", "UA", "military",
     r"\d+(?:st|nd|rd|th)? (?:separate )?(?:\w+ )?brigade|"
     r"\d+[- ]?(?:а|ї|й|ої|я)? (?:окрем\w* |отдельн\w* )?(?:\w+ )?бригад\w*|"
     r"(?:ukrainian |the )?siversk\w* (?:direction )?(?:group|command)|"
     r"operational[- ]tactical group|отуг|ouv|оув|угруповання військ|"
     r"Трегубов\w*|trehubov|voloshyn|волошин\w*|sarantsev|саранцев\w*"),
    ("Sumy oblast administration", "UA", "authority",
     r"sumy (?:oblast |regional )?(?:military |state )?administration|sumy (?:regional )?"
     r"(?:governor|administration head)|(?:сумськ\w* )?(?:ова|ода)\b|сумск\w* (?:ова|ода|"
     r"областн\w* (?:военн\w* )?администраци\w*)|обласн\w* (?:військов\w* )?адміністраці\w*|"
     r"regional military administration|oblast (?:military )?administration|"
     r"hryhorov|григоров\w*|artiukh|артюх\w*|"
     r"(?:начальник|голова) \w+ (?:громади|мва|ова)|(?:селищн\w* |сільськ\w* |міськ\w* )?"
     r"військов\w* адміністраці\w*"),
    ("State Border Guard Service", "UA", "official",
     r"(?:state )?border guard(?:s| service)?|дпсу|гпсу|прикордонн\w* служб\w*|пограничн\w* "
     r"служб\w* украины|прикордонник\w*|demchenko|демченк\w*"),
    ("Ukrainian sources", "UA", "generic",
     r"ukrainian (?:sources|officials?|media|authorities|military sources|commanders?|"
     r"forces said|telegram channels)|українськ\w* (?:джерел\w*|сми|військов\w* (?:джерел\w*)?)|"
     r"украинск\w* (?:источник\w*|сми|ведомств\w*)|suspilne|суспільне|ukrinform|укрінформ|"
     r"укринформ|"
     r"ukrainska pravda|українська правда|rbc-ukraine|рбк-україна|"
     r"(?:в |у )?(?:всу|зсу)(?=\s+(?:признал|визнал|заяв|сообщ|повідом))"),
    # --- independent monitors -------------------------------------------------------------
    ("DeepState", "monitor", "monitor", r"deep ?state|діпстейт\w*|дипстейт\w*|deepstatemap"),
    ("ISW", "monitor", "monitor",
     r"isw|institute for the study of war|інститут\w* вивчення війни|институт\w* (?:по )?"
     r"изучени\w* войны"),
    ("Geolocated footage", "monitor", "monitor",
     r"geolocated (?:footage|video|imagery|images|photos?)|geolocation|геолокован\w* "
     r"(?:відео|кадр\w*|фото)|геолокаці\w*|геолокированн\w* (?:видео|кадр\w*)|"
     r"satellite (?:imagery|images)|супутников\w* знімк\w*|спутников\w* снимк\w*"),
    ("Independent monitors", "monitor", "monitor",
     r"black bird group|blackbirdgroup|oryx|acled|critical threats|open-source (?:analysts|"
     r"researchers|intelligence)|osint\w*|осінт\w*|осинт\w*|independent (?:analysts|monitors|"
     r"observers)|незалежн\w* (?:аналітик\w*|спостерігач\w*)|независим\w* (?:аналитик\w*|"
     r"наблюдател\w*)|militaryland|frontelligence"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SourceTable:
    """The sources, searchable in text. Later rows win over earlier ones with the same name."""

    sources: tuple[Source, ...]

    def __post_init__(self) -> None:
        for s in self.sources:
            if s.side not in SIDES:
                raise SourceTableError(f"source {s.name!r}: side {s.side!r} is not one of {SIDES}")
            if s.kind not in KINDS:
                raise SourceTableError(f"source {s.name!r}: kind {s.kind!r} is not one of {KINDS}")

    def spans(self, low: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, Source]]:
        """Every source named in ``low[lo:hi]`` (lower-cased text), longest first at a start."""
        hi = len(low) if hi is None else hi
        found: list[tuple[int, int, Source]] = []
        rows, anything = _compiled(self)
        if anything.search(low, lo, hi) is None:
            return found  # most sentences name no source: one pass says so
        for source, regex in rows:
            found.extend((m.start(), m.end(), source) for m in regex.finditer(low, lo, hi))
        found.sort(key=lambda f: (f[0], -f[1]))
        kept: list[tuple[int, int, Source]] = []
        for f in found:
            if not kept or f[0] >= kept[-1][1]:
                kept.append(f)
        return kept

    def find(self, text: str) -> list[Source]:
        """The sources named in ``text``, in text order."""
        return [s for _, _, s in self.spans(text.lower().replace("’", "'"))]

    def named(self, name: str) -> Source | None:
        """The row called ``name`` (case-insensitive), else the first row named in ``name``."""
        for s in reversed(self.sources):
            if s.name.lower() == name.lower():
                return s
        found = self.find(name)
        return found[0] if found else None


@cache
def _compiled(
    table: SourceTable,
) -> tuple[tuple[tuple[Source, re.Pattern[str]], ...], re.Pattern[str]]:
    """Each row's regex, and one regex that finds whether any row matches at all."""
    out = []
    for s in table.sources:
        try:
            out.append((s, re.compile(rf"(?<!\w)(?:{'|'.join(s.patterns)})(?!\w)")))
        except re.error as err:
            raise SourceTableError(f"source {s.name!r}: bad pattern: {err}") from err
    anything = "|".join(f"(?:{'|'.join(s.patterns)})" for s in table.sources) or "(?!x)x"
    return tuple(out), re.compile(anything)  # no word bounds: a cheap superset of the rows


def _rows(rows: Iterable[tuple[str, str, str, str]]) -> tuple[Source, ...]:
    return tuple(Source(n, side, kind, tuple(p.split("|"))) for n, side, kind, p in rows)


@cache
def default_sources() -> SourceTable:
    """The built-in table, plus the rows of the file named by ``CLAIMMAP_SOURCES`` if set."""
    extra = os.environ.get("CLAIMMAP_SOURCES", "")
    return load_sources(extra) if extra else SourceTable(_rows(_DEFAULT))


def load_sources(path: str | Path, *, base: bool = True) -> SourceTable:
    """The built-in rows (unless ``base=False``) followed by the rows of a TSV or JSON file.

    A user row replaces the built-in row of the same name; user rows are searched first.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SourceTableError(f"{path}: cannot read the sources table: {err}") from err
    rows: list[tuple[str, str, str, str]] = []
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(raw)
            rows = [(r["name"], r["side"], r["kind"], r["patterns"]) for r in data]
        except (ValueError, KeyError, TypeError) as err:
            raise SourceTableError(f"{path}: not a list of sources: {err}") from err
    else:
        for number, line in enumerate(raw.splitlines(), 1):
            if not line.strip() or line.startswith("#") or line.lower().startswith("name\t"):
                continue
            cells = line.split("\t")
            if len(cells) != 4 or not all(c.strip() for c in cells):
                raise SourceTableError(
                    f"{path}:{number}: expected 4 tab-separated cells (name, side, kind, "
                    f"patterns), got {len(cells)}"
                )
            rows.append(tuple(c.strip() for c in cells))  # type: ignore[arg-type]
    user = _rows((n, s, k, p.lower()) for n, s, k, p in rows)
    names = {s.name for s in user}
    builtin = tuple(s for s in _rows(_DEFAULT) if s.name not in names) if base else ()
    return SourceTable(user + builtin)
