"""Which published contact is right at a given Europe/London moment (hand-built authority)."""

from tests.unit.builders import OFFICE, authority_with, contact
from threshold_kb import queries
from threshold_kb.store.repository import InMemoryRepository

DAY_TEAM = contact("001", "front_door", "in_hours", schedule=(OFFICE,))
NIGHT_TEAM = contact("002", "out_of_hours", "out_of_hours", phones=("01234 000000",))
HUB_NO_HOURS = contact("003", "front_door", "unstated")
ALWAYS = contact("004", "police", "always", phones=("999",))


def answer(now, *contacts, **kw):
    return queries.contacts_at(InMemoryRepository([authority_with(*contacts)]), "testshire", now, **kw)


def test_in_hours_the_day_team_is_open_and_the_night_team_closed(tuesday_morning):
    result = answer(tuesday_morning, NIGHT_TEAM, DAY_TEAM)
    assert result.period == "in_hours"
    assert [(c.contact.id, c.status) for c in result.contacts] == [(DAY_TEAM.id, "open"), (NIGHT_TEAM.id, "closed")]
    assert result.reachable == (DAY_TEAM,)


def test_at_the_weekend_the_out_of_hours_team_comes_first(saturday_night):
    result = answer(saturday_night, DAY_TEAM, NIGHT_TEAM)
    assert result.period == "out_of_hours"
    assert result.reachable == (NIGHT_TEAM,)


def test_a_contact_without_published_hours_is_unknown_not_closed(saturday_night):
    result = answer(saturday_night, HUB_NO_HOURS)
    assert result.period == "unknown"
    assert [c.status for c in result.contacts] == ["unknown"]
    assert result.reachable == (HUB_NO_HOURS,)


def test_an_always_available_route_is_open_at_any_time(saturday_night):
    assert answer(saturday_night, ALWAYS).reachable == (ALWAYS,)


def test_filter_by_level_and_role(tuesday_morning):
    early_help = contact("005", "early_help", "unstated", levels=(1,))
    assert answer(tuesday_morning, DAY_TEAM, early_help, level=1).reachable == (DAY_TEAM, early_help)
    assert answer(tuesday_morning, DAY_TEAM, early_help, roles=("early_help",)).reachable == (early_help,)


def test_authority_found_by_town_alias_or_name():
    repo = InMemoryRepository([authority_with()])
    assert [m.slug for m in queries.authority_from_text(repo, "I work in probeton")] == ["testshire"]
    assert queries.authority_from_text(repo, "Tests!")[0].kind == "alias"
    assert queries.authority_from_text(repo, "somewhere else") == ()
