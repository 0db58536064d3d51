"""Apply a user's curation to claims and events: dismissals and claim corrections.

    >>> from claimmap.records import Claim, Curation
    >>> claim = Claim("a1", 0, 9, "Shelling.", "shelling", "Russian forces", "claimed", "",
    ...               "UA59", "location", 0, 3, "...", 1, 0.9)
    >>> claim_id(claim)
    'a1:0:0:3'
    >>> fix = Curation("claim", "a1:0:0:3", "correct", '{"actor": "Ukrainian forces"}')
    >>> [c.actor for c in apply_to_claims([claim], [fix])]
    ['Ukrainian forces']
    >>> apply_to_claims([claim], [Curation("article", "a1", "dismiss", "duplicate")])
    []

Pure: the store keeps the curation, the pipeline applies it every time events are rebuilt, so
re-ingest and rebuilds keep it. A dismissed article, mention or claim takes its claims out of
every event; a dismissed event is left out after merging; a correction replaces a claim's event
type, actor or status before merging (so a corrected claim may join another event).
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace

from claimmap.errors import CurationError
from claimmap.records import CLAIM_CORRECTIONS, Claim, Curation, Event


def claim_id(claim: Claim) -> str:
    """A claim's stable id: ``ARTICLE:SENTENCE_START:MENTION_START:MENTION_END``. It survives
    re-analysis (the storage sequence number does not)."""
    return f"{claim.article_id}:{claim.sentence_start}:{claim.mention_start}:{claim.mention_end}"


def mention_of(claim: Claim) -> str:
    """The id of the mention a claim is about (``Mention.mention_id``)."""
    return f"{claim.article_id}:{claim.mention_start}:{claim.mention_end}"


def current_user() -> str:
    """Who curates: ``CLAIMMAP_USER``, else the OS user, else "unknown"."""
    user = os.environ.get("CLAIMMAP_USER", "").strip()
    if user:
        return user
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (containers)
        return "unknown"


def corrections_of(curation: Curation) -> dict[str, str]:
    """The corrected fields of a "correct" curation, checked against CLAIM_CORRECTIONS."""
    try:
        fields = json.loads(curation.value)
    except json.JSONDecodeError as err:
        raise CurationError(f"correction of {curation.target}: not JSON ({err})") from err
    if not isinstance(fields, dict) or not set(fields) <= set(CLAIM_CORRECTIONS):
        raise CurationError(
            f"correction of {curation.target}: fields must be among {', '.join(CLAIM_CORRECTIONS)}"
        )
    return {str(k): str(v) for k, v in fields.items()}


def dismissed(curations: Iterable[Curation], kind: str) -> set[str]:
    """The targets of one kind that are dismissed."""
    return {c.target for c in curations if c.kind == kind and c.action == "dismiss"}


def apply_to_claims(claims: Sequence[Claim], curations: Sequence[Curation]) -> list[Claim]:
    """The claims left after dismissals (article, mention, claim), with corrections applied."""
    articles = dismissed(curations, "article")
    mentions = dismissed(curations, "mention")
    gone = dismissed(curations, "claim")
    fixes = {
        c.target: corrections_of(c)
        for c in curations
        if c.kind == "claim" and c.action == "correct"
    }
    kept = []
    for claim in claims:
        cid = claim_id(claim)
        if claim.article_id in articles or mention_of(claim) in mentions or cid in gone:
            continue
        fix = fixes.get(cid)
        kept.append(replace(claim, **fix) if fix else claim)  # type: ignore[arg-type]
    return kept


def apply_to_events(events: Sequence[Event], curations: Sequence[Curation]) -> list[Event]:
    """The events that are not dismissed, in their order."""
    gone = dismissed(curations, "event")
    return [e for e in events if e.event_id not in gone]
