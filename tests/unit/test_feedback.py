"""Typed feedback read for its verdict and the DSL's decision; the buttons' payloads."""

import json

import pytest

from threshold_kb import feedback


@pytest.mark.parametrize(
    "text, verdict",
    [
        ("yes that was helpful", "right"),
        ("that was the right level", "right"),
        ("no, wrong level", "wrong"),
        ("the level was too high", "wrong"),
        ("not right", "wrong"),
        ("not sure it was right", "unsure"),
        ("my DSL said level 2", None),
    ],
)
def test_typed_words_give_the_verdict_they_say(text, verdict):
    assert feedback.verdict_of(text) == verdict


@pytest.mark.parametrize(
    "text, decision",
    [
        ("my DSL said level 2", "2"),
        ("the front door decided it was level 4", "4"),
        ("the DSL hasn't decided yet", "not_yet"),
        ("wrong level, I thought level 2", None),  # what the practitioner thought, not a decision
        ("what is level 3", None),
    ],
)
def test_typed_words_give_the_decision_only_when_someone_decided(text, decision):
    assert feedback.decision_of(text) == decision


def test_button_payloads_are_the_intent_with_its_entity():
    payloads = [b["payload"] for b in feedback.verdict_buttons()]
    assert [json.loads(p.removeprefix("/give_feedback")) for p in payloads] == [
        {"verdict": "right"}, {"verdict": "wrong"}, {"verdict": "unsure"}]
    decisions = feedback.decision_buttons([(2, "Level 2: Early help")])
    assert decisions[-1]["payload"] == '/give_feedback{"decision": "not_yet"}'


def test_only_known_values_are_kept_from_a_button():
    assert feedback.clean_value("WRONG", set(feedback.VERDICTS)) == "wrong"
    assert feedback.clean_value("delete everything", set(feedback.VERDICTS)) is None
    assert feedback.clean_value("3") == "3" and feedback.clean_value("level 3; drop") is None
