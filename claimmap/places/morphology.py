"""Case forms of Ukrainian and Russian place names, so that inflected mentions are index keys.

    >>> from claimmap.places.morphology import case_forms
    >>> sorted(case_forms("Юнаківка", "uk"))
    ['Юнаківки', 'Юнаківкою', 'Юнаківку', 'Юнаківці']
    >>> {"Великій Писарівці", "Великої Писарівки"} <= case_forms("Велика Писарівка", "uk")
    True
    >>> {"Сум", "Сумах", "Сумами"} <= case_forms("Суми", "uk")
    True
    >>> {"Сумской", "Сумскую"} <= case_forms("Сумская", "ru", adjective=True)
    True

Two sources, in this order:

1. The declension tables of :mod:`claimmap.places.languages` (one per language): the ending of
   the nominative picks a rule, the rule gives each case's ending. Two-word names agree: the
   words before the last decline as adjectives, the last as a noun (or as an adjective when it
   has an adjective's ending: Новеньке, Козацьке). Hyphenated names decline their last part.
2. pymorphy3 with its Ukrainian and Russian dictionaries completes them (irregular forms such as
   Ромни -> Ромен), but only from an analysis whose nominative *is* the name: pymorphy
   mis-lemmatises place names (Охтирці -> охтирець, Глухові -> глухов), so its answers are kept
   only where they start from the gazetteer's own spelling, with that analysis's number and
   gender. ``complete=False`` skips it (the wide tiers use the tables alone).

The forms never include the nominative itself, and vocatives are left out (nobody writes to a
village). Nothing is loaded at import time; the analysers load on first use.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from claimmap.places.languages import CASES, LANGUAGES, Rule

__all__ = ["case_forms", "name_language", "person_name"]

_UK_ONLY = re.compile("[іїєґІЇЄҐ]")
_RU_ONLY = re.compile("[ыэёъЫЭЁЪ]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
#: Endings that make a lone word an adjective (Новеньке, Козацьке, Новенькое, Середнє).
_ADJECTIVE_END = {
    "uk": re.compile(r"(?:[^аеиоуяюєії']е|нє|ий|ій|[іи]ї)$"),
    "ru": re.compile(r"(?:[оеы]е|ий|ый|ой|ая|яя|ие|ые)$"),
}
_PYMORPHY_CASES = {"gen": "gent", "dat": "datv", "acc": "accs", "ins": "ablt", "loc": "loct"}


def name_language(name: str) -> tuple[str, ...]:
    """Which declensions a Cyrillic name can take: ("uk",), ("ru",), both, or () if Latin."""
    if not _CYRILLIC.search(name):
        return ()
    if _UK_ONLY.search(name):
        return ("uk",)
    if _RU_ONLY.search(name):
        return ("ru",)
    return ("uk", "ru")


def _decline(word: str, rules: tuple[Rule, ...]) -> dict[str, set[str]]:
    low = word.lower()
    for ending, cases in rules:
        if low.endswith(ending) and len(low) > len(ending) + 1:
            stem = word[: len(word) - len(ending)]
            return {case: {stem + e for e in cases[case]} for case in CASES}
    return {}


def _table_forms(name: str, lang: str, adjective: bool | None) -> dict[str, set[str]]:
    table = LANGUAGES[lang]
    head, sep, last = name.rpartition("-") if " " not in name else ("", "", name)
    if sep:  # Хутір-Михайлівський: the last part declines
        return {c: {f"{head}-{f}" for f in fs} for c, fs in _table_forms(last, lang, None).items()}
    words = name.split()
    per_word: list[dict[str, set[str]]] = []
    for i, word in enumerate(words):
        is_last = i == len(words) - 1
        if (
            adjective is True
            or (not is_last)
            or (adjective is None and _ADJECTIVE_END[lang].search(word.lower()))
        ):
            declined = _decline(word, table.adjectives)
        else:
            declined = _decline(word, table.nouns)
        if not declined:
            if is_last:
                return {}
            declined = {case: {word} for case in CASES}  # an undeclined word (a number, "на")
        per_word.append(declined)
    return {
        case: {
            " ".join(combo)
            for combo in _product([sorted(w[case]) for w in per_word])
            if " ".join(combo) != name
        }
        for case in CASES
    }


def _product(lists: list[list[str]]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [()]
    for options in lists:
        out = [(*prefix, o) for prefix in out for o in options[:3]]
    return out


@cache
def _analyser(lang: str):  # type: ignore[no-untyped-def]
    import pymorphy3  # loaded on first use only

    return pymorphy3.MorphAnalyzer(lang=lang)


def _pymorphy_forms(word: str, lang: str, adjective: bool | None) -> set[str]:
    """Forms of one word from pymorphy3, from analyses whose nominative is the word itself."""
    low = word.lower()
    out: set[str] = set()
    for parse in _analyser(lang).parse(low):
        tag = parse.tag
        if parse.word != low or "nomn" not in tag or tag.POS not in ("NOUN", "ADJF"):
            continue
        if adjective is True and tag.POS != "ADJF":
            continue
        for form in parse.lexeme:
            ft = form.tag
            if "voct" in ft or ft.case not in _PYMORPHY_CASES.values():
                continue
            if (tag.number and ft.number != tag.number) or (tag.gender and ft.gender != tag.gender):
                continue
            if "Infr" in ft or "Arch" in ft:
                continue
            out.add(form.word)
    out.discard(low)
    return {_recase(word, f) for f in out}


def _recase(model: str, word: str) -> str:
    """``word`` capitalised like ``model`` (Юнаківка -> Юнаківці)."""
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=8192)
def case_forms(
    name: str, lang: str, *, adjective: bool | None = None, complete: bool = True
) -> frozenset[str]:
    """The oblique case forms of ``name`` (gen, dat, acc, ins, loc) in ``lang`` ("uk"/"ru").

    ``adjective=True`` declines every word as an adjective (area names: Сумська, Юнаківська,
    Суджанский); ``None`` decides by the word's ending. ``complete`` adds pymorphy3's forms
    for one-word names (see the module docstring).
    """
    if lang not in ("uk", "ru") or not name.strip():
        return frozenset()
    forms = {f for fs in _table_forms(name.strip(), lang, adjective).values() for f in fs}
    if complete and " " not in name and "-" not in name:
        forms |= _pymorphy_forms(name.strip(), lang, adjective)
    forms.discard(name)
    return frozenset(forms)


def person_name(word: str) -> bool:
    """Whether pymorphy3's best analysis of a Cyrillic word is a first name or patronymic
    (Олега, Андрій, Сергійович) in the language its letters allow."""
    for lang in name_language(word):
        parses = _analyser(lang).parse(word)
        best = parses[0] if parses else None
        if best is not None and best.is_known and ("Name" in best.tag or "Patr" in best.tag):
            return True
    return False
