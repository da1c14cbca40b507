"""The danger detector's model half: logistic regression over the sentence encoder's vector of the
whole message and six features of when it happens (timing.py: now, before, again; spaCy's verb
tenses), trained here and shipped as data (danger_model.json: 390 weights, a bias and the
threshold), so the running assistant only takes a dot product.

Trained on sentences written for it (danger_training.yml), the danger-tuning set, the tuning part
of the development set (never its held-out part) and the NLU examples that are not worries (so
that "hello" or a question about consent is not read as danger). Both held-out safety sets
(tests/devset/heldout_safety*.yml) are kept out. The strength of regularisation and the threshold
are chosen by five-fold cross-validation on the training data alone: the least false alarms that
keep cross-validated recall at TARGET_RECALL or more (a miss could cost a child; a false alarm
costs a sentence).

Retrain after changing any input (a unit test checks the stored digest):
    .venv/bin/python -m threshold_kb.matching.danger_model
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from threshold_kb.config import PROJECT_ROOT
from threshold_kb.matching.encoder import DIMENSIONS, MODEL_SHA256
from threshold_kb.matching.normalise import clean
from threshold_kb.matching.timing import FEATURES, WORD_FEATURES, tense_features, time_features, word_features

MODEL_FILE = Path(__file__).with_name("danger_model.json")
TRAINING_FILE = Path(__file__).with_name("danger_training.yml")
TUNING_SET = PROJECT_ROOT / "tests" / "devset" / "tuning_safety.yml"
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
TARGET_RECALL = 0.85
STRENGTHS = (1.0, 3.0, 10.0)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.20, 0.61, 0.05))
# NLU examples: report_danger's are danger, the other intents' are not; describe_worry's may be
# either, so they are left out.
_DANGER_INTENT, _MIXED_INTENT = "report_danger", "describe_worry"
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def training_examples() -> list[tuple[str, int]]:
    """(text, 1 if a child may be in danger now) for every training sentence, in a fixed order."""
    from threshold_kb.evaluation.devset import load  # the dev set loader lives with evaluation

    written = yaml.safe_load(TRAINING_FILE.read_text(encoding="utf-8"))
    examples = [(t, 1) for t in written["danger"]] + [(t, 0) for t in written["negative"]]
    examples += [(i["text"], int(bool(i["danger"]))) for i in yaml.safe_load(TUNING_SET.read_text(encoding="utf-8"))]
    cases = load()
    examples += [(c.text, int(c.danger)) for c in cases if not c.held_out]
    for path in sorted(NLU_DIR.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            intent = block.get("intent")
            if intent in (None, _MIXED_INTENT):
                continue
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    examples.append((_ANNOTATION.sub(r"\1", line.strip()[2:]), int(intent == _DANGER_INTENT)))
    # A held-out wording is never trained on, wherever else it also appears (an NLU example).
    held_out = {c.text.strip().lower() for c in cases if c.held_out}
    for name in ("heldout_safety.yml", "heldout_safety_2.yml"):
        items = yaml.safe_load((TUNING_SET.parent / name).read_text(encoding="utf-8"))
        held_out |= {i["text"].strip().lower() for i in items}
    return [(text, label) for text, label in examples if text.strip().lower() not in held_out]


def digest(examples: list[tuple[str, int]]) -> str:
    return hashlib.sha256(json.dumps(examples, ensure_ascii=False).encode()).hexdigest()


def _choose(vectors: np.ndarray, labels: np.ndarray) -> tuple[float, float, float, float]:
    """(strength, threshold, cv recall, cv false alarms) by five-fold cross-validation."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    best = None
    for strength in STRENGTHS:
        scores = np.zeros(len(labels))
        for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(vectors, labels):
            model = LogisticRegression(C=strength, max_iter=5000).fit(vectors[train], labels[train])
            scores[test] = model.predict_proba(vectors[test])[:, 1]
        for threshold in THRESHOLDS:
            flagged = scores >= threshold
            recall = float(flagged[labels == 1].mean())
            false_alarms = float(flagged[labels == 0].mean())
            if recall >= TARGET_RECALL and (best is None or false_alarms < best[3]):
                best = (strength, threshold, recall, false_alarms)
    if best is None:
        raise RuntimeError(f"no setting reaches cross-validated recall {TARGET_RECALL}")
    return best


def train(encoder) -> dict:
    from sklearn.linear_model import LogisticRegression

    examples = training_examples()
    vectors = np.hstack([encoder.encode([clean(t) for t, _ in examples]), [time_features(t) for t, _ in examples]])
    labels = np.array([y for _, y in examples])
    strength, threshold, recall, false_alarms = _choose(vectors, labels)
    model = LogisticRegression(C=strength, max_iter=5000).fit(vectors, labels)
    return {
        "about": "danger_model.py: logistic regression over all-MiniLM-L6-v2 vectors of the cleaned message "
        "and the timing features",
        "features": list(FEATURES),
        "encoder_sha256": MODEL_SHA256,
        "training_digest": digest(examples),
        "examples": {"danger": int(labels.sum()), "not_danger": int(len(labels) - labels.sum())},
        "strength": strength,
        "threshold": threshold,
        "cross_validated": {"recall": round(recall, 4), "false_alarms": round(false_alarms, 4)},
        "bias": float(model.intercept_[0]),
        "weights": [round(float(w), 6) for w in model.coef_[0]],
    }


class ModelUnavailable(RuntimeError):
    """The danger model cannot be used; the detector falls back to its patterns."""


class DangerModel:
    def __init__(self, data: dict):
        if data["encoder_sha256"] != MODEL_SHA256:
            raise ValueError("danger_model.json was trained on another encoder: retrain it")
        weights = np.asarray(data["weights"], dtype=np.float32)
        if weights.shape != (DIMENSIONS + len(FEATURES),) or tuple(data.get("features", ())) != FEATURES:
            raise ValueError(f"{weights.shape[0]} weights for {data.get('features')}: retrain it")
        self.weights, self.timing_weights = weights[:DIMENSIONS], weights[DIMENSIONS:]
        self.bias = float(data["bias"])
        self.threshold = float(data["threshold"])

    def probability(self, vector: np.ndarray, timing: np.ndarray) -> float:
        """`vector`: the encoder's of the cleaned message; `timing`: its time_features."""
        score = vector @ self.weights + timing @ self.timing_weights + self.bias
        score = float(np.clip(score, -50.0, 50.0))  # no overflow in exp
        return 1.0 / (1.0 + math.exp(-score))

    def flags(self, vector: np.ndarray, text: str, doc=None) -> bool:
        """probability(vector, time_features(text)) >= threshold, the same decision, with spaCy's
        tagger run only when the verb tenses could change it (their shares lie between 0 and 1)."""
        cut = math.log(self.threshold / (1.0 - self.threshold))
        tense = self.timing_weights[WORD_FEATURES:]
        score = float(vector @ self.weights + word_features(text) @ self.timing_weights[:WORD_FEATURES] + self.bias)
        if score + float(np.clip(tense, 0, None).sum()) < cut:
            return False
        if score + float(np.clip(tense, None, 0).sum()) >= cut:
            return True
        return score + float(tense_features(text, doc) @ tense) >= cut


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_FILE) -> DangerModel:
    """Raises ModelUnavailable when the file is missing, unreadable or for another encoder."""
    try:
        return DangerModel(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelUnavailable(f"{path.name}: {exc}") from exc


def main() -> None:
    from threshold_kb.matching.encoder import SentenceEncoder

    data = train(SentenceEncoder())
    MODEL_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(
        f"wrote {MODEL_FILE.name}: {data['examples']}, C={data['strength']}, threshold {data['threshold']}, "
        f"cross-validated recall {data['cross_validated']['recall']:.1%}, "
        f"false alarms {data['cross_validated']['false_alarms']:.1%}"
    )


if __name__ == "__main__":
    main()
