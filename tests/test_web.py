"""Tests for claimmap.inputs.web on saved pages the tests write: navigation menus, cookie
banners, related-article lists and comments around the article never become text or mentions
(the real offline pipeline), the page's metadata is read, walls and empty pages are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimmap.errors import IngestError
from claimmap.inputs.files import read_bytes
from claimmap.inputs.web import html_text, read_html
from claimmap.pipeline import Pipeline

ARTICLE = """
<p>Russian forces shelled Yunakivka in Sumy oblast on Tuesday morning, the regional military
administration said. Two civilians were wounded and a school was damaged.</p>
<p>Fighting continued near Kindrativka, according to the General Staff. Ukrainian units
repelled an assault on the village, the statement added.</p>
<p>Residents of Myropillia reported explosions shortly after noon.</p>
"""

BOILERPLATE_PLACES = ("Kyiv", "Kharkiv", "Odesa", "Dnipro", "Konotop", "Okhtyrka", "Lviv",
                      "Kherson", "Shostka", "Mariupol")  # fmt: skip


def page(body: str = ARTICLE, *, head: str = "") -> str:
    return f"""<!DOCTYPE html><html lang="en"><head>
<title>Russian troops shell Yunakivka | Sumy Herald</title>
<link rel="canonical" href="https://herald.example/news/2025/06/03/yunakivka">
<meta property="og:site_name" content="Sumy Herald">
<meta name="author" content="Olena Kovalenko">
<meta property="article:published_time" content="2025-06-03T08:15:00+03:00">
{head}</head><body>
<header><nav class="menu"><ul>
<li><a href="/kyiv">Kyiv</a></li><li><a href="/kharkiv">Kharkiv</a></li>
<li><a href="/odesa">Odesa</a></li><li><a href="/dnipro">Dnipro</a></li></ul></nav>
<div class="regions">Kyiv Kharkiv Odesa Dnipro Lviv Kherson</div></header>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience in
Kyiv and Kharkiv. <button>Accept all cookies</button></div>
<main><article class="post"><h1>Russian troops shell Yunakivka</h1>
<div class="byline">By Olena Kovalenko · 3 June 2025</div>
<div class="entry-content">{body}</div>
<div class="share"><a href="/share/fb">Share</a> <a href="/share/tg">Telegram</a></div>
</article>
<aside class="related"><h3>Related articles</h3><ul>
<li><a href="/news/konotop">Drone strike on Konotop injures three</a></li>
<li><a href="/news/okhtyrka">Okhtyrka power station hit again</a></li>
<li><a href="/news/shostka">Shostka evacuations continue</a></li></ul></aside>
<section id="comments" class="comments"><h3>3 comments</h3>
<div class="comment"><p>Ivan: Pray for Mariupol and Kherson, and for Okhtyrka.</p></div>
<div class="comment"><p>Maria: My family is in Shostka, thank you for reporting.</p></div>
</section></main>
<footer><p>© Sumy Herald. Offices in Kyiv, Kharkiv, Odesa, Dnipro.</p>
<ul><li><a href="/about">About</a></li><li><a href="/contact">Contact</a></li></ul></footer>
</body></html>"""


def test_main_text_and_metadata() -> None:
    article = read_html(page(), name="yunakivka.html")
    assert article.title == "Russian troops shell Yunakivka"
    assert article.source == "Sumy Herald (Olena Kovalenko)"
    assert article.url == "https://herald.example/news/2025/06/03/yunakivka"
    assert article.published == "2025-06-03"
    assert article.published_at == "2025-06-03T08:15:00+03:00"
    assert "Russian forces shelled Yunakivka in Sumy oblast on Tuesday morning" in article.text
    assert "Residents of Myropillia reported explosions" in article.text
    for word in (*BOILERPLATE_PLACES, "cookies", "Related", "comments", "Share"):
        assert word not in article.text, word
    paragraphs = article.text.split("\n\n")
    assert any(p.startswith("Fighting continued near Kindrativka") for p in paragraphs)


def test_boilerplate_gives_no_mention_through_the_pipeline(tmp_path: Path) -> None:
    (tmp_path / "yunakivka.html").write_text(page(), encoding="utf-8")
    pipeline = Pipeline.open(db=":memory:", offline=True)
    summary = pipeline.ingest_paths([tmp_path])
    assert len(summary.ingested) == 1
    surfaces = {m.surface for m in pipeline.store.mentions()}
    assert {"Yunakivka", "Kindrativka", "Myropillia"} <= surfaces
    assert not surfaces & set(BOILERPLATE_PLACES)
    [article] = pipeline.store.articles()
    for m in pipeline.store.mentions():  # offsets point into the stored text
        assert article.text[m.start : m.end] == m.surface
    events = pipeline.store.events()
    assert events
    assert {"Yunakivka", "Kindrativka"} <= {e.place.name for e in events}
    assert not {e.place.name for e in events} & set(BOILERPLATE_PLACES)
    assert all(e.source_urls == (article.url,) for e in events)


def test_a_ukrainian_page_without_canonical_link_uses_the_fetch_url() -> None:
    body = (
        "<p>Російські війська обстріляли Юнаківку Сумської області вранці у вівторок, "
        "повідомила обласна військова адміністрація. Поранено двох цивільних.</p>"
        "<p>Бої тривають біля Кіндратівки, повідомив Генеральний штаб.</p>"
    )
    html = f"""<html><head><title>Обстріл Юнаківки</title></head><body>
    <nav><a href="/">Київ</a> <a href="/">Харків</a> <a href="/">Одеса</a></nav>
    <article><h1>Обстріл Юнаківки</h1><time datetime="2025-06-03T09:00:00+03:00">3 червня</time>
    {body}</article></body></html>"""
    article = read_html(html, name="uk.html", url="https://sumy.example/uk/1")
    assert article.url == "https://sumy.example/uk/1"
    assert article.language == "uk"
    assert article.published_at == "2025-06-03T09:00:00+03:00"
    assert "Харків" not in article.text


@pytest.mark.parametrize(
    "wall",
    [
        '<form action="/login"><input name="user"><input type="password" name="pw"></form>'
        "<p>Please sign in.</p>",
        "<div class='paywall'><p>Subscribe to continue reading this article about Sumy.</p>"
        "<a href='/login'>Log in</a></div>",
        "<div><p>Увійдіть, щоб читати далі.</p></div>",
    ],
)
def test_a_login_wall_is_reported_not_stored(wall: str, tmp_path: Path) -> None:
    html = page(f"<p>Russian forces shelled Yunakivka, officials said.</p>{wall}")
    with pytest.raises(IngestError, match=r"wall\.html: a login or subscription wall"):
        read_html(html, name="wall.html")
    (tmp_path / "wall.html").write_text(html, encoding="utf-8")
    (tmp_path / "good.html").write_text(page(), encoding="utf-8")
    pipeline = Pipeline.open(db=":memory:", offline=True)
    summary = pipeline.ingest_paths([tmp_path])
    assert summary.ingested == ("good.html",)
    assert [name for name, _ in summary.failed] == ["wall.html"]


def test_a_long_article_with_a_login_link_is_still_read() -> None:
    html = page(ARTICLE + "<p><a href='/login'>Sign in to comment</a></p>")
    assert "Yunakivka" in read_html(html, name="ok.html").text


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><nav><a href='/'>Kyiv</a> <a href='/'>Kharkiv</a></nav></body></html>",
        "<html><body><header><ul><li><a href='/'>Kyiv</a></li><li><a href='/o'>Odesa</a></li>"
        "</ul></header><div class='cookie-banner'>We use cookies.</div></body></html>",
        "<html><head><script>x = 1</script></head><body></body></html>",
    ],
)
def test_a_page_empty_after_extraction_is_reported(html: str) -> None:
    with pytest.raises(IngestError, match=r"menu\.html: no article text on the page"):
        read_html(html, name="menu.html")
    with pytest.raises(IngestError, match="only whitespace"):
        read_bytes(b"   ", name="blank.html")


def test_html_text_of_a_fragment_keeps_words_and_paragraphs() -> None:
    assert html_text("<p>A drone hit <i>Shostka</i>.</p><p>Two <b>wounded</b>.<br>More.</p>") == (
        "A drone hit Shostka.\n\nTwo wounded.\n\nMore."
    )
    assert html_text("Plain &amp; simple") == "Plain & simple"
    assert html_text("<script>alert(1)</script><p>Text</p>") == "Text"
