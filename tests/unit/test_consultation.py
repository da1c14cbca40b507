import pytest

from threshold_kb.consultation import age_matters, parse_age
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
