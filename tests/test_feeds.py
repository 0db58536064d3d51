"""Tests for claimmap.inputs.feeds on RSS and Atom files the tests write: items become dated,
linked articles through the real offline pipeline; bombs, external entities, non-UTF-8 feeds
and documents that are not feeds are handled one by one."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from claimmap.errors import IngestError
from claimmap.inputs.feeds import read_feed
from claimmap.inputs.reader import read_data, sniff
from claimmap.pipeline import Pipeline

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Sumy Herald</title><link>https://herald.example/</link>
<item>
  <title>Russian troops shell Yunakivka</title>
  <link>https://herald.example/news/yunakivka</link>
  <pubDate>Tue, 03 Jun 2025 08:15:00 +0300</pubDate>
  <description>Short teaser about Yunakivka.</description>
  <content:encoded><![CDATA[<p>Russian forces shelled <b>Yunakivka</b> on Tuesday morning,
  the regional military administration said.</p><p>Two civilians were wounded.</p>
  <script>alert("x")</script>]]></content:encoded>
</item>
<item>
  <title>Drone attack on Shostka</title>
  <link>https://herald.example/news/shostka</link>
  <pubDate>Wed, 04 Jun 2025 21:40:00 GMT</pubDate>
  <description>&lt;p&gt;A drone hit a warehouse in &lt;i&gt;Shostka&lt;/i&gt;.&lt;/p&gt;
  </description>
</item>
<item><title></title><link>https://herald.example/news/empty</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Kursk Border Watch</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2025-06-05T10:00:00+03:00</updated>
  <entry>
    <title>Fighting near Kindrativka</title>
    <link href="https://watch.example/kindrativka" rel="alternate"/>
    <id>urn:uuid:1</id>
    <published>2025-06-05T09:30:00+03:00</published>
    <updated>2025-06-05T11:00:00+03:00</updated>
    <summary>Short: fighting.</summary>
    <content type="html">&lt;p&gt;Russian forces attacked Kindrativka in Sumy oblast,
    the General Staff said.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Об'єднання громад</title>
    <link href="https://watch.example/uk"/>
    <id>urn:uuid:2</id>
    <updated>2025-06-06T07:00:00Z</updated>
    <summary>Російські війська обстріляли Миропілля.</summary>
  </entry>
</feed>
"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<rss version="2.0"><channel><title>Bomb</title>
<item><title>&g;</title><description>Shostka &g;</description></item></channel></rss>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>X</title>
<item><title>Leak</title><description>&secret;</description></item></channel></rss>"""


def test_rss_items_become_dated_linked_articles() -> None:
    items = read_feed(RSS.encode(), name="herald.xml")
    assert [name for name, _ in items] == [
        "https://herald.example/news/yunakivka",
        "https://herald.example/news/shostka",
        "https://herald.example/news/empty",
    ]
    first, second = items[0][1], items[1][1]
    assert not isinstance(first, IngestError)
    assert not isinstance(second, IngestError)
    assert first.title == "Russian troops shell Yunakivka"
    assert first.source == "Sumy Herald"
    assert first.url == "https://herald.example/news/yunakivka"
    assert first.published_at == "2025-06-03T08:15:00+03:00"
    assert first.published == "2025-06-03"
    # content:encoded is fuller than the description, and its HTML and script are gone
    assert first.text == (
        "Russian troops shell Yunakivka\n\nRussian forces shelled Yunakivka on Tuesday morning, "
        "the regional military administration said.\n\nTwo civilians were wounded."
    )
    assert "teaser" not in first.text
    assert second.text == "Drone attack on Shostka\n\nA drone hit a warehouse in Shostka."
    assert second.published_at == "2025-06-04T21:40:00+00:00"
    assert isinstance(items[2][1], IngestError)
    assert "has no text" in str(items[2][1])


def test_atom_entries_take_content_over_summary_and_published_over_updated() -> None:
    items = read_feed(ATOM.encode(), name="watch.atom")
    first, second = (a for _, a in items)
    assert not isinstance(first, IngestError)
    assert not isinstance(second, IngestError)
    assert first.source == "Kursk Border Watch"
    assert first.url == "https://watch.example/kindrativka"
    assert first.published_at == "2025-06-05T09:30:00+03:00"
    assert "General Staff" in first.text
    assert "Short: fighting" not in first.text
    assert second.published_at == "2025-06-06T07:00:00+00:00"
    assert second.language == "uk"


def test_feeds_go_through_the_pipeline_with_links(tmp_path: Path) -> None:
    (tmp_path / "herald.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "watch.atom").write_text(ATOM, encoding="utf-8")
    pipeline = Pipeline.open(db=":memory:", offline=True)
    summary = pipeline.ingest_paths([tmp_path])
    assert len(summary.ingested) == 4
    assert summary.failed == (
        ("https://herald.example/news/empty", "herald.rss: item https://herald.example/news/empty "
         "has no text"),
    )  # fmt: skip
    events = pipeline.store.events()
    places = {e.place.name: e for e in events}
    assert places["Yunakivka"].source_urls == ("https://herald.example/news/yunakivka",)
    assert places["Yunakivka"].first_reported == "2025-06-03"
    assert "https://watch.example/kindrativka" in places["Kindrativka"].source_urls
    again = pipeline.ingest_paths([tmp_path])
    assert (len(again.ingested), len(again.duplicates)) == (0, 4)


@pytest.mark.parametrize("bomb", [BOMB, EXTERNAL], ids=["billion_laughs", "external_entity"])
def test_entity_expansion_is_refused(bomb: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises(IngestError, match=r"bomb\.xml: the feed declares XML entities"):
        read_feed(bomb, name="bomb.xml")
    assert time.perf_counter() - started < 5  # refused before anything is expanded


def test_a_bomb_loses_nothing_else_in_the_batch(tmp_path: Path) -> None:
    (tmp_path / "a_bomb.xml").write_bytes(BOMB)
    (tmp_path / "b_herald.xml").write_text(RSS, encoding="utf-8")
    pipeline = Pipeline.open(db=":memory:", offline=True)
    summary = pipeline.ingest_paths([tmp_path])
    assert len(summary.ingested) == 2
    assert summary.failed[0][0] == "a_bomb.xml"
    assert "root:" not in " ".join(a.text for a in pipeline.store.articles())


@pytest.mark.parametrize("encoding", ["windows-1251", "koi8-u"])
def test_non_utf8_feeds_are_decoded_by_their_declaration(encoding: str) -> None:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        "<title>Сумські новини</title><item><title>Обстріл Шостки</title>"
        "<link>https://sumy.example/1</link><pubDate>Tue, 03 Jun 2025 08:15:00 +0300</pubDate>"
        "<description>Російські війська обстріляли Шостку вночі.</description></item>"
        "</channel></rss>"
    )
    [(_, article)] = read_feed(text.encode(encoding), name="cyr.xml")
    assert not isinstance(article, IngestError)
    assert article.source == "Сумські новини"
    assert article.text == "Обстріл Шостки\n\nРосійські війська обстріляли Шостку вночі."


def test_an_undeclared_cp1251_feed_is_not_read_as_windows_1252() -> None:
    text = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Сумські новини</title><item>'
        "<title>Обстріл Шостки</title><description>Російські війська обстріляли Шостку вночі, "
        "повідомила обласна військова адміністрація.</description></item></channel></rss>"
    )
    [(_, article)] = read_feed(text.encode("cp1251"), name="undeclared.xml")
    assert not isinstance(article, IngestError)
    assert article.source == "Сумські новини"
    assert article.title == "Обстріл Шостки"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body><p>Not a feed</p></body></html>", "not an RSS or Atom feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>',
         "has no items"),
        (b"   ", "the file is empty"),
    ],
)  # fmt: skip
def test_documents_that_are_not_feeds_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        read_feed(data, name="x.xml")


def test_feeds_are_sniffed_whatever_their_name() -> None:
    assert sniff(RSS.encode(), "download") == "feed"
    assert sniff(ATOM.encode(), "news.txt") == "feed"
    names = [name for name, _ in read_data(ATOM.encode(), name="download")]
    assert names == ["https://watch.example/kindrativka", "https://watch.example/uk"]
