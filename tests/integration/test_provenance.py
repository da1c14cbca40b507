"""Every phone number, email, web address and quote is in its cited source document.

Only whitespace and markup are normalised; a contact that is not in the document would be an
invented contact, which the assistant must never give."""

import pytest

from threshold_kb import checks, loader
from threshold_kb.provenance import normalise

AUTHORITIES = loader.load_all()


@pytest.mark.parametrize("authority", AUTHORITIES, ids=lambda a: a.slug)
def test_every_quote_and_contact_detail_is_in_the_source(authority, seeds_dir):
    assert checks.provenance_problems(authority, seeds_dir) == []


@pytest.mark.parametrize("authority", AUTHORITIES, ids=lambda a: a.slug)
def test_every_phone_email_and_address_is_checked(authority):
    checked = {(item, field, value) for item, field, value in checks.quoted_values(authority)}
    for contact in authority.contacts:
        for field in ("phones", "emails", "web"):
            for value in getattr(contact, field):
                assert (contact.id, field, value) in checked


def test_an_invented_number_is_caught(seeds_dir):
    authority = next(a for a in AUTHORITIES if a.slug == "cumbria")
    import dataclasses

    invented = dataclasses.replace(authority.contacts[0], phones=("01228 000000",))
    forged = dataclasses.replace(authority, contacts=(invented, *authority.contacts[1:]))
    problems = checks.provenance_problems(forged, seeds_dir)
    assert len(problems) == 1 and "01228 000000" in problems[0]


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("<li>• Contact the EHA Service on 01234 276043</li>", "Contact the EHA Service on 01234 276043"),
        (
            "[www.bedford.gov.uk/earlyhelp](http://www.bedford.gov.uk/earlyhelp)",
            "www.bedford.gov.uk/earlyhelp http://www.bedford.gov.uk/earlyhelp",
        ),
        ("**01782 235100**\tand", "01782 235100 and"),
        ("health\\\\_and\\\\_social", "health_and_social"),
    ],
)
def test_normalise_strips_markup_and_whitespace_only(raw, clean):
    assert normalise(raw) == clean


def test_normalise_keeps_words_case_and_punctuation():
    assert normalise("Child’s  HEALTH; 90%") == "Child’s HEALTH; 90%"
