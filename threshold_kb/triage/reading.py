"""What a worry already says about the triage qualifiers, negation-aware (reading.yml)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from threshold_kb.matching.negation import negated_before
from threshold_kb.matching.normalise import clean
from threshold_kb.triage.qualifiers import qualifiers

# A negated value reads as its opposite: "no one has hurt her", "mum isn't engaging", "not helping".
_NEGATED_VALUE = {
    ("harm", "yes"): "no",
    ("carers", "engaging"): "not_engaging",
    ("support", "helping"): "tried_not_enough",
}


@lru_cache(maxsize=1)
def _patterns() -> dict[str, dict[str, tuple[re.Pattern[str], ...]]]:
    data = yaml.safe_load(Path(__file__).with_name("reading.yml").read_text(encoding="utf-8"))
    return {q: {v: tuple(re.compile(p) for p in ps) for v, ps in values.items()} for q, values in data.items()}



def _said(text: str, patterns: tuple[re.Pattern[str], ...]) -> tuple[bool, bool]:
    """(affirmed somewhere, negated somewhere)."""
    affirmed = negated = False
    for pattern in patterns:
        for match in pattern.finditer(text):
            if negated_before(text, match.start()):
                negated = True
            else:
                affirmed = True
    return affirmed, negated


def read(text: str) -> dict[str, str]:
    """The qualifier values a worry states. Several values of one qualifier: the riskiest."""
    cleaned = clean(text)
    found: dict[str, str] = {}
    for name, values in _patterns().items():
        q = qualifiers()[name]
        said = []
        for value, patterns in values.items():
            affirmed, negated = _said(cleaned, patterns)
            if affirmed:
                said.append(value)
            elif negated and (name, value) in _NEGATED_VALUE:
                said.append(_NEGATED_VALUE[name, value])
        if said:
            found[name] = max(said, key=q.risk)
    return found
