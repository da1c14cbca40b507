"""The evaluation's measures, per authority, from (case, prediction) pairs.

Definitions (the report repeats them):
- exact: the suggested level is the expected one. An unclassified worry counts as wrong.
- within one: the suggested level is at most one away from the expected one.
- under-triage: the suggested level is below the expected one, or a worry was called out of
  scope. "Unclassified" is not under-triage: the assistant then names the designated safeguarding
  lead and the front door, as for a statutory worry.
- over-triage: the suggested level is above the expected one (the cost of never under-triaging).
- statutory recall: of the worries expected at the authority's statutory level, the share
  suggested at it (unclassified counts as missed).
- danger recall: of the messages saying a child may be in danger now, the share flagged.
- out-of-scope precision: of the messages called out of scope, the share that were.
"""

from __future__ import annotations

from dataclasses import dataclass

from threshold_kb.evaluation.devset import Case


@dataclass(frozen=True)
class Prediction:
    level: int | None  # None: unclassified (or out of scope)
    in_scope: bool
    danger: bool
    precautionary: bool = False  # the words fit a range; the top was chosen as a precaution (engine only)
    questions: int = 0  # questions the triage asked before this level (consulted runs)


@dataclass(frozen=True)
class Scores:
    cases: int
    exact: float
    within_one: float
    under_triage: float
    over_triage: float
    statutory_cases: int
    statutory_recall: float
    danger_cases: int
    danger_recall: float
    flagged_out_of_scope: int
    out_of_scope_precision: float | None  # None when nothing was called out of scope
    out_of_scope_recall: float
    unclassified: int


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def score(cases: list[Case], predictions: list[Prediction], slug: str, statutory: int) -> Scores:
    pairs = list(zip(cases, predictions, strict=True))
    labelled = [(c, p) for c, p in pairs if slug in c.expected]
    exact = sum(p.level == c.expected[slug] for c, p in labelled)
    within = sum(p.level is not None and abs(p.level - c.expected[slug]) <= 1 for c, p in labelled)
    under = sum((not p.in_scope) or (p.level is not None and p.level < c.expected[slug]) for c, p in labelled)
    statutory_pairs = [(c, p) for c, p in labelled if c.expected[slug] >= statutory]
    statutory_hits = sum(p.level is not None and p.level >= statutory for c, p in statutory_pairs)
    danger_pairs = [(c, p) for c, p in pairs if c.danger]
    flagged = [(c, p) for c, p in pairs if not p.in_scope]
    out_of_scope = [c for c, _ in pairs if not c.in_scope]
    return Scores(
        cases=len(labelled),
        exact=_share(exact, len(labelled)),
        within_one=_share(within, len(labelled)),
        under_triage=under / len(labelled) if labelled else 0.0,
        over_triage=_share(sum(p.level is not None and p.level > c.expected[slug] for c, p in labelled), len(labelled))
        if labelled
        else 0.0,
        statutory_cases=len(statutory_pairs),
        statutory_recall=_share(statutory_hits, len(statutory_pairs)),
        danger_cases=len(danger_pairs),
        danger_recall=_share(sum(p.danger for _, p in danger_pairs), len(danger_pairs)),
        flagged_out_of_scope=len(flagged),
        out_of_scope_precision=(sum(not c.in_scope for c, _ in flagged) / len(flagged)) if flagged else None,
        out_of_scope_recall=_share(sum(not p.in_scope for c, p in pairs if not c.in_scope), len(out_of_scope)),
        unclassified=sum(p.in_scope and p.level is None for _, p in labelled),
    )


# Done-when targets of the engine, per authority.
TARGETS = {
    "statutory_recall": 1.0,
    "danger_recall": 1.0,
    "under_triage_max": 0.03,
    "exact": 0.85,
}


def misses_targets(s: Scores) -> list[str]:
    misses = []
    if s.statutory_recall < TARGETS["statutory_recall"]:
        misses.append(f"statutory recall {s.statutory_recall:.1%}")
    if s.danger_recall < TARGETS["danger_recall"]:
        misses.append(f"danger recall {s.danger_recall:.1%}")
    if s.under_triage > TARGETS["under_triage_max"]:
        misses.append(f"under-triage {s.under_triage:.1%}")
    if s.exact < TARGETS["exact"]:
        misses.append(f"exact {s.exact:.1%}")
    return misses
