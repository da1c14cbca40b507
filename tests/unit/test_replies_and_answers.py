"""What the assistant says: every contact published by that authority, every answer cited."""

import re
from dataclasses import replace

import pytest

from threshold_kb import answers, national_routes
from threshold_kb.matching.engine import Engine
from threshold_kb.recommend import recommend
from threshold_kb.replies import DANGER_FIRST, SignsOfSafetyAnswers, recommendation_text, safe_answer

SLUGS = ["bedford_borough", "cumbria", "northamptonshire", "peterborough", "stoke_on_trent"]
PHONE = re.compile(r"(?<!\d)0\d{3,4} ?\d{3} ?\d{3,4}(?!\d)")


def phones(text):
    return set(PHONE.findall(text))


NATIONAL = {p for r in national_routes.load() for p in r.phones}  # from the cited file itself


def published_phones(authority):
    """The authority's own numbers, and the national routes' (threshold_kb/national/routes.yml)."""
    return {p for c in authority.contacts for p in c.phones} | NATIONAL


def national_only_where_marked(text, authority):
    """A national number the authority does not publish is said only on the line marked national."""
    own = {p for c in authority.contacts for p in c.phones}
    for line in text.splitlines():
        if phones(line) & (NATIONAL - own):
            assert f"National lines you can ring now (national, not {authority.name}'s)" in line, line


@pytest.fixture(scope="module")
def engine(authorities):
    return Engine(authorities)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_recommendation_text_names_only_this_authoritys_numbers(slug, repo, engine, tuesday_morning):
    rec = recommend(
        engine.assess(slug, "child disclosed that her stepdad has been sexually abusing her"), tuesday_morning
    )
    text = recommendation_text(rec, SignsOfSafetyAnswers(scale=5))
    assert phones(text) <= published_phones(repo.get(slug))
    national_only_where_marked(text, repo.get(slug))
    assert repo.get(slug).document.title in text, "the level and indicators are cited"
    assert "Record:" in text


def test_danger_puts_999_first_in_the_recommendation_text(engine, tuesday_morning):
    rec = recommend(engine.assess("stoke_on_trent", "dad is hitting mum right now"), tuesday_morning)
    assert recommendation_text(rec).startswith(DANGER_FIRST)


def test_a_worried_scale_below_the_statutory_level_reminds_to_use_the_front_door(engine, tuesday_morning):
    rec = recommend(engine.assess("northamptonshire", "family need some parenting support"), tuesday_morning)
    assert not (rec.assessment.level and rec.assessment.level.statutory)
    assert "whatever the suggested level" in recommendation_text(rec, SignsOfSafetyAnswers(scale=1))
    assert "whatever the suggested level" not in recommendation_text(rec, SignsOfSafetyAnswers(scale=8))


def test_the_safe_answer_without_an_authority_names_no_number(saturday_night):
    text = safe_answer(None, saturday_night, danger=False, reason="Unsure.")
    assert phones(text) == set() and "designated safeguarding lead" in text and "999" in text


def test_the_safe_answer_gives_the_out_of_hours_line_at_night(repo, saturday_night):
    text = safe_answer(repo.get("stoke_on_trent"), saturday_night, danger=False, reason="Unsure.")
    assert "01782 234234" in text and "01782 235100" not in text


def test_the_safe_answer_says_when_a_front_door_has_no_published_number(repo, tuesday_morning):
    text = safe_answer(repo.get("cumbria"), tuesday_morning, danger=False, reason="Unsure.")
    assert "publishes no phone number" in text and "cumbriasafeguardingchildren.co.uk" in text
    assert text.count("publishes no phone number") == 1, "said once, not on each route"
    missing = next(line for line in text.splitlines() if "publishes no phone number" in line)
    assert missing.startswith(
        "Cumbria's document publishes no phone number for Cumberland Safeguarding Hub or Westmorland and Furness"
    )
    assert "0808 800 5000" in missing, "and a national line to ring"
    assert text.splitlines()[-2].startswith("Source:"), "then where it comes from, last"
    national_only_where_marked(text, repo.get("cumbria"))


@pytest.mark.parametrize("slug", SLUGS)
def test_consent_answers_quote_the_document(slug, repo, tuesday_morning):
    text = answers.consent(repo.get(slug), tuesday_morning, "do I need mum's consent to refer?")
    assert any(rule.quote in text for rule in repo.get(slug).consent)


def test_out_of_hours_contacts_are_marked_by_the_clock(repo, saturday_night):
    text = answers.contacts(repo.get("stoke_on_trent"), saturday_night, "out of hours number")
    assert "01782 234234" in text and "[open now]" in text and "[closed now]" in text


@pytest.mark.parametrize(
    ("asked", "title"), [("what does s47 mean", "Section 47"), ("what is section 20?", "Section 20")]
)
def test_legal_sections_are_explained_and_cited_to_the_act(asked, title, repo, tuesday_morning):
    text = answers.legal_section(repo.get("bedford_borough"), tuesday_morning, asked)
    assert text.startswith(title) and "Children Act 1989" in text


def test_a_missing_special_route_is_said_not_invented(repo, tuesday_morning):
    text = answers.special_route(repo.get("stoke_on_trent"), tuesday_morning, "how do I contact the LADO?")
    assert "gives no LADO route" in text
    assert phones(text) <= published_phones(repo.get("stoke_on_trent"))


def test_what_if_names_peterboroughs_recorded_consultation_and_what_it_needs(repo, tuesday_morning):
    text = answers.what_if(repo.get("peterborough"), tuesday_morning)
    assert "named, recorded route" in text and "01733 864170" in text and "date of birth" in text


def test_comparing_reports_each_authority_in_its_own_scheme(repo, tuesday_morning):
    asked = "how do authorities differ on a suspicious injury in a non-mobile baby?"
    text = answers.compare(repo, tuesday_morning, asked)
    assert text.count("Level 4") >= 2 and "Peterborough" in text


def test_an_indicator_the_document_repeats_is_quoted_once(engine, tuesday_morning):
    worry = "HV here, 4 month old, 2 bruises on cheek, mum no idea how"
    text = recommendation_text(recommend(engine.assess("northamptonshire", worry), tuesday_morning))
    quoted = [line for line in text.splitlines() if line.startswith('- "')]
    assert len(quoted) == len(set(q.split('" (')[0] for q in quoted))


def test_a_precautionary_level_is_said_with_its_range(engine, tuesday_morning):
    plain = engine.assess("stoke_on_trent", "child disclosed that her stepdad has been sexually abusing her")
    at_four, at_two = plain.authority.level(4), plain.authority.level(2)
    cautious = replace(plain, level=at_four, alternative=at_two, precautionary=True, rules=())
    text = recommendation_text(recommend(cautious, tuesday_morning))
    assert text.splitlines()[0].startswith(f"Stoke-on-Trent: {at_four.label}, as a precaution")
    assert text.splitlines()[0].endswith(f"the words fit {at_two.label} to {at_four.label}.")
    assert "It is close to" not in text, "the range is said once"
    assert "Do not lower it on your own" in text
    sure = recommendation_text(recommend(replace(cautious, precautionary=False), tuesday_morning))
    assert sure.splitlines()[0].startswith(f"Stoke-on-Trent: this looks like {at_four.label}")
