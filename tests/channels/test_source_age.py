"""The age of the source in everything a practitioner reads (issue 16): for every authority, the
recommendation text, its payload, the Teams and web cards and every question answer name the
document's date; in 2026 each says once that the document is too old (Cumbria's: undated) to rely
on without checking the current guidance; less than three years after the document's date, none does.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest

from bot.channels.adaptive_card import recommendation_card
from tests.channels.cards import draw, texts
from threshold_kb import answers
from threshold_kb import model as m
from threshold_kb.clock import LONDON
from threshold_kb.matching.engine import Engine
from threshold_kb.recommend import recommend, to_payload
from threshold_kb.replies import recommendation_text, safe_answer
from threshold_kb.source_age import age_warning, several_warning, source_line
from threshold_kb.store.repository import InMemoryRepository

SLUGS = ("bedford_borough", "cumbria", "northamptonshire", "peterborough", "stoke_on_trent")
IN_2026 = datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)
# Less than three years after each document's date (Cumbria's is undated: it is always to be checked).
RECENT = {
    "bedford_borough": datetime(2016, 9, 6, 10, 30, tzinfo=LONDON),  # Revised July 2015
    "cumbria": datetime(2017, 3, 7, 10, 30, tzinfo=LONDON),  # Undated
    "northamptonshire": datetime(2021, 3, 2, 10, 30, tzinfo=LONDON),  # Updated February 2020
    "peterborough": datetime(2017, 3, 7, 10, 30, tzinfo=LONDON),  # July 2016
    "stoke_on_trent": datetime(2019, 6, 4, 10, 30, tzinfo=LONDON),  # December 2018
}
WORRIES = (("Year 4 boy, bruise on his cheek again, says he fell", 8), ("I like the weather today", None))
CASES = [(slug, when) for slug in SLUGS for when in ("2026", "recent")]


@pytest.fixture(scope="module")
def engine(authorities):
    return Engine(authorities, None)


def moment(slug: str, when: str) -> datetime:
    return IN_2026 if when == "2026" else RECENT[slug]


def expected_warning(authority: m.Authority, when: str) -> str | None:
    """What the age line must be: in 2026 for all five; recently only for the undated document."""
    warning = age_warning(authority, moment(authority.slug, when))
    assert (warning is not None) == (when == "2026" or authority.slug == "cumbria")
    if authority.slug == "cumbria":
        assert "does not give its date" in warning
    return warning


def question_answers(authority: m.Authority, repo, now: datetime) -> dict[str, str]:
    return {
        "consent": answers.consent(authority, now, "do I need mum's consent to refer?"),
        "consent, early help": answers.consent(authority, now, "consent for early help"),
        "escalation": answers.escalation(authority, now),
        "contacts": answers.contacts(authority, now, "who do I call?"),
        "contacts, out of hours": answers.contacts(authority, now, "what is the out of hours number?"),
        "talk to a person": answers.talk_to_person(authority, now),
        "levels": answers.levels(authority, now, "what are the levels?"),
        "one level": answers.levels(authority, now, "what is level 2?"),
        "legal section": answers.legal_section(authority, now, "what does section 47 mean?"),
        "special route": answers.special_route(authority, now, "allegation against a member of staff"),
        "special route not given": answers.special_route(authority, now, "private fostering"),
        "any special route": answers.special_route(authority, now, "what other routes are there?"),
        "what if": answers.what_if(authority, now),
        "safe answer": safe_answer(authority, now, danger=False, reason="Unsure."),
        "safe answer, danger": safe_answer(authority, now, danger=True, reason=""),
    }


def says_once(text: str, date: str, warning: str | None) -> list[str]:
    """What is wrong with how a reply names its source's date and age."""
    found = []
    if date not in text:
        found.append(f"the date {date!r} is not named")
    shown = text.count(warning) if warning else 0
    if warning and shown != 1:
        found.append(f"the age line is shown {shown} times")
    if not warning and ("current guidance" in text or "does not give its date" in text):
        found.append("an age line, for a document less than three years old")
    return found


@pytest.mark.parametrize(("slug", "when"), CASES)
def test_the_recommendation_text_names_the_date_and_its_age_after_the_level(slug, when, repo, engine):
    authority, now = repo.get(slug), moment(slug, when)
    warning = expected_warning(authority, when)
    for worry, age in WORRIES:
        text = recommendation_text(recommend(engine.assess(slug, worry, age), now))
        assert says_once(text, authority.document.date, warning) == [], worry
        lines = text.splitlines()
        assert lines[1] == source_line(authority), "the source comes straight after the level"
        assert lines[2] == warning if warning else lines[2].startswith("Why:")


@pytest.mark.parametrize(("slug", "when"), CASES)
def test_every_question_answer_names_the_date_and_its_age(slug, when, repo):
    authority, now = repo.get(slug), moment(slug, when)
    warning = expected_warning(authority, when)
    found = [
        f"{name}: {problem}"
        for name, text in question_answers(authority, repo, now).items()
        for problem in says_once(text, authority.document.date, warning)
    ]
    assert found == []


@pytest.mark.parametrize("when", ["2026", "recent"])
def test_the_comparison_names_each_documents_date_and_which_are_old(when, repo):
    now = IN_2026 if when == "2026" else RECENT["peterborough"]
    text = answers.compare(repo, now, "how do the authorities differ on a suspicious injury in a non-mobile baby?")
    for authority in repo.all():
        assert f"- {authority.name} ({authority.document.date}):" in text
    warning = several_warning(repo.all(), now)
    assert text.splitlines()[-1] == warning
    assert "Peterborough" in warning if when == "2026" else "Peterborough" not in warning
    assert "Cumbria's document gives no date" in warning


def test_a_legal_section_with_no_authority_names_no_document(tuesday_morning):
    text = answers.legal_section(None, tuesday_morning, "what does section 47 mean?")
    assert "Source:" not in text and "current guidance" not in text


@pytest.fixture(scope="module")
def payloads(authorities, engine) -> list[tuple[str, str, dict]]:
    return [
        (slug, when, to_payload(recommend(engine.assess(slug, worry, age), moment(slug, when))))
        for slug, when in CASES
        for worry, age in WORRIES
    ]


def test_the_payload_carries_the_date_and_the_age_line(payloads, repo):
    for slug, when, payload in payloads:
        authority = repo.get(slug)
        assert payload["document"]["date"] == authority.document.date
        assert payload["document"]["age_warning"] == expected_warning(authority, when), (slug, when)


def test_the_teams_card_shows_the_date_and_the_age_line_after_the_level(payloads, repo):
    for slug, when, payload in payloads:
        authority = repo.get(slug)
        shown = texts(recommendation_card(payload))
        assert f"{authority.document.title}, {authority.document.date}" in shown
        warning = expected_warning(authority, when)
        if warning is None:
            assert not any("current guidance" in t for t in shown), (slug, when)
            continue
        assert shown.count(warning) == 1, (slug, when)
        level = payload["level"]["label"] if payload["classified"] else "Not classified: no level is guessed"
        assert shown.index(level) < shown.index(warning) < shown.index("Next steps"), (slug, when)


def web_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def test_the_web_card_shows_the_date_and_the_age_line_in_its_source_section(payloads, repo):
    drawn = draw([{"custom": payload} for _, _, payload in payloads])
    for (slug, when, _payload), markup in zip(payloads, drawn, strict=True):
        authority = repo.get(slug)
        shown = web_text(markup)
        assert f"({authority.document.date})" in shown, (slug, when)
        warning = expected_warning(authority, when)
        if warning is None:
            assert "ta-age" not in markup and "current guidance" not in shown, (slug, when)
            continue
        assert shown.count(warning) == 1, (slug, when)
        # After the short part (the answer first), in the section on the source, opened on demand.
        source = markup.index('<details class="ta-more ta-more-source">')
        assert markup.index('class="ta-short') < source < markup.index('class="ta-age"')


def test_the_age_line_names_no_address_the_knowledge_base_does_not_hold(authorities):
    repo = InMemoryRepository(authorities)
    for authority in repo.all():
        said = age_warning(authority, IN_2026)
        held = {w for c in authority.contacts for w in c.web}
        addresses = set(re.findall(r"(?:https?://|www\.)[^\s)]+", said))
        assert addresses <= held, authority.slug
        assert not re.search(r"\d{5}", said), "no phone number"
