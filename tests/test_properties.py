"""Property tests: extraction, resolution and claims never fail and keep exact offsets."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimmap.claims.claims import extract_claims, split_sentences
from claimmap.inputs.files import read_text
from claimmap.places.extract import extract_mentions
from claimmap.places.resolve import Resolver
from claimmap.records import Article

GAZETTEER_NAMES = (
    "Kondratovka", "Kondrato\u0301vka", "Sumy", "Sumy Oblast", "Sumy direction", "Yunakivka",
    "Myropillia", "Miropol", "Alexandria", "Khotin", "Velyka Pysarivka", "Seredyna-Buda",
    "Mar'yanivka", "Kyiv", "Russia", "Ukraine", "Kursk", "Суми", "Кондратівка",
)  # fmt: skip
WORDS = (
    "Russian", "troops", "shelled", "captured", "near", "the", "village", "of", "in", "said",
    "journalist", "Vladimir", "Boyko", "Articles", "Ukrainian", "forces", "advancing", "toward",
    "there", "could", "not", "according", "to", "a", "source", "drone", "strike", "on",
)  # fmt: skip
NOISE = (
    ".", ",", ";", ":", "!", "?", " ", " ", " ", "\n", "\n\n", "'s", "’", "-", "—", "(", ")",
    "\"", "«", "»", "\u200b", "\u202e", "\u0301", "\ufeff", "\t", "\r\n", "1", "2025",
)  # fmt: skip
SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

news_like = st.lists(
    st.sampled_from(GAZETTEER_NAMES) | st.sampled_from(WORDS) | st.sampled_from(NOISE),
    max_size=80,
).map(lambda parts: " ".join(parts) if len(parts) % 2 else "".join(parts))
any_text = st.text(max_size=300) | news_like


def mentions_of(resolver: Resolver, text: str) -> tuple:
    return extract_mentions(text, article_id="p", keys=resolver.keys)


def check_mentions(text: str, mentions: tuple) -> None:
    previous_end = 0
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.surface
        assert m.start >= previous_end  # sorted and not overlapping
        previous_end = m.end


@SETTINGS
@given(text=any_text)
def test_extraction_offsets_are_exact_sorted_and_disjoint(resolver: Resolver, text: str) -> None:
    mentions = mentions_of(resolver, text)
    check_mentions(text, mentions)
    assert mentions_of(resolver, text) == mentions  # deterministic


@SETTINGS
@given(text=any_text)
def test_resolution_never_fails_and_is_deterministic(resolver: Resolver, text: str) -> None:
    mentions = mentions_of(resolver, text)
    first = resolver.resolve(mentions, text=text)
    again = resolver.resolve(mentions, text=text)
    assert first == again
    # every mention is answered, but a near-miss spelling the text does not confirm is dropped
    # (and one it confirms comes back as a settlement)
    sure = [m for m in mentions if m.kind != "tentative"]
    assert [r.mention for r in first if r.mention in sure] == sure
    spans = {(m.start, m.end) for m in mentions}
    assert all((r.mention.start, r.mention.end) in spans for r in first)
    for r in first:
        assert 0.0 <= r.confidence <= 1.0
        assert (r.place is None) == (r.tier == "unresolved")


@SETTINGS
@given(text=any_text)
def test_claim_sentences_slice_the_text(resolver: Resolver, text: str) -> None:
    article = Article(article_id="p", title="t", text=text)
    resolutions = resolver.resolve(mentions_of(resolver, text), text=text)
    claims = extract_claims(article, resolutions)
    assert extract_claims(article, resolutions) == claims
    for c in claims:
        assert text[c.sentence_start : c.sentence_end] == c.sentence
        assert c.sentence_start <= c.mention_start < c.mention_end <= c.sentence_end
        assert text[c.mention_start : c.mention_end] == c.surface
    spans = split_sentences(text)
    assert all(0 <= s <= e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


@SETTINGS
@given(text=news_like)
def test_pasted_text_analyses_whole(resolver: Resolver, text: str) -> None:
    """Through ingest: invisible characters go, what remains is analysed with exact offsets."""
    if not text.strip(" \n\t\r\u200b\u202e\ufeff"):
        return
    article = read_text(text)
    mentions = extract_mentions(article.text, article_id=article.article_id, keys=resolver.keys)
    check_mentions(article.text, mentions)
    claims = extract_claims(article, resolver.resolve(mentions, text=article.text))
    for c in claims:
        assert article.text[c.sentence_start : c.sentence_end] == c.sentence


def test_the_generator_makes_place_mentions(resolver: Resolver) -> None:
    """The strategy reaches the interesting cases: places found, claims made."""
    text = " ".join(["Russian", "troops", "shelled", "Kondrato\u0301vka", "near", "Sumy", "."])
    mentions = mentions_of(resolver, text)
    assert [m.surface for m in mentions] == ["Kondrato\u0301vka", "Sumy"]
    article = Article(article_id="p", title="t", text=text)
    assert extract_claims(article, resolver.resolve(mentions, text=text))
