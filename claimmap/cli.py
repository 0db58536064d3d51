"""The ``claimmap`` command: each subcommand is a library call plus error translation.

    $ claimmap mentions seeds/*.txt --offline            # one CSV row per place mention
    $ claimmap resolve Kondratovka --context "Sumy direction"
    $ claimmap ingest articles/ --db claims.db           # store, with a progress bar
    $ claimmap fetch https://example.org/feed.xml        # pages and feeds by URL (online)
    $ claimmap events seeds/*.txt --offline --format csv # files given: temporary database
    $ claimmap events --db claims.db --format geojson -o events.geojson
    $ claimmap articles --db claims.db
    $ claimmap override MENTION_ID PLACE_ID --db claims.db
    $ claimmap dismiss event EVENT_ID --reason "dateline, not an assault" --db claims.db
    $ claimmap restore event EVENT_ID --db claims.db
    $ claimmap correct-claim CLAIM_ID --actor "Ukrainian forces" --db claims.db
    $ claimmap audit --db claims.db
    $ claimmap build-gazetteer                           # regenerate gazetteer/ from ../shared

Errors print one line on stderr and exit 1; nothing else in the package prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TextIO

from claimmap.errors import ClaimMapError
from claimmap.inputs.files import shown

__all__ = ["main"]

_DB_HELP = (
    "database: a SQLite file, sqlite:///PATH or postgresql://USER@HOST/DB (default: "
    "CLAIMMAP_DB, else claimmap.db in the user data directory)"
)
_PUBLISHED_HELP = (
    "publication date (YYYY-MM-DD) for files that carry none; claims are dated from it"
)


def _out(args: argparse.Namespace) -> AbstractContextManager[TextIO]:
    """The output file (-o), or stdout, which must stay open after the command."""
    if getattr(args, "output", None):
        return open(args.output, "w", encoding="utf-8", newline="")
    return nullcontext(sys.stdout)


def _pipeline(args: argparse.Namespace, *, db: str | None = None):  # type: ignore[no-untyped-def]
    from claimmap.pipeline import Pipeline

    offline = getattr(args, "offline", False) or None
    return Pipeline.open(db=db if db is not None else args.db, offline=offline)


def _progress_bar() -> Callable[[int, int, str], None]:
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    def progress(done: int, total: int, name: str) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, unit="input", file=sys.stderr, leave=True)
        bar["bar"].n = done
        bar["bar"].set_postfix_str(shown(name[-30:]), refresh=True)
        if done >= total:
            bar["bar"].close()

    return progress


def cmd_resolve(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args, db=":memory:")
    candidates = pipeline.resolver.candidates_for(args.name, context=args.context or "")
    if not candidates:
        print(shown(f"no candidates for {args.name!r}"), file=sys.stderr)
        return 1
    for rank, c in enumerate(candidates, 1):
        p = c.place
        where = ", ".join(x for x in (p.admin3, p.admin2, p.admin1, p.country_code) if x)
        print(
            shown(
                f"{rank}. {p.name} ({p.name_uk or '-'}) [{p.kind}, {where}] id={p.place_id} "
                f"tier={p.tier} lat={p.lat} lon={p.lon} score={c.score:.3f} match={c.match}"
            )
        )
    return 0


def cmd_mentions(args: argparse.Namespace) -> int:
    """Rows per file: files with the same text are one article (same mention ids), and each
    file's rows carry its own name. A bad path is reported and the others are still written."""
    from claimmap.inputs.files import collect_paths
    from claimmap.inputs.reader import Note, read_files
    from claimmap.views.export import mentions_csv, mentions_jsonl

    pipeline = _pipeline(args, db=":memory:")
    files, problems = collect_paths(Path(p) for p in args.files)
    for _name, why in problems:
        print(f"claimmap: {shown(why)}", file=sys.stderr)
    failed = len(problems)
    write = mentions_jsonl if args.format == "jsonl" else mentions_csv
    header = write([], articles={})
    analysed: dict[str, list] = {}  # article id -> resolutions (identical files: analysed once)
    with _out(args) as out:
        out.write(header)
        for _, article in read_files(files):  # articles, pages, feeds, Telegram exports
            if isinstance(article, Note):
                continue
            if isinstance(article, ClaimMapError):
                print(f"claimmap: {shown(str(article))}", file=sys.stderr)
                failed += 1
                continue
            if article.article_id not in analysed:
                analysed[article.article_id] = pipeline.analyse(article).resolutions
            rows = write(analysed[article.article_id], articles={article.article_id: article})
            out.write(rows[len(header) :])
    return 1 if failed else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args)
    summary = pipeline.ingest_paths(
        args.paths,
        progress=None if args.quiet else _progress_bar(),
        published=args.published or "",
    )
    print(summary.describe(), file=sys.stderr)
    return 1 if summary.failed and not summary.ingested else 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from claimmap.inputs.fetch import env_offline

    if args.offline or env_offline():  # at once: before the gazetteer loads
        raise ClaimMapError("offline (--offline or CLAIMMAP_OFFLINE=1): no URL is fetched")
    summary = _pipeline(args).ingest_urls(
        args.urls, progress=None if args.quiet else _progress_bar()
    )
    print(summary.describe(), file=sys.stderr)
    return 1 if summary.failed and not summary.ingested else 0


def cmd_events(args: argparse.Namespace) -> int:
    from claimmap.views.export import events_csv, events_geojson

    if args.files:  # files given directly: a temporary database
        pipeline = _pipeline(args, db=":memory:")
        summary = pipeline.ingest_paths(args.files, published=args.published or "")
        if summary.failed:
            print(summary.describe(), file=sys.stderr)
        if summary.failed and not (summary.ingested or summary.duplicates):
            return 1  # every file failed: no events to export
    else:
        pipeline = _pipeline(args)
    events = pipeline.store.events()
    with _out(args) as out:
        if args.format == "geojson":
            json.dump(events_geojson(events), out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            out.write(events_csv(events))
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    for a in _pipeline(args).store.articles():
        fields = (a.article_id, a.published or "-", a.source or "-", a.title)
        print("\t".join(shown(f) for f in fields))
    return 0


def cmd_override(args: argparse.Namespace) -> int:
    _pipeline(args).override(args.mention_id, args.place_id)
    print(shown(f"{args.mention_id} -> {args.place_id}; events rebuilt"), file=sys.stderr)
    return 0


def cmd_dismiss(args: argparse.Namespace) -> int:
    label = _pipeline(args).dismiss(args.kind, args.target, reason=args.reason or "")
    print(f"dismissed {args.kind} {args.target} ({label}); events rebuilt", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    entries = _pipeline(args).restore(args.kind, args.target)
    for entry in entries:
        print(f"restored {entry.kind} {entry.target}: {entry.old_value}", file=sys.stderr)
    return 0


def cmd_correct_claim(args: argparse.Namespace) -> int:
    entry = _pipeline(args).correct_claim(
        args.claim_id, event_type=args.event_type, actor=args.actor, status=args.status
    )
    print(
        f"{entry.target}: {entry.old_value} -> {entry.new_value}; events rebuilt", file=sys.stderr
    )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    for e in _pipeline(args).store.audit(limit=args.limit):
        print(f"{e.at}\t{e.who}\t{e.action}\t{e.kind}\t{e.target}\t{e.old_value}\t"
              f"{e.new_value}\t{e.label}")  # fmt: skip
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from claimmap.store.transfer import copy_store

    counts = copy_store(args.source, args.target)
    print(", ".join(f"{table} {n}" for table, n in counts.items()) + "; counts verified",
          file=sys.stderr)  # fmt: skip
    return 0


def cmd_build_gazetteer(args: argparse.Namespace) -> int:
    from claimmap.places.gazetteer_build import build, default_dirs

    source, out = default_dirs()
    counts = build(
        Path(args.source) if args.source else source, Path(args.out) if args.out else out
    )
    for name, count in counts.items():
        print(f"{name}\t{count}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimmap", description="Map what war-news articles claim happened where."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str,
        func: Callable[[argparse.Namespace], int],
        help_: str,
        *,
        db: bool = True,
        offline: bool = True,
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        if db:
            p.add_argument("--db", help=_DB_HELP)
        if offline:
            p.add_argument(
                "--offline",
                action="store_true",
                help="never ask the online geocoder (also CLAIMMAP_OFFLINE=1)",
            )
        return p

    p = add("resolve", cmd_resolve, "Print the ranked candidate places for a name.", db=False)
    p.add_argument("name")
    p.add_argument("--context", help="text around the name (other places, raion, 'border')")

    p = add("mentions", cmd_mentions, "Write one row per place mention in the files.", db=False)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    p.add_argument("-o", "--output", help="write to this file instead of stdout")

    p = add(
        "ingest",
        cmd_ingest,
        "Store articles (text, Markdown, HTML, RSS/Atom feeds, Telegram JSON exports; files or "
        "directories) in the database.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--published", metavar="DATE", help=_PUBLISHED_HELP)

    p = add("fetch", cmd_fetch, "Fetch web pages or feeds by URL and store their articles.")
    p.add_argument(
        "urls", nargs="+", metavar="URL", help="http(s) URL of a page or an RSS/Atom feed"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    p = add("events", cmd_events, "Export events (from the database, or from FILEs directly).")
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument("--format", choices=("csv", "geojson"), default="csv")
    p.add_argument("--published", metavar="DATE", help=_PUBLISHED_HELP)
    p.add_argument("-o", "--output", help="write to this file instead of stdout")

    add("articles", cmd_articles, "List the stored articles.", offline=False)

    p = add("override", cmd_override, "Correct the place of one mention (persists).")
    p.add_argument("mention_id", help="ARTICLE_ID:START:END, as in 'claimmap mentions'")
    p.add_argument("place_id", help="KATOTTG code, geonames:ID, country:XX or sector:NAME")

    from claimmap.records import ACTORS, CURATION_KINDS, STATUSES

    p = add("dismiss", cmd_dismiss, "Dismiss a mention, claim, event or article (reversible).")
    p.add_argument("kind", choices=CURATION_KINDS)
    p.add_argument("target", help="mention ARTICLE:START:END, claim ARTICLE:SENT:START:END, "
                   "event id or article id")  # fmt: skip
    p.add_argument("--reason", help="why: not a place, not an event, duplicate, off topic...")

    p = add("restore", cmd_restore, "Undo the dismissal and corrections of one target.")
    p.add_argument("kind", choices=CURATION_KINDS)
    p.add_argument("target")

    p = add("correct-claim", cmd_correct_claim, "Correct a claim's event type, actor or status.")
    p.add_argument("claim_id", help="ARTICLE:SENTENCE_START:MENTION_START:MENTION_END")
    p.add_argument("--event-type", help="one of docs/EVENT_TYPES.md")
    p.add_argument("--actor", choices=ACTORS)
    p.add_argument("--status", choices=STATUSES)

    p = add("audit", cmd_audit, "List curation actions, newest first (tab-separated).",
            offline=False)  # fmt: skip
    p.add_argument("--limit", type=int, help="at most this many entries")

    p = add("migrate", cmd_migrate, "Copy a whole store into an empty one (SQLite <-> PostgreSQL) "
            "and verify the row counts.", db=False, offline=False)  # fmt: skip
    p.add_argument("--from", dest="source", required=True, metavar="DB", help="the store to copy")
    p.add_argument("--to", dest="target", required=True, metavar="DB",
                   help="an empty (or new) store to copy into")  # fmt: skip

    p = add(
        "build-gazetteer",
        cmd_build_gazetteer,
        "Rebuild gazetteer/ from the shared GeoNames + KATOTTG sources.",
        db=False,
        offline=False,
    )
    p.add_argument("--source", help="source directory (default: ../shared/data/gazetteer-source)")
    p.add_argument("--out", help="output directory (default: the repo's gazetteer/)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ClaimMapError as err:
        print(f"claimmap: error: {shown(str(err))}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `claimmap mentions ... | head`
        return 0
