"""Conversation control: answers read as answers before any other intent, a different child starts a
new consultation, restart keeps the practitioner and authority, and a person when asked for one."""

import pytest

from actions.consultation_form import ValidateSignsOfSafetyForm
from actions.questions import ActionAnswerCompare, ActionAnswerContacts, ActionTalkToPerson
from actions.recommendation import ActionNewConsultation, ActionRecordWorry
from tests.actions.conftest import contact_details, published, slot_events, texts, tracker

FORM = "signs_of_safety_form"
WORRY = "yr 4 boy keeps coming in hungry, mum says money is tight"
AGE_MATTERS = ("stoke_on_trent", "she told me she is pregnant")  # Stoke's indicator depends on the age


def asking(slot: str, text: str, intent: str, **slots):
    slug, worry = AGE_MATTERS if slot == "child_age" else ("cumbria", WORRY)
    return tracker(text, intent, slots={"authority": slug, "worry": worry, "requested_slot": slot, **slots},
                   active_loop=FORM)


@pytest.mark.parametrize(
    ("slot", "said", "intent", "value"),
    [
        ("q_support", "nothing tried yet, carry on with universal services", "ask_escalation", "none_yet"),
        ("q_carers", "mum refuses to engage with us", "describe_worry", "not_engaging"),
        ("q_pattern", "it's happened loads before", "ask_levels", "repeated"),
        ("child_age", "she's 7", "ask_levels", 7.0),
    ],
)
async def test_an_answer_taken_for_another_intent_is_read_as_the_answer(slot, said, intent, value, kb, dispatcher,
                                                                          domain):
    events = await ValidateSignsOfSafetyForm().run(dispatcher, asking(slot, said, intent), domain)
    assert slot_events(events)[slot] == value


@pytest.mark.parametrize(
    ("said", "intent"),
    [("do I need consent for early help?", "ask_consent"), ("what is level 3?", "ask_levels"),
     ("he says he'll be beaten tonight", "report_danger"), ("no", "new_consultation")],
)
async def test_a_real_question_or_danger_is_not_taken_for_an_answer(said, intent, kb, dispatcher, domain):
    events = await ValidateSignsOfSafetyForm().run(dispatcher, asking("q_harm", said, intent), domain)
    assert "q_harm" not in slot_events(events)


@pytest.mark.parametrize("slot", ["child_age", "q_harm", "q_impact", "q_carers", "q_support", "q_pattern",
                                  "q_services"])
async def test_skip_the_rest_stops_the_questions_at_every_question_whatever_the_intent(slot, kb, dispatcher, domain):
    events = await ValidateSignsOfSafetyForm().run(dispatcher, asking(slot, "Skip the rest", "ask_help"), domain)
    set_ = slot_events(events)
    assert set_["stop_asking"] is True
    assert set_.get("requested_slot") is None, "nothing more is asked"


async def test_a_different_child_starts_a_new_consultation_with_nothing_of_the_last(kb, dispatcher, domain):
    second = "Different child now: a 9 year old says her dad hit her with a belt"
    slots = {"worry": WORRY, "authority": "cumbria", "recommended": True, "child_age": 8.0, "q_harm": "no"}
    events = slot_events(await ActionRecordWorry().run(dispatcher, tracker(second, slots=slots), domain))
    assert events["worry"] == second
    assert events["child_age"] is None and events["q_harm"] is None and events["recommended"] is False
    assert "authority" not in events
    assert texts(dispatcher)[0].startswith("New consultation")


async def test_more_about_the_same_child_is_added_to_the_worry(kb, dispatcher, domain):
    slots = {"worry": WORRY, "authority": "cumbria", "q_harm": "no"}
    events = slot_events(await ActionRecordWorry().run(dispatcher, tracker("she also said dad hits her", slots=slots),
                                                        domain))
    assert events["worry"] == f"{WORRY}. she also said dad hits her"
    assert "q_harm" not in events
    assert not any(t.startswith("New consultation") for t in texts(dispatcher))


async def test_restart_clears_the_consultation_and_keeps_the_practitioner_and_authority(kb, dispatcher, domain):
    who = {"name": "Sam Patel", "role": "teacher", "organisation": "a primary school"}
    slots = {"worry": WORRY, "authority": "stoke_on_trent", "child_age": 8.0, "q_harm": "no", "practitioner": who}
    events = slot_events(await ActionNewConsultation().run(dispatcher, tracker("restart", "new_consultation", slots),
                                                           domain))
    assert events["worry"] is None and events["child_age"] is None and events["q_harm"] is None
    assert "authority" not in events and "practitioner" not in events
    assert "Stoke-on-Trent" in texts(dispatcher)[0]


@pytest.mark.parametrize("slug", ["bedford_borough", "cumbria", "northamptonshire", "peterborough", "stoke_on_trent"])
async def test_a_person_is_named_with_only_published_contacts(slug, kb, dispatcher, domain):
    await ActionTalkToPerson().run(dispatcher, tracker("can I speak to a real person?", "talk_to_person",
                                                       {"authority": slug}), domain)
    text = "\n".join(texts(dispatcher))
    assert "designated safeguarding lead" in text and "999" in text
    assert contact_details(text) <= published([kb.repo.get(slug)])


async def test_a_person_out_of_hours_puts_the_line_open_now_first(kb, dispatcher, domain):
    from actions import kb as kb_module
    from actions.kb import KnowledgeBase
    from tests.actions.conftest import SATURDAY_NIGHT

    kb_module.use(KnowledgeBase(load=lambda: kb.repo, now=lambda: SATURDAY_NIGHT))
    await ActionTalkToPerson().run(dispatcher, tracker("put me through to a human", "talk_to_person",
                                                       {"authority": "stoke_on_trent"}), domain)
    text = texts(dispatcher)[0]
    assert text.index("01782 234234") < text.index("01782 235100"), "the out-of-hours line, open now, first"


async def test_a_question_naming_an_authority_by_its_entity_answers_for_it(kb, dispatcher, domain):
    entity = [{"entity": "authority_name", "value": "northamptonshire", "start": 0, "end": 16}]
    events = await ActionAnswerContacts().run(
        dispatcher, tracker("Northamptonshire MASH number?", "ask_contacts", {"authority": "cumbria"}, entity), domain
    )
    assert slot_events(events)["authority"] == "northamptonshire"
    assert "0300 126 3000" in texts(dispatcher)[0]


async def test_a_comparison_naming_two_authorities_does_not_switch_the_authority(kb, dispatcher, domain):
    entities = [{"entity": "authority_name", "value": slug} for slug in ("stoke_on_trent", "cumbria")]
    said = "how does Stoke's level 3 differ from Cumbria's?"
    events = await ActionAnswerCompare().run(dispatcher, tracker(said, "ask_compare", {"authority": "peterborough"},
                                                                 entities), domain)
    assert "authority" not in slot_events(events)


async def test_an_answer_the_classifier_took_for_more_of_the_worry_is_also_kept_in_it(kb, dispatcher, domain):
    said = "mum refuses to engage with us"
    events = slot_events(await ValidateSignsOfSafetyForm().run(dispatcher, asking("q_carers", said,
                                                                                  "describe_worry"), domain))
    assert events["q_carers"] == "not_engaging" and events["worry"] == f"{WORRY}. {said}"
