"""The threshold engine, first version: a worry and an authority in, ranked indicators and a
suggested level out.

An indicator's score is the share of its own (IDF-weighted, stemmed) content words that the
expanded worry affirms: indicators are short and worries long, so coverage of the indicator is
what says "this is described here". Negated words do not count, and an indicator whose own
text states an age the child is outside of is skipped. The level is never lower than a strongly
matched indicator's level: the engine prefers over-triage to under-triage, and says
"unclassified" rather than guess.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from threshold_kb import model as m
from threshold_kb.matching.age import age_from_text, age_terms
from threshold_kb.matching.danger import DangerSignal, danger_signals
from threshold_kb.matching.negation import split_terms
from threshold_kb.matching.normalise import content_terms, expand

MATCH_THRESHOLD = 0.34  # share of an indicator's weight the worry must cover to match it
STRONG_THRESHOLD = 0.5  # a match this strong sets the floor of the suggested level
CLOSE_MARGIN = 0.05  # an alternative level is reported when its best match is this close


@dataclass(frozen=True)
class IndicatorMatch:
    indicator: m.Indicator
    score: float
    matched_terms: tuple[str, ...]
    borrowed_from: str | None = None  # slug of the authority whose document it comes from


@dataclass(frozen=True)
class Assessment:
    authority: m.Authority
    level: m.Level | None  # None: the worry could not be classified
    confidence: float
    alternative: m.Level | None
    matches: tuple[IndicatorMatch, ...]
    danger: tuple[DangerSignal, ...]
    negated_terms: tuple[str, ...]
    borrowed: bool  # evidence came from other authorities' documents (Cumbria)

    @property
    def immediate_danger(self) -> bool:
        return bool(self.danger)


@dataclass(frozen=True)
class _Entry:
    indicator: m.Indicator
    level: int  # in the assessed authority's numbering
    weights: dict[str, float]
    norm: float  # total weight of the indicator's terms
    borrowed_from: str | None


class Engine:
    """Indexes every authority once; `assess` is then cheap per message."""

    def __init__(self, authorities: Iterable[m.Authority]):
        self.authorities = {a.slug: a for a in authorities}
        concerns = [i for a in self.authorities.values() for i in a.indicators if "strength" not in i.markers]
        frequency = Counter(t for i in concerns for t in set(content_terms(i.text)))
        total = max(len(concerns), 1)
        self.idf = {t: math.log((1 + total) / (1 + n)) + 1 for t, n in frequency.items()}
        self._default_idf = math.log(1 + total) + 1
        self._entries = {slug: self._index(a) for slug, a in self.authorities.items()}

    def _index(self, authority: m.Authority) -> tuple[_Entry, ...]:
        own = [(i, i.level, None) for i in authority.indicators if "strength" not in i.markers]
        if self._needs_borrowing(authority):
            own += [
                (i, self._map_level(other, i.level, authority), other.slug)
                for other in self.authorities.values()
                if other.slug != authority.slug
                for i in other.indicators
                if "strength" not in i.markers
            ]
        return tuple(self._entry(i, level, source) for i, level, source in own)

    @staticmethod
    def _needs_borrowing(authority: m.Authority) -> bool:
        """An authority whose own document does not give indicators at every level."""
        return len({i.level for i in authority.indicators}) < len(authority.levels)

    @staticmethod
    def _map_level(source: m.Authority, number: int, target: m.Authority) -> int:
        """A level of another scheme in the target's numbering, rounding up (never under-triage).

        Statutory maps to the target's first statutory level; below it, proportionally."""
        source_statutory = min((lv.number for lv in source.levels if lv.statutory), default=len(source.levels))
        target_statutory = min((lv.number for lv in target.levels if lv.statutory), default=len(target.levels))
        if number >= source_statutory:
            return target_statutory + (number - source_statutory)
        if number <= 1:
            return 1
        share = (number - 1) / max(source_statutory - 1, 1)  # 0 at level 1, 1 at the statutory level
        return min(target_statutory - 1, 1 + math.ceil(share * (target_statutory - 1) - 1e-9))

    def _entry(self, indicator: m.Indicator, level: int, source: str | None) -> _Entry:
        weights = {t: self.idf.get(t, self._default_idf) for t in set(content_terms(indicator.text))}
        return _Entry(indicator, level, weights, sum(weights.values()) or 1.0, source)

    def assess(self, slug: str, text: str, age: float | None = None, extra: str = "") -> Assessment:
        """`extra` carries further answers (e.g. Signs of Safety "what are we worried about")."""
        authority = self.authorities[slug]
        worry = f"{text}. {extra}" if extra else text
        if age is None:
            age = age_from_text(worry)
        affirmed, negated = split_terms(f"{expand(worry)}. {age_terms(age)}")
        query = set(affirmed)

        matches = []
        for entry in self._entries[slug]:
            if not entry.indicator.conditions.admits_age(age):
                continue
            shared = query & entry.weights.keys()
            if len(shared) < min(2, len(entry.weights)):
                continue
            score = sum(entry.weights[t] for t in shared) / entry.norm
            if score >= MATCH_THRESHOLD:
                matches.append((score, entry, tuple(sorted(shared))))
        matches.sort(key=lambda x: (-x[0], -x[1].level))
        ranked = tuple(IndicatorMatch(e.indicator, round(s, 3), terms, e.borrowed_from) for s, e, terms in matches[:10])
        level, confidence, alternative = self._suggest(authority, matches)
        return Assessment(
            authority=authority,
            level=level,
            confidence=confidence,
            alternative=alternative,
            matches=ranked,
            danger=danger_signals(worry),
            negated_terms=tuple(sorted(negated)),
            borrowed=any(mt.borrowed_from for mt in ranked),
        )

    @staticmethod
    def _suggest(authority: m.Authority, matches: list) -> tuple[m.Level | None, float, m.Level | None]:
        if not matches:
            return None, 0.0, None
        best_by_level: dict[int, float] = {}
        for score, entry, _ in matches:
            best_by_level[entry.level] = max(best_by_level.get(entry.level, 0.0), score)
        top_score = matches[0][0]
        strong = [lv for lv, s in best_by_level.items() if s >= STRONG_THRESHOLD]
        s47 = [e.level for s, e, _ in matches if "s47" in e.indicator.markers and s >= STRONG_THRESHOLD]
        chosen = max(strong + s47) if (strong or s47) else matches[0][1].level
        confidence = round(min(1.0, best_by_level.get(chosen, top_score) / 0.6), 2)
        close = [
            lv for lv, s in best_by_level.items() if lv != chosen and s >= best_by_level.get(chosen, 0) - CLOSE_MARGIN
        ]
        alternative = authority.level(max(close)) if close else None
        return authority.level(chosen), confidence, alternative
