import pytest

from threshold_kb.consultation import age_matters, parse_age, starts_afresh
from threshold_kb.matching.engine import Engine


@pytest.fixture(scope="module")
def engine(authorities):
    return Engine(authorities)


@pytest.mark.parametrize(
    ("said", "age"), [("7", 7.0), ("she's 14", 14.0), ("4 months old", 0.33), ("Year 3", 7.0), ("dunno", None)]
)
def test_the_age_is_read_from_the_answer(said, age):
    assert parse_age(said) == age


def test_the_age_matters_only_when_an_indicator_depends_on_it(engine):
    assert age_matters(engine.assess("stoke_on_trent", "she told me she is pregnant"))
    assert not age_matters(engine.assess("stoke_on_trent", "he is often late and a bit grubby"))


@pytest.mark.parametrize(
    ("said", "done", "afresh"),
    [
        ("Different child now: a 9 year old says her dad hit her with a belt", False, True),
        ("another one - year 10 girl self harming", False, True),
        ("second concern, unrelated: y5 girl keeps secrets for her uncle", False, True),
        ("a 4 year old with bruises", True, True),  # the last consultation is answered: a new one
        ("a 4 year old with bruises", False, False),  # still being asked about: more of the same
        ("she also said dad hits her", True, False),
        ("update: mum has now engaged with the EHA", True, False),
        ("new concern about the same girl", False, False),
    ],
)
def test_a_different_child_starts_a_new_consultation_and_more_of_the_same_does_not(said, done, afresh):
    assert starts_afresh(said, done) is afresh
