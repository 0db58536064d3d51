"""When a sentence says its event happened, anchored to the article's publication date or time.

    >>> from claimmap.claims.dates import date_sentence
    >>> date_sentence("У ніч на 5 червня ворог атакував Суми.", language="uk",
    ...               published="2025-06-05T08:10:00+03:00")
    SentenceDate(date='2025-06-04', date_end='2025-06-05', precision=1, text='У ніч на 5 червня')
    >>> date_sentence("Russian forces attacked near Yunakivka.", language="en",
    ...               published="2025-07-03")
    SentenceDate(date='2025-07-03', date_end='', precision=2, text='')
    >>> date_sentence("Ворог атакував вчора.", language="uk", published="")
    SentenceDate(date='', date_end='', precision=0, text='')

Precision is ACLED's ``time_precision``: 1 the day (or one night, ``date``..``date_end``), 2 a
range of up to a week, 3 a month or vaguer; 0 no date at all. A sentence without date words gets
the publication date at precision 2 (it happened on or shortly before the report: a daily
summary's events, an ongoing fight). An article without a publication date gives no date, except
where the sentence names a full date with its year: never the file's mtime.

dateparser (``dateparser.parse`` with ``RELATIVE_BASE`` and ``PREFER_DATES_FROM="past"``) reads
the single-day phrases ("27 липня", "July 27", "два дні тому", "yesterday") in all three
languages. What it lacks is written here as one table per language: nights ("overnight", "у ніч
на 5 червня" = the night ending on the 5th, "on the night of June 5" = the night starting on it),
"накануне", weeks ("last week" = the previous Monday–Sunday), ranges ("between July 25 and 27"),
parts of months ("end of May" = 21–31, "mid-July" = 11–20, "since early June" = the 1st to
publication), weekdays (the latest such day on or before publication) and the daily-summary
periods ("за минувшие сутки", "протягом доби" = the publication day). A date that only says when
somebody spoke ("said on Monday", "повідомив 14 липня") yields to any other date in the sentence.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache

import dateparser
import regex as re

from claimmap.records import Article, Claim

__all__ = ["SentenceDate", "date_claims", "date_sentence", "parse_published"]


@dataclass(frozen=True, slots=True)
class SentenceDate:
    """A sentence's date: ISO ``date`` (and ``date_end`` for a span), precision, the words."""

    date: str = ""
    date_end: str = ""
    precision: int = 0  #: 1 day/night, 2 up to a week, 3 month or vaguer, 0 undated
    text: str = ""  #: the words that gave the date, "" when it is the publication date


UNDATED = SentenceDate()

# -- the language tables --------------------------------------------------------------------

_MONTHS = {
    "en": [
        "january|jan",
        "february|feb",
        "march|mar",
        "april|apr",
        "may",
        "june|jun",
        "july|jul",
        "august|aug",
        "september|sept|sep",
        "october|oct",
        "november|nov",
        "december|dec",
    ],
    "uk": [
        "січня|січні|січень",
        "лютого|лютому|лютий",
        "березня|березні|березень",
        "квітня|квітні|квітень",
        "травня|травні|травень",
        "червня|червні|червень",
        "липня|липні|липень",
        "серпня|серпні|серпень",
        "вересня|вересні|вересень",
        "жовтня|жовтні|жовтень",
        "листопада|листопаді|листопад",
        "грудня|грудні|грудень",
    ],
    "ru": [
        "января|январе|январь",
        "февраля|феврале|февраль",
        "марта|марте|март",
        "апреля|апреле|апрель",
        "мая|мае|май",
        "июня|июне|июнь",
        "июля|июле|июль",
        "августа|августе|август",
        "сентября|сентябре|сентябрь",
        "октября|октябре|октябрь",
        "ноября|ноябре|ноябрь",
        "декабря|декабре|декабрь",
    ],
}
_WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "uk": ["понеділок", "вівторок", "середу", "четвер", "п['’ʼ]ятницю", "суботу", "неділю"],
    "ru": ["понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье"],
}
#: Words before a date that make it the date somebody spoke or published, not the event's.
_SPOKE = {
    "en": r"(?:said|says|reported|announced|published|posted|stated|told\s+\w+)\s+$",
    "uk": r"(?:заявив|заявила|заявили|повідомив|повідомила|повідомили|повідомляє|сказав)\s+$",
    "ru": r"(?:заявил|заявила|заявили|сообщил|сообщила|сообщили|сообщает|сказал)\s+$",
}

_D = r"(?P<d>\d{1,2})"
_D2 = r"(?P<d2>\d{1,2})"
_Y = r"(?:,?\s+(?P<y>20\d\d))?"


_M = "(?P<m>{M})"  #: the month group; the regex module allows a name twice in one pattern


#: (pattern, kind) per language; ``{M}`` is the month alternation, ``{W}`` the weekdays'.
#: Kinds: night_of (d, d+1) · night_to (d-1, d) · overnight (pub-1, pub) · day (d) · range ·
#: rel-N (pub-N) · today · week_last · week_this · week_past · since (1st..pub) · end · mid ·
#: early · month · weekday · parse (dateparser reads the match).
_RULES: dict[str, list[tuple[str, str]]] = {
    "en": [
        (rf"(?:on\s+)?the\s+night\s+of\s+(?:{_M}\s+{_D}|{_D}\s+{_M}){_Y}", "night_of"),
        (rf"(?:on\s+)?the\s+night\s+(?:to|into)\s+(?:{_M}\s+{_D}|{_D}\s+{_M}){_Y}", "night_to"),
        (r"overnight|last\s+night|during\s+the\s+night|tonight", "overnight"),
        (rf"between\s+{_D}\s+and\s+{_D2}\s+{_M}{_Y}", "range"),
        (rf"(?:between|on|from)\s+{_M}\s+{_D}\s*(?:and|to|-|–)\s*{_D2}{_Y}", "range"),
        (rf"(?:from|on)\s+{_D}\s*(?:to|and|-|–)\s*{_D2}\s+{_M}{_Y}", "range"),
        (
            r"since\s+the\s+(?:start|beginning)\s+of\s+the\s+day|over\s+the\s+(?:past|last)\s+"
            r"(?:day|24\s+hours)|in\s+the\s+(?:past|last)\s+24\s+hours",
            "today",
        ),
        (r"last\s+week", "week_last"),
        (r"this\s+week|earlier\s+this\s+week", "week_this"),
        (r"(?:over|in|during)\s+the\s+(?:past|last)\s+(?:week|seven\s+days)", "week_past"),
        (
            rf"since\s+(?:early\s+|the\s+(?:start|beginning)\s+of\s+){_M}|since\s+{_M}|"
            r"earlier\s+this\s+month|since\s+the\s+(?:start|beginning)\s+of\s+the\s+month",
            "since",
        ),
        (rf"(?:at\s+the\s+)?end\s+of\s+{_M}|(?:in\s+)?late\s+{_M}", "end"),
        (rf"(?:in\s+)?mid-?\s?{_M}|(?:in\s+)?the\s+middle\s+of\s+{_M}", "mid"),
        (rf"(?:in\s+)?early\s+{_M}|(?:at\s+)?the\s+(?:start|beginning)\s+of\s+{_M}", "early"),
        (rf"in\s+{_M}{_Y}(?!\s+\d)", "month"),
        (r"(?:on\s+|last\s+)?(?P<w>{W})", "weekday"),
        (r"the\s+day\s+before|(?:the\s+)?previous\s+day", "rel-1"),
        (r"the\s+day\s+before\s+yesterday", "rel-2"),
        (r"yesterday(?:\s+(?:morning|afternoon|evening))?", "rel-1"),
        (r"today|this\s+(?:morning|afternoon|evening)|by\s+morning", "today"),
        (r"(?:\w+|\d+)\s+days?\s+ago", "parse"),
        (rf"(?:on\s+)?(?:{_M}\s+{_D}|{_D}\s+{_M}){_Y}", "day"),
    ],
    "uk": [
        (rf"[уув]\s+ніч\s+з\s+\d{{1,2}}\s+на\s+{_D}\s+{_M}{_Y}", "night_to"),
        (rf"[уув]\s+ніч\s+на\s+{_D}\s+{_M}{_Y}", "night_to"),
        (
            r"(?:сьогодні\s+)?[ву]ночі|минулої\s+ночі|цієї\s+ночі|цією\s+ніччю|протягом\s+ночі",
            "overnight",
        ),
        (rf"(?:з|із|від)\s+{_D}\s+(?:по|до)\s+{_D2}\s+{_M}{_Y}", "range"),
        (rf"{_D}\s*[-–]\s*{_D2}\s+{_M}{_Y}", "range"),
        (
            r"(?:з|від)\s+початку\s+доби|протягом\s+(?:минулої\s+)?доби|за\s+(?:минулу\s+)?добу|"
            r"минулої\s+доби",
            "today",
        ),
        (r"минулого\s+тижня|на\s+минулому\s+тижні", "week_last"),
        (r"цього\s+тижня|на\s+цьому\s+тижні", "week_this"),
        (r"протягом\s+(?:минулого\s+)?тижня|за\s+(?:минулий\s+)?тиждень", "week_past"),
        (
            rf"(?:з|від)\s+початку\s+{_M}|(?:з|від)\s+початку\s+(?:цього\s+)?місяця|"
            r"на\s+початку\s+цього\s+місяця",
            "since",
        ),
        (rf"наприкінці\s+{_M}|[ву]\s+кінці\s+{_M}", "end"),
        (rf"[ув]\s+середині\s+{_M}", "mid"),
        (rf"на\s+початку\s+{_M}", "early"),
        (rf"[ув]\s+{_M}{_Y}(?!\s+\d)", "month"),
        (r"(?:[ув]\s+|минулої\s+|минулого\s+)?(?P<w>{W})", "weekday"),
        (r"напередодні", "rel-1"),
        (r"позавчора", "rel-2"),
        (r"[ву]чора(?:\s+(?:вранці|ввечері|увечері|вдень|зранку))?", "rel-1"),
        (r"сьогодні(?:\s+(?:вранці|зранку|ввечері|вдень))?|до\s+ранку|зранку|вранці", "today"),
        (r"(?:\w+|\d+)\s+(?:день|дні|днів)\s+тому", "parse"),
        (rf"{_D}\s+{_M}{_Y}", "day"),
    ],
    "ru": [
        (rf"в\s+ночь\s+с\s+\d{{1,2}}\s+на\s+{_D}\s+{_M}{_Y}", "night_to"),
        (rf"в\s+ночь\s+на\s+{_D}\s+{_M}{_Y}", "night_to"),
        (r"(?:сегодня\s+|этой\s+|минувшей\s+|прошлой\s+|прошедшей\s+)?ночью", "overnight"),
        (rf"с\s+{_D}\s+(?:по|до)\s+{_D2}\s+{_M}{_Y}", "range"),
        (rf"{_D}\s*[-–]\s*{_D2}\s+{_M}{_Y}", "range"),
        (
            r"с\s+начала\s+суток|за\s+(?:минувшие\s+|прошедшие\s+|последние\s+)?сутки|"
            r"в\s+течение\s+(?:минувших\s+|прошедших\s+)?суток",
            "today",
        ),
        (r"на\s+прошлой\s+неделе", "week_last"),
        (r"на\s+этой\s+неделе", "week_this"),
        (
            r"за\s+(?:прошедшую\s+|минувшую\s+|последнюю\s+)?неделю|в\s+течение\s+недели",
            "week_past",
        ),
        (rf"с\s+начала\s+{_M}|с\s+начала\s+(?:этого\s+)?месяца", "since"),
        (rf"в\s+конце\s+{_M}", "end"),
        (rf"в\s+середине\s+{_M}", "mid"),
        (rf"в\s+начале\s+{_M}", "early"),
        (rf"в\s+{_M}{_Y}(?!\s+\d)", "month"),
        (r"(?:в\s+|во\s+|в\s+прошлую\s+|в\s+прошлый\s+|в\s+прошлое\s+)?(?P<w>{W})", "weekday"),
        (r"накануне", "rel-1"),
        (r"позавчера", "rel-2"),
        (r"вчера(?:\s+(?:утром|вечером|днём|днем))?", "rel-1"),
        (r"сегодня(?:\s+(?:утром|вечером|днём|днем))?|к\s+утру|утром", "today"),
        (r"(?:\w+|\d+)\s+(?:день|дня|дней)\s+назад", "parse"),
        (rf"{_D}\s+{_M}{_Y}", "day"),
    ],
}


@cache
def _compiled(language: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    lang = language if language in _RULES else "en"
    months = "|".join(_MONTHS[lang])
    weekdays = "|".join(_WEEKDAYS[lang])
    out = []
    for pattern, kind in _RULES[lang]:
        body = pattern.replace("{M}", months).replace("{W}", weekdays)
        out.append((re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE), kind))
    return tuple(out)


@cache
def _month_number(language: str, word: str) -> int:
    lang = language if language in _MONTHS else "en"
    low = word.lower()
    for i, forms in enumerate(_MONTHS[lang], start=1):
        if low in forms.split("|"):
            return i
    raise ValueError(f"not a month: {word!r}")


# -- publication dates ----------------------------------------------------------------------


def parse_published(published: str) -> datetime | None:
    """An ISO date or datetime (local time of the source kept as written), or None.

    >>> parse_published("2025-06-05T07:42:00+03:00").hour, parse_published(""), \
parse_published("June")
    (7, None, None)
    """
    text = (published or "").strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=None)


# -- the rules ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    kind: str
    match: re.Match[str]


def _find(sentence: str, language: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for pattern, kind in _compiled(language):
        for m in pattern.finditer(sentence):
            if not any(h.start < m.end() and m.start() < h.end for h in hits):
                hits.append(_Hit(m.start(), m.end(), kind, m))
    hits.sort(key=lambda h: h.start)
    return hits


def _iso(day: date) -> str:
    return day.isoformat()


def _year_for(month: int, day: int, base: date) -> int:
    """The year that puts (month, day) on or before ``base``, or shortly after it."""
    year = base.year
    try:
        if date(year, month, day) > base + timedelta(days=7):
            year -= 1
    except ValueError:
        year -= 1
    return year


def _day(m: re.Match[str], language: str, base: date | None, group: str = "d") -> date | None:
    month = _month_number(language, m.group("m"))
    d = int(m.group(group))
    y = m.groupdict().get("y")
    if y:
        year = int(y)
    elif base is None:
        return None
    else:
        year = _year_for(month, d, base)
    try:
        return date(year, month, d)
    except ValueError:
        return None


def _month_span(m: re.Match[str], language: str, base: date | None) -> tuple[date, date] | None:
    word = m.group("m")
    if word is None:
        return None
    month = _month_number(language, word)
    y = m.groupdict().get("y")
    if y:
        year = int(y)
    elif base is None:
        return None
    else:
        year = base.year if month <= base.month else base.year - 1
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _dateparser(text: str, language: str, base: datetime) -> date | None:
    found = dateparser.parse(
        text,
        languages=[language],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"},
    )
    return found.date() if found else None


def _span(a: date, b: date, precision: int, text: str, cap: date | None = None) -> SentenceDate:
    if cap is not None and b > cap:
        b = max(a, cap)
    if a == b:
        return SentenceDate(_iso(a), "", precision, text)
    return SentenceDate(_iso(a), _iso(b), precision, text)


def _resolve(hit: _Hit, language: str, when: datetime | None) -> SentenceDate | None:
    """The date of one hit; None when it needs a publication date the article lacks."""
    m, kind, words = hit.match, hit.kind, hit.match.group(0).strip()
    base = when.date() if when is not None else None
    one = timedelta(days=1)
    if kind in ("day", "night_of", "night_to"):
        day = _day(m, language, base)
        if day is None:
            return None
        if kind == "day":
            return _span(day, day, 1, words)
        return (
            _span(day, day + one, 1, words)
            if kind == "night_of"
            else _span(day - one, day, 1, words)
        )
    if kind == "range":
        first = _day(m, language, base, "d")
        last = _day(m, language, base, "d2")
        if first is None or last is None or last < first:
            return None
        return _span(first, last, 2 if (last - first).days < 7 else 3, words)
    if kind in ("month", "end", "mid", "early", "since"):
        if kind == "since" and m.groupdict().get("m") is None:
            if base is None:
                return None
            return _span(base.replace(day=1), base, 3, words)
        months = _month_span(m, language, base)
        if months is None:
            return None
        first, last = months
        if kind == "since":
            return _span(first, base, 3, words) if base is not None else None
        if kind == "end":
            first = first.replace(day=21)
        elif kind == "mid":
            first, last = first.replace(day=11), first.replace(day=20)
        elif kind == "early":
            last = first.replace(day=10)
        return _span(first, last, 3, words, cap=base)
    if when is None or base is None:
        return None
    if kind == "overnight":
        if words.lower() == "tonight" and when.hour >= 18:
            return _span(base, base + one, 1, words)
        return _span(base - one, base, 1, words)
    if kind == "today":
        return _span(base, base, 1, words)
    if kind.startswith("rel-"):
        back = base - timedelta(days=int(kind[4:]))
        return _span(back, back, 1, words)
    if kind == "week_last":
        monday = base - timedelta(days=base.weekday() + 7)
        return _span(monday, monday + timedelta(days=6), 2, words)
    if kind == "week_this":
        return _span(base - timedelta(days=base.weekday()), base, 2, words)
    if kind == "week_past":
        return _span(base - timedelta(days=6), base, 2, words)
    if kind == "weekday":
        wanted = _weekday_number(language, m.group("w"))
        back = (base.weekday() - wanted) % 7
        if back == 0 and re.match(r"last|минул|прошл|в\s+прошл", words, re.IGNORECASE):
            back = 7
        day = base - timedelta(days=back)
        return _span(day, day, 1, words)
    if kind == "parse":
        day = _dateparser(words, language, when)
        return _span(day, day, 1, words) if day is not None else None
    return None


def _weekday_number(language: str, word: str) -> int:
    lang = language if language in _WEEKDAYS else "en"
    for i, pattern in enumerate(_WEEKDAYS[lang]):
        if re.fullmatch(pattern, word, re.IGNORECASE):
            return i
    raise ValueError(f"not a weekday: {word!r}")


#: A dateline ("KYIV, June 9 (Reuters) -", "КУРСК, 5 июня"): the date of the report.
_DATELINE = re.compile(r"^\s*\p{Lu}[\p{Lu}\s.-]+,\s*$")


def _spoken(sentence: str, hit: _Hit, language: str) -> bool:
    """Is ``hit`` the date somebody spoke or filed the report, not the event's?"""
    lang = language if language in _SPOKE else "en"
    before = sentence[max(0, hit.start - 40) : hit.start]
    if _DATELINE.match(sentence[: hit.start]):
        return True
    return re.search(_SPOKE[lang], before, re.IGNORECASE) is not None


def date_sentence(sentence: str, *, language: str, published: str) -> SentenceDate:
    """The date ``sentence`` gives its event, anchored to ``published`` (ISO date or datetime).

    The first date phrase wins, except that the date of a statement ("said on Monday") yields
    to any other; with none, the publication date at precision 2; with no publication date
    either, UNDATED.
    """
    when = parse_published(published)
    hits = _find(sentence, language)
    event_hits = [h for h in hits if not _spoken(sentence, h, language)]
    for hit in [*event_hits, *(h for h in hits if h not in event_hits)]:
        found = _resolve(hit, language, when)
        if found is not None:
            return found
    if when is None:
        return UNDATED
    return SentenceDate(_iso(when.date()), "", 2, "")


def date_claims(claims: Iterable[Claim], article: Article) -> tuple[Claim, ...]:
    """``claims`` of ``article`` with their dates filled in (one date per sentence)."""
    seen: dict[tuple[int, int], SentenceDate] = {}
    out = []
    for claim in claims:
        span = (claim.sentence_start, claim.sentence_end)
        if span not in seen:
            seen[span] = date_sentence(
                claim.sentence, language=article.language, published=article.published
            )
        found = seen[span]
        out.append(
            replace(
                claim,
                date=found.date,
                date_end=found.date_end,
                date_precision=found.precision,
                date_text=found.text,
            )
        )
    return tuple(out)
