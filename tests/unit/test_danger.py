"""Danger first: the words that must make the first reply "call 999"."""

import pytest

from threshold_kb.matching.danger import danger_signals

IN_DANGER = [
    ("dad is hitting mum right now and the kids are in the room", "violence happening now"),
    ("he's got a knife and is threatening to stab her", "violence happening now"),
    ("she says she has taken a load of tablets", "overdose or poisoning"),
    ("Y10 lad told me he overdosed last night", "overdose or poisoning"),
    ("he says he is too scared to go home tonight", "afraid to go home"),
    ("she doesn't want to go home because stepdad will hit her", "afraid to go home"),
    ("mum is drunk and about to drive the kids home", "drunk or intoxicated carer about to drive a child"),
    (
        "dad smells of alcohol and has the car keys to take the twins",
        "drunk or intoxicated carer about to drive a child",
    ),
    ("4 year old is missing from nursery", "a child missing now"),
    ("we cannot find her anywhere on site", "a child missing now"),
    ("toddler left home alone all afternoon", "a young child left alone"),
    ("she is going to kill herself tonight", "suicide or serious self-harm now"),
]
NOT_IN_DANGER = [
    "Year 4 boy, bruise on his cheek again, says he fell, mum didn't turn up to parents evening",
    "the child is not missing, she was at her nan's",
    "she goes missing at weekends",
    "has gone missing three times this term",
    "missed health appointments",
    "attendance has dropped to 85%",
    "",
]


@pytest.mark.parametrize("text, label", IN_DANGER)
def test_immediate_danger_is_recognised(text, label):
    assert label in [s.label for s in danger_signals(text)]


@pytest.mark.parametrize("text", NOT_IN_DANGER)
def test_ordinary_worries_are_not_emergencies(text):
    assert danger_signals(text) == ()
