"""Does the worry suggest a child may be in danger right now? Patterns are data (danger.yml)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from threshold_kb.matching.danger_model import MODEL_FILE, ModelUnavailable, load_model
from threshold_kb.matching.normalise import NEGATION_CUES, clean
from threshold_kb.matching.timing import time_features

log = logging.getLogger(__name__)


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


class DangerDetector:
    """Patterns first (danger.yml); with the sentence encoder, also meaning: the message's vector
    through a model trained for recall (danger_model.py). A false alarm costs a sentence, a miss
    could cost a child. The Rasa NLU component and the engine use this same detector."""

    def __init__(self, encoder=None, model_file: Path = MODEL_FILE):
        self.encoder, self.model = encoder, None
        if encoder is not None:
            try:
                self.model = load_model(model_file)
            except ModelUnavailable as exc:  # fail safe: the patterns still put 999 first
                log.error("danger model unavailable, danger now by patterns only: %s", exc)

    def probability(self, text: str, vector=None) -> float | None:
        """How likely the model thinks danger now is; None without the encoder."""
        if self.model is None:
            return None
        if vector is None:
            vector = self.encoder.encode([clean(text)])[0]
        return self.model.probability(vector, time_features(text))

    def signals(self, text: str, vector=None, doc=None) -> tuple[DangerSignal, ...]:
        """`vector`, the encoder's vector of `clean(text)`, and `doc`, spaCy's tagged message, are
        reused when the caller has them."""
        found = danger_signals(text)
        if found or self.model is None or not clean(text).strip():
            return found
        if vector is None:
            vector = self.encoder.encode([clean(text)])[0]
        if not self.model.flags(vector, text, doc):
            return ()
        return (DangerSignal("in danger now (by meaning)", self._likeliest_clause(text)),)

    def _likeliest_clause(self, text: str) -> str:
        """The clause that reads most like danger, to quote back (encoded only when danger is found)."""
        clauses = [c.strip() for c in _CLAUSES.split(clean(text)) if len(c.split()) >= 3][:12]
        if len(clauses) < 2:
            return clean(text).strip()[:200]
        scores = self.encoder.encode(clauses) @ self.model.weights
        return clauses[int(scores.argmax())]


_CLAUSES = re.compile(r"[.;!?\n]+|,\s*(?:but|and|so|because)\b|\s-\s")
