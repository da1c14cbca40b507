"""Redaction: what the assistant never keeps, and what it must never remove."""

import pytest

from threshold_kb.redaction import Redactor, Scrubber, valid_nhs_number
from threshold_kb.redaction.redactor import load_pipeline, protected_strings

KB_NUMBER, KB_EMAIL = "01782 235100", "mash@bedford.gcsx.gov.uk"


@pytest.fixture(scope="module")
def rules_only():
    return Redactor([KB_NUMBER, KB_EMAIL, "Stoke-on-Trent", "Hanley", "Kendal"])


@pytest.fixture(scope="module")
def with_spacy(authorities):
    nlp = load_pipeline()
    assert nlp is not None, "spaCy's en_core_web_md must load here (make setup installs it)"
    return Redactor(protected_strings(authorities), nlp)


@pytest.mark.parametrize(
    "number, valid", [("9434765919", True), ("9434765918", False), ("1234567890", False), ("94347659", False)]
)
def test_nhs_numbers_are_recognised_by_their_check_digit(number, valid):
    assert valid_nhs_number(number) is valid


@pytest.mark.parametrize(
    "text, redacted",
    [
        ("NHS no 943 476 5919", "NHS no [NHS NUMBER]"),
        ("case ref 1234567890", "case ref 1234567890"),  # ten digits, not an NHS number, not a phone
        ("UPN A801200301003 please", "UPN [UPN] please"),
        ("mum's mobile 07700 900123.", "mum's mobile [PHONE]."),
        ("ring +44 7700 900 456 now", "ring [PHONE] now"),
        ("email kelly.smith@gmail.com", "email [EMAIL]"),
        ("they live at ST1 4AB", "they live at [POSTCODE]"),
        ("postcode pe12xy", "postcode [POSTCODE]"),
        ("DOB 03/04/2015", "DOB [DATE OF BIRTH]"),
        ("born 3rd April 2015 in Hanley", "born [DATE OF BIRTH] in Hanley"),
        ("on 12th March 2024 she said", "on 12th March 2024 she said"),  # a date, not a birth date
        ("of Flat 3, 44 Albert Road, Kendal", "of [ADDRESS], Kendal"),
        ("12 High Street Hanley ST1 4AB", "[ADDRESS] Hanley [POSTCODE]"),
        ("goes to Oak Primary and St Mary's C of E Primary School", "goes to [SCHOOL] and [SCHOOL]"),
        ("at primary school he was fine", "at primary school he was fine"),
        ("his mum Kelly said", "his mum [NAME] said"),
        ("Amara's dad rang", "[NAME]'s dad rang"),
        ("her brother Tom Jones hit her", "her brother [NAME] hit her"),
        ("mum said she is 7", "mum said she is 7"),
    ],
)
def test_the_rules_replace_personal_data_with_typed_placeholders(rules_only, text, redacted):
    assert rules_only(text) == redacted


def test_the_knowledge_bases_contacts_places_and_the_worry_survive(rules_only):
    text = f"I rang {KB_NUMBER} and emailed {KB_EMAIL}; Stoke-on-Trent, bruise on his cheek, FGM, MASH, LADO"
    assert rules_only(text) == text


def test_spacy_finds_names_the_cues_miss(with_spacy):
    redacted = with_spacy("Worried about Jayden Smith, he said jayden fell again. Kendal office.")
    assert "Jayden" not in redacted and "Smith" not in redacted and "Kendal" in redacted


def test_empty_and_huge_input(rules_only):
    assert rules_only("") == "" and rules_only("   ") == "   "
    huge = "his mum Kelly said " * 2000
    assert "Kelly" not in rules_only(huge)


def test_the_scrubber_replaces_what_was_found_wherever_it_recurs(rules_only):
    found = rules_only.redact("his mum Kelly Jones rang from 07700 900123").spans
    scrub = Scrubber(found)
    card = {"text": 'You said "Kelly Jones rang"', "metadata": {"name": "Kelly Jones"}, "n": 3}
    assert scrub.value(card, frozenset({"metadata"})) == {
        "text": 'You said "[NAME] rang"',
        "metadata": {"name": "Kelly Jones"},
        "n": 3,
    }
    assert scrub.text("Kellyanne and 07700 900123") == "Kellyanne and [PHONE]", "whole words only"
    assert not Scrubber(())
