from datetime import datetime

import pytest

from actions.questions import (
    ActionAnswerCompare,
    ActionAnswerConsent,
    ActionAnswerContacts,
    ActionAnswerEscalation,
    ActionAnswerLegalSection,
    ActionAnswerLevels,
    ActionAnswerSpecialRoute,
    ActionTalkToPerson,
)
from tests.actions.conftest import SLUGS, contact_details, published, slot_events, texts, tracker
from threshold_kb.clock import LONDON
from threshold_kb.source_age import age_warning

IN_2017 = datetime(2017, 3, 7, 10, 30, tzinfo=LONDON)

QUESTIONS = [
    (ActionAnswerConsent, "do I need mum's consent?"),
    (ActionAnswerEscalation, "MASH said threshold not met and I disagree"),
    (ActionAnswerContacts, "out-of-hours number"),
    (ActionAnswerLevels, "what are the levels of need?"),
    (ActionAnswerLegalSection, "what does section 47 mean?"),
    (ActionAnswerSpecialRoute, "the allegation is against a member of staff"),
]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize(("action", "question"), QUESTIONS)
async def test_each_answer_cites_the_authoritys_document_and_only_its_contacts(
    action, question, slug, kb, dispatcher, domain, authorities
):
    await action().run(dispatcher, tracker(question, slots={"authority": slug}), domain)
    text = "\n".join(texts(dispatcher))
    authority = kb.repo.get(slug)
    assert authority.document.title in text, "answers cite their source"
    assert contact_details(text) <= published([authority])
    assert authority.document.date in text, "and name its date"
    assert text.count(age_warning(authority, kb.now())) == 1, "which is more than three years old in 2026"


@pytest.mark.parametrize(("action", "question"), [*QUESTIONS, (ActionTalkToPerson, "can I speak to a real person?")])
async def test_less_than_three_years_after_the_documents_date_the_answer_says_no_more(
    action, question, authorities, dispatcher, domain
):
    """The actions answer at the clock's `now`: Peterborough's July 2016 document in March 2017."""
    from actions import kb as kb_module
    from actions.kb import KnowledgeBase
    from threshold_kb.store.repository import InMemoryRepository

    kb_module.use(KnowledgeBase(load=lambda: InMemoryRepository(authorities), now=lambda: IN_2017))
    try:
        await action().run(dispatcher, tracker(question, slots={"authority": "peterborough"}), domain)
    finally:
        kb_module.use(None)
    text = "\n".join(texts(dispatcher))
    assert "July 2016" in text and "current guidance" not in text


@pytest.mark.parametrize(("action", "question"), [q for q in QUESTIONS if q[0] is not ActionAnswerLegalSection])
async def test_without_an_authority_it_is_asked_for_and_the_question_kept(action, question, kb, dispatcher, domain):
    events = await action().run(dispatcher, tracker(question), domain)
    assert len(dispatcher.messages[0]["buttons"]) == 5
    assert slot_events(events)["pending_text"] == question


async def test_a_question_naming_an_authority_answers_for_it(kb, dispatcher, domain):
    events = await ActionAnswerContacts().run(dispatcher, tracker("out-of-hours number for Stoke"), domain)
    assert slot_events(events) == {"authority": "stoke_on_trent"}
    assert "01782 234234" in texts(dispatcher)[0]


async def test_out_of_hours_contacts_mark_the_office_line_closed_on_saturday_night(authorities, dispatcher, domain):
    from actions import kb as kb_module
    from actions.kb import KnowledgeBase
    from tests.actions.conftest import SATURDAY_NIGHT
    from threshold_kb.store.repository import InMemoryRepository

    kb_module.use(KnowledgeBase(load=lambda: InMemoryRepository(authorities), now=lambda: SATURDAY_NIGHT))
    try:
        t = tracker("out of hours number", slots={"authority": "stoke_on_trent"})
        await ActionAnswerContacts().run(dispatcher, t, domain)
    finally:
        kb_module.use(None)
    lines = texts(dispatcher)[0].splitlines()
    assert any("01782 234234" in line and "[open now]" in line for line in lines)
    assert any("01782 235100" in line and "[closed now]" in line for line in lines)


async def test_a_level_question_quotes_that_levels_definition(kb, dispatcher, domain):
    await ActionAnswerLevels().run(dispatcher, tracker("what is level 3?", slots={"authority": "peterborough"}), domain)
    level = kb.repo.get("peterborough").level(3)
    assert level.definition in texts(dispatcher)[0]


async def test_comparing_places_the_indicator_in_every_authority(kb, dispatcher, domain):
    question = "how do the authorities differ on a suspicious injury in a non-mobile baby?"
    await ActionAnswerCompare().run(dispatcher, tracker(question), domain)
    text = texts(dispatcher)[0]
    assert all(kb.repo.get(slug).name in text for slug in SLUGS)
    assert "Level 4" in text


async def test_a_route_the_document_does_not_give_is_said_and_its_front_door_named(kb, dispatcher, domain):
    t = tracker("how do I contact the LADO?", slots={"authority": "stoke_on_trent"})
    await ActionAnswerSpecialRoute().run(dispatcher, t, domain)
    text = texts(dispatcher)[0]
    assert "gives no LADO route" in text and "01782" in text


@pytest.mark.parametrize("slug", ["bedford_borough", "peterborough", "stoke_on_trent"])
async def test_sharing_with_the_school_nurse_without_naming_the_family_gets_the_golden_rule(
    slug, kb, dispatcher, domain
):
    said = "can I get advice on whether I can share information with the school nurse without naming the family?"
    t = tracker(said, "ask_consent", slots={"authority": slug})
    events = await ActionAnswerConsent().run(dispatcher, t, domain)
    text = texts(dispatcher)[0]
    golden = next(line for line in text.splitlines() if "without disclosing the identity of the" in line)
    assert golden.startswith("Its information-sharing rule on asking for advice: \"Seek advice")
    assert golden.endswith("Information Sharing)") or golden.endswith("Information Sharing.)"), "with its citation"
    assert "A general question like this needs no names." in text
    assert "cannot give an anonymous" not in text and "not sure I understood" not in text
    assert "pending_question" not in slot_events(events), "answered at once, nothing asked"
