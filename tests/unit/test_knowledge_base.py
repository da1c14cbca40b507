"""Completeness and integrity of the five authorities' data."""

from dataclasses import replace

import pytest

from tests.conftest import EXPECTED_LEVELS
from threshold_kb import checks


def test_all_five_authorities_are_present(authorities):
    assert sorted(a.slug for a in authorities) == sorted(EXPECTED_LEVELS)


@pytest.mark.parametrize("slug, count", EXPECTED_LEVELS.items())
def test_each_authority_has_all_of_its_levels(repo, slug, count):
    assert [level.number for level in repo.get(slug).levels] == list(range(1, count + 1))


@pytest.mark.parametrize("slug", EXPECTED_LEVELS)
def test_each_level_has_at_least_one_named_route(repo, slug):
    authority = repo.get(slug)
    for level in authority.levels:
        routes = [c for c in authority.contacts if level.number in c.levels]
        assert routes, f"{level.label} has no named route"
        assert all(c.name for c in routes)


@pytest.mark.parametrize("slug", EXPECTED_LEVELS)
def test_completeness_checks_pass(repo, slug):
    assert checks.completeness_problems(repo.get(slug)) == []


@pytest.mark.parametrize("slug", EXPECTED_LEVELS)
def test_the_top_level_is_statutory_and_the_first_is_not(repo, slug):
    levels = repo.get(slug).levels
    assert levels[-1].statutory and not levels[0].statutory


@pytest.mark.parametrize("slug", EXPECTED_LEVELS)
def test_section_47_indicators_sit_at_a_statutory_level(repo, slug):
    authority = repo.get(slug)
    statutory = {level.number for level in authority.levels if level.statutory}
    misplaced = [i.id for i in authority.indicators if "s47" in i.markers and i.level not in statutory]
    assert misplaced == []


@pytest.mark.parametrize("slug", EXPECTED_LEVELS)
def test_strengths_are_level_one(repo, slug):
    assert all(i.level == 1 for i in repo.get(slug).indicators if "strength" in i.markers)


@pytest.mark.parametrize("slug", EXPECTED_LEVELS)
def test_every_item_is_cited_to_this_authority_and_document(repo, slug):
    authority = repo.get(slug)
    items = [
        *authority.levels,
        *authority.indicators,
        *authority.contacts,
        *authority.procedures,
        *authority.consent,
        *authority.escalation,
        *authority.special_routes,
        *authority.case_examples,
    ]
    for item in items:
        assert item.cite.section.strip()
        assert item.cite.authority == slug and item.cite.document == authority.document.title


@pytest.mark.parametrize("slug", EXPECTED_LEVELS)
def test_escalation_steps_are_numbered_in_order(repo, slug):
    steps = [s.step for s in repo.get(slug).escalation]
    assert steps == list(range(1, len(steps) + 1))


def test_contacts_without_a_number_say_so(authorities):
    """Where a document gives no number, the knowledge base says so rather than staying silent."""
    for authority in authorities:
        for contact in authority.contacts:
            if contact.role in ("front_door", "early_help", "lado") and not contact.phones:
                assert contact.note, f"{contact.id} has no number and no note saying so"


def test_towns_come_with_their_source(authorities):
    for authority in authorities:
        assert authority.towns and authority.towns_source and "outside" in authority.towns_source.lower()


def test_no_town_or_alias_names_two_authorities(repo):
    shared = {key: owners for key, owners in repo.names().items() if len({slug for slug, _ in owners}) > 1}
    assert shared == {}


@pytest.mark.parametrize(
    "phone, dialable",
    [("01733 864180", True), ("0300 126 1000", True), ("999", True), ("01782234234", True),
     ("864180", False), ("01733 8641", False), ("1733 864180", False), ("01733 864180 ext 2", False)],
)
def test_a_phone_must_be_dialable_as_printed(repo, phone, dialable):
    """A number printed without its area code would dial nothing from a mobile: the check refuses it."""
    authority = repo.get("peterborough")
    front_door = next(c for c in authority.contacts if c.role == "front_door")
    changed = replace(authority, contacts=(replace(front_door, phones=(phone,)),))
    problems = [p for p in checks.completeness_problems(changed) if "phone" in p]
    assert (problems == []) is dialable, problems


def test_a_contact_note_may_not_send_a_practitioner_to_an_internal_id(repo):
    authority = repo.get("stoke_on_trent")
    contact = authority.contacts[0]
    changed = replace(authority, contacts=(replace(contact, note="Times are on contact 001."),))
    assert any("internal id (contact 001)" in p for p in checks.completeness_problems(changed))
