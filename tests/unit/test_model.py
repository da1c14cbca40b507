import pytest

from threshold_kb.model import Conditions


@pytest.mark.parametrize(
    "conditions, age, admitted",
    [
        (Conditions(age_under=13), 12, True),
        (Conditions(age_under=13), 13, False),
        (Conditions(age_over=15), 16, True),
        (Conditions(age_over=15), 15, False),
        (Conditions(age_under=13), None, True),  # unknown age never excludes: that could under-triage
        (Conditions(), 4, True),
    ],
)
def test_age_conditions_admit_only_the_ages_the_text_states(conditions, age, admitted):
    assert conditions.admits_age(age) is admitted
