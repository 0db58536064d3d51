"""The claims vocabulary: one table per language (``en``, ``uk``, ``ru``), one shape for all.

    >>> from claimmap.claims.lexicon import LEXICONS, sentence_language
    >>> sentence_language("Сили оборони звільнили Андріївку."), sentence_language("ВСУ отступили.")
    ('uk', 'ru')
    >>> sorted(LEXICONS)
    ['en', 'ru', 'uk']

Every word that means something to the claim rules lives in a ``Lexicon``: triggers (with event
type, sub-event detail and whether they state a situation), actor phrases, the words that cut a
clause, negation, hedging, denial and confirmation, attribution phrases and anaphors. The logic
in ``claimmap.claims.reading`` and ``claimmap.claims.binding`` is written once and reads
whichever table the sentence's language picks. Adding a language is adding a module with a
``LEXICON`` and listing it here. All patterns are regexes over lower-cased text; Cyrillic
patterns spell out the inflected forms (or a stem plus ``\\w*``) because Ukrainian and Russian
verbs and nouns change their endings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

RU, UA, ANY = "Russian forces", "Ukrainian forces", "unspecified"
#: Pseudo-actors in actor tables, filled in from who speaks: the speaker's enemy, the speaker.
ENEMY, OWN = "enemy", "own"


@dataclass(frozen=True, slots=True)
class Trigger:
    """One row of a trigger table: regexes over lower-cased text and what they mean."""

    event_type: str
    patterns: tuple[str, ...]
    actor: str = ""  #: actor to assume when the sentence names none
    move: bool = False  #: "to/toward Y" makes Y a target
    detail: str = ""  #: sub-event detail (weapon, partial control, grey zone), see EVENT_TYPES.md
    situation: bool = False  #: states a situation ("under control") rather than a change
    reverse: bool = False  #: the subject is the other side ("repelled Russian attacks")
    negated: bool = False  #: the trigger itself says it did not happen ("failed to advance")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything language-specific the claim rules read. Regex strings, lower-case text."""

    language: str
    triggers: tuple[Trigger, ...]
    #: (actor, pattern); actor is RU, UA, ANY, ENEMY ("the enemy") or OWN ("our forces").
    actors: tuple[tuple[str, str], ...]
    object_before: str  #: a preposition right before an actor phrase makes it an object
    agent_before: str  #: "by/to" right before an actor phrase after the trigger: the agent
    clause_break: str
    hypothetical: str
    negation: str  #: a negation right before a trigger ("did not capture")
    not_before: str  #: a negation before a confirmation word ("has not been confirmed")
    denial: str  #: the sentence rejects a claim
    confirm: str  #: the sentence confirms, admits or assesses
    hedge: str  #: the sentence hedges ("reportedly", "possibly")
    reference: str  #: "10 km from", "near" between two places: the second is a landmark
    list_gap: str  #: what joins a list of places ("and", ",")
    origin: str
    target: str
    passive_gap: str  #: what may stand between a place and a trigger after it ("X was taken")
    anaphors: tuple[str, ...]  #: words pointing back to the place of the sentence before
    denial_anaphor: str  #: "it", "these claims": a denial pointing back to an earlier claim
    according: str  #: a preposed attribution, group ``src`` ("according to X", "за даними X")
    attr_verbs: str  #: speech verbs ("said", "заявив"): "X said", ", said X"
    reports_say: str  #: an unattributed report ("reports indicate")
    unattributed: str  #: "reportedly", "allegedly"
    generic_sources: str  #: pronouns and empty nouns that are not a source
    source_nouns: frozenset[str]  #: nouns that make a lower-case phrase a source
    report_noun: str
    not_place_after: (
        str  #: after a mention, makes it part of another name ("Oblast Military Administration")
    )
    container_gap: str  #: between a place and an area it lies in ("X, Sumy oblast", "X у Сумській")
    killed: str  #: group ``n``: a stated number of dead
    injured: str  #: group ``n``: a stated number of wounded
    numbers: Mapping[str, int] = field(default_factory=dict)  #: number words
    #: with no subject before a trigger, the first actor after it acts (free word order:
    #: "Андріївку звільнено підрозділами 80-ї бригади")
    actor_after: bool = False
    #: (actor, pattern) side adjectives right before a trigger ("Russian assault")
    adjectives: tuple[tuple[str, str], ...] = ()
    #: before an oblast: it is only a container ("27 settlements in Sumy region")
    container_before: str = r"(?!x)x"
    #: before a place: it is where a person is from, not where something happened
    not_place_before: str = r"(?!x)x"
    #: after a trigger, before a place: the place is a landmark ("advanced north of Sumy")
    direction: str = r"(?!x)x"
    #: a list conjunction right before a "near" phrase ("A and near B"): B is in the list
    list_near: str = r"(?!x)x"
    #: the sentence says a claim is not (yet) confirmed: it stays claimed, whoever reports it
    unconfirmed: str = r"(?!x)x"


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z]")
_UK_LETTERS = re.compile("[іїєґ]")
_RU_LETTERS = re.compile("[ыэъё]")
_UK_WORDS = re.compile(r"\b(?:що|та|із|це|як|від)\b")
_RU_WORDS = re.compile(r"\b(?:что|это|как|от)\b")


def sentence_language(sentence: str, *, default: str = "") -> str:
    """``uk``, ``ru`` or ``en`` for one sentence, from its letters (Cyrillic decides over Latin).

    A Cyrillic sentence with neither Ukrainian (і ї є ґ) nor Russian (ы э ъ ё) letters nor
    telling function words takes ``default`` (the article's language) if that is uk or ru;
    otherwise it is Russian, since a Ukrainian sentence of any length almost always has an і.
    """
    cyr = len(_CYRILLIC.findall(sentence))
    if not cyr or cyr <= len(_LATIN.findall(sentence)):
        return "en"
    low = sentence.lower()
    uk = len(_UK_LETTERS.findall(low)) + 2 * len(_UK_WORDS.findall(low))
    ru = len(_RU_LETTERS.findall(low)) + 2 * len(_RU_WORDS.findall(low))
    if uk != ru:
        return "uk" if uk > ru else "ru"
    return default if default in ("uk", "ru") else "ru"


def _load() -> Mapping[str, Lexicon]:
    from claimmap.claims.lexicon import en, ru, uk

    return MappingProxyType({lex.language: lex for lex in (en.LEXICON, uk.LEXICON, ru.LEXICON)})


class _Lexicons(Mapping[str, Lexicon]):
    """The tables by language, imported on first use (no work at import time)."""

    _tables: Mapping[str, Lexicon] | None = None

    def _all(self) -> Mapping[str, Lexicon]:
        if _Lexicons._tables is None:
            _Lexicons._tables = _load()
        return _Lexicons._tables

    def __getitem__(self, key: str) -> Lexicon:
        return self._all()[key]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


LEXICONS: Mapping[str, Lexicon] = _Lexicons()
