import pytest

from actions.signs_of_safety import (
    SKIP_ALL,
    ActionAskChildAge,
    ActionAskSosScale,
    ActionAskSosWorkingWell,
    ValidateSignsOfSafetyForm,
)
from tests.actions.conftest import slot_events, texts, tracker

ALL = ["authority", "child_age", "sos_worried", "sos_working_well", "sos_needs_to_happen", "sos_scale"]


async def required(kb, dispatcher, domain, **slots):
    return await ValidateSignsOfSafetyForm().required_slots(list(ALL), dispatcher, tracker(slots=slots), domain)


async def test_until_the_authority_is_known_every_question_stays(kb, dispatcher, domain):
    assert await required(kb, dispatcher, domain, worry="bruise on his cheek") == ALL


async def test_a_clear_worry_skips_what_are_we_worried_about(kb, dispatcher, domain):
    slots = await required(kb, dispatcher, domain, authority="stoke_on_trent", worry="12 year old is pregnant")
    assert "sos_worried" not in slots
    assert slots[-3:] == ["sos_working_well", "sos_needs_to_happen", "sos_scale"]


async def test_a_vague_worry_asks_what_are_we_worried_about(kb, dispatcher, domain):
    slots = await required(kb, dispatcher, domain, authority="cumbria", worry="I'm worried about a child")
    assert "sos_worried" in slots


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
async def test_a_question_can_be_skipped(said, kb, dispatcher, domain):
    t = tracker(said, "skip_question", slots={"authority": "peterborough"})
    result = ValidateSignsOfSafetyForm().validate_sos_working_well("skipped", dispatcher, t, domain)
    assert result == {"sos_working_well": "skipped"}


async def test_just_tell_me_skips_every_question_left(kb, dispatcher, domain):
    t = tracker("just tell me", "skip_question", slots={"authority": "peterborough", "sos_working_well": "nan helps"})
    result = ValidateSignsOfSafetyForm().validate_sos_needs_to_happen("skipped", dispatcher, t, domain)
    assert result["sos_needs_to_happen"] == "skipped" and result["sos_scale"] == "skipped"
    assert "sos_working_well" not in result, "an answer already given is kept"


async def test_an_answer_is_kept_in_the_practitioners_words(kb, dispatcher, domain):
    t = tracker("his nan is really supportive", slots={"authority": "cumbria"})
    result = ValidateSignsOfSafetyForm().validate_sos_working_well(
        "his nan is really supportive", dispatcher, t, domain
    )
    assert result == {"sos_working_well": "his nan is really supportive"}


@pytest.mark.parametrize(("said", "stored"), [("6", "6"), ("about a 3 out of 10", "3"), ("ten", "10")])
async def test_the_scale_is_read_as_a_number(said, stored, kb, dispatcher, domain):
    result = ValidateSignsOfSafetyForm().validate_sos_scale(said, dispatcher, tracker(said), domain)
    assert result == {"sos_scale": stored}


async def test_a_scale_outside_0_to_10_is_asked_again(kb, dispatcher, domain):
    result = ValidateSignsOfSafetyForm().validate_sos_scale("15", dispatcher, tracker("15"), domain)
    assert result == {"sos_scale": None}
    assert "0 to 10" in texts(dispatcher)[0]


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


async def test_the_scale_question_uses_the_authoritys_own_wording_where_it_has_one(kb, dispatcher, domain):
    await ActionAskSosScale().run(dispatcher, tracker(slots={"authority": "stoke_on_trent"}), domain)
    [text] = texts(dispatcher)
    assert "safe enough for the child protection authorities to close the case" in text
    assert "Stoke-on-Trent's wording" in text
    buttons = {b["title"]: b["payload"] for b in dispatcher.messages[0]["buttons"]}
    assert buttons["Skip"] == "/skip_question"
    assert SKIP_ALL.search(buttons["Skip the rest"]), "the button must say what skips every question"


async def test_without_its_own_wording_the_general_question_is_asked(kb, dispatcher, domain):
    await ActionAskSosScale().run(dispatcher, tracker(slots={"authority": "cumbria"}), domain)
    assert texts(dispatcher)[0].startswith("On a scale of 0 to 10")


async def test_every_question_says_how_to_skip(kb, dispatcher, domain):
    for action in (ActionAskChildAge(), ActionAskSosWorkingWell()):
        dispatcher.messages.clear()
        await action.run(dispatcher, tracker(slots={"authority": "peterborough"}), domain)
        assert '"skip"' in texts(dispatcher)[0]


@pytest.mark.parametrize("channel, hinted", [("rest", True), ("socketio", False), ("teams", False)])
async def test_the_skip_hint_is_written_only_where_no_buttons_are_drawn(channel, hinted, kb, dispatcher, domain):
    asked = tracker(slots={"authority": "peterborough"}, input_channel=channel)
    await ActionAskSosWorkingWell().run(dispatcher, asked, domain)
    [message] = dispatcher.messages
    assert ('"skip"' in message["text"]) is hinted
    assert [b["title"] for b in message["buttons"]] == ["Skip", "Skip the rest"], "buttons on every channel"


async def test_knowledge_base_down_ends_the_questions_with_the_safe_answer(broken_kb, dispatcher, domain):
    t = tracker(
        "6", slots={"authority": "stoke_on_trent", "requested_slot": "sos_scale"}, active_loop="signs_of_safety_form"
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
