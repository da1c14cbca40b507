"""One consultation turn: the engine's evidence (indicators to quote, danger, scope) and the
triage's level, as one Assessment for the recommendation.

The engine finds the document's words that fit the worry; the triage decides the level from the
qualifiers. The engine's own level (its over-triage margin) is not used here: it is kept only as
the evaluation's baseline.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from threshold_kb import model as m
from threshold_kb.matching.engine import Assessment, Engine
from threshold_kb.triage.decide import triage
from threshold_kb.triage.rules import AuthorityRules, load_rules

# An indicator matched this well is the document's own words for the worry: within the range the
# answers leave, it keeps its level (chosen on the tuning part: 0.62, 0.5 and 0.4 were measured;
# 0.4 under-triaged least).
STRONG_MATCH = 0.4


class Consultant:
    """The engine and every authority's triage rules, loaded once."""

    def __init__(self, engine: Engine, rules: dict[str, AuthorityRules] | None = None):
        self.engine = engine
        self.rules = rules or {slug: load_rules(a) for slug, a in engine.authorities.items()}
        # One consultation turn asks about the same worry several times (the form's checks, the
        # card); the engine's answer depends on its arguments alone, and is immutable.
        self._evidence = lru_cache(maxsize=256)(engine.assess)

    def forget(self) -> None:
        """Drop the remembered evidence (the benchmark times first turns)."""
        self._evidence.cache_clear()

    def assess(
        self,
        slug: str,
        text: str,
        age: float | None = None,
        answers: dict[str, str] | None = None,
        working_well: str = "",
        stop_asking: bool = False,
    ) -> Assessment:
        evidence = self._evidence(slug, text, age, working_well=working_well)
        if not evidence.in_scope:
            return replace(evidence, level=None, alternative=None, precautionary=False, rules=())
        authority: m.Authority = evidence.authority
        supported = frozenset(mt.level or mt.indicator.level for mt in evidence.matches if mt.score >= STRONG_MATCH)
        t = triage(self.rules[slug], text, answers, evidence.immediate_danger, supported, stop_asking=stop_asking)
        # Quote first the indicators at the level decided.
        matches = tuple(sorted(evidence.matches, key=lambda mt: (mt.level or mt.indicator.level) != t.level))
        return replace(
            evidence,
            level=authority.level(t.level),
            alternative=None,  # the range still open is the triage's (payload "triage.range")
            precautionary=False,
            rules=(),
            matches=matches,
            triage=t,
        )
