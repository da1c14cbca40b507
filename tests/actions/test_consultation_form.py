import pytest

from actions.consultation_form import (
    SKIP_ALL,
    ActionAskChildAge,
    ActionAskQCarers,
    ActionAskQHarm,
    ValidateSignsOfSafetyForm,
)
from tests.actions.conftest import slot_events, texts, tracker

ALL = ["authority", "child_age", "q_harm", "q_impact", "q_carers", "q_support", "q_pattern", "q_services"]
QUESTIONS = [slot for slot in ALL if slot.startswith("q_")]


async def required(kb, dispatcher, domain, **slots):
    return await ValidateSignsOfSafetyForm().required_slots(list(ALL), dispatcher, tracker(slots=slots), domain)


async def test_until_the_authority_is_known_every_question_stays(kb, dispatcher, domain):
    assert await required(kb, dispatcher, domain, worry="bruise on his cheek") == ALL


async def test_a_worry_a_red_flag_decides_asks_nothing_more(kb, dispatcher, domain):
    slots = await required(kb, dispatcher, domain, authority="stoke_on_trent", worry="12 year old is having sex")
    assert not set(slots) & set(QUESTIONS)


async def test_an_open_worry_asks_one_triage_question_at_a_time(kb, dispatcher, domain):
    slots = await required(
        kb, dispatcher, domain, authority="cumbria", worry="yr 4 boy keeps coming in hungry, mum says money is tight"
    )
    assert len(set(slots) & set(QUESTIONS)) == 1


async def test_an_answered_question_stays_to_be_validated_and_the_next_follows(kb, dispatcher, domain):
    worry = "yr 4 boy keeps coming in hungry, mum says money is tight"
    first = await required(kb, dispatcher, domain, authority="cumbria", worry=worry)
    [asked] = set(first) & set(QUESTIONS)
    value = {"q_harm": "no", "q_impact": "some", "q_carers": "engaging", "q_support": "none_yet",
             "q_pattern": "repeated", "q_services": "one"}[asked]
    second = await required(kb, dispatcher, domain, authority="cumbria", worry=worry, **{asked: value})
    assert asked in second
    assert len(set(second) & set(QUESTIONS)) <= 2


async def test_age_is_asked_only_when_it_changes_the_answer_and_is_missing(kb, dispatcher, domain):
    # Stoke's "is pregnant and/or a parent under 16" depends on the age
    unknown = await required(kb, dispatcher, domain, authority="stoke_on_trent", worry="she told me she is pregnant")
    known = await required(
        kb, dispatcher, domain, authority="stoke_on_trent", worry="15 year old told me she is pregnant"
    )
    answered = await required(
        kb, dispatcher, domain, authority="stoke_on_trent", worry="she told me she is pregnant", child_age="skipped"
    )
    assert "child_age" in unknown
    assert "child_age" not in known
    assert "child_age" not in answered


@pytest.mark.parametrize("said", ["skip", "not sure", "I don't know", "pass"])
async def test_a_skipped_question_counts_as_not_sure(said, kb, dispatcher, domain):
    t = tracker(said, "skip_question", slots={"authority": "peterborough"})
    assert ValidateSignsOfSafetyForm().validate_q_harm("skipped", dispatcher, t, domain) == {"q_harm": "not_sure"}
    assert ValidateSignsOfSafetyForm().validate_q_carers("skipped", dispatcher, t, domain) == {"q_carers": "not_asked"}


async def test_just_tell_me_stops_the_questions_and_leaves_the_question_unanswered(kb, dispatcher, domain):
    t = tracker("just tell me", "skip_question", slots={"authority": "peterborough", "q_harm": "no"})
    result = ValidateSignsOfSafetyForm().validate_q_impact("skipped", dispatcher, t, domain)
    assert result["stop_asking"] is True and result["q_impact"] is None
    assert "q_harm" not in result, "an answer already given is kept"


async def test_a_button_payload_gives_its_value(kb, dispatcher, domain):
    payload = '/answer_question{"triage_answer":"impact=serious"}'
    t = tracker(payload, "answer_question", slots={"authority": "cumbria"},
                entities=[{"entity": "triage_answer", "value": "impact=serious"}])
    assert ValidateSignsOfSafetyForm().validate_q_impact(payload, dispatcher, t, domain) == {"q_impact": "serious"}


@pytest.mark.parametrize(
    ("slot", "said", "value"),
    [("q_carers", "mum won't engage", "not_engaging"), ("q_harm", "no", "no"), ("q_carers", "yes", "engaging"),
     ("q_pattern", "it's happened before", "repeated"), ("q_support", "not yet", "none_yet"),
     ("q_impact", "Seriously", "serious")],
)
async def test_a_typed_answer_is_read(slot, said, value, kb, dispatcher, domain):
    t = tracker(said, "answer_question", slots={"authority": "cumbria"})
    validate = getattr(ValidateSignsOfSafetyForm(), f"validate_{slot}")
    assert validate(said, dispatcher, t, domain) == {slot: value}


async def test_an_answer_that_cannot_be_read_is_asked_again(kb, dispatcher, domain):
    t = tracker("banana", "answer_question", slots={"authority": "cumbria"})
    assert ValidateSignsOfSafetyForm().validate_q_harm("banana", dispatcher, t, domain) == {"q_harm": None}
    assert "not sure" in texts(dispatcher)[0]


async def test_the_age_is_read_from_the_answer(kb, dispatcher, domain):
    form = ValidateSignsOfSafetyForm()
    assert form.validate_child_age("she's 7", dispatcher, tracker("she's 7"), domain) == {"child_age": 7.0}
    assert form.validate_child_age("dunno", dispatcher, tracker("dunno"), domain) == {"child_age": "skipped"}


@pytest.mark.parametrize(
    ("said", "slug"), [("Stoke", "stoke_on_trent"), ("we're in Corby", "northamptonshire"), ("Leeds", None)]
)
async def test_the_authority_answer_is_resolved_by_the_knowledge_base(said, slug, kb, dispatcher, domain):
    result = ValidateSignsOfSafetyForm().validate_authority(said, dispatcher, tracker(said), domain)
    assert result == {"authority": slug}


async def test_a_triage_question_has_a_button_per_answer_and_skip_the_rest(kb, dispatcher, domain):
    asked = tracker(slots={"authority": "stoke_on_trent", "worry": "worried about a boy in my class"},
                    input_channel="socketio")
    await ActionAskQCarers().run(dispatcher, asked, domain)
    [message] = dispatcher.messages
    assert message["text"].startswith("Stoke-on-Trent, question 1 of ")
    assert "parents or carers" in message["text"]
    buttons = {b["title"]: b["payload"] for b in message["buttons"]}
    assert buttons["No, not working with us"] == '/answer_question{"triage_answer":"carers=not_engaging"}'
    assert SKIP_ALL.search(buttons["Skip the rest"]), "the button must say what stops the questions"


async def test_over_rest_the_question_also_arrives_as_a_threshold_question(kb, dispatcher, domain):
    asked = tracker(slots={"authority": "cumbria", "worry": "worried about a boy in my class"}, input_channel="rest")
    await ActionAskQHarm().run(dispatcher, asked, domain)
    [custom] = [m["custom"] for m in dispatcher.messages if m.get("custom")]
    assert custom["type"] == "threshold_question" and custom["qualifier"] == "harm"
    assert {a["value"] for a in custom["answers"]} == {"yes", "no", "not_sure"}
    assert all(a["payload"].startswith("/answer_question") for a in custom["answers"])
    assert "not sure" in texts(dispatcher)[0], "REST is told it may type the answer"


@pytest.mark.parametrize("channel, hinted", [("rest", True), ("socketio", False), ("teams", False)])
async def test_the_skip_hint_is_written_only_where_no_buttons_are_drawn(channel, hinted, kb, dispatcher, domain):
    asked = tracker(slots={"authority": "peterborough"}, input_channel=channel)
    await ActionAskChildAge().run(dispatcher, asked, domain)
    [message] = dispatcher.messages
    assert ('"skip"' in message["text"]) is hinted
    assert [b["title"] for b in message["buttons"]] == ["Skip", "Skip the rest"], "buttons on every channel"


async def test_knowledge_base_down_ends_the_questions_with_the_safe_answer(broken_kb, dispatcher, domain):
    t = tracker(
        "no", slots={"authority": "stoke_on_trent", "requested_slot": "q_harm"}, active_loop="signs_of_safety_form"
    )
    events = await ValidateSignsOfSafetyForm().run(dispatcher, t, domain)
    assert {"event": "active_loop", "name": None} in events
    assert "999" in texts(dispatcher)[0]
    assert slot_events(events).get("requested_slot", "unset") is None


async def test_an_authority_chosen_before_the_worry_stands_when_the_form_starts(kb, dispatcher, domain):
    # The form validates pre-filled slots against the latest message, which is the worry, not a town.
    t = tracker("Year 4 boy, bruise on his cheek again", slots={"authority": "stoke_on_trent"})
    result = ValidateSignsOfSafetyForm().validate_authority("stoke_on_trent", dispatcher, t, domain)
    assert result == {"authority": "stoke_on_trent"}
    assert not any("don't recognise" in text for text in texts(dispatcher))
