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


_CLAUSES = re.compile(r"[.;!?\n]+|,\s*(?:but|and|so|because)\b|\s-\s")


@lru_cache(maxsize=1)
def _exemplars() -> dict:
    return yaml.safe_load(Path(__file__).with_name("danger_exemplars.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _exemplar_vectors(encoder):
    """The exemplars encoded once per encoder (about 500 sentences: seconds, not per detector)."""
    data = _exemplars()
    return encoder.encode([clean(t) for t in data["danger"]]), encoder.encode([clean(t) for t in data["negative"]])


class DangerDetector:
    """Patterns first (danger.yml); with the sentence encoder, also meaning: a clause closer to a
    danger exemplar than to any ordinary one (danger_exemplars.yml) raises it. Tuned for recall:
    a false alarm costs a sentence, a miss could cost a child. The Rasa NLU component and the
    engine use this same detector."""

    def __init__(self, encoder=None):
        self.encoder = encoder
        self._danger = self._ordinary = None
        if encoder is not None:
            data = _exemplars()
            self.threshold, self.margin = float(data["threshold"]), float(data["margin"])
            self._danger, self._ordinary = _exemplar_vectors(encoder)

    def closeness(self, text: str) -> list[tuple[str, float, float]]:
        """(clause, similarity to the nearest danger exemplar, to the nearest ordinary one)."""
        clauses = [c.strip() for c in _CLAUSES.split(clean(text)) if len(c.split()) >= 3][:12]
        if self.encoder is None or not clauses:
            return []
        return self.closeness_of(clauses, self.encoder.encode(clauses))

    def closeness_of(self, clauses: list[str], vectors) -> list[tuple[str, float, float]]:
        """As `closeness`, for clauses the caller has already encoded (the engine's units)."""
        danger = (vectors @ self._danger.T).max(axis=1)
        ordinary = (vectors @ self._ordinary.T).max(axis=1)
        return [(c, float(d), float(o)) for c, d, o in zip(clauses, danger, ordinary, strict=True)]

    def signals(self, text: str, clauses: list[str] | None = None, vectors=None) -> tuple[DangerSignal, ...]:
        """`clauses` and their `vectors`, when given, are reused instead of encoding again."""
        found = danger_signals(text)
        if found or self.encoder is None:
            return found
        near = self.closeness_of(clauses, vectors) if vectors is not None else self.closeness(text)
        for clause, danger, ordinary in near:
            if danger >= self.threshold and danger - ordinary >= self.margin:
                return (DangerSignal("in danger now (by meaning)", clause),)
        return ()
