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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from claimmap.claims.claims import extract_claims
from claimmap.claims.dates import date_claims
from claimmap.claims.events import build_events
from claimmap.errors import ClaimMapError, IngestError
from claimmap.inputs.files import expand_paths, parse_date, read_bytes, read_path, read_text
from claimmap.places.extract import extract_mentions
from claimmap.places.gazetteer import Gazetteer
from claimmap.places.resolve import GazetteerTier, Resolver
from claimmap.places.variants import normalise
from claimmap.records import Article, ArticleAnalysis, Claim, Event, Place
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

    def __add__(self, other: IngestSummary) -> IngestSummary:
        return IngestSummary(
            self.ingested + other.ingested,
            self.duplicates + other.duplicates,
            self.failed + other.failed,
        )

    def describe(self) -> str:
        lines = [
            f"ingested {len(self.ingested)}, skipped {len(self.duplicates)} as duplicate, "
            f"failed {len(self.failed)}"
        ]
        lines += [f"  failed: {name}: {why}" for name, why in self.failed]
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
    """Claims stored before they had dates (schema < 3) dated now, from their own sentences."""
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

    def __init__(self, *, store: Store, resolver: Resolver) -> None:
        self.store = store
        self.resolver = resolver
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
        return cls(store=store, resolver=Resolver.offline(fallback=fallback))

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
        self,
        paths: Iterable[str | Path],
        *,
        progress: Progress | None = None,
        published: str = "",
    ) -> IngestSummary:
        """Files and directories (their .txt/.md/.html files); one bad file never stops a batch.

        ``published`` (a date) dates the files that carry no publication date of their own;
        one that is not a date raises IngestError before anything is read."""
        published = _published(published)
        try:
            files = expand_paths(Path(p) for p in paths)
        except IngestError as err:
            return IngestSummary(failed=((str(paths), str(err)),))
        return self._ingest(
            [(f.name, lambda f=f: read_path(f)) for f in files], progress, published
        )

    def ingest_uploads(
        self,
        files: Iterable[tuple[str, bytes]],
        *,
        progress: Progress | None = None,
        published: str = "",
    ) -> IngestSummary:
        """Uploaded files as (name, bytes): the dashboard's uploader."""
        published = _published(published)
        return self._ingest(
            [(name, lambda n=name, d=data: read_bytes(d, name=n)) for name, data in files],
            progress,
            published,
        )

    def ingest_text(
        self, text: str, *, title: str = "", source: str = "", published: str = ""
    ) -> IngestSummary:
        """Pasted text; ``published`` dates it unless the text names its own date."""
        name = title or "pasted text"
        published = _published(published)
        return self._ingest(
            [(name, lambda: read_text(text, title=title, source=source))], None, published
        )

    def ensure_seeds(self, seeds_dir: Path = SEEDS_DIR) -> IngestSummary:
        """Ingest the seed articles when the database has no article yet."""
        if self.store.articles():
            return IngestSummary()
        return self.ingest_paths([seeds_dir])

    def _ingest(
        self,
        items: Sequence[tuple[str, Callable[[], Article]]],
        progress: Progress | None,
        published: str = "",
    ) -> IngestSummary:
        ingested: list[str] = []
        duplicates: list[str] = []
        failed: list[tuple[str, str]] = []
        overrides = self.store.overrides()
        for done, (name, read) in enumerate(items):
            if progress is not None:
                progress(done, len(items), name)
            try:
                article = read()
                if published and not article.published:
                    article = replace(article, published=published)
                if self.store.has_article(article.article_id):
                    duplicates.append(name)
                    continue
                article = replace(article, origin_id=self.store.find_origin(article))
                if self.store.save_analysis(self.analyse(article, overrides=overrides)):
                    ingested.append(name)
                else:
                    duplicates.append(name)
            except ClaimMapError as err:
                failed.append((name, str(err)))
        if progress is not None:
            progress(len(items), len(items), "")
        if ingested or duplicates:  # duplicates too: a killed run may have stored them unmerged
            self.rebuild_events()
        return IngestSummary(tuple(ingested), tuple(duplicates), tuple(failed))

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
            claims = _dated(claims, articles)
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
