"""Does the worry suggest a child may be in danger right now? Patterns are data (danger.yml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from threshold_kb.matching.normalise import NEGATION_CUES, clean


@dataclass(frozen=True)
class DangerSignal:
    label: str
    phrase: str  # the practitioner's words that raised it


@lru_cache(maxsize=1)
def _signals() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    data = yaml.safe_load(Path(__file__).with_name("danger.yml").read_text(encoding="utf-8"))
    return tuple((s["label"], tuple(re.compile(p) for p in s["patterns"])) for s in data["signals"])


def _negated(text: str, start: int) -> bool:
    """A cue like "not"/"no" within the three words before the match ("not missing")."""
    before = text[:start].split()[-3:]
    return any(w in NEGATION_CUES or w.endswith("n't") for w in before)


def danger_signals(text: str) -> tuple[DangerSignal, ...]:
    """Every immediate-danger signal in the text, at most one per kind."""
    cleaned = clean(text)
    found = []
    for label, patterns in _signals():
        for pattern in patterns:
            match = next((m for m in pattern.finditer(cleaned) if not _negated(cleaned, m.start())), None)
            if match:
                found.append(DangerSignal(label, match.group(0)))
                break
    return tuple(found)
