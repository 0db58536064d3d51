"""Read Telegram Desktop "Export chat history" JSON (one channel, or ``result.json`` with many).

    >>> import json, tempfile, pathlib
    >>> export = {"name": "DSNS Sumy", "type": "public_channel", "id": 1234, "messages": [
    ...     {"id": 7, "type": "message", "date": "2025-06-03T08:15:00",
    ...      "date_unixtime": "1748927700", "text": ["Shelling of ", {"type": "bold",
    ...      "text": "Shostka"}, "."]}]}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "result.json"
    >>> _ = path.write_text(json.dumps(export))
    >>> report = ExportReport()
    >>> [m] = read_export(path, report=report)
    >>> m.article.text, m.article.url, m.article.published_at
    ('Shelling of Shostka.', 'https://t.me/c/1234/7', '2025-06-03T08:15:00+03:00')
    >>> m.entities, report.counts["articles"]
    ((Entity(kind='bold', start=12, end=19, href=''),), 1)

The file is streamed with ijson (its C back end, yajl2_c, when installed): one message is in
memory at a time, so an export of 100,000 messages and hundreds of MB reads in constant memory
(``benchmarks/bench_telegram.py``).

Every message with text (a caption counts) becomes an ``Article``: the flattened text (entity
parts joined as written; their spans are kept as ``Entity`` offsets into it), the channel's name
as source, the exact timestamp (``date_unixtime``, given the exporting machine's UTC offset,
which is the difference between ``date`` and ``date_unixtime``) as ``published_at`` and its
date as ``published``, and the post's link: ``https://t.me/<username>/<id>`` when the export
(or the caller, ``usernames=``) names the channel's username, else ``https://t.me/c/<id>/<id>``
(Telegram Desktop exports carry no username; the report says so once per channel).

``article_id`` hashes the link with the text: re-reading an export gives the same ids (so a
grown export adds only its new messages), two posts of one text on two days stay two articles,
and an edited post (``edited``: the export holds the text after the edit) is a new version. The
pipeline gives a new version the origin of the stored one with the same link.

A forward (``forwarded_from``) is the same report as its original, not a second source. Every
post's ``origin_id`` is ``telegram:<channel id>:<content hash of the text>``, and a forward's
names the channel it came from (``forwarded_from_id``; in older exports that lack it, the id of
the chat of that name in the same export, else the name): the original and all its forwards
share one origin whichever is read first and whether or not the original is in the store, and
no similarity search over the store is needed, which at 100,000 messages would be quadratic.

Service messages (joins, pins, calls) and media-only messages are skipped and counted in the
``ExportReport``; so are chats that are not channels (a personal chat, a group), named there.
A file that breaks (truncated or malformed JSON) keeps every message read before the break and
then raises ``IngestError`` naming where it broke; a JSON file that is not an export raises.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from claimmap.errors import IngestError
from claimmap.inputs.text import _INVISIBLE, article_id, detect_language
from claimmap.records import Article

__all__ = ["CHANNEL_TYPES", "Entity", "ExportReport", "TelegramMessage", "read_export"]

#: Chat types of a Telegram Desktop export that are channels; other chats are reported, skipped.
CHANNEL_TYPES = frozenset({"public_channel", "private_channel", "channel"})
#: Keys that mean a message carries media (a photo, a file, a poll, ...).
MEDIA_KEYS = ("photo", "file", "media_type", "sticker_emoji", "poll", "location_information",
              "contact_information", "place_name", "game_title", "invoice_information")  # fmt: skip
#: Where chats sit in the two shapes of export: one chat at the top, or lists of chats.
_CHAT_PREFIXES = frozenset({"", "chats.list.item", "left_chats.list.item"})
_MESSAGE_LISTS = frozenset((chat, "messages") for chat in _CHAT_PREFIXES)
_TITLE_CHARS = 160
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


@dataclass(frozen=True, slots=True)
class Entity:
    """A formatted span of a message (bold, a link, a hashtag ...): offsets into the text."""

    kind: str  #: Telegram's entity type: bold, italic, text_link, link, hashtag, mention, ...
    start: int
    end: int
    href: str = ""  #: the target of a text_link or link; t.me/<name> for a mention


@dataclass(frozen=True, slots=True)
class TelegramMessage:
    """One channel post as an article, with what the export says about it beyond the text."""

    article: Article
    channel: str
    channel_id: str
    message_id: int
    entities: tuple[Entity, ...] = ()
    forwarded_from: str = ""  #: the channel (or person) it was forwarded from
    edited_at: str = ""  #: ISO timestamp of the last edit, "" if never edited


@dataclass(slots=True)
class ExportReport:
    """What reading an export skipped and noticed; filled in while the messages stream."""

    counts: Counter[str] = field(default_factory=Counter)  #: read, service, media_only, ...
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"{n:,} {what.replace('_', '-')}" for what, n in sorted(self.counts.items())]
        return ", ".join(parts) if parts else "nothing read"


@dataclass(slots=True)
class _Chat:
    name: str = ""
    type: str = ""
    id: str = ""
    username: str = ""
    messages: int = 0
    noted: bool = False


def read_export(
    source: str | Path | BinaryIO,
    *,
    report: ExportReport | None = None,
    usernames: Mapping[str, str] | None = None,
    name: str = "",
) -> Iterator[TelegramMessage]:
    """Stream the text messages of every channel in a Telegram Desktop JSON export.

    ``source`` is a path or a binary file (an upload). ``usernames`` maps a channel id
    (``"1234"``) or name to its public username, for links of the form t.me/<username>/<id>.
    Counts and notes go to ``report``; ``name`` (default: the path) appears in every message."""
    report = report if report is not None else ExportReport()
    if not isinstance(source, str | Path):
        yield from _stream(source, name or "upload", report, dict(usernames or {}))
        return
    path = Path(source)
    try:
        handle = path.open("rb")
    except FileNotFoundError as err:
        raise IngestError(f"{path}: no such file") from err
    except OSError as err:
        raise IngestError(f"{path}: cannot be read ({err.strerror or err})") from err
    with handle:
        yield from _stream(handle, name or str(path), report, dict(usernames or {}))


def _stream(
    handle: Any, name: str, report: ExportReport, usernames: dict[str, str]
) -> Iterator[TelegramMessage]:
    chats: dict[str, _Chat] = {}
    names: dict[str, str] = {}  # chat name -> id, for forwards that name their channel only
    stack: list[Any] = []  # the message being built, then the containers open inside it
    key = ""
    chat = _Chat()
    last = ""  # where the last good message was, for naming a break
    seen_messages = False
    try:
        for prefix, event, value in ijson.parse(handle, use_float=True):
            if stack:  # inside one message: build it (as ObjectBuilder would, but inline)
                if event == "map_key":
                    key = value
                    continue
                top = stack[-1]
                if event == "start_map" or event == "start_array":
                    new: Any = {} if event == "start_map" else []
                    if type(top) is dict:
                        top[key] = new
                    else:
                        top.append(new)
                    stack.append(new)
                elif event == "end_map" or event == "end_array":
                    stack.pop()
                    if not stack:
                        chat.messages += 1
                        names.setdefault(chat.name, chat.id)
                        found = _message(top, chat, name, report, usernames, names)
                        if found is not None:
                            last = f"message {found.message_id} of {chat.name or chat.id!r}"
                            yield found
                elif type(top) is dict:
                    top[key] = value
                else:
                    top.append(value)
                continue
            if event == "start_map" and prefix in _CHAT_PREFIXES:
                chat = chats[prefix] = _Chat()
            elif event == "end_map" and prefix in _CHAT_PREFIXES:
                _end_chat(chats.pop(prefix, chat), name, report)
            elif event == "start_array" and prefix.rpartition(".")[::2] in _MESSAGE_LISTS:
                seen_messages = True
            elif prefix.endswith("messages.item") and event == "start_map":
                if prefix.removesuffix("messages.item").removesuffix(".") in _CHAT_PREFIXES:
                    stack = [{}]
            elif event in ("string", "number"):
                head, _, key = prefix.rpartition(".")
                if head in chats:
                    _chat_key(chats[head], key, value)
    except ijson.JSONError as err:
        where = f"after {last}" if last else "before any message"
        raise IngestError(f"{name}: the JSON breaks {where} (kept what came before): "
                          f"{_first_line(err)}") from err  # fmt: skip
    except UnicodeDecodeError as err:
        raise IngestError(f"{name}: not UTF-8 JSON ({err.reason})") from err
    if not seen_messages:
        raise IngestError(f'{name}: not a Telegram Desktop export (no chat with a "messages" list)')


def _chat_key(chat: _Chat, key: str, value: object) -> None:
    if key == "name":
        chat.name = str(value)
    elif key == "type":
        chat.type = str(value)
    elif key == "id":
        chat.id = str(value).removeprefix("channel")
    elif key == "username" and _USERNAME.match(str(value).lstrip("@")):
        chat.username = str(value).lstrip("@")


def _end_chat(chat: _Chat, name: str, report: ExportReport) -> None:
    if chat.type and chat.type not in CHANNEL_TYPES and (chat.messages or chat.name):
        report.counts["not_channel_messages"] += chat.messages
        report.notes.append(
            f"{name}: {chat.name or chat.id!r} is a {chat.type.replace('_', ' ')}, not a channel: "
            f"its {chat.messages:,} messages were skipped"
        )


def _message(
    message: dict[str, Any],
    chat: _Chat,
    name: str,
    report: ExportReport,
    usernames: dict[str, str],
    names: dict[str, str],
) -> TelegramMessage | None:
    if chat.type and chat.type not in CHANNEL_TYPES:
        return None
    report.counts["read"] += 1
    if message.get("type", "message") != "message":
        report.counts["service"] += 1
        return None
    parts = message.get("text_entities")
    if not isinstance(parts, list) or (not parts and message.get("text")):
        parts = message.get("text", "")
    text, entities = flatten(parts)
    if not text.strip():
        kind = "media_only" if any(k in message for k in MEDIA_KEYS) else "empty"
        report.counts[kind] += 1
        return None
    msg_id = message.get("id")
    if not isinstance(msg_id, int):
        report.counts["without_id"] += 1
        return None
    username = chat.username or usernames.get(chat.id, "") or usernames.get(chat.name, "")
    if username:
        url = f"https://t.me/{username}/{msg_id}"
    else:
        url = f"https://t.me/c/{chat.id or 0}/{msg_id}"
        if not chat.noted:
            chat.noted = True
            report.notes.append(
                f"{name}: channel {chat.name!r} (id {chat.id}): the export names no username, "
                f"so links use the t.me/c/{chat.id}/<message> form (members only)"
            )
    published_at = _timestamp(message.get("date"), message.get("date_unixtime"))
    edited_at = _timestamp(message.get("edited"), message.get("edited_unixtime"))
    if edited_at:
        report.counts["edited"] += 1
    forwarded = str(message.get("forwarded_from") or "")
    key = chat.id or chat.name
    if forwarded or message.get("forwarded_from_id"):
        report.counts["forwards"] += 1
        key = str(message.get("forwarded_from_id") or "").removeprefix("channel")
        key = key or names.get(forwarded, "") or f"name:{forwarded}"
    origin = f"telegram:{key}:{article_id(text)}"
    report.counts["articles"] += 1
    first_line = next(line for line in text.splitlines() if line.strip())
    article = Article(
        article_id=article_id(f"{url}\n{text}"),
        title=" ".join(first_line.split())[:_TITLE_CHARS],
        text=text,
        source=chat.name,
        published=published_at[:10],
        language=detect_language(text),
        path=name,
        origin_id=origin,
        url=url,
        published_at=published_at,
    )
    return TelegramMessage(article, chat.name, chat.id, msg_id, entities, forwarded, edited_at)


def flatten(parts: object) -> tuple[str, tuple[Entity, ...]]:
    """A message's ``text`` (a string, or a list of strings and entity objects) as plain text
    and the entities' spans in it. Zero-width and bidi controls are dropped before offsets are
    counted, as for every article."""
    if isinstance(parts, str):
        return _INVISIBLE.sub("", parts), ()
    if not isinstance(parts, list):
        return "", ()
    pieces: list[str] = []
    entities: list[Entity] = []
    pos = 0
    for part in parts:
        if isinstance(part, dict):
            piece = _INVISIBLE.sub("", str(part.get("text", "")))
            kind = str(part.get("type", "plain"))
            href = str(part.get("href", ""))
            if kind == "link":
                href = piece
            elif kind == "mention" and piece.startswith("@"):
                href = f"https://t.me/{piece[1:]}"
            if kind != "plain" and piece:
                entities.append(Entity(kind, pos, pos + len(piece), href))
        else:
            piece = _INVISIBLE.sub("", str(part))
        pieces.append(piece)
        pos += len(piece)
    return "".join(pieces), tuple(entities)


def _timestamp(local: object, unixtime: object) -> str:
    """ISO 8601 with the exporting machine's offset, from the naive local ``date`` and the
    exact ``date_unixtime``; the naive local time alone when the export lacks the latter."""
    try:
        naive = dt.datetime.fromisoformat(str(local)) if local else None
    except ValueError:
        naive = None
    try:
        utc = dt.datetime.fromtimestamp(int(str(unixtime)), dt.UTC) if unixtime else None
    except (ValueError, OverflowError, OSError):
        utc = None
    if utc is None:
        return naive.isoformat() if naive is not None else ""
    if naive is None:
        return utc.isoformat()
    minutes = round((naive - utc.replace(tzinfo=None)).total_seconds() / 900) * 15
    if abs(minutes) > 14 * 60:  # not a UTC offset: the two fields disagree; trust the exact one
        return utc.isoformat()
    return utc.astimezone(dt.timezone(dt.timedelta(minutes=minutes))).isoformat()


def _first_line(err: Exception) -> str:
    lines = (line.strip() for line in str(err).splitlines() if line.strip())
    return next(lines, type(err).__name__)
