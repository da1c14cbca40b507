"""The query API on the real knowledge base (in memory)."""

import pytest

from tests.conftest import EXPECTED_LEVELS
from threshold_kb import queries


def phones(answer):
    return [p for c in answer.reachable for p in c.phones]


def test_levels_come_in_order_with_their_own_names(repo):
    assert [lv.name for lv in queries.levels(repo, "stoke_on_trent")] == [
        "Universal",
        "Additional",
        "Multiple/Complex",
        "Significant",
    ]
    assert len(queries.levels(repo, "peterborough")) == 3


def test_indicators_by_level_and_marker(repo):
    s47 = queries.indicators(repo, "northamptonshire", marker="s47")
    assert s47 and all("s47" in i.markers for i in s47)
    level2 = queries.indicators(repo, "bedford_borough", level=2)
    assert level2 and {i.level for i in level2} == {2}


def test_indicators_with_an_age_condition_are_kept_with_it(repo):
    under_13 = [i for i in queries.indicators(repo, "northamptonshire") if i.conditions.age_under == 13]
    assert under_13 and all("13" in i.text for i in under_13)


def test_stoke_in_hours_gives_the_core_hours_number(repo, tuesday_morning):
    answer = queries.front_door(repo, "stoke_on_trent", tuesday_morning)
    assert answer.period == "in_hours"
    assert "01782 235100" in phones(answer) and "01782 234234" not in phones(answer)


def test_stoke_at_the_weekend_gives_the_out_of_hours_number(repo, saturday_night):
    answer = queries.front_door(repo, "stoke_on_trent", saturday_night)
    assert answer.period == "out_of_hours"
    assert "01782 234234" in phones(answer) and "01782 235100" not in phones(answer)


def test_friday_afternoon_after_half_four_is_out_of_hours_in_stoke(repo):
    from datetime import datetime

    from threshold_kb.clock import LONDON

    answer = queries.front_door(repo, "stoke_on_trent", datetime(2026, 11, 27, 16, 45, tzinfo=LONDON))
    assert answer.period == "out_of_hours"


def test_cumbria_hubs_are_named_without_an_invented_number(repo, tuesday_morning):
    answer = queries.front_door(repo, "cumbria", tuesday_morning)
    assert answer.reachable and all(not c.phones for c in answer.reachable)
    assert all(c.note for c in answer.reachable)


@pytest.mark.parametrize("slug", EXPECTED_LEVELS)
def test_every_authority_has_a_reachable_front_door(repo, slug, tuesday_morning, saturday_night):
    for moment in (tuesday_morning, saturday_night):
        assert queries.front_door(repo, slug, moment).reachable


def test_cumbria_consent_uses_over_13_with_capacity(repo):
    rules = queries.consent_rules(repo, "cumbria")
    assert any(r.age_rule and "over 13" in r.age_rule for r in rules)


def test_consent_filtered_by_purpose(repo):
    for slug in EXPECTED_LEVELS:
        rules = queries.consent_rules(repo, slug, applies_to="information_sharing")
        assert all(r.applies_to == "information_sharing" for r in rules)


@pytest.mark.parametrize("slug", EXPECTED_LEVELS)
def test_escalation_steps_are_in_order(repo, slug):
    steps = queries.escalation_steps(repo, slug)
    assert steps and [s.step for s in steps] == sorted(s.step for s in steps)


def test_procedures_for_a_level_include_those_for_all_levels(repo):
    for p in queries.procedures(repo, "peterborough", level=3):
        assert p.level in (None, 3)


def test_written_follow_up_timescales_are_as_the_documents_state(repo):
    hours = {p.written_followup_hours for p in queries.procedures(repo, "peterborough")} - {None}
    assert 24 in hours
    assert 3 in {p.written_followup_hours for p in queries.procedures(repo, "stoke_on_trent")}


def test_special_routes_by_kind(repo):
    lado = queries.special_routes(repo, "cumbria", kind="lado")
    assert lado and all(r.kind == "lado" for r in lado)


def test_stoke_case_examples_one_per_level(repo):
    assert sorted(c.level for c in queries.case_examples(repo, "stoke_on_trent")) == [1, 2, 3, 4]


def test_compare_one_indicator_across_authorities(repo):
    results = queries.compare_indicator(repo, "pre or non-mobile child suspicious injury")
    by_slug = {r.authority: r for r in results}
    assert set(by_slug) == set(EXPECTED_LEVELS)
    for slug in ("northamptonshire", "bedford_borough"):
        found = by_slug[slug]
        assert found.indicator is not None and "non-mobile" in found.indicator.text
        assert found.level.statutory


def test_compare_reports_none_rather_than_a_weak_match(repo):
    results = queries.compare_indicator(repo, "zebra crossing patrol")
    assert all(r.indicator is None for r in results)


@pytest.mark.parametrize(
    "text, slug",
    [
        ("actually I'm in Stoke", "stoke_on_trent"),
        ("Stoke-on-Trent", "stoke_on_trent"),
        ("school in Hanley", "stoke_on_trent"),
        ("Barrow-in-Furness", "cumbria"),
        ("we're a nursery in Kettering", "northamptonshire"),
        ("Northants", "northamptonshire"),
        ("Kempston", "bedford_borough"),
        ("peterborough", "peterborough"),
    ],
)
def test_authority_from_a_name_or_a_town(repo, text, slug):
    found = queries.authority_from_text(repo, text)
    assert found and found[0].slug == slug


def test_no_authority_in_unrelated_text(repo):
    assert queries.authority_from_text(repo, "the child has a bruise") == ()


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("Northamptonshire MASH number?", [("northamptonshire", "Northamptonshire")]),
        ("Stoke-on-Trent out of hours", [("stoke_on_trent", "Stoke-on-Trent")]),
        ("P'boro MASH email", [("peterborough", "P'boro")]),
        ("how does Stoke's level 3 differ from Cumbria's", [("stoke_on_trent", "Stoke's"), ("cumbria", "Cumbria's")]),
        ("who do I contact in Barrow for early help", [("cumbria", "Barrow")]),
        ("the child has a bruise", []),
    ],
)
def test_each_authority_named_is_found_with_its_span(repo, text, mentions):
    found = queries.authority_mentions(repo, text)
    assert [(m.slug, text[m.start:m.end]) for m in found] == mentions
