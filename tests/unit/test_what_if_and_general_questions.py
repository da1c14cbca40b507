"""Issue 16, item 7: an anonymous "What If" request gets the chosen authority's own named routes for
the time of day; a general question asked without names is answered (the golden rule), never refused;
issue 13: a short contact question naming a service is known as one, whatever the classifier said."""

import re

import pytest

from threshold_kb import answers
from threshold_kb.source_age import partnership_address

PHONE = re.compile(r"(?<!\d)0\d{3,4} ?\d{3} ?\d{3,4}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
URL = re.compile(r"(https?://|www\.)\S+")
SLUGS = ["bedford_borough", "cumbria", "northamptonshire", "peterborough", "stoke_on_trent"]
SCHOOL_NURSE = "can I get advice on whether I can share information with the school nurse without naming the family?"


def said(text, pattern):
    return {m.group(0).rstrip(").,") for m in pattern.finditer(text)}


def known(repo, slug, national):
    """Every number, email and web address the knowledge base holds for the authority, and the
    national routes' own."""
    authority = repo.get(slug)
    details = {d for c in authority.contacts for d in (*c.phones, *c.emails, *c.web)}
    details |= {partnership_address(authority)} - {None}
    return details | national


@pytest.fixture(scope="module")
def national():
    from threshold_kb import national_routes

    return {d for r in national_routes.load() for d in (*r.phones, *getattr(r, "emails", ()), *getattr(r, "web", ()))}


def test_a_what_if_at_night_in_stoke_gives_stokes_out_of_hours_line_and_no_one_elses(repo, saturday_night):
    text = answers.what_if(repo.get("stoke_on_trent"), saturday_night)
    out_of_hours = next(c for c in repo.get("stoke_on_trent").contacts if c.role == "out_of_hours")
    assert out_of_hours.phones[0] in text and "open now" in text
    assert "01782 235100" not in text, "the in-hours front door is closed at night"
    others = {p for slug in SLUGS if slug != "stoke_on_trent" for c in repo.get(slug).contacts for p in c.phones}
    assert not (said(text, PHONE) & (others - {"999"}))
    assert "Peterborough" not in text, "Peterborough's history is not Stoke's document"
    assert "named, recorded route" in text and "publishes no phone number" not in text


def test_a_what_if_in_office_hours_in_stoke_gives_its_front_door(repo, tuesday_morning):
    text = answers.what_if(repo.get("stoke_on_trent"), tuesday_morning)
    assert "01782 235100" in text and "01782 234234" not in text


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("moment", ["tuesday_morning", "saturday_night"])
def test_a_what_if_says_only_contacts_from_the_knowledge_base(slug, moment, repo, national, request):
    text = answers.what_if(repo.get(slug), request.getfixturevalue(moment))
    allowed = known(repo, slug, national)
    for pattern in (PHONE, EMAIL):
        assert said(text, pattern) <= allowed | {"999", "101"}, slug
    assert said(text, URL) <= allowed, slug
    assert ("Peterborough" in text) == (slug == "peterborough")


@pytest.mark.parametrize("slug", ["bedford_borough", "peterborough", "stoke_on_trent"])
def test_sharing_with_the_school_nurse_without_names_quotes_the_golden_rule_and_asks_no_identity(
    slug, repo, tuesday_morning
):
    authority = repo.get(slug)
    rule = answers.golden_rule(authority)
    assert rule is not None and "without disclosing the identity" in rule.quote
    text = answers.consent(authority, tuesday_morning, SCHOOL_NURSE)
    assert f'"{rule.quote}" ({rule.cite})' in text
    assert answers.NO_NAMES_NEEDED in text
    assert answers.WHAT_IF_WHY not in text
    assert not re.search(r"(?i)(give|tell me|what is) (me )?the (child|family)'?s? (name|details)", text)


@pytest.mark.parametrize("slug", ["cumbria", "northamptonshire"])
def test_a_document_without_the_golden_rule_still_answers_without_asking_for_names(slug, repo, tuesday_morning):
    assert answers.golden_rule(repo.get(slug)) is None
    text = answers.consent(repo.get(slug), tuesday_morning, SCHOOL_NURSE)
    assert answers.NO_NAMES_NEEDED in text and "Seek advice" not in text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Kettering LADO email?", "special_route"),
        ("emergency duty team no. for Hanley", "contacts"),
        ("MASH no for Corby?", "contacts"),
        ("Cumbria safeguarding hub tel pls", "contacts"),
        ("early help contact details, Bedford", "contacts"),
        ("Prevent team phone in the potteries", "special_route"),
        ("MASH said no and I disagree", None),
        ("the hub rejected my referral, what number do I escalate to", None),
        ("do I need consent before I ring the MASH?", None),
        ("no", None),
        ("not sure", None),
    ],
)
def test_a_short_question_naming_a_service_and_a_contact_word_is_a_contact_question(text, kind):
    assert answers.question_kind(text) == kind


def test_a_contact_question_with_a_nickname_and_no_is_answered_with_the_knowledge_bases_number(
    repo, tuesday_morning
):
    from threshold_kb import queries

    question = "MASH no for Northants?"
    (match,) = queries.authority_from_text(repo, question)
    assert match.slug == "northamptonshire" and answers.question_kind(question) == "contacts"
    text = answers.contacts(repo.get(match.slug), tuesday_morning, question)
    mash = next(c for c in repo.get("northamptonshire").contacts if "MASH" in c.name)
    assert all(p in text for p in mash.phones)
