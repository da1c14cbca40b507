import pytest

from threshold_kb.consultation import follow_up_questions, parse_age, parse_scale
from threshold_kb.matching.engine import Engine


@pytest.fixture(scope="module")
def engine(authorities):
    return Engine(authorities)


@pytest.mark.parametrize(
    ("said", "scale"),
    [
        ("6", 6),
        ("6/10", 6),
        ("about a 4", 4),
        ("3 out of 10", 3),
        ("ten", 10),
        ("0", 0),
        ("11", None),
        ("no idea", None),
    ],
)
def test_the_scale_is_read_from_the_answer(said, scale):
    assert parse_scale(said) == scale


@pytest.mark.parametrize(
    ("said", "age"), [("7", 7.0), ("she's 14", 14.0), ("4 months old", 0.33), ("Year 3", 7.0), ("dunno", None)]
)
def test_the_age_is_read_from_the_answer(said, age):
    assert parse_age(said) == age


def test_a_clear_worry_is_not_asked_what_we_are_worried_about(engine):
    worry = "12 year old is pregnant"
    asked = follow_up_questions(engine.assess("stoke_on_trent", worry), worry, age_known=False)
    assert "sos_worried" not in asked and asked[-1] == "sos_scale"


def test_an_unclear_worry_is_asked_what_we_are_worried_about(engine):
    worry = "I'm worried about a boy in my class"
    assert "sos_worried" in follow_up_questions(engine.assess("peterborough", worry), worry, age_known=False)


def test_the_age_is_asked_only_when_an_indicator_depends_on_it(engine):
    worry = "she told me she is pregnant"
    assessment = engine.assess("stoke_on_trent", worry)
    assert "child_age" in follow_up_questions(assessment, worry, age_known=False)
    assert "child_age" not in follow_up_questions(assessment, worry, age_known=True)
    aged = "15 year old told me she is pregnant"
    assert "child_age" not in follow_up_questions(engine.assess("stoke_on_trent", aged), aged, age_known=False)
