from rasa_sdk.events import UserUtteranceReverted

from actions.safety import ActionDefaultFallback, ActionExplainNamedRoute, ActionWarnDanger
from tests.actions.conftest import slot_events, texts, tracker


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
