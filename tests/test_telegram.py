"""Tests for claimmap.inputs.telegram on Telegram Desktop exports the tests write: a few hundred
messages in English, Ukrainian and Russian with forwards, edits, media-only and service messages,
through the real offline pipeline."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from claimmap.errors import IngestError
from claimmap.inputs.reader import read_file, sniff
from claimmap.inputs.telegram import ExportReport, flatten, read_export
from claimmap.pipeline import Pipeline

KYIV = dt.timezone(dt.timedelta(hours=3))
START = dt.datetime(2025, 6, 1, 6, 0, tzinfo=KYIV)

EN = "Russian forces shelled Shostka overnight, the regional military administration said."
UK = "Російські війська обстріляли Юнаківку, повідомила обласна військова адміністрація."
RU = "Российские войска атаковали Кондратовку в Сумской области, сообщили в штабе."
TEXTS = (EN, UK, RU)


def when(n: int) -> dict[str, str]:
    stamp = START + dt.timedelta(minutes=37 * n)
    return {
        "date": stamp.replace(tzinfo=None).isoformat(),
        "date_unixtime": str(int(stamp.timestamp())),
    }


def message(n: int, text: Any, **extra: Any) -> dict[str, Any]:
    entities = text if isinstance(text, list) else [{"type": "plain", "text": text}]
    return {"id": n, "type": "message", **when(n), "from": "x", "from_id": "channel1",
            "text": text, "text_entities": entities, **extra}  # fmt: skip


def channel_messages(count: int, *, lang_offset: int = 0) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        base = TEXTS[(n + lang_offset) % 3]
        if n % 10 == 0:
            out.append({"id": n, "type": "service", **when(n), "action": "pin_message"})
        elif n % 10 == 5:
            out.append(message(n, "", photo="photos/p.jpg", width=800, height=600))
        elif n % 10 == 7:
            out.append(message(n, f"{base} Update {n}.", edited="2025-06-09T10:00:00",
                               edited_unixtime=str(int(dt.datetime(2025, 6, 9, 7, tzinfo=dt.UTC)
                                                       .timestamp()))))  # fmt: skip
        else:
            out.append(message(n, f"{base} Report {n}."))
    return out


def chat(name: str, cid: int, messages: list[dict[str, Any]], kind: str = "public_channel"):
    return {"name": name, "type": kind, "id": cid, "messages": messages}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """result.json with three channels, a personal chat and a left channel; 330 messages."""
    deepstate = chat("DeepState", 1001, channel_messages(150))
    original = message(
        9001, ["Повітряна тривога у ", {"type": "bold", "text": "Сумській області"}, ". ",
               {"type": "hashtag", "text": "#Суми"}, " ",
               {"type": "text_link", "text": "джерело", "href": "https://sumy.example/a"}],
    )  # fmt: skip
    ova = chat("Sumy OVA", 1002, [*channel_messages(120, lang_offset=1), original])
    forward = message(9100, original["text"], forwarded_from="Sumy OVA",
                      forwarded_from_id="channel1002")  # fmt: skip
    orphan = "Russian MoD claims capture of Kindrativka, Sumy oblast."
    blogger = chat("War blogger", 1003, [
        forward,
        message(9101, orphan, forwarded_from="Russian MoD", forwarded_from_id="channel1004"),
        *channel_messages(30, lang_offset=2),
    ])  # fmt: skip
    other = chat("Fwd copy", 1005, [
        message(9200, orphan, forwarded_from="Russian MoD", forwarded_from_id="channel1004",
                **when(9101)),  # the same day as the other forward
    ])  # fmt: skip
    personal = chat("Olena", 42, [message(1, "See you in Sumy tomorrow.")], "personal_chat")
    data = {
        "about": "Here is the data you requested.",
        "personal_information": {"first_name": "A", "phone_number": "+380"},
        "chats": {"about": "chats", "list": [deepstate, ova, personal, blogger]},
        "left_chats": {"about": "left", "list": [other]},
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_messages_become_dated_linked_articles(export: Path) -> None:
    report = ExportReport()
    messages = list(read_export(export, report=report))
    by_id = {(m.channel, m.message_id): m for m in messages}
    first = by_id[("DeepState", 1)].article
    assert first.source == "DeepState"
    assert first.url == "https://t.me/c/1001/1"
    assert first.published_at == "2025-06-01T06:37:00+03:00"
    assert first.published == "2025-06-01"
    assert first.text == f"{UK} Report 1."
    assert first.language == "uk"
    assert {m.article.language for m in messages} == {"en", "uk", "ru"}
    assert len({m.article.article_id for m in messages}) == len(messages)
    # 150 + 121 + 32 + 1 channel messages: every 10th is service, every 10th+5 media-only
    assert report.counts["service"] == 15 + 12 + 3
    assert report.counts["media_only"] == 15 + 12 + 3
    assert report.counts["articles"] == len(messages) == 304 - 60
    assert report.counts["not_channel_messages"] == 1
    assert any("'Olena' is a personal chat, not a channel" in n for n in report.notes)
    assert any("names no username" in n and "t.me/c/1001/" in n for n in report.notes)
    assert all("See you" not in m.article.text for m in messages)


def test_entities_are_flattened_with_offsets(export: Path) -> None:
    [post] = [m for m in read_export(export) if m.message_id == 9001]
    text = post.article.text
    assert text == "Повітряна тривога у Сумській області. #Суми джерело"
    spans = {e.kind: (text[e.start : e.end], e.href) for e in post.entities}
    assert spans == {
        "bold": ("Сумській області", ""),
        "hashtag": ("#Суми", ""),
        "text_link": ("джерело", "https://sumy.example/a"),
    }
    text, entities = flatten(["Hit ", {"type": "mention", "text": "@dsns_sumy"}, "\u200b!"])
    assert (text, entities[0].href) == ("Hit @dsns_sumy!", "https://t.me/dsns_sumy")


def test_edits_keep_the_post_time_and_count(export: Path) -> None:
    report = ExportReport()
    edited = [m for m in read_export(export, report=report) if m.edited_at]
    assert len(edited) == report.counts["edited"] == 15 + 12 + 3
    assert edited[0].edited_at == "2025-06-09T10:00:00+03:00"
    assert edited[0].article.published_at < edited[0].edited_at


def test_username_gives_public_links(export: Path) -> None:
    messages = list(read_export(export, usernames={"1001": "DeepStateUA"}))
    assert messages[0].article.url == "https://t.me/DeepStateUA/1"


def test_forwards_share_the_origin_through_the_pipeline(export: Path) -> None:
    pipeline = Pipeline.open(db=":memory:", offline=True)
    summary = pipeline.ingest_paths([export])
    assert not summary.failed
    assert len(summary.ingested) == 244
    assert any("Telegram export" in n and "30 service" in n for n in summary.notes)
    articles = {a.url: a for a in pipeline.store.articles()}
    original, forward = articles["https://t.me/c/1002/9001"], articles["https://t.me/c/1003/9100"]
    assert forward.origin_id == original.origin_id
    assert original.origin_id.startswith("telegram:1002:")
    assert forward.source == "War blogger"
    # the MoD post is not in the export: its two forwards share a stable key
    a, b = articles["https://t.me/c/1003/9101"], articles["https://t.me/c/1005/9200"]
    assert a.origin_id == b.origin_id
    assert a.origin_id.startswith("telegram:1004:")
    events = pipeline.store.events()
    assert events
    linked = [e for e in events if any("t.me/c/" in u for u in e.source_urls)]
    assert linked
    [kindrativka] = [
        e for e in events if e.place.name == "Kindrativka" and "https://t.me/c/1005/9200" in
        e.source_urls
    ]  # fmt: skip
    assert kindrativka.n_origins == 1 < kindrativka.n_articles


def test_a_forward_read_before_its_original_shares_its_origin(tmp_path: Path) -> None:
    text = "Russian troops shelled Myropillia with artillery, the hromada head said."
    first = tmp_path / "a_blogger.json"
    first.write_text(json.dumps(chat("Blogger", 3, [
        message(1, text, forwarded_from="Sumy OVA", forwarded_from_id="channel1002"),
        message(2, "Shelling of Khotin this morning.", forwarded_from="Old channel"),
    ])), encoding="utf-8")  # fmt: skip
    second = tmp_path / "b_ova.json"
    original = message(50, text, **when(1))  # posted the same day
    second.write_text(json.dumps(chat("Sumy OVA", 1002, [original])), encoding="utf-8")
    pipeline = Pipeline.open(db=":memory:", offline=True)
    pipeline.ingest_paths([first])
    pipeline.ingest_paths([second])
    origins = {a.url: a.origin_id for a in pipeline.store.articles()}
    assert origins["https://t.me/c/3/1"] == origins["https://t.me/c/1002/50"]
    assert origins["https://t.me/c/3/2"].startswith("telegram:name:Old channel:")
    [event] = [e for e in pipeline.store.events() if e.place.name == "Myropillia"]
    assert (event.n_articles, event.n_origins) == (2, 1)


def test_reimporting_a_grown_export_adds_only_new_messages(tmp_path: Path) -> None:
    path = tmp_path / "channel.json"
    path.write_text(json.dumps(chat("Sumy OVA", 1002, channel_messages(40))), encoding="utf-8")
    pipeline = Pipeline.open(db=tmp_path / "db.sqlite", offline=True)
    first = pipeline.ingest_paths([path])
    assert len(first.ingested) == 32
    path.write_text(json.dumps(chat("Sumy OVA", 1002, channel_messages(50))), encoding="utf-8")
    again = pipeline.ingest_paths([path])
    assert (len(again.ingested), len(again.duplicates)) == (8, 32)
    assert len(pipeline.store.articles()) == 40


def test_an_edited_post_shares_the_origin_of_its_earlier_version(tmp_path: Path) -> None:
    path = tmp_path / "channel.json"
    before = message(3, "Shelling of Shostka: two wounded.")
    path.write_text(json.dumps(chat("DSNS", 7, [before])), encoding="utf-8")
    pipeline = Pipeline.open(db=":memory:", offline=True)
    pipeline.ingest_paths([path])
    after = message(3, "Update: the toll has risen to five people in hospital, doctors say.",
                    edited="2025-06-01T09:00:00")  # fmt: skip
    path.write_text(json.dumps(chat("DSNS", 7, [after])), encoding="utf-8")
    assert len(pipeline.ingest_paths([path]).ingested) == 1
    old, new = pipeline.store.articles()
    assert new.url == old.url
    assert new.origin_id == old.origin_id


def test_a_truncated_export_keeps_the_messages_before_the_break(export: Path) -> None:
    data = export.read_bytes()
    cut = data.index(b'"id": 60,')
    export.write_bytes(data[:cut])
    report = ExportReport()
    kept = []
    with pytest.raises(IngestError, match=r"result\.json: the JSON breaks after message 59 of "
                       r"'DeepState' \(kept what came before\): parse error"):  # fmt: skip
        kept.extend(read_export(export, report=report))
    assert [m.message_id for m in kept][-1] == 59
    assert len(kept) == 59 - 5 - 6


def test_malformed_json_is_named_and_the_batch_goes_on(tmp_path: Path, export: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "X", "type": "public_channel", "id": 5, "messages": '
                      '[{"id": 1, "type": "message", "text": "Sumy."} {"id": 2}]}')  # fmt: skip
    good = tmp_path / "note.txt"
    good.write_text("Shelling of Shostka\n\nTwo were wounded in Shostka.", encoding="utf-8")
    pipeline = Pipeline.open(db=":memory:", offline=True)
    summary = pipeline.ingest_paths([broken, good])
    assert summary.ingested == ("https://t.me/c/5/1", "note.txt")
    [(name, why)] = summary.failed
    assert name == "broken.json"
    assert "breaks after message 1 of 'X'" in why
    assert "\n" not in why


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[1, 2, 3]", "not a Telegram Desktop export"),
        ('{"name": "Olena", "type": "personal_chat", "id": 4, "messages": []}', None),
        ("", "is empty|not a Telegram"),
    ],
)
def test_other_shapes_are_reported(tmp_path: Path, content: str, expected: str | None) -> None:
    path = tmp_path / "other.json"
    path.write_text(content, encoding="utf-8")
    items = list(read_file(path))
    errors = [str(got) for _, got in items if isinstance(got, IngestError)]
    notes = [str(got) for _, got in items if isinstance(got, str)]
    if expected is None:
        assert not errors
        assert any("is a personal chat, not a channel" in n for n in notes)
    else:
        assert len(errors) == 1
        assert re.search(expected, errors[0])


def test_sniffing_finds_an_export_without_its_suffix(export: Path) -> None:
    assert sniff(export.read_bytes()[:4096], "download") == "telegram"
    pipeline = Pipeline.open(db=":memory:", offline=True)
    summary = pipeline.ingest_uploads([("export", export.read_bytes())])
    assert len(summary.ingested) == 244
