"""Red flags (red_flags.yml): worries that always go to children's social care, decided at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from threshold_kb.matching.negation import negated_before
from threshold_kb.matching.normalise import clean


@dataclass(frozen=True)
class RedFlag:
    kind: str
    phrase: str  # the practitioner's words that raised it


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    data = yaml.safe_load(Path(__file__).with_name("red_flags.yml").read_text(encoding="utf-8"))
    return tuple((kind, tuple(re.compile(p) for p in ps)) for kind, ps in data["kinds"].items())



def red_flags(text: str) -> tuple[RedFlag, ...]:
    """Every red flag the worry raises, at most one per kind, in the file's order."""
    cleaned = clean(text)
    found = []
    for kind, patterns in _patterns():
        for pattern in patterns:
            match = next((mt for mt in pattern.finditer(cleaned) if not negated_before(cleaned, mt.start())), None)
            if match:
                found.append(RedFlag(kind, match.group(0)))
                break
    return tuple(found)
