"""Bind one sentence's place mentions to its triggers, actors and sources, and give each a status.

``Sentence`` holds what ``claimmap.claims.reading`` found in one sentence; ``Sentence.claims``
turns its place mentions into claims (docs/EVENT_TYPES.md has every rule). It is one mechanism for
all languages: the words come from the sentence's ``Lexicon``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from claimmap.claims.lexicon import ANY, ENEMY, OWN, RU, UA
from claimmap.claims.reading import GAINS, OTHER_SIDE, STRIKES, Hit, Rx, is_object
from claimmap.claims.sources import SIDE_ACTOR, Source
from claimmap.records import Claim, Resolution

_KIND_RANK = {"settlement": 0, "hromada": 1, "raion": 2, "oblast": 3, "sector": 3}


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence and what was found in it, ready to bind mentions to triggers."""

    rx: Rx
    text: str
    low: str
    lo: int
    hi: int
    attribution: str
    inherited: str  #: the paragraph's last actor, "" if none
    article_id: str
    phrases: list[tuple[int, int, str]]  #: actor phrases
    hits: list[Hit]  #: triggers
    starts: list[int]  #: clause starts
    sentence: str  #: ``text[lo:hi]``, sliced once: every claim of the sentence shares it
    sources: list[tuple[int, int, Source]]  #: sources named in the sentence
    fallback: Source | None  #: the paragraph's or the article's source
    killed: int
    injured: int
    enemy: str  #: who "the enemy" is here
    own: str  #: who "our forces" are here

    def clause(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.starts, pos)
        return self.starts[i - 1], (self.starts[i] if i < len(self.starts) else self.hi)

    def _source(self, pos: int) -> Source | None:
        return self._source_where(pos)[0]

    def _source_where(self, pos: int) -> tuple[Source | None, str]:
        """The source nearest before ``pos``, else the first after it, else the fallback."""
        before = [s for s in self.sources if s[1] <= pos]
        after = [s for s in self.sources if s[0] >= pos]
        if before:
            return before[-1][2], "before"
        if after:
            return after[0][2], "after"
        return self.fallback, "fallback"

    def _claim(self, res: Resolution, start: int, end: int, **fields: object) -> Claim:
        return Claim(
            article_id=self.article_id,
            sentence_start=self.lo,
            sentence_end=self.hi,
            sentence=self.sentence,
            attribution=self.attribution,
            place_id=res.place.place_id if res.place else "",
            mention_start=start,
            mention_end=end,
            surface=self.text[start:end],
            precision=res.precision,
            language=self.rx.lex.language,
            **fields,  # type: ignore[arg-type]
        )

    def _side(self, actor: str) -> str:
        return self.enemy if actor == ENEMY else self.own if actor == OWN else actor

    def _actor_for(self, hit: Hit, c_start: int, c_end: int) -> str:
        """Who acts: a phrase or side adjective inside the trigger ("under enemy control",
        "repelled Russian assaults"), a side adjective on it ("Russian assault"), the nearest
        subject before it, the agent after it ("by Russian forces"), and (free word order) the
        first actor after it in its clause. A ``reverse`` trigger ("repelled") is done by the
        subject to the other side, the actor."""
        low, rx = self.low, self.rx
        inside = low[hit.start : hit.end]
        within = [a for start, _, a in self.phrases if hit.start <= start < hit.end]
        if hit.rule.reverse or hit.rule.situation:  # "repelled Russian assaults"
            for actor, pattern in rx.lex.adjectives:
                if re.search(rf"(?<!\w)(?:{pattern})(?!\w)", inside):
                    return self._side(actor)
            if within:
                return within[0]  # "under enemy control"
        for actor, pattern in rx.lex.adjectives:
            if re.search(rf"(?<!\w)(?:{pattern})\s+$", low[max(0, hit.start - 16) : hit.start]):
                return self._side(actor)
        found = ""
        subjects = [
            p
            for p in self.phrases
            if c_start - 200 <= p[0] and p[1] <= hit.start and not is_object(rx, low, p[0], p[1])
        ]
        if subjects:
            found = subjects[-1][2]
        elif within and hit.rule.event_type == "recapture":
            return OTHER_SIDE.get(within[0], ANY)  # "pushed Russian troops out of"
        elif within:
            return within[0]  # "ударами російських безпілотників"
        if not found:
            for start, _, actor in self.phrases:
                if hit.end <= start < c_end and rx.agent_before.search(
                    low[max(0, start - 16) : start]
                ):
                    return actor
        if not found and rx.lex.actor_after and hit.rule.event_type not in STRIKES:
            for start, end, actor in self.phrases:
                if hit.end <= start < c_end and not is_object(rx, low, start, end):
                    found = actor
                    break
        if found and hit.rule.reverse:
            return OTHER_SIDE.get(found, found)
        return found

    def _negated(self, regex: re.Pattern[str], start: int) -> bool:
        return bool(self.rx.not_before.search(self.low, max(self.lo, start - 40), start))

    def _says(self, regex: re.Pattern[str]) -> bool:
        return any(
            not self._negated(regex, m.start()) for m in regex.finditer(self.low, self.lo, self.hi)
        )

    def _status(self, hit: Hit, actor: str, c_start: int, source: Source | None) -> str:
        """The ISW reading of who says what (docs/EVENT_TYPES.md, Status)."""
        rx = self.rx
        neg = rx.negation.search(self.low, max(c_start, hit.start - 60), hit.start)
        if neg and (rx.confirm.search(neg.group()) or rx.speech.search(neg.group())):
            neg = None  # "gave no acknowledgement that X had fallen", "не підтвердили"
        if self._says(rx.denial) or neg or hit.rule.negated:
            return "denied"
        side = SIDE_ACTOR.get(source.side, "") if source else ""
        event_type = hit.rule.event_type
        if rx.unconfirmed.search(self.low, self.lo, self.hi) or any(
            self._negated(rx.confirm, m.start())
            for m in rx.confirm.finditer(self.low, self.lo, self.hi)
        ):
            return "claimed"  # "has not been confirmed", "no confirmation"
        if self._says(rx.confirm):
            own_gain = side and actor == side and event_type in GAINS
            return "claimed" if own_gain else "confirmed"
        if source is not None and source.side == "monitor":
            return "confirmed"  # ISW's "likely" is still its assessment
        if rx.hedge.search(self.low, self.lo, self.hi) or hit.rule.situation:
            return "claimed"  # a situation report is no admission of a change
        if side and actor in OTHER_SIDE:
            if event_type in GAINS and actor != side:
                return "confirmed"  # the other side admits the gain
            if event_type == "withdrawal" and actor == side:
                return "confirmed"  # a side admits its own withdrawal
        return "claimed"

    def _detail(self, hit: Hit, c_start: int, c_end: int) -> str:
        if hit.rule.detail or hit.rule.event_type not in STRIKES:
            return hit.rule.detail
        for other in self.hits:
            strike = other.rule.event_type in STRIKES and other.rule.detail
            if c_start <= other.start < c_end and strike:
                return other.rule.detail
        return ""

    def _weapon(self, hit: Hit, c_start: int, c_end: int) -> Hit:
        """A strike named in the clause types an attack or harm ("a drone attacked", "killed
        in a drone strike"): ACLED types the event by its means, the harm is counted apart."""
        if hit.rule.event_type in STRIKES and not hit.rule.detail:  # "FPV drones struck"
            armed = [
                h
                for h in self.hits
                if c_start <= h.start < c_end and h.rule.detail and h.rule.event_type in STRIKES
            ]
            return armed[0] if armed else hit
        if hit.rule.event_type not in ("assault", "civilian_harm"):
            return hit
        strikes = [
            h for h in self.hits if c_start <= h.start < c_end and h.rule.event_type in STRIKES
        ]
        if not strikes:
            return hit
        if hit.rule.event_type == "civilian_harm":
            return strikes[0] if hit.rule.detail == "casualties" else hit
        near = [h for h in strikes if abs(h.end - hit.start) <= 12 or abs(hit.end - h.start) <= 12]
        return near[0] if near else hit

    def _event(
        self, res: Resolution, hit: Hit, weight: float, span: tuple[int, int], role: str
    ) -> Claim:
        c_start, c_end = self.clause(hit.start)
        source, where = self._source_where(hit.start)
        hit = self._weapon(hit, c_start, c_end)
        actor = self._actor_for(hit, c_start, c_end)
        side = SIDE_ACTOR.get(source.side, "") if source is not None else ""
        # A side reports its own gains ("Russia said its troops had recaptured"); a rejection said
        # after the claim ("захоплення Басівки не відповідає дійсності, — ДПСУ") is the other
        # side's, so the claimant is the side opposite; "gave no acknowledgement" says nothing.
        claimant = ""
        unconfirmed = self.rx.unconfirmed.search(self.low, self.lo, self.hi)
        if side and hit.rule.event_type in GAINS and not unconfirmed:
            denied = self._status(hit, ANY, c_start, source) == "denied"
            claimant = OTHER_SIDE[side] if denied and where == "after" else side
        if not actor and where != "fallback":
            actor = claimant
        if not actor:
            inherit = hit.rule.event_type != "armed_clash" and hit.rule.detail != "displacement"
            actor = hit.rule.actor or (self.inherited if inherit else "")
            if actor and not hit.rule.actor:
                weight *= 0.9
        if not actor and source is not None and hit.rule.event_type in STRIKES:
            # an authority reports strikes on its area; a side's military, its own strikes
            actor = OTHER_SIDE.get(side, "") if source.kind == "authority" else side
        if not actor:
            actor = claimant  # the article's outlet reports its side's gains
        if (
            not actor
            and side
            and hit.rule.event_type == "withdrawal"
            and self._says(self.rx.confirm)
        ):
            actor = side  # "В ВСУ признали отход": a side admits its own withdrawal
        status = self._status(hit, actor or ANY, c_start, source)
        actor = actor or ANY
        event_type = hit.rule.event_type
        country = {RU: "RU", UA: "UA"}.get(actor, "")
        place_country = res.place.country_code if res.place is not None else ""
        if event_type == "recapture" and country and place_country not in ("", country):
            event_type = "territorial_capture"  # "ВС РФ освободили Юнаковку": a capture
        harm = event_type in STRIKES or event_type == "civilian_harm"
        target = "civilians" if event_type == "civilian_harm" else OTHER_SIDE.get(actor, "")
        return self._claim(
            res,
            *span,
            event_type=event_type,
            actor=actor,
            status=status,
            role=role,
            confidence=round(res.confidence * weight, 4),
            detail=self._detail(hit, c_start, c_end),
            target_side=target,
            source=source.name if source else "",
            source_side=source.side if source else "",
            source_kind=source.kind if source else "",
            situation=hit.rule.situation,
            hedged=bool(self.rx.hedge.search(self.low, self.lo, self.hi)),
            killed=self.killed if harm else 0,
            injured=self.injured if harm else 0,
        )

    def _mention(self, res: Resolution) -> Claim:
        m = res.mention
        source = self._source(m.start)
        return self._claim(
            res,
            m.start,
            m.end,
            event_type="mention",
            actor=ANY,
            status="claimed",
            role="location",
            confidence=res.confidence,
            source=source.name if source else "",
            source_side=source.side if source else "",
            source_kind=source.kind if source else "",
        )

    def _hypothetical(self, hit: Hit) -> bool:
        """A hypothetical word before the trigger in its clause, or just after it ("its capture
        could disrupt"); one further on belongs to another statement ("..., adding that Russian
        units could try to storm Yunakivka")."""
        c_start, c_end = self.clause(hit.start)
        return bool(self.rx.hypothetical.search(self.low, c_start, min(c_end, hit.end + 24)))

    def _not_a_place(self, inside: list[Resolution], i: int) -> bool:
        """A container of the place before it, part of a longer name, or a speaker."""
        res, low, rx = inside[i], self.low, self.rx
        m = res.mention
        if rx.not_place_after.match(low[m.end : m.end + 80]):
            return True
        if rx.not_place_before.search(low[max(self.lo, m.start - 40) : m.start]):
            return True  # "a resident of Velyka Pysarivka"
        if (
            res.place is not None
            and res.place.kind in ("raion", "oblast")
            and rx.container_before.search(low[max(self.lo, m.start - 40) : m.start])
        ):
            return True  # "27 settlements in Sumy region"
        for s, e, _ in self.sources:
            if s <= m.start < e or m.start <= s < m.end:
                return True  # "Sumy Oblast Military Administration", "Kyiv said", "заяву Москви"
        villages = any(r.place is not None and r.place.kind == "settlement" for r in inside)
        if villages and res.place is not None and res.place.kind in ("raion", "oblast"):
            return True  # the events are at the villages; the region only says where
        if i and res.place is not None and inside[i - 1].place is not None:
            before = inside[i - 1]
            rank = _KIND_RANK.get(res.place.kind, 0)
            bigger = rank > _KIND_RANK.get(before.place.kind, 0) and rank in (1, 2, 3)
            if bigger and rx.container_gap.match(low[before.mention.end : m.start]):
                return True  # "Novenke, Sumy oblast": the oblast only says where
        return False

    def claims(self, inside: list[Resolution]) -> list[Claim]:
        out: list[Claim] = []
        rx = self.rx
        landmarks: set[int] = set()
        for i, res in enumerate(inside):
            m = res.mention
            if self._not_a_place(inside, i):
                out.append(self._mention(res))
                continue
            c_start, c_end = self.clause(m.start)
            before = [h for h in self.hits if c_start <= h.start and h.end <= m.start]
            after = [h for h in self.hits if m.end <= h.start < c_end]
            gap = self._masked(m.end, after[0].start, inside) if after else ""
            passive = after and rx.passive_gap.match(gap) and not gap.rstrip().endswith(",")
            if (
                passive
                and before
                and not re.sub(r"\b(?:and|or|та|і|й|и|а)\b", "", gap).strip(" \x00,")
            ):
                passive = False  # "удару БпЛА по Есмані загинула": the trigger before binds
            if passive:
                hit, weight, window = after[0], 1.0, m.start  # "X was captured", "X fell"
            elif before:
                hit, weight = before[-1], 1.0
                ends = [r.mention.end for r in inside[:i] if r.mention.end <= m.start]
                window = max([*ends, hit.end])
                between = self.low[window : m.start]
                later = any(r.mention.start < c_end for r in inside[i + 1 :])
                landmark = (rx.direction.search(between) and (window > hit.end or later)) or (
                    window > hit.end
                    and i - 1 not in landmarks  # "north of Sumy, near Yablunivka"
                    and rx.reference.search(between)
                    and not rx.list_near.search(between)
                    and not rx.list_gap.match(between)
                )
                if landmark:
                    landmarks.add(i)
                if landmark or rx.speech_after.search(self.low, hit.end, m.start):
                    out.append(self._mention(res))  # "captured A, 10 km from B": B is a landmark
                    continue  # "…гриміли бої, розповідає Олег, мешканець X": X is the speaker's
            elif after:
                hit, weight, window = after[0], 0.8, m.start
            else:
                out.append(self._mention(res))
                continue
            if self._hypothetical(hit):
                out.append(self._mention(res))
                continue
            role = self._role(window, m.start, hit.rule.move) if window < m.start else "location"
            if role == "target" and hit.rule.event_type == "withdrawal":
                out.append(self._mention(res))  # "fell back toward Yunakivka": nothing there yet
                continue
            out.append(self._event(res, hit, weight, (m.start, m.end), role))
        return out

    def _role(self, window_start: int, mention_start: int, move: bool) -> str:
        window = self.low[window_start:mention_start]
        if self.rx.origin.search(window):
            return "origin"
        if move and self.rx.target.search(window):
            return "target"
        return "location"

    def _masked(self, start: int, end: int, inside: list[Resolution]) -> str:
        """The text between ``start`` and ``end`` with place mentions replaced by NUL."""
        chars = list(self.low[start:end])
        for r in inside:
            for k in range(max(r.mention.start, start), min(r.mention.end, end)):
                chars[k - start] = "\x00"
        return re.sub("\x00+", "\x00", "".join(chars))

    def anaphoric(self, antecedent: Resolution) -> list[Claim]:
        anaphor = self.rx.anaphor.search(self.low, self.lo, self.hi)
        if anaphor is None or not self.hits:
            return []
        before = [h for h in self.hits if h.end <= anaphor.start()]
        hit = before[-1] if before else self.hits[0]
        if self._hypothetical(hit):
            return []
        return [self._event(antecedent, hit, 0.5, anaphor.span(), "location")]

    def denies_previous(self) -> bool:
        """Does this place-less sentence reject the sentence before ("Kyiv called it a fake")?"""
        return any(
            not self._negated(self.rx.denial, m.start())
            for m in self.rx.denial.finditer(self.low, self.lo, self.hi)
        )
