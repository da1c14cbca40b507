"""How far the six triage qualifiers can go on the development set, whatever is asked.

    .venv/bin/python scripts/triage_ceiling.py

For every in-scope case that no red flag or danger decides, each authority's level from:
- its rules (threshold_kb/triage/rules/<slug>.yml) given ALL of the case's facts (every question
  answered as the practitioner would; "not sure" as the riskiest value, unknown as presumed);
- the best table from facts to level that the tuning part's labels allow: the commonest label for
  each combination of the six answers, learned on the tuning part, backed off to the rules for a
  combination it never saw (a generous ceiling: fitted to labels, which rules must not be).
If the table stays far below a target on the held-out part, no rule or question order over these
six qualifiers reaches it: the labels depend on what the worry is about, not only on the answers.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from threshold_kb import loader  # noqa: E402
from threshold_kb.evaluation import devset  # noqa: E402
from threshold_kb.triage.decide import _presumed  # noqa: E402
from threshold_kb.triage.qualifiers import NOT_SURE, qualifiers  # noqa: E402
from threshold_kb.triage.red_flags import red_flags  # noqa: E402
from threshold_kb.triage.rules import load_rules  # noqa: E402


def main() -> None:
    authorities = loader.load_all()
    cases = [c for c in devset.load() if c.in_scope and not c.danger and not red_flags(c.text)]
    names = tuple(qualifiers())

    def answers(case: devset.Case) -> tuple[str, ...]:
        return tuple(case.facts.get(n, "?") for n in names)

    print("| authority | held-out cases | rules, all facts | best table from tuning labels |")
    print("|---|---|---|---|")
    for authority in authorities:
        rules = load_rules(authority)

        def by_rules(case: devset.Case, rules=rules) -> int:
            unsure = {n for n, v in case.facts.items() if v == NOT_SURE}
            return rules.place(_presumed(dict(case.facts), unsure)).level

        table: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for case in cases:
            if not case.held_out:
                table[answers(case)][case.expected[authority.slug]] += 1
        held = [c for c in cases if c.held_out]
        rules_exact = sum(by_rules(c) == c.expected[authority.slug] for c in held)
        learned = {key: counts.most_common(1)[0][0] for key, counts in table.items()}
        table_exact = sum(learned.get(answers(c), by_rules(c)) == c.expected[authority.slug] for c in held)
        print(
            f"| {authority.name} | {len(held)} | {rules_exact / len(held):.1%} | {table_exact / len(held):.1%} |"
        )


if __name__ == "__main__":
    main()
