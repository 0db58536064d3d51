"""Tests for claimmap.claims.claims: sentences, triggers, actors, attribution, status, roles."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import HAND_PLACES
from hypothesis import given
from hypothesis import strategies as st

from claimmap.claims.claims import EVENT_TYPES, TRIGGERS, extract_claims, split_sentences
from claimmap.errors import ClaimInputError, ClaimMapError
from claimmap.records import (
    ACTORS,
    ROLES,
    STATUSES,
    Article,
    Claim,
    Mention,
    Place,
    Resolution,
)

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).parents[1] / "seeds"
ACTOR_CODES = {"RU": "Russian forces", "UA": "Ukrainian forces", "-": "unspecified"}


def place_for(name: str) -> Place:
    kind = "sector" if name.endswith(("front", "direction")) else "settlement"
    return Place(place_id=f"p:{name.lower()}", kind=kind, name=name)


def resolution(article_id: str, text: str, start: int, surface: str, **kw: object) -> Resolution:
    place = kw.pop("place", None) or place_for(surface)
    kind = kw.pop("kind", place.kind)
    mention = Mention(article_id, start, start + len(surface), surface, kind, surface.lower())
    precision = kw.pop("precision", 3 if place.kind == "sector" else 1)
    confidence = kw.pop("confidence", 0.9)
    return Resolution(mention, place, confidence, precision, "sumy", "exact", **kw)


def marked(sentence: str, article_id: str = "t1") -> tuple[Article, list[Resolution]]:
    """Strip [[Name]] markers, returning the article and one resolution per marker."""
    text, spans, pos = "", [], 0
    for m in re.finditer(r"\[\[(.+?)\]\]", sentence):
        text += sentence[pos : m.start()]
        spans.append((len(text), m.group(1)))
        text += m.group(1)
        pos = m.end()
    text += sentence[pos:]
    article = Article(article_id=article_id, title="", text=text)
    return article, [resolution(article_id, text, start, name) for start, name in spans]


def load_cases() -> list:
    cases = []
    for line in (DATA / "claims_cases.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("||")]
        expected = []
        for item in parts[1].split("; "):
            name, fields = item.split("=")
            event_type, actor, status, role = fields.split(",")
            expected.append((name, event_type, ACTOR_CODES[actor], status, role))
        attribution = parts[2] if len(parts) > 2 else None
        cases.append(pytest.param(parts[0], expected, attribution, id=parts[0][:48]))
    return cases


@pytest.mark.parametrize(("sentence", "expected", "attribution"), load_cases())
def test_case_file(sentence: str, expected: list, attribution: str | None) -> None:
    article, resolutions = marked(sentence)
    claims = extract_claims(article, resolutions)
    got = [(c.surface, c.event_type, c.actor, c.status, c.role) for c in claims]
    assert got == expected
    if attribution is not None:
        assert {c.attribution for c in claims} == {attribution}


def test_every_event_type_is_covered_by_the_case_file() -> None:
    text = (DATA / "claims_cases.txt").read_text(encoding="utf-8")
    for event_type in EVENT_TYPES:
        assert f"={event_type}," in text, event_type


def test_trigger_table_uses_known_types_and_actors() -> None:
    assert {t.event_type for t in TRIGGERS} == set(EVENT_TYPES) - {"mention"}
    for trigger in TRIGGERS:
        assert trigger.actor in ("", *ACTORS)
        for pattern in trigger.patterns:
            re.compile(pattern)


def test_claim_fields_keep_provenance_and_confidence() -> None:
    article, resolutions = marked("Intro line.\n\nRussian forces captured [[Novenke]].", "a9")
    [claim] = extract_claims(article, resolutions)
    mention = resolutions[0].mention
    assert claim.article_id == "a9"
    assert (claim.mention_start, claim.mention_end, claim.surface) == (
        mention.start,
        mention.end,
        "Novenke",
    )
    assert article.text[claim.sentence_start : claim.sentence_end] == claim.sentence
    assert claim.sentence == "Russian forces captured Novenke."
    assert claim.confidence == pytest.approx(0.9)
    assert claim.precision == 1
    assert claim.place_id == "p:novenke"


def test_passive_and_fallback_bindings_weigh_less_than_direct_ones() -> None:
    article, res = marked("[[Novenke]] is a village where Russian forces attacked at dawn.")
    [claim] = extract_claims(article, res)
    assert claim.event_type == "assault"
    assert claim.confidence == pytest.approx(0.9 * 0.8)


def test_countries_and_unresolved_mentions_never_become_claims() -> None:
    text = "Russia captured Novenke and Fooville near the border with Ukraine."
    article = Article("c1", "", text)
    russia = resolution("c1", text, 0, "Russia", place=Place("country:RU", "country", "Russia"))
    novenke = resolution("c1", text, text.find("Novenke"), "Novenke")
    unknown = Mention(
        "c1", text.find("Fooville"), text.find("Fooville") + 8, "Fooville", "unknown", "fooville"
    )
    unresolved = Resolution(unknown, None, 0.0, 0, "unresolved", "no candidate")
    ukraine = resolution(
        "c1", text, text.find("Ukraine"), "Ukraine", place=Place("country:UA", "country", "Ukraine")
    )
    claims = extract_claims(article, [ukraine, unresolved, novenke, russia])
    assert [(c.surface, c.event_type, c.actor) for c in claims] == [
        ("Novenke", "territorial_capture", "Russian forces")
    ]


def test_actor_and_attribution_are_inherited_within_a_paragraph_only() -> None:
    text = (
        "According to DeepState, Russian forces captured Novenke. They then attacked Khotin."
        "\n\nFighting was reported in Yunakivka."
    )
    article = Article("p1", "", text)
    res = [resolution("p1", text, text.find(n), n) for n in ("Novenke", "Khotin", "Yunakivka")]
    novenke, khotin, yunakivka = extract_claims(article, res)
    assert (khotin.actor, khotin.attribution) == ("Russian forces", "DeepState")
    assert khotin.confidence == pytest.approx(0.9 * 0.9)
    assert (yunakivka.actor, yunakivka.attribution) == ("unspecified", "")
    assert novenke.attribution == "DeepState"


def test_enemy_means_whom_the_caller_says() -> None:
    article, res = marked("The enemy attacked [[Khotin]].")
    assert extract_claims(article, res)[0].actor == "Russian forces"
    assert extract_claims(article, res, enemy="Ukrainian forces")[0].actor == "Ukrainian forces"
    with pytest.raises(ClaimInputError, match="enemy"):
        extract_claims(article, res, enemy="aliens")


def test_there_binds_to_the_single_place_of_the_previous_sentence() -> None:
    text = "The Sumy direction is a hard sector.\n\nA battalion headquarters deserted there."
    article = Article("d1", "", text)
    res = [resolution("d1", text, text.find("Sumy direction"), "Sumy direction")]
    mention, desertion = extract_claims(article, res)
    assert mention.event_type == "mention"
    assert desertion.event_type == "strategic_development"
    assert desertion.surface == "there"
    assert text[desertion.mention_start : desertion.mention_end] == "there"
    assert (desertion.place_id, desertion.precision) == ("p:sumy direction", 3)
    assert desertion.confidence == pytest.approx(0.9 * 0.5)


def test_there_is_not_bound_when_the_previous_sentence_names_two_places() -> None:
    text = "Novenke and Khotin are quiet. Soldiers deserted there."
    article = Article("d2", "", text)
    res = [resolution("d2", text, text.find(n), n) for n in ("Novenke", "Khotin")]
    assert [c.event_type for c in extract_claims(article, res)] == ["mention", "mention"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"article_id": "other"}, "belongs to another article"),
        ({"surface": "Novenkx"}, "does not match the text"),
        ({"end": 999}, "does not match the text"),
    ],
)
def test_bad_mentions_raise_a_clear_error(change: dict, message: str) -> None:
    article, [res] = marked("Russian forces captured [[Novenke]].", "e1")
    article = Article("e1", "", article.text, path="e1.txt")
    m = res.mention
    fields = {"article_id": m.article_id, "start": m.start, "end": m.end, "surface": m.surface}
    bad = Mention(**{**fields, **change}, kind=m.kind, key=m.key)
    with pytest.raises(ClaimMapError, match=message) as err:
        extract_claims(article, [Resolution(bad, res.place, 0.9, 1, "sumy", "exact")])
    assert "e1" in str(err.value)
    assert isinstance(err.value, ValueError)


def test_bad_precision_and_confidence_raise() -> None:
    article, [res] = marked("Russian forces captured [[Novenke]].")
    for precision, confidence in ((0, 0.9), (1, 1.5)):
        bad = Resolution(res.mention, res.place, confidence, precision, "sumy", "exact")
        with pytest.raises(ClaimInputError, match="Novenke"):
            extract_claims(article, [bad])


# ---- sentences -------------------------------------------------------------------------


def test_sentences_survive_abbreviations_numbers_and_quotes() -> None:
    text = (
        "Gen. Smith and Mr. J. R. Doe met U.S. officials. Over 213,000 cases and 90,590 "
        "proceedings were counted by approx. noon. “We held Sumy,” he said. The end."
    )
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Gen. Smith and Mr. J. R. Doe met U.S. officials.",
        "Over 213,000 cases and 90,590 proceedings were counted by approx. noon.",
        "“We held Sumy,” he said.",
        "The end.",
    ]


def test_title_line_separated_by_a_blank_line_is_its_own_sentence() -> None:
    text = "Russian Forces Capture Alexandria\n\nRussian forces captured it. Fighting goes on."
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert sentences[0] == "Russian Forces Capture Alexandria"
    assert len(sentences) == 3


@given(
    st.lists(
        st.sampled_from(
            [
                "Gen. Smith",
                "went",
                "to",
                "Sumy.",
                "U.S.",
                "213,000",
                "\n\n",
                "“Yes,”",
                "he",
                "said.",
                "Mr.",
                "J.",
                "R.",
                "—",
                "  ",
                "x-\ny",
            ]
        ),
        max_size=40,
    )
)
def test_sentence_offsets_are_exact_ordered_and_cover_every_character(words: list[str]) -> None:
    text = " ".join(words)
    spans = split_sentences(text)
    covered = set()
    last_end = 0
    for start, end in spans:
        assert last_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        covered.update(range(start, end))
        last_end = end
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_sentences_are_exact(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    spans = split_sentences(text)
    assert len(spans) == 20  # the title twice and 18 body sentences
    joined = [text[s:e] for s, e in spans]
    assert any("213,000 cases of desertion" in s for s in joined)
    assert all(s == s.strip() and s for s in joined)


def test_split_sentences_rejects_non_text() -> None:
    with pytest.raises(ClaimInputError, match="bytes"):
        split_sentences(b"Sumy.")  # type: ignore[arg-type]


# ---- the seeds -------------------------------------------------------------------------


def seed_claims(path: Path) -> list:
    text = path.read_text(encoding="utf-8")
    article = Article(path.stem, text.splitlines()[0], text, path=path.name)
    resolutions = []
    for name, place in HAND_PLACES.items():
        for m in re.finditer(rf"\b{re.escape(name)}\b", text):
            precision = 3 if place.kind == "sector" else 1
            resolutions.append(
                resolution(
                    path.stem,
                    text,
                    m.start(),
                    name,
                    place=place,
                    precision=precision,
                    confidence=0.95,
                )
            )
    return list(extract_claims(article, resolutions))


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_acceptance(path: Path) -> None:
    claims = seed_claims(path)
    by = {}
    for c in claims:
        by.setdefault(c.surface, set()).add((c.event_type, c.actor))
    assert ("territorial_capture", "Russian forces") in by["Alexandria"]
    assert ("assault", "Russian forces") in by["Miropol"]
    assert all(t != "territorial_capture" for t, _ in by["Miropol"])
    assert {t for t, _ in by["Yunakivka"]} == {"armed_clash"}
    assert {t for t, _ in by["Kondratovka"]} == {"armed_clash"}
    sector = [c for c in claims if c.place_id == "sector:sumy"]
    development = [c for c in sector if c.event_type == "strategic_development"]
    assert development
    assert all(c.precision == 3 for c in development)
    assert not any(c.place_id == "country:UA" for c in claims)
    for c in claims:
        assert c.event_type in EVENT_TYPES
        assert (c.actor, c.status, c.role) in {
            (a, s, r) for a in ACTORS for s in STATUSES for r in ROLES
        }


def test_seed_0_hypothetical_capture_of_miropol_is_a_mention() -> None:
    claims = seed_claims(SEEDS / "000_64a92cc5d700482e.txt")
    [hypothetical] = [c for c in claims if "its capture could disrupt" in c.sentence]
    assert (hypothetical.surface, hypothetical.event_type) == ("Miropol", "mention")


def test_seed_0_desertion_there_binds_to_the_sumy_direction() -> None:
    claims = seed_claims(SEEDS / "000_64a92cc5d700482e.txt")
    [desertion] = [c for c in claims if "deserting in one of the units" in c.sentence]
    assert (desertion.event_type, desertion.place_id, desertion.surface) == (
        "strategic_development",
        "sector:sumy",
        "there",
    )


def test_seed_1_first_paragraph_is_attributed_to_a_military_source() -> None:
    claims = seed_claims(SEEDS / "001_f8417022bd34ae7f.txt")
    first = [c for c in claims if c.sentence.startswith("Russian forces have made significant")]
    assert {c.surface for c in first} == {"Sumy direction", "Alexandria", "Miropol"}
    assert {c.attribution for c in first} == {"a military source"}


def test_docs_list_every_event_type_and_claim_field() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "EVENT_TYPES.md").read_text(encoding="utf-8")
    for event_type in EVENT_TYPES:
        assert f"| `{event_type}` |" in docs, event_type
    for name in Claim.__dataclass_fields__:
        assert f"| `{name}` |" in docs, name


WORDS = [
    "Russian forces",
    "Ukrainian troops",
    "the enemy",
    "captured",
    "attacked",
    "advancing from",
    "toward",
    "fighting continues in",
    "did not",
    "could",
    "denied",
    "according to DeepState",
    "there",
    "and",
    ",",
    ".",
    "\n\n",
    "was shelled",
    "10 km from",
    "reportedly",
    "drone strike on",
    "Novenke",
    "Khotin",
    "Sumy front",
    "Mr.",
    "213,000",
    "“",
    "”",
    "—",
    ";",
    "evacuated",
    "Fell",
]


@given(st.lists(st.sampled_from(WORDS), max_size=60))
def test_any_text_gives_one_well_formed_claim_per_mention(words: list[str]) -> None:
    text = " ".join(words)
    article = Article("h1", "", text)
    res = [
        resolution("h1", text, m.start(), m.group())
        for m in re.finditer(r"\b(?:Novenke|Khotin|Sumy front)\b", text)
    ]
    claims = extract_claims(article, res)
    named = [c for c in claims if c.surface != "there"]
    claimed = [(c.mention_start, c.surface) for c in named]
    assert claimed == sorted(set(claimed))  # at most one claim per mention, in text order
    for r in res:  # a mention without a claim repeats an earlier sentence's claim verbatim
        if (r.mention.start, r.mention.surface) not in claimed:
            assert any(
                c.mention_start < r.mention.start and c.surface == r.mention.surface for c in named
            )
    for c in claims:
        assert text[c.sentence_start : c.sentence_end] == c.sentence
        assert c.sentence_start <= c.mention_start < c.mention_end <= c.sentence_end
        assert text[c.mention_start : c.mention_end] == c.surface
        assert c.event_type in EVENT_TYPES
        assert c.actor in ACTORS
        assert c.status in STATUSES
        assert c.role in ROLES
        assert 0.0 < c.confidence <= 0.9


def test_a_headline_printed_twice_is_one_claim() -> None:
    article, res = marked(
        "Russian Forces Capture [[Novenke]]\n\nRussian Forces Capture [[Novenke]]\n\n"
        "Russian troops captured [[Novenke]] on Monday."
    )
    claims = extract_claims(article, res)
    assert [c.sentence for c in claims] == [
        "Russian Forces Capture Novenke",
        "Russian troops captured Novenke on Monday.",
    ]


# ---- issue 11: who says it, what exactly, and how it stands ------------------------------


def test_a_title_glued_to_its_lead_is_its_own_sentence() -> None:
    text = "Russians Take Novenke\nRussian forces captured Novenke, the MoD said.\nIt fell."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Russians Take Novenke",
        "Russian forces captured Novenke, the MoD said.",
        "It fell.",
    ]
    wrapped = "Russian forces captured the village of\nNovenke on Tuesday."
    assert len(split_sentences(wrapped)) == 1  # a wrapped line is no title


def test_claims_carry_source_side_detail_and_numbers() -> None:
    article, res = marked(
        "Two civilians were killed and five injured in a KAB strike on [[Bilopillia]], "
        "the regional military administration said."
    )
    [claim] = extract_claims(article, res)
    assert (claim.event_type, claim.detail, claim.actor) == (
        "air_drone_strike",
        "kab",
        "Russian forces",
    )
    assert (claim.killed, claim.injured) == (2, 5)
    assert (claim.source, claim.source_side, claim.source_kind) == (
        "Sumy oblast administration",
        "UA",
        "authority",
    )
    assert (claim.target_side, claim.language, claim.situation) == ("Ukrainian forces", "en", False)


def test_a_situation_is_not_a_change_and_a_hedge_is_kept() -> None:
    article, res = marked("[[Loknia]] reportedly remains under enemy control.")
    [claim] = extract_claims(article, res)
    assert (claim.event_type, claim.actor, claim.situation, claim.hedged) == (
        "territorial_capture",
        "Russian forces",
        True,
        True,
    )


def test_a_later_rejection_denies_and_links_the_claim_before() -> None:
    text = "Russia claims its troops captured Andriivka. Kyiv called it a fake.\n\nOther news."
    article = Article("x1", "", text)
    [res] = [resolution("x1", text, text.index("Andriivka"), "Andriivka")]
    [claim] = extract_claims(article, [res])
    assert claim.status == "denied"
    start = text.index("Kyiv")
    assert claim.denied_by == f"x1:{start}:{text.index('fake.') + 5}"
    assert claim.sentence.startswith("Russia claims")


def test_a_rejection_in_another_paragraph_denies_nothing() -> None:
    text = "Russia claims its troops captured Andriivka.\n\nKyiv called reports of a truce a fake."
    article = Article("x2", "", text)
    [claim] = extract_claims(
        article, [resolution("x2", text, text.index("Andriivka"), "Andriivka")]
    )
    assert (claim.status, claim.denied_by) == ("claimed", "")


@pytest.mark.parametrize(
    ("sentence", "side"),
    [
        ("Противник отступил из [[Садков]], сообщили в Минобороны России.", "Ukrainian forces"),
        ("Противник відступив із [[Садків]], повідомив Генштаб ЗСУ.", "Russian forces"),
        ("The enemy fell back from [[Sadky]], Rybar wrote.", "Ukrainian forces"),
    ],
)
def test_the_speaker_decides_who_the_enemy_is(sentence: str, side: str) -> None:
    article, res = marked(sentence)
    [claim] = extract_claims(article, res)
    assert (claim.event_type, claim.actor) == ("withdrawal", side)


@pytest.mark.parametrize(
    ("sentence", "surface"),
    [
        ("Russian forces shelled [[Novenke]] in [[Sumy oblast]].", "Sumy oblast"),
        ("[[Kyiv]] denied that Russian forces captured [[Novenke]].", "Kyiv"),
        ("The [[Sumy]] Oblast Military Administration said [[Novenke]] was shelled.", "Sumy"),
        ("Обстріляли [[Басівку]] [[Юнаківської громади]].", "Юнаківської громади"),
    ],
)
def test_no_event_on_what_is_not_a_place_of_action(sentence: str, surface: str) -> None:
    article, res = marked(sentence)
    kinds = {"Sumy oblast": "oblast", "Юнаківської громади": "hromada"}
    res = [
        replace(r, place=replace(r.place, kind=kinds.get(r.mention.surface, r.place.kind)))
        for r in res
    ]
    claims = {c.surface: c.event_type for c in extract_claims(article, res)}
    assert claims[surface] == "mention", claims
    assert any(t != "mention" for s, t in claims.items() if s != surface), claims
