"""Tests for claimmap.inputs.files: formats, decoding, refusals, metadata, ids, near-duplicates."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from unprivileged import run_as_nobody

from claimmap.errors import ClaimMapError, IngestError
from claimmap.inputs import files as ingest
from claimmap.inputs.files import (
    collect_paths,
    expand_paths,
    read_bytes,
    read_path,
    read_text,
    shown,
)
from claimmap.inputs.text import (
    NEAR_DUPLICATE_THRESHOLD,
    article_id,
    detect_language,
    fingerprint,
    parse_date,
    similarity,
)
from claimmap.records import ArticleAnalysis
from claimmap.store.base import open_store

DATA = Path(__file__).parent / "data" / "ingest"
SEEDS = sorted((Path(__file__).parents[1] / "seeds").glob("*.txt"))
INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)

# file -> (title, source, published, language)
EXPECTED = {
    "plain.txt": (
        "Drone Strike Damages Power Line Near Krasnopillia",
        "Sumy Regional Herald",
        "2025-06-03",
        "en",
    ),
    "dateline.txt": (
        "Evacuation Continues from Border Villages of Sumy Oblast",
        "",
        "2025-06-12",
        "en",
    ),
    "dotted_date.txt": ("Shelling of Shostka: two wounded", "", "2025-06-03", "en"),
    "article.md": (
        "Fighting Reported Near Yunakivka as Russian Forces Probe Defences",
        "Frontline Digest",
        "2025-06-05",
        "en",
    ),
    "article.html": ("Guided Bombs Hit Sumy Suburbs", "Example News", "2025-06-07", "en"),
    "time_author.html": (
        "Border Guards Report Sabotage Group Near Seredyna-Buda",
        "Olena Kovalenko",
        "2025-05-28",
        "en",
    ),
    "cp1251.txt": ("Бои в районе Юнаковки", "", "", "ru"),
    "koi8r.txt": ("Бои в районе Юнаковки", "", "", "ru"),
    "utf16.txt": ("Обстріл Білопілля", "", "", "uk"),
    "bom_zw.txt": ("Attack on Myropillia", "", "", "en"),
}
UNRELATED = [
    "plain.txt",
    "dateline.txt",
    "dotted_date.txt",
    "article.md",
    "front_other.txt",
    "bom_zw.txt",
    "article.html",
    "time_author.html",
]


@pytest.mark.parametrize(("name", "expected"), EXPECTED.items())
def test_metadata_of_each_format(name: str, expected: tuple[str, str, str, str]) -> None:
    article = read_path(DATA / name)
    assert (article.title, article.source, article.published, article.language) == expected
    assert article.path == str(DATA / name)
    assert article.article_id == article_id(article.text)
    assert article.origin_id == ""  # only the store knows the other articles
    assert not set(INVISIBLE) & set(article.text)


def test_plain_text_is_kept_verbatim() -> None:
    raw = (DATA / "plain.txt").read_text(encoding="utf-8")
    article = read_path(DATA / "plain.txt")
    assert article.text == raw
    start = raw.index("Krasnopillia overnight")
    assert article.text[start : start + len("Krasnopillia")] == "Krasnopillia"


def test_crlf_line_ends_are_kept_and_do_not_change_the_id(tmp_path: Path) -> None:
    lf = (DATA / "plain.txt").read_text(encoding="utf-8")
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(lf.replace("\n", "\r\n").encode("utf-8"))
    article = read_path(crlf)
    assert "\r\n" in article.text
    assert article.article_id == read_path(DATA / "plain.txt").article_id


def test_zero_width_and_bidi_controls_are_the_only_change() -> None:
    article = read_path(DATA / "bom_zw.txt")
    raw = (DATA / "bom_zw.txt").read_bytes().decode("utf-8-sig")
    assert any(ch in raw for ch in INVISIBLE)
    assert article.text == "".join(ch for ch in raw if ch not in INVISIBLE)
    assert "Myropillia was shelled" in article.text


def test_html_drops_scripts_styles_iframes_and_keeps_paragraphs() -> None:
    text = read_path(DATA / "article.html").text
    for hidden in ("tracking", "font-family", "ignore me", "advert text", "enable javascript"):
        assert hidden not in text
    assert "Home" not in text  # navigation menus are not article text
    assert "Two houses were destroyed & a school was damaged." in text
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "Guided Bombs Hit Sumy Suburbs"
    assert paragraphs[1].startswith("Russian aircraft dropped four guided bombs on the suburbs")
    assert "regional administration" in paragraphs[1]  # a line break inside <p> is a space
    assert paragraphs[2:4] == [  # trafilatura makes a <br> a block break
        "Residents of Nyzhnia Syrovatka reported explosions shortly after noon.",
        "Air defence units shot down one drone.",
    ]


def test_html_inline_tags_do_not_split_or_join_words() -> None:
    html = b"<html><body><p>Shelling of <b>Sumy</b>, <i>Shostka</i>and <a href='#'>Konotop</a>.</p>"
    article = read_bytes(html, name="inline.html")
    assert article.text == "Shelling of Sumy, Shostkaand Konotop."
    assert article.title == article.text  # no <title>/og:title/<h1>: the first line


def test_html_is_sniffed_from_content_and_title_suffix_is_dropped() -> None:
    html = (
        "<!DOCTYPE html><html><head><title>Strike on Konotop | Daily Sumy</title>"
        "<meta property='og:site_name' content='Daily Sumy'><meta name='date' content='2025-06-01'>"
        "</head><body><p>Konotop was hit by drones.</p></body></html>"
    )
    article = read_bytes(html.encode(), name="upload")
    assert (article.title, article.source, article.published) == (
        "Strike on Konotop",
        "Daily Sumy",
        "2025-06-01",
    )
    assert article.text == "Konotop was hit by drones."


def test_html_without_visible_text_is_refused() -> None:
    with pytest.raises(IngestError, match=r"empty\.html: no article text on the page"):
        read_bytes(b"<html><script>x = 1</script></html>", name="empty.html")


def test_markdown_markup_is_stripped_lightly() -> None:
    text = read_path(DATA / "article.md").text
    assert "layout: post" not in text  # front matter
    assert "---" not in text
    assert text.lstrip().startswith("Fighting Reported Near Yunakivka as Russian Forces")
    assert "three assaults" in text
    assert "**" not in text
    assert "__" not in text
    assert "near\nYunakivka during the night" in text  # link text kept, URL dropped
    assert "https://example.org" not in text
    assert "map.png" not in text
    assert '"The enemy is trying to find weak points," the spokesperson said.' in text
    assert "Two armoured vehicles were reported destroyed." in text.splitlines()
    assert "Siversk brigade's" in text


def test_cyrillic_legacy_encodings_decode_to_the_same_article() -> None:
    cp1251 = read_path(DATA / "cp1251.txt")
    koi8 = read_path(DATA / "koi8r.txt")
    assert cp1251.text == koi8.text
    assert cp1251.article_id == koi8.article_id
    assert "Юнаковки и Кондратовки Сумской области" in cp1251.text


def test_utf16_with_bom_decodes() -> None:
    article = read_path(DATA / "utf16.txt")
    assert article.text.startswith("Обстріл Білопілля\n")
    assert "Юнаківська" in article.text


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("image.txt", r"looks like a binary file \(PNG image\)"),
        ("report.txt", r"looks like a binary file \(PDF document\)"),
        ("nul.txt", r"looks like a binary file \(it contains NUL bytes"),
        ("empty.txt", r"the file is empty"),
        ("blank.txt", r"only whitespace"),
    ],
)
def test_bad_files_are_refused_with_name_and_reason(name: str, reason: str) -> None:
    with pytest.raises(IngestError, match=rf"{name}: {reason}"):
        read_path(DATA / name)


def test_control_characters_and_undecodable_bytes_are_refused() -> None:
    with pytest.raises(IngestError, match=r"x\.txt: looks like a binary file \(mostly non-print"):
        read_bytes(bytes(range(1, 32)) * 10 + b"text", name="x.txt")
    with pytest.raises(IngestError, match=r"y\.txt: not UTF-8, and none of cp1251"):
        read_bytes(bytes(range(0x80, 0x100)) * 4, name="y.txt")


def test_missing_directory_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"nope\.txt: no such file"):
        read_path(tmp_path / "nope.txt")
    with pytest.raises(IngestError, match="is a directory"):
        read_path(tmp_path)
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: costs no disk
        fh.truncate(ingest.MAX_BYTES + 1)
    with pytest.raises(IngestError, match=r"big\.txt: 20,971,521 bytes is over the 20,971,520"):
        read_path(big)
    with pytest.raises(IngestError, match="over the"):
        read_text("x" * (ingest.MAX_BYTES + 1))


def test_errors_are_claimmap_and_value_errors() -> None:
    with pytest.raises(ClaimMapError):
        read_text("   ")
    with pytest.raises(ValueError, match="pasted text"):
        read_text("\n\t")


def test_pasted_text_matches_the_file_and_takes_metadata() -> None:
    raw = SEEDS[0].read_text(encoding="utf-8")
    pasted = read_text(raw)
    from_file = read_path(SEEDS[0])
    assert pasted.article_id == from_file.article_id
    assert pasted.title == from_file.title == raw.splitlines()[0]
    assert pasted.path == ""
    given_meta = read_text("Body only.", title="T", source="S", published="June 3, 2025")
    assert (given_meta.title, given_meta.source, given_meta.published) == ("T", "S", "2025-06-03")
    with pytest.raises(IngestError, match="published date 'last week' is not a date"):
        read_text("Body.", published="last week")


def test_seed_articles_have_no_invented_metadata() -> None:
    for seed in SEEDS:
        article = read_path(seed)
        assert (article.source, article.published, article.language) == ("", "", "en")


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-06-03", "2025-06-03"),
        ("2025-06-07T14:30:00+03:00", "2025-06-07"),
        ("03.06.2025", "2025-06-03"),
        ("June 3, 2025", "2025-06-03"),
        ("Tue, Jun. 3rd 2025", "2025-06-03"),
        ("3 June 2025", "2025-06-03"),
        ("3 червня 2025", "2025-06-03"),
        ("3 июня 2025 г.", "2025-06-03"),
        ("31.02.2025", ""),
        ("February 2022", ""),
        ("no date here", ""),
    ],
)
def test_parse_date(value: str, iso: str) -> None:
    assert parse_date(value) == iso


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Russian forces advanced near Sumy.", "en"),
        ("Російські війська просунулися біля Сум, повідомляє ЗСУ.", "uk"),
        ("Российские войска продвинулись, сообщил источник в ВС РФ, пишут СМИ.", "ru"),
        ("English text that quotes one word: «Суми».", "en"),
        ("Война продолжается.", "ru"),  # a tie: no letter tells, and short Ukrainian is rare
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_expand_paths(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("z.txt", "a.md", "b/c.HTML", "b/d.htm", "notes.pdf", ".hidden/e.txt", ".f.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    explicit = tmp_path / "notes.pdf"
    found = expand_paths([tmp_path, explicit, tmp_path / "z.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.md",
        "b/c.HTML",
        "b/d.htm",
        "z.txt",
        "notes.pdf",
    ]
    with pytest.raises(IngestError, match="missing: no such file or directory"):
        expand_paths([tmp_path / "missing"])


def test_seeds_are_near_duplicates_and_unrelated_articles_are_not() -> None:
    seeds = [read_path(p).text for p in SEEDS]
    assert similarity(*seeds) >= NEAR_DUPLICATE_THRESHOLD
    rewrite = read_path(DATA / "plain_rewrite.txt").text
    assert similarity(read_path(DATA / "plain.txt").text, rewrite) >= NEAR_DUPLICATE_THRESHOLD
    others = [read_path(DATA / name).text for name in UNRELATED]
    for a, b in itertools.combinations([*seeds[:1], *others], 2):
        assert similarity(a, b) < NEAR_DUPLICATE_THRESHOLD / 2
    for other in others:
        assert similarity(seeds[1], other) < NEAR_DUPLICATE_THRESHOLD / 2


def test_fingerprint_is_stable_across_processes() -> None:
    code = (
        "from claimmap.inputs.text import fingerprint; "
        "print(sorted(fingerprint('Sumy is under fire')))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert outputs == {str(sorted(fingerprint("Sumy is under fire"))) + "\n"}
    assert len(fingerprint("Sumy is under fire")) == 2
    assert len(fingerprint("Sumy")) == 1
    assert fingerprint("") == frozenset()


def _visible(text: str) -> str:
    return "".join(ch for ch in text if ch not in INVISIBLE)


@given(st.text(min_size=1).filter(lambda t: _visible(t).strip()))
def test_pasted_text_survives_except_invisible_characters(text: str) -> None:
    article = read_text(text)
    assert article.text == _visible(text)
    assert article.article_id == article_id(text)


@given(st.text(), st.text())
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert 0.0 <= similarity(a, b) == similarity(b, a) <= 1.0


@given(st.lists(st.sampled_from(["Sumy", "Miropol", "fell", " ", "\n", "\t"]), min_size=1))
def test_article_id_ignores_whitespace_layout(words: list[str]) -> None:
    text = " ".join(words)
    assert article_id(text) == article_id("  \n".join(text.split()))


# --- inputs that used to stop or corrupt a batch (issue 14) ---------------------------------


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)  # nobody writes to it: a blocking read would never return
    with pytest.raises(IngestError, match=r"fifo.txt: is a FIFO \(named pipe\), not a regular"):
        read_path(fifo)


def test_a_fifo_inside_a_directory_is_reported_not_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Shelling of Sumy.", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    found, problems = collect_paths([tmp_path])
    assert [p.name for p in found] == ["a.txt"]
    assert problems == [
        (str(tmp_path / "pipe.txt"), f"{tmp_path / 'pipe.txt'}: not a regular file")
    ]


def test_a_missing_path_is_reported_and_the_others_are_found(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    found, problems = collect_paths([tmp_path / "missing.txt", tmp_path / "a.txt"])
    assert found == [tmp_path / "a.txt"]
    assert problems == [
        (str(tmp_path / "missing.txt"), f"{tmp_path / 'missing.txt'}: no such file or directory")
    ]


def test_a_file_name_that_is_not_utf8_keeps_the_article(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/lat\xe9in.txt"
    with open(raw, "wb") as fh:
        fh.write(b"Shelling of Sumy.")
    (path,) = collect_paths([tmp_path])[0]
    article = read_path(path)
    assert article.path.endswith("lat\\xe9in.txt")
    article.path.encode("utf-8")  # storable: no lone surrogate left
    with open_store(":memory:") as store:
        assert store.save_analysis(ArticleAnalysis(article))
        assert store.articles()[0].path == article.path


def test_shown_escapes_terminal_control_sequences() -> None:
    evil = "a\x1b[2J\x1b]0;pwned\x07\rb\nc\u202ed\x9b.txt"
    safe = shown(evil)
    assert safe == "a\\x1b[2J\\x1b]0;pwned\\x07\\rb\\nc\\u202ed\\x9b.txt"
    assert not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in safe)
    assert shown("Суми, Sumy.txt") == "Суми, Sumy.txt"


def unreadable_walk(top: Path) -> list[tuple[str, str]]:
    """collect_paths on ``top`` by a user that cannot read ``top/locked``."""

    def walk() -> list:
        found, problems = collect_paths([top])
        return [[p.name for p in found], problems]

    names, problems = run_as_nobody(walk)
    assert names == ["a.txt"]
    return [tuple(p) for p in problems]


def test_an_unreadable_subdirectory_is_reported() -> None:
    top = Path(tempfile.mkdtemp(prefix="claimmap-locked-"))
    try:
        top.chmod(0o755)
        (top / "a.txt").write_text("x", encoding="utf-8")
        (top / "locked").mkdir()
        (top / "locked" / "b.txt").write_text("x", encoding="utf-8")
        (top / "locked").chmod(0)
        problems = unreadable_walk(top)
    finally:
        (top / "locked").chmod(0o755)
        shutil.rmtree(top)
    where = str(top / "locked")
    assert problems == [(where, f"{where}: directory skipped, cannot be read (permission denied)")]
