import pytest
from rasa_sdk.events import UserUtteranceReverted

from actions.safety import ActionDefaultFallback, ActionExplainNamedRoute, ActionWarnDanger
from tests.actions.conftest import contact_details, published, slot_events, texts, tracker


async def test_danger_gets_999_first_and_the_words_that_raised_it(kb, dispatcher, domain):
    t = tracker("dad is hitting mum right now in Hanley", "report_danger")
    events = await ActionWarnDanger().run(dispatcher, t, domain)
    first = texts(dispatcher)[0]
    assert first.startswith("Call 999 (police or ambulance)")
    assert "hitting mum right now" in first
    assert slot_events(events) == {"worry": "dad is hitting mum right now in Hanley", "authority": "stoke_on_trent"}


async def test_danger_with_the_knowledge_base_down_still_says_999_first(broken_kb, dispatcher, domain):
    await ActionWarnDanger().run(dispatcher, tracker("she has taken an overdose", "report_danger"), domain)
    assert texts(dispatcher)[0].startswith("Call 999")


async def test_a_what_if_request_in_peterborough_names_the_recorded_consultation(kb, dispatcher, domain):
    t = tracker(
        "can I ask hypothetically without naming the child?", "ask_what_if", slots={"authority": "peterborough"}
    )
    await ActionExplainNamedRoute().run(dispatcher, t, domain)
    text = texts(dispatcher)[0]
    assert "named, recorded route" in text
    assert "designated safeguarding lead" in text
    assert "01733 864170" in text and "date of birth" in text  # what the consultation will ask for
    assert text.splitlines()[-2:] == [
        "Source: Peterborough's threshold document (July 2016).",
        "This document is more than 3 years old: check Peterborough's current guidance before relying on it, "
        "with the local safeguarding partnership or the front door.",
    ]


async def test_a_what_if_request_without_an_authority_still_names_the_lead(kb, dispatcher, domain):
    await ActionExplainNamedRoute().run(dispatcher, tracker("is this anonymous?", "ask_what_if"), domain)
    assert "designated safeguarding lead" in texts(dispatcher)[0]


async def test_fallback_is_never_silent_and_names_the_front_door(kb, dispatcher, domain):
    t = tracker("asdkjh qwe", "nlu_fallback", slots={"authority": "northamptonshire"})
    events = await ActionDefaultFallback().run(dispatcher, t, domain)
    text = texts(dispatcher)[0]
    assert "not sure I understood" in text and "designated safeguarding lead" in text
    assert "0300 126" in text
    assert "Source: Northamptonshire's threshold document (Updated February 2020)." in text
    assert events == [UserUtteranceReverted()]


async def test_another_language_is_told_the_assistant_reads_english(kb, dispatcher, domain):
    await ActionDefaultFallback().run(
        dispatcher, tracker("¿Dónde puedo denunciar un abuso infantil?", "nlu_fallback"), domain
    )
    assert "only read English" in texts(dispatcher)[0]


async def test_a_worry_the_classifier_was_unsure_of_starts_the_consultation(kb, dispatcher, domain):
    said = "I'm worried about a yr 3 girl who is often tired in class. Mum is working with us"
    events = await ActionDefaultFallback().run(dispatcher, tracker(said, "answer_question"), domain)
    assert any(e.get("event") == "followup" and e.get("name") == "signs_of_safety_form" for e in events)
    assert slot_events(events)["worry"] == said
    assert "not sure I understood" not in " ".join(texts(dispatcher))


async def test_a_short_stray_answer_still_gets_the_fallback(kb, dispatcher, domain):
    events = await ActionDefaultFallback().run(dispatcher, tracker("no", "answer_question"), domain)
    assert not any(e.get("event") == "followup" for e in events)
    assert "not sure I understood" in texts(dispatcher)[0]


async def test_a_worry_that_names_the_child_instead_of_saying_child_is_not_lost(kb, dispatcher, domain):
    """Found in the e2e run: no "boy", "child" or "pupil", only a name and a date of birth."""
    said = "Worried about Jayden Smith DOB 03/04/2015, Oak Primary. Bruise on his cheek again, mum Kelly rang"
    events = await ActionDefaultFallback().run(dispatcher, tracker(said, "nlu_fallback"), domain)
    assert any(e.get("event") == "followup" and e.get("name") == "signs_of_safety_form" for e in events)
    said_back = " ".join(texts(dispatcher))
    assert "You don't need to tell me the child's name" in said_back, "and it is told the name is not needed"
    assert "not sure I understood" not in said_back


async def test_a_worry_without_personal_data_gets_no_lecture_about_it(kb, dispatcher, domain):
    said = "I'm worried about a yr 3 girl who is often tired in class. Mum is working with us"
    await ActionDefaultFallback().run(dispatcher, tracker(said, "answer_question"), domain)
    assert "child's name" not in " ".join(texts(dispatcher))


async def test_danger_about_a_different_child_says_999_first_then_new_consultation(kb, dispatcher, domain):
    slots = {"worry": "yr 4 boy keeps coming in hungry", "recommended": True, "authority": "cumbria", "q_harm": "no"}
    said = "different child now, her dad is hitting her right now"
    events = slot_events(await ActionWarnDanger().run(dispatcher, tracker(said, "report_danger", slots), domain))
    said_back = texts(dispatcher)
    assert "999" in said_back[0] and said_back[1].startswith("New consultation")
    assert events["worry"] == said and events["q_harm"] is None


@pytest.fixture
def night_kb(authorities):
    """The gateway at a fixed Saturday night (out of office hours)."""
    from actions import kb as kb_module
    from actions.kb import KnowledgeBase
    from tests.actions.conftest import SATURDAY_NIGHT
    from threshold_kb.store.repository import InMemoryRepository

    gateway = KnowledgeBase(load=lambda: InMemoryRepository(authorities), now=lambda: SATURDAY_NIGHT)
    kb_module.use(gateway)
    yield gateway
    kb_module.use(None)


async def test_a_what_if_at_night_in_stoke_gives_stokes_out_of_hours_line_and_no_other_authoritys(
    night_kb, dispatcher, domain, authorities
):
    said = "what would you do, I don't want to name the child"
    t = tracker(said, "ask_what_if", slots={"authority": "stoke_on_trent"})
    await ActionExplainNamedRoute().run(dispatcher, t, domain)
    text = texts(dispatcher)[0]
    stoke = next(a for a in authorities if a.slug == "stoke_on_trent")
    out_of_hours = next(c for c in stoke.contacts if c.role == "out_of_hours")
    assert out_of_hours.phones[0] in text and "open now" in text
    others = published([a for a in authorities if a.slug != "stoke_on_trent"], national=False)
    assert not (contact_details(text) & others - {"999"}), "no other authority's contacts"
    assert contact_details(text) <= published([stoke]), "every detail said comes from the knowledge base"
    assert "Peterborough" not in text and "named, recorded route" in text


async def test_a_what_if_naming_its_authority_answers_for_it(kb, dispatcher, domain):
    t = tracker("is there a way to ask about a family without naming them in Hanley", "ask_what_if")
    events = await ActionExplainNamedRoute().run(dispatcher, t, domain)
    assert slot_events(events) == {"authority": "stoke_on_trent"}
    assert "01782 235100" in texts(dispatcher)[0]  # Stoke's front door, in office hours


@pytest.mark.parametrize("intent", ["nlu_fallback", "skip_question"])
async def test_a_contact_question_with_a_nickname_and_no_is_answered_from_the_knowledge_base(
    intent, kb, dispatcher, domain, authorities
):
    events = await ActionDefaultFallback().run(dispatcher, tracker("MASH no for Northants?", intent), domain)
    text = texts(dispatcher)[0]
    mash = next(c for a in authorities if a.slug == "northamptonshire" for c in a.contacts if "MASH" in c.name)
    assert all(p in text for p in mash.phones)
    assert "not sure I understood" not in text
    assert events[0] == UserUtteranceReverted() and slot_events(events) == {"authority": "northamptonshire"}


async def test_a_special_route_contact_question_is_answered_for_the_authority_it_names(kb, dispatcher, domain):
    events = await ActionDefaultFallback().run(dispatcher, tracker("Cumbria LADO email?", "nlu_fallback"), domain)
    text = texts(dispatcher)[0]
    assert "LADO" in text and "https://cumbriasafeguardingchildren.co.uk/allegations-against-staff-lado" in text
    assert slot_events(events) == {"authority": "cumbria"}


async def test_a_contact_question_without_an_authority_asks_for_it_and_keeps_the_question(kb, dispatcher, domain):
    events = await ActionDefaultFallback().run(dispatcher, tracker("edt tel?", "nlu_fallback"), domain)
    assert slot_events(events) == {"pending_question": "contacts", "pending_text": "edt tel?"}
    assert "Which local authority" in texts(dispatcher)[0]
