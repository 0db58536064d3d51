"""The pipeline as one object: read, extract, resolve, claim, store, merge into events.

    >>> from claimmap.pipeline import Pipeline
    >>> pipeline = Pipeline.open(db=":memory:", offline=True)
    >>> summary = pipeline.ingest_paths(["seeds"])
    >>> summary.ingested, len(pipeline.store.events()) > 0
    (('000_64a92cc5d700482e.txt', '001_f8417022bd34ae7f.txt'), True)

The CLI and the dashboard are thin shells over this. Each article is analysed on its own (pure
functions over records) and saved in one transaction; events are rebuilt from all stored claims
after every batch, so a correction (``override``) or a new article re-counts corroboration.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from claimmap.claims import curation
from claimmap.claims.claims import EVENT_TYPES, extract_claims
from claimmap.claims.dates import date_claims
from claimmap.claims.events import build_events
from claimmap.errors import (
    ClaimMapError,
    ConfigError,
    CurationError,
    IngestError,
    NotFoundError,
    ReadOnlyStoreError,
    StorageError,
    StorageFullError,
)
from claimmap.inputs.files import (
    collect_paths,
    parse_date,
    read_text,
    shown,
)
from claimmap.inputs.reader import Item, Note, read_data, read_files
from claimmap.places.extract import extract_mentions
from claimmap.places.gazetteer import Gazetteer
from claimmap.places.resolve import GazetteerTier, Resolver
from claimmap.places.variants import normalise
from claimmap.records import (
    ACTORS,
    CLAIM_CORRECTIONS,
    CURATION_KINDS,
    STATUSES,
    Article,
    ArticleAnalysis,
    AuditEntry,
    Claim,
    Curation,
    Event,
    EventInputs,
    Place,
    Resolution,
    event_family,
)
from claimmap.store.base import Store, open_store

__all__ = ["SEEDS_DIR", "IngestSummary", "Pipeline", "Progress"]

#: Where the seed articles live (the dashboard's default corpus).
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
DEFAULT_GEOCODER = "https://nominatim.openstreetmap.org"

Progress = Callable[[int, int, str], None]  #: (done, total, current name)


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What a batch did: names ingested, skipped as already stored, and failed with why."""

    ingested: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    # issue 14: why events were not rebuilt after the batch ("" when they were)
    events_error: str = ""
    notes: tuple[str, ...] = ()  #: remarks (issue 16): "Telegram export: 12 service, ..."

    def __add__(self, other: IngestSummary) -> IngestSummary:
        return IngestSummary(
            self.ingested + other.ingested,
            self.duplicates + other.duplicates,
            self.failed + other.failed,
            "; ".join(e for e in (self.events_error, other.events_error) if e),
            self.notes + other.notes,
        )

    def describe(self) -> str:
        lines = [
            f"ingested {len(self.ingested)}, skipped {len(self.duplicates)} as duplicate, "
            f"failed {len(self.failed)}"
        ]
        lines += [f"  note: {note}" for note in self.notes]
        lines += [f"  failed: {shown(name)}: {shown(why)}" for name, why in self.failed]
        if self.events_error:
            lines.append(f"  {shown(self.events_error)}")
        return "\n".join(lines)


def _published(value: str) -> str:
    """``value`` as an ISO date ("" stays ""); IngestError when it is not a date."""
    if not value.strip():
        return ""
    iso = parse_date(value)
    if not iso:
        raise IngestError(f"published date {value!r} is not a date (use YYYY-MM-DD)")
    return iso


def _dated(claims: Sequence[Claim], articles: dict[str, Article]) -> list[Claim]:
    """Claims stored before they had dates (schema < 5) dated now, from their own sentences."""
    out = list(claims)
    for i, claim in enumerate(out):
        article = articles.get(claim.article_id)
        if not claim.date_precision and article is not None and article.published:
            out[i] = date_claims([claim], article)[0]
    return out


def _env_offline() -> bool:
    return os.environ.get("CLAIMMAP_OFFLINE", "").strip().lower() in ("1", "true", "yes")


class Pipeline:
    """Owns a store and a resolver; every operation a user can do goes through here."""

    def __init__(
        self, *, store: Store, resolver: Resolver | Callable[[], Resolver], offline: bool = False
    ) -> None:
        self.store = store
        self._resolver = resolver  # or what builds it, on first use (``open(lazy=True)``)
        self._resolver_lock = threading.Lock()
        self.offline = offline  #: never touch the network: no geocoder, no fetching by URL
        #: analysis processes for a big offline batch (``default_workers()``); 1: this process
        self.workers = default_workers()
        self._names: tuple[str, ...] | None = None

    @property
    def resolver(self) -> Resolver:
        if not isinstance(self._resolver, Resolver):
            with self._resolver_lock:
                if not isinstance(self._resolver, Resolver):
                    self._resolver = self._resolver()
        return self._resolver

    @classmethod
    def open(
        cls,
        *,
        db: str | Path | None = None,
        offline: bool | None = None,
        geocoder_url: str | None = None,
        lazy: bool = False,
    ) -> Pipeline:
        """Open (or create) the database and the offline gazetteers; add the geocoder unless
        ``offline`` (default: the CLAIMMAP_OFFLINE environment variable).

        ``lazy``: load the gazetteers and set the geocoder up on the first use of the resolver
        (an ingest, a correction, a search) instead, so what reads only the store starts at
        once; a bad geocoder URL then raises ConfigError there."""
        store = open_store(db)
        offline = _env_offline() if offline is None else offline

        def resolver() -> Resolver:
            fallback = None
            if not offline:
                from claimmap.places.geocode import tier_from_url

                env = os.environ.get("CLAIMMAP_GEOCODER_URL")
                url = geocoder_url or env or DEFAULT_GEOCODER
                try:
                    fallback = tier_from_url(url, cache=store)
                except ConfigError as err:
                    raise ConfigError(
                        f"CLAIMMAP_GEOCODER_URL: {err}" if url == env else err
                    ) from None
            return Resolver.offline(fallback=fallback)

        if lazy:
            return cls(store=store, resolver=resolver, offline=offline)
        try:
            return cls(store=store, resolver=resolver(), offline=offline)
        except ConfigError:
            store.close()
            raise

    @property
    def gazetteer(self) -> Gazetteer:
        """The Sumy oblast gazetteer (the first tier)."""
        first = self.resolver.tiers[0]
        assert isinstance(first, GazetteerTier)
        return first.gazetteer

    # -- analysis (pure apart from the geocoder) --------------------------------------------

    def analyse(
        self, article: Article, *, overrides: dict[str, Place] | None = None
    ) -> ArticleAnalysis:
        """Mentions, resolutions and claims of one article; nothing is stored."""
        mentions = extract_mentions(
            article.text, article_id=article.article_id, keys=self.resolver.keys
        )
        resolutions = self.resolver.resolve(mentions, text=article.text, overrides=overrides)
        # the resolver drops near-miss spellings the article does not confirm ("tentative")
        mentions = tuple(r.mention for r in resolutions)
        errors = tuple(sorted({r.reason for r in resolutions if "geocoder_error" in r.flags}))
        claims = extract_claims(article, resolutions)
        return ArticleAnalysis(article, mentions, resolutions, claims, errors)

    # -- ingest ----------------------------------------------------------------------------

    def ingest_paths(
        self,
        paths: Iterable[str | Path],
        *,
        progress: Progress | None = None,
        published: str = "",
    ) -> IngestSummary:
        """Files and directories (articles, pages, feeds, Telegram exports; see
        ``claimmap.inputs.reader``); one bad file or message never stops a batch: a missing path
        or an unreadable directory is reported and the rest is ingested.

        ``published`` (a date) dates the files that carry no publication date of their own;
        one that is not a date raises IngestError before anything is read."""
        published = _published(published)
        files, problems = collect_paths(Path(p) for p in paths)
        summary = self._ingest(read_files(files), progress, total=len(files), published=published)
        return IngestSummary(failed=tuple(problems)) + summary

    def ingest_uploads(
        self,
        files: Iterable[tuple[str, bytes]],
        *,
        progress: Progress | None = None,
        published: str = "",
    ) -> IngestSummary:
        """Uploaded files as (name, bytes): the dashboard's uploader."""
        published = _published(published)
        files = list(files)
        items = (item for name, data in files for item in read_data(data, name=name))
        return self._ingest(items, progress, total=len(files), published=published)

    def ingest_items(
        self, items: Iterable[Item], *, progress: Progress | None = None, total: int = 0
    ) -> IngestSummary:
        """Items from ``claimmap.inputs`` readers (or ``claimmap.inputs.fetch``)."""
        return self._ingest(items, progress, total=total)

    def ingest_urls(
        self, urls: Iterable[str], *, progress: Progress | None = None
    ) -> IngestSummary:
        """Pages and feeds by URL (``claimmap.inputs.fetch``). Offline, every URL fails at once
        with the reason, and nothing is fetched."""
        from claimmap.inputs.fetch import read_urls

        urls = [u for u in (u.strip() for u in urls) if u]
        return self._ingest(read_urls(urls, offline=self.offline), progress, total=len(urls))

    def ingest_text(
        self, text: str, *, title: str = "", source: str = "", published: str = ""
    ) -> IngestSummary:
        """Pasted text; ``published`` dates it unless the text names its own date."""
        name = title or "pasted text"
        published = _published(published)
        try:
            item: Item = (name, read_text(text, title=title, source=source))
        except IngestError as err:
            item = (name, err)
        return self._ingest([item], None, total=1, published=published)

    def ensure_seeds(self, seeds_dir: Path = SEEDS_DIR) -> IngestSummary:
        """Ingest the seed articles when the database has no article yet."""
        if self.store.articles():
            return IngestSummary()
        return self.ingest_paths([seeds_dir])

    def _ingest(
        self,
        items: Iterable[Item],
        progress: Progress | None,
        *,
        total: int,
        published: str = "",
    ) -> IngestSummary:
        """Store every article the items hold. ``progress`` counts inputs (files, uploads),
        not articles: a feed or an export is one input however many articles it holds."""
        ingested: list[str] = []
        duplicates: list[str] = []
        failed: list[tuple[str, str]] = []
        notes: list[str] = []
        overrides = self.store.overrides()
        begin_batch = getattr(self.resolver.fallback, "begin_batch", None)
        if begin_batch is not None:  # the geocoder's time budget is per batch
            begin_batch()
        stored: list[tuple[str, str]] = []  # (name, article id) stored by this batch
        stop = ""  # why nothing more can be stored (a full disk, a read-only database)
        inputs: list[str] = []  # progress counts inputs (files, uploads), not articles
        with _Analyst(self, overrides) as analyst:
            for name, got, analysis in analyst.analysed(items, published):
                if progress is not None:
                    progress(min(len(inputs), total), total, name)
                if isinstance(got, Note):
                    notes.append(str(got))
                    continue
                source = got.path if isinstance(got, Article) and got.path else name
                if not inputs or inputs[-1] != source:
                    inputs.append(source)
                if stop:
                    failed.append((name, f"not stored: {stop}"))
                    continue
                try:
                    if isinstance(got, ClaimMapError):
                        raise got
                    if isinstance(analysis, ClaimMapError):
                        raise analysis
                    if analysis is None or self.store.has_article(got.article_id):
                        duplicates.append(name)
                        continue
                    article = replace(analysis.article, origin_id=self._origin(analysis.article))
                    if self.store.save_analysis(replace(analysis, article=article)):
                        ingested.append(name)
                        stored.append((name, article.article_id))
                    else:
                        duplicates.append(name)
                except (StorageFullError, ReadOnlyStoreError) as err:
                    failed.append((name, str(err)))
                    full = isinstance(err, StorageFullError)
                    stop = "the disk is full (not tried)" if full else "writes are off (not tried)"
                except ClaimMapError as err:
                    failed.append((name, str(err)))
        if progress is not None:
            progress(total, total, "")
        events_error = ""
        if ingested or duplicates:  # duplicates too: a killed run may have stored them unmerged
            events_error, removed = self._rebuild_making_room(stored)
            ingested = [n for n in ingested if n not in removed]
            failed += [(n, removed[n]) for n in removed]
        return IngestSummary(
            tuple(ingested), tuple(duplicates), tuple(failed), events_error, tuple(notes)
        )

    def _rebuild_making_room(self, stored: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
        """Rebuild events; when the disk is full, take this batch's articles out again (newest
        first: 1, 2, 4, ...) until the events of the rest fit, so that the events table always
        maps what is stored. Returns why events were not rebuilt ("" when they were) and the
        names taken out, with why."""
        removed: dict[str, str] = {}
        step = 1
        roomed = False
        make_room = getattr(self.store, "make_room", None)
        delete = getattr(self.store, "delete_article", None)
        while True:
            try:
                self.merge_events()
                return "", removed
            except StorageFullError as err:
                why = f"events not rebuilt, the map shows the events from before: {err}"
                try:
                    if make_room is not None and not roomed:
                        roomed = True
                        make_room()  # the reserve file and the write-ahead log
                        continue
                    if not stored or delete is None:
                        return why, removed
                    for name, article_id in reversed(stored[-step:]):
                        delete(article_id)
                        removed[name] = (
                            "stored, then taken out again to make room for the events "
                            "(the disk is full); add it again after freeing space"
                        )
                    del stored[-step:]
                    step *= 2
                except StorageFullError:
                    return why, removed
            except StorageError as err:  # e.g. a read-only database: its events stay
                return f"events not rebuilt: {err}", removed

    def _origin(self, article: Article) -> str:
        """The report an article belongs to: the stored article with the same link (an edited
        post, an updated page), else the reader's own key (a Telegram post's
        ``telegram:<channel>:<hash>``, shared with its forwards), else "": ``save_analysis``
        then takes the most similar stored article's (``Store.find_origin``) in the same
        transaction as the save, so that two ingests at once cannot both miss each other's
        near-duplicate (issue 17)."""
        if article.url:
            same = self.store.articles_by_url(article.url)
            if same:
                return same[0].origin_id or same[0].article_id
        return article.origin_id

    # -- events and corrections -------------------------------------------------------------

    def rebuild_events(self) -> list[Event]:
        """Merge every stored claim into events again and store them; returns the events."""
        self.store.update_events(_merge, everything=True)
        return self.store.events()

    def merge_events(self, groups: Collection[tuple[str, str]] = ()) -> int:
        """Merge again only the (place id, family) groups whose claims changed since the last
        merge (the store keeps them, so a merge a killed run missed is done by the next one),
        and ``groups``. Returns how many groups were merged."""
        return self.store.update_events(_merge, groups=groups)

    def override(self, mention_id: str, place_id: str) -> None:
        """A user's correction: persist it, re-resolve that article, rebuild events.

        It covers the other mentions of the same spelling in that article that had resolved to
        the same place ("Alexandria" in the headline and in the body): the user corrects what
        the name means in the article, not one occurrence of it."""
        place = self.resolver.place(place_id)
        resolution = self.store.resolution(mention_id)  # NotFoundError for a bad id
        old = resolution.place.place_id if resolution.place is not None else None
        for other in self.store.resolutions(resolution.mention.article_id):
            same = other.place.place_id if other.place is not None else None
            if other.mention.mention_id == mention_id or (
                other.mention.key == resolution.mention.key and same == old
            ):
                self.store.set_override(other.mention.mention_id, place)
        article = self.store.article(resolution.mention.article_id)
        analysis = self.analyse(article, overrides=self.store.overrides())
        self.store.replace_claims(article.article_id, analysis.claims, analysis.resolutions)
        self.merge_events()

    def search_places(self, query: str, *, limit: int = 10) -> list[Place]:
        """Places whose name matches ``query``, best first, for the correction picker: what the
        resolver would answer, then Sumy-oblast names that start with the query ("Oleks"),
        then close spellings (rapidfuzz)."""
        key = normalise(query)
        if not key:
            return []
        seen: dict[str, Place] = {}
        for candidate in self.resolver.candidates_for(query):
            seen.setdefault(candidate.place.place_id, candidate.place)
        if self._names is None:  # the Sumy tier's name keys, sorted, built on first use
            self._names = tuple(sorted(self.gazetteer.keys()))
        starts = [k for k in self._names if k.startswith(key)]
        close = process.extract(key, self._names, scorer=fuzz.WRatio, limit=limit, score_cutoff=80)
        for name in [*starts, *(c[0] for c in close)]:
            for place in self.gazetteer.lookup(name):
                seen.setdefault(place.place_id, place)
            if len(seen) >= limit:
                break
        return list(seen.values())[:limit]

    # -- curation (issue 13) ----------------------------------------------------------------

    def dismiss(self, kind: str, target: str, *, reason: str = "", who: str | None = None) -> str:
        """Dismiss a mention (not a place), a claim (not an event), an event or an article
        (duplicate, off topic); persisted, audited, events rebuilt. Returns what was dismissed,
        in words."""
        if any(c.kind == kind and c.target == target and c.action == "dismiss"
               for c in self.store.curations()):  # fmt: skip
            raise CurationError(f"{kind} {target} is already dismissed")
        label = self._label(kind, target)
        change = Curation(kind, target, "dismiss", reason.strip(), label,
                          who=who or curation.current_user())  # fmt: skip
        new = "dismissed" + (f": {reason.strip()}" if reason.strip() else "")
        self.store.mark_groups(self._curation_groups(kind, target))
        self.store.curate(change, remove=False, audit_action="dismiss", old_value="shown",
                          new_value=new)  # fmt: skip
        self.merge_events()
        return label

    def restore(self, kind: str, target: str, *, who: str | None = None) -> list[AuditEntry]:
        """Undo every standing curation of one target (its dismissal, a claim's correction)."""
        if kind not in CURATION_KINDS:
            raise CurationError(f"unknown kind {kind!r}; one of {', '.join(CURATION_KINDS)}")
        standing = [c for c in self.store.curations() if c.kind == kind and c.target == target]
        if not standing:
            raise CurationError(f"{kind} {target} is neither dismissed nor corrected")
        entries = []
        # a dismissed event is in no table: which group held it is known only by merging all
        groups = None if kind == "event" else self._curation_groups(kind, target)
        if groups is not None:
            self.store.mark_groups(groups)
        for old in standing:
            change = Curation(kind, target, old.action, old.value, old.label,
                              who=who or curation.current_user())  # fmt: skip
            was = "dismissed" if old.action == "dismiss" else f"corrected {old.value}"
            now = "shown" if old.action == "dismiss" else "as extracted"
            entries.append(self.store.curate(change, remove=True, audit_action="restore",
                                             old_value=was, new_value=now))  # fmt: skip
        if groups is None:
            self.rebuild_events()
        else:
            self.merge_events()
        return entries

    def correct_claim(
        self,
        claim_id: str,
        *,
        event_type: str | None = None,
        actor: str | None = None,
        status: str | None = None,
        who: str | None = None,
    ) -> AuditEntry:
        """Correct a claim's event type, actor or status (persisted, audited, events rebuilt).
        A field set back to what the text gave drops that correction."""
        claim = self.claim(claim_id)
        wanted = {"event_type": event_type, "actor": actor, "status": status}
        for name, allowed in (("event_type", tuple(EVENT_TYPES)), ("actor", ACTORS),
                              ("status", STATUSES)):  # fmt: skip
            value = wanted[name]
            if value is not None and value not in allowed:
                raise CurationError(f"unknown {name} {value!r}; one of {', '.join(allowed)}")
        standing = next((c for c in self.store.curations() if c.kind == "claim"
                         and c.target == claim_id and c.action == "correct"), None)  # fmt: skip
        before = curation.corrections_of(standing) if standing else {}
        after = dict(before)
        for name in CLAIM_CORRECTIONS:
            value = wanted[name]
            if value is None:
                continue
            if value == getattr(claim, name):
                after.pop(name, None)
            else:
                after[name] = value
        if after == before:
            raise CurationError(f"claim {claim_id}: nothing to change")
        current = {n: before.get(n, getattr(claim, n)) for n in CLAIM_CORRECTIONS}
        new = {n: after.get(n, getattr(claim, n)) for n in CLAIM_CORRECTIONS}
        label = self._label("claim", claim_id)
        change = Curation("claim", claim_id, "correct", _json(after), label,
                          who=who or curation.current_user())  # fmt: skip
        self.store.mark_groups(self._curation_groups("claim", claim_id))
        entry = self.store.curate(change, remove=not after, audit_action="correct",
                                  old_value=_json(current), new_value=_json(new))  # fmt: skip
        self.merge_events()
        return entry

    def claim(self, claim_id: str) -> Claim:
        """The stored claim (as extracted, before corrections) with this ``claim_id``."""
        article_id = claim_id.rsplit(":", 3)[0]
        for claim in self.store.claims(article_id):
            if curation.claim_id(claim) == claim_id:
                return claim
        raise NotFoundError(f"claim {claim_id!r} is not in the database")

    def resolutions(
        self, article_id: str | None = None, *, below: float | None = None
    ) -> list[Resolution]:
        """The stored resolutions without dismissed mentions and articles (for exports), of
        one article or all; with ``below``, only those unresolved or less sure than that."""
        curations = self.store.curations()
        gone = curation.dismissed(curations, "mention")
        articles = curation.dismissed(curations, "article")
        return [
            r
            for r in self.store.resolutions(article_id, below=below)
            if r.mention.mention_id not in gone and r.mention.article_id not in articles
        ]

    def _curation_groups(self, kind: str, target: str) -> set[tuple[str, str]]:
        """The (place id, family) groups whose events a curation of this target can change:
        those of the article's claims (an article, a mention, a claim), every family at a
        claim's place (a correction can move it to another type), or the event's own."""
        if kind == "event":
            return {(e.place.place_id, event_family(e.event_type))
                    for e in self.store.events() if e.event_id == target}  # fmt: skip
        article_id = (
            self.store.resolution(target).mention.article_id
            if kind == "mention"
            else (target if kind == "article" else target.rsplit(":", 3)[0])
        )
        claims = self.store.claims(article_id)
        groups = {(c.place_id, event_family(c.event_type)) for c in claims}
        if kind == "claim":
            places = {c.place_id for c in claims if curation.claim_id(c) == target}
            groups |= {(p, event_family(t)) for p in places for t in EVENT_TYPES}
        return groups

    def _label(self, kind: str, target: str) -> str:
        """What a curation target is, in words; NotFoundError when it does not exist."""
        if kind == "article":
            return self.store.article(target).title
        if kind == "mention":
            res = self.store.resolution(target)
            where = res.place.name if res.place is not None else "unresolved"
            return f"“{res.mention.surface}” → {where}"
        if kind == "claim":
            claim = self.claim(target)
            return f"{claim.surface}: {claim.sentence[:80]}"
        if kind == "event":
            for event in self.store.events():
                if event.event_id == target:
                    return f"{event.place.name} — {event.event_type.replace('_', ' ')}"
            raise NotFoundError(f"event {target!r} is not on the map (dismissed already?)")
        raise CurationError(f"unknown kind {kind!r}; one of {', '.join(CURATION_KINDS)}")


#: Articles read ahead and analysed together; with workers, a batch of at least this many
#: articles is analysed in parallel.
CHUNK = 32
_WORKER: tuple[Pipeline, dict[str, Place]] | None = None  # the pipeline a forked worker uses
_Analysed = tuple[str, Any, "ArticleAnalysis | ClaimMapError | None"]
_Chunk = tuple[list[tuple[str, Any]], list[Article], Any]


def default_workers() -> int:
    """Analysis processes for big batches: CLAIMMAP_WORKERS, else one per core."""
    value = os.environ.get("CLAIMMAP_WORKERS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def _analyse_forked(article: Article) -> ArticleAnalysis | ClaimMapError:
    assert _WORKER is not None
    pipeline, overrides = _WORKER
    try:
        return pipeline.analyse(article, overrides=overrides)
    except ClaimMapError as err:
        return err


class _Analyst:
    """Analyses the articles of a batch ahead of the loop that stores them, in order: in this
    process, or for a big batch offline in forked worker processes (they inherit the loaded
    gazetteers; the store is written only here). Results and order are those of a serial run.
    With the geocoder on, analysis stays in this process: the geocoder's rate limit, budget and
    cache are per process."""

    def __init__(self, pipeline: Pipeline, overrides: dict[str, Place]) -> None:
        self.pipeline = pipeline
        self.overrides = overrides
        self.pool: Any = None

    def __enter__(self) -> _Analyst:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def analysed(self, items: Iterable[Item], published: str) -> Iterator[_Analysed]:
        """(name, what was read, its analysis): None for a note, an error or a stored article.
        With workers, the next chunk is being analysed while this one is stored."""
        pending: _Chunk | None = None
        chunk: list[tuple[str, Article | Note | ClaimMapError]] = []
        for name, got in items:
            if isinstance(got, Article) and published and not got.published:
                got = replace(got, published=published)
            chunk.append((name, got))
            if len(chunk) >= CHUNK:
                submitted = self._submit(chunk)
                if pending is not None:
                    yield from self._collect(pending)
                pending, chunk = submitted, []
        if pending is not None:
            yield from self._collect(pending)
        yield from self._collect(self._submit(chunk))

    def _submit(self, chunk: list[tuple[str, Any]]) -> _Chunk:
        """The chunk, its articles not stored yet, and their analysis under way in the workers
        (None: analysed in this process when collected)."""
        store = self.pipeline.store
        todo = [
            got for _, got in chunk
            if isinstance(got, Article) and not store.has_article(got.article_id)
        ]  # fmt: skip
        pool = self._pool() if len(todo) >= CHUNK else None
        running = pool.map_async(_analyse_forked, todo) if pool is not None else None
        return chunk, todo, running

    def _collect(self, submitted: _Chunk) -> Iterator[_Analysed]:
        chunk, todo, running = submitted
        results: dict[int, ArticleAnalysis | ClaimMapError] = {}
        if running is not None:
            results = dict(zip(map(id, todo), running.get(), strict=True))
        wanted = {id(got) for got in todo}
        for name, got in chunk:
            if id(got) not in wanted:
                yield name, got, None
                continue
            result = results.get(id(got))
            if result is None:
                try:
                    result = self.pipeline.analyse(got, overrides=self.overrides)
                except ClaimMapError as err:
                    result = err
            yield name, got, result

    def _pool(self) -> Any:
        offline = self.pipeline.resolver.fallback is None
        if self.pool is None and self.pipeline.workers > 1 and offline:
            import gc
            import multiprocessing

            global _WORKER
            _WORKER = (self.pipeline, self.overrides)
            self.pipeline.resolver.keys  # noqa: B018 (loaded once, before the fork)
            gc.freeze()  # the forked workers then share the gazetteer pages
            try:
                context = multiprocessing.get_context("fork")
                self.pool = context.Pool(self.pipeline.workers)
            except (OSError, ValueError):
                self.pool = None
                self.pipeline.workers = 1  # no fork here: analyse in this process
        return self.pool


def _merge(inputs: EventInputs) -> list[Event]:
    """Events of some groups from their claims, curations applied (``Store.update_events``)."""
    claims = _dated(inputs.claims, inputs.articles)
    claims = curation.apply_to_claims(claims, inputs.curations)
    events = build_events(claims, articles=inputs.articles, places=inputs.places)
    return curation.apply_to_events(events, inputs.curations)


def _json(value: dict[str, str]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
