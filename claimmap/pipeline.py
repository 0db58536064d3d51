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

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from claimmap.claims.claims import extract_claims
from claimmap.claims.events import build_events
from claimmap.errors import ClaimMapError, IngestError
from claimmap.inputs.files import expand_paths, read_text
from claimmap.inputs.reader import Item, Note, read_data, read_files
from claimmap.places.extract import extract_mentions
from claimmap.places.gazetteer import Gazetteer
from claimmap.places.resolve import GazetteerTier, Resolver
from claimmap.places.variants import normalise
from claimmap.records import Article, ArticleAnalysis, Event, Place
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
    notes: tuple[str, ...] = ()  #: remarks (issue 16): "Telegram export: 12 service, ..."

    def __add__(self, other: IngestSummary) -> IngestSummary:
        return IngestSummary(
            self.ingested + other.ingested,
            self.duplicates + other.duplicates,
            self.failed + other.failed,
            self.notes + other.notes,
        )

    def describe(self) -> str:
        lines = [
            f"ingested {len(self.ingested)}, skipped {len(self.duplicates)} as duplicate, "
            f"failed {len(self.failed)}"
        ]
        lines += [f"  note: {note}" for note in self.notes]
        lines += [f"  failed: {name}: {why}" for name, why in self.failed]
        return "\n".join(lines)


def _env_offline() -> bool:
    return os.environ.get("CLAIMMAP_OFFLINE", "").strip().lower() in ("1", "true", "yes")


class Pipeline:
    """Owns a store and a resolver; every operation a user can do goes through here."""

    def __init__(self, *, store: Store, resolver: Resolver, offline: bool = False) -> None:
        self.store = store
        self.resolver = resolver
        self.offline = offline  #: never touch the network: no geocoder, no fetching by URL
        self._names: tuple[str, ...] | None = None

    @classmethod
    def open(
        cls,
        *,
        db: str | Path | None = None,
        offline: bool | None = None,
        geocoder_url: str | None = None,
    ) -> Pipeline:
        """Open (or create) the database and the offline gazetteers; add the geocoder unless
        ``offline`` (default: the CLAIMMAP_OFFLINE environment variable)."""
        store = open_store(db)
        offline = _env_offline() if offline is None else offline
        fallback = None
        if not offline:
            from urllib.parse import urlsplit

            from claimmap.places.geocode import NominatimTier

            url = urlsplit(
                geocoder_url or os.environ.get("CLAIMMAP_GEOCODER_URL") or DEFAULT_GEOCODER
            )
            fallback = NominatimTier(domain=url.netloc, scheme=url.scheme or "https", cache=store)
        return cls(store=store, resolver=Resolver.offline(fallback=fallback), offline=offline)

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
        errors = tuple(sorted({r.reason for r in resolutions if "geocoder_error" in r.flags}))
        claims = extract_claims(article, resolutions)
        return ArticleAnalysis(article, mentions, resolutions, claims, errors)

    # -- ingest ----------------------------------------------------------------------------

    def ingest_paths(
        self, paths: Iterable[str | Path], *, progress: Progress | None = None
    ) -> IngestSummary:
        """Files and directories (articles, pages, feeds, Telegram exports; see
        ``claimmap.inputs.reader``); one bad file or message never stops a batch."""
        try:
            files = expand_paths(Path(p) for p in paths)
        except IngestError as err:
            return IngestSummary(failed=((str(paths), str(err)),))
        return self._ingest(read_files(files), progress, total=len(files))

    def ingest_uploads(
        self, files: Iterable[tuple[str, bytes]], *, progress: Progress | None = None
    ) -> IngestSummary:
        """Uploaded files as (name, bytes): the dashboard's uploader."""
        files = list(files)
        items = (item for name, data in files for item in read_data(data, name=name))
        return self._ingest(items, progress, total=len(files))

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

    def ingest_text(self, text: str, *, title: str = "", source: str = "") -> IngestSummary:
        """Pasted text."""
        name = title or "pasted text"
        try:
            item: Item = (name, read_text(text, title=title, source=source))
        except IngestError as err:
            item = (name, err)
        return self._ingest([item], None, total=1)

    def ensure_seeds(self, seeds_dir: Path = SEEDS_DIR) -> IngestSummary:
        """Ingest the seed articles when the database has no article yet."""
        if self.store.articles():
            return IngestSummary()
        return self.ingest_paths([seeds_dir])

    def _ingest(
        self, items: Iterable[Item], progress: Progress | None, *, total: int
    ) -> IngestSummary:
        """Store every article the items hold. ``progress`` counts inputs (files, uploads),
        not articles: a feed or an export is one input however many articles it holds."""
        ingested: list[str] = []
        duplicates: list[str] = []
        failed: list[tuple[str, str]] = []
        notes: list[str] = []
        overrides = self.store.overrides()
        inputs: list[str] = []
        for name, got in items:
            if progress is not None:
                progress(min(len(inputs), total), total, name)
            if isinstance(got, Note):
                notes.append(str(got))
                continue
            try:
                if isinstance(got, ClaimMapError):
                    raise got
                article = got
                if self.store.has_article(article.article_id):
                    duplicates.append(name)
                    continue
                article = replace(article, origin_id=self._origin(article))
                if self.store.save_analysis(self.analyse(article, overrides=overrides)):
                    ingested.append(name)
                else:
                    duplicates.append(name)
            except ClaimMapError as err:
                failed.append((name, str(err)))
            finally:
                source = got.path if isinstance(got, Article) and got.path else name
                if not inputs or inputs[-1] != source:
                    inputs.append(source)
        if progress is not None:
            progress(total, total, "")
        if ingested or duplicates:  # duplicates too: a killed run may have stored them unmerged
            self.rebuild_events()
        return IngestSummary(tuple(ingested), tuple(duplicates), tuple(failed), tuple(notes))

    def _origin(self, article: Article) -> str:
        """The report an article belongs to: the stored article with the same link (an edited
        post, an updated page), else the reader's own key (a Telegram post's
        ``telegram:<channel>:<hash>``, shared with its forwards), else the most similar
        stored article (``Store.find_origin``), else the article itself."""
        if article.url:
            same = self.store.articles_by_url(article.url)
            if same:
                return same[0].origin_id or same[0].article_id
        return article.origin_id or self.store.find_origin(article)

    # -- events and corrections -------------------------------------------------------------

    def rebuild_events(self) -> list[Event]:
        """Merge every stored claim into events again and store them.

        Another process may store an article while this one merges; when the articles changed
        meanwhile, merge again. That process rebuilds after its own last article too, so the
        last rebuild to finish has seen every article."""
        for _ in range(5):
            before = {a.article_id for a in self.store.articles()}
            claims = self.store.claims()  # then articles and places: they hold every claim's
            articles = {a.article_id: a for a in self.store.articles()}
            places = {
                r.place.place_id: r.place for r in self.store.resolutions() if r.place is not None
            }
            events = build_events(claims, articles=articles, places=places)
            self.store.replace_events(events)
            if {a.article_id for a in self.store.articles()} == before:
                break
        return events

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
        self.rebuild_events()

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
