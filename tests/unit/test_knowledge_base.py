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


def note_problems(repo, contact):
    """The knowledge-base check's problems with Peterborough once this contact replaces its own."""
    authority = repo.get("peterborough")
    changed = replace(authority, contacts=tuple(contact if c.id == contact.id else c for c in authority.contacts))
    return checks.completeness_problems(changed)


@pytest.mark.parametrize(
    "remark",
    [
        "This section prints the second number as '864180', without the area code.",
        "The full form is given here so that it can be dialled.",
        "The 'Working Together 2018' link in the extraction has no address.",
        "Outside the document (general geographic knowledge): Cumberland covers Carlisle.",
        "Its indicators are not modelled here.",
        "The link was not preserved, so no web address is recorded.",
        "Indicators are quoted (from bedford_borough's document).",
        "Times are on stoke_on_trent.contact.011.",
        "The document states no hours; 'always' reflects that 999 is the emergency line.",
    ],
)
def test_a_note_may_not_carry_a_maintainers_remark(repo, remark):
    """Notes are shown to practitioners: where a detail is printed, what the extraction lost and
    our own ids go in maintainer_note, which is never shown."""
    contact = repo.get("peterborough").contact("peterborough.contact.011")
    problems = note_problems(repo, replace(contact, note=f"{contact.note} {remark}"))
    assert len(problems) == 1 and "move that to maintainer_note" in problems[0], remark
    assert note_problems(repo, replace(contact, maintainer_note=remark)) == [], "maintainers' notes are free"


@pytest.mark.parametrize(
    "note",
    [
        "The document says 'In an emergency, always dial 999.'",
        "The document names the MASH but publishes no telephone number for it.",
        "It is not anonymous, the discussion is recorded, and the family may be told.",
        "Send it to mash@bedford.gcsx.gov.uk or see https://example.gov.uk/child_protection/out_of_hours.",
        "Out-of-hours and weekend number, for when the office-hours line is closed.",
    ],
)
def test_a_note_may_say_what_the_document_says(repo, note):
    contact = repo.get("peterborough").contact("peterborough.contact.011")
    assert note_problems(repo, replace(contact, note=note)) == []


@pytest.mark.parametrize(
    "date, one_date",
    [
        ("Revised July 2015", True),
        ("July 2016", True),
        ("December 2018", True),
        ("Updated February 2020", True),
        ("Undated", True),
        ("Final (10.09.18); updated 18.10.18, 09.07.19, February 20. Document reference number: NSCBTG18", False),
        ("Undated (cites Working Together to Safeguard Children 2018)", False),
        ("February 20", False),
    ],
)
def test_a_documents_date_is_one_date(repo, date, one_date):
    """Cards show the document's date beside its title: one date; its history is for maintainers."""
    authority = repo.get("northamptonshire")
    changed = replace(authority, document=replace(authority.document, date=date))
    problems = [p for p in checks.completeness_problems(changed) if "document date" in p]
    assert (problems == []) is one_date, problems


def test_the_long_dates_are_kept_for_maintainers(repo):
    northamptonshire, cumbria = repo.get("northamptonshire").document, repo.get("cumbria").document
    assert northamptonshire.date == "Updated February 2020" and "NSCBTG18" in northamptonshire.history
    assert cumbria.date == "Undated" and "Working Together" in cumbria.history
    assert repo.get("peterborough").document.history is None
