"""The danger model is data trained from files in the repository: it must match them, keep the
held-out sets out, and be applied the way it was trained (a dot product on the message's vector)."""

import json

import numpy as np
import yaml

from threshold_kb.evaluation import devset
from threshold_kb.matching import danger_model
from threshold_kb.matching.danger import DangerDetector
from threshold_kb.matching.danger_model import MODEL_FILE, digest, load_model, training_examples
from threshold_kb.matching.encoder import DIMENSIONS, MODEL_SHA256
from threshold_kb.matching.timing import FEATURES, time_features

STORED = json.loads(MODEL_FILE.read_text(encoding="utf-8"))


def test_the_shipped_model_was_trained_on_the_training_files_as_they_are():
    assert STORED["training_digest"] == digest(training_examples()), (
        "danger_training.yml, tuning_safety.yml, the dev set or data/nlu changed since the model was "
        "trained: run .venv/bin/python -m threshold_kb.matching.danger_model"
    )
    assert STORED["encoder_sha256"] == MODEL_SHA256
    assert len(STORED["weights"]) == DIMENSIONS + len(FEATURES) and tuple(STORED["features"]) == FEATURES
    assert STORED["cross_validated"]["recall"] >= danger_model.TARGET_RECALL


def test_no_held_out_wording_is_trained_on():
    trained = {text.strip().lower() for text, _ in training_examples()}
    held_out = [
        item["text"]
        for name in ("heldout_safety.yml", "heldout_safety_2.yml")
        for item in yaml.safe_load((devset.DEVSET_DIR / name).read_text(encoding="utf-8"))
    ]
    held_out += [case.text for case in devset.load() if case.held_out]
    assert held_out and not [t for t in held_out if t.strip().lower() in trained]


class FixedEncoder:
    """Returns one vector for every text, and counts the calls."""

    def __init__(self, vector):
        self.vector, self.calls = np.asarray(vector, dtype=np.float32), 0

    def encode(self, texts):
        self.calls += 1
        return np.tile(self.vector, (len(texts), 1))


def test_the_model_decides_on_the_direction_of_the_messages_vector():
    direction = load_model().weights / np.linalg.norm(load_model().weights)
    towards, away = DangerDetector(FixedEncoder(direction)), DangerDetector(FixedEncoder(-direction))
    worry = "something is happening with the boy from year 5"
    found = towards.signals(worry)
    assert [s.label for s in found] == ["in danger now (by meaning)"] and found[0].phrase == worry
    assert away.signals(worry) == ()


def test_a_vector_the_caller_already_has_is_not_encoded_again():
    encoder = FixedEncoder(np.zeros(DIMENSIONS))
    detector = DangerDetector(encoder)
    detector.signals("an ordinary worry about attendance", vector=-load_model().weights)
    assert encoder.calls == 0


def test_patterns_decide_before_the_model_and_empty_text_never_reaches_it():
    encoder = FixedEncoder(np.zeros(DIMENSIONS))
    detector = DangerDetector(encoder)
    assert detector.signals("dad is hitting mum right now and the kids are in the room")
    assert detector.signals("   ") == ()
    assert encoder.calls == 0


def test_a_broken_model_file_leaves_the_patterns_working(tmp_path, caplog):
    broken = tmp_path / "danger_model.json"
    broken.write_text('{"weights": [1, 2', encoding="utf-8")
    encoder = FixedEncoder(load_model().weights)
    detector = DangerDetector(encoder, model_file=broken)
    assert detector.model is None and "danger model unavailable" in caplog.text
    assert detector.signals("she says she has taken a load of tablets")
    assert detector.signals("an ordinary worry about attendance") == () and encoder.calls == 0


def test_when_it_happens_is_read_from_the_words_and_the_verbs_tenses():
    now = dict(zip(FEATURES, time_features("dad has a knife and is shouting at the door right now"), strict=False))
    before = dict(zip(FEATURES, time_features("dad had a knife last summer and the police came"), strict=False))
    again = dict(zip(FEATURES, time_features("he keeps coming in hungry again, third time this month"), strict=False))
    assert now["now"] == 1 and now["past_time"] == 0 and now["present_verbs"] > now["past_verbs"]
    assert before["past_time"] == 1 and before["now"] == 0 and before["past_verbs"] > before["present_verbs"]
    assert again["pattern"] == 1 and again["now"] == 0


def test_the_timing_features_push_the_same_words_apart_in_time():
    """Trained weights: "now" towards danger, a past time and a pattern away from it."""
    weights = dict(zip(FEATURES, load_model().timing_weights, strict=False))
    assert weights["now"] > 0 > weights["past_time"]
    assert weights["pattern"] < weights["now"]


def test_the_tagger_is_skipped_only_where_it_cannot_change_the_decision():
    model, rng = load_model(), np.random.default_rng(0)
    texts = ["dad has a knife and is shouting right now", "dad had a knife last summer",
             "he keeps coming in hungry again", "she will be beaten when she gets home tonight"]
    for _ in range(50):
        vector = rng.normal(0, 0.06, DIMENSIONS).astype(np.float32)
        for text in texts:
            assert model.flags(vector, text) == (model.probability(vector, time_features(text)) >= model.threshold)
