"""The named practitioner: greeted by name, kept in the conversation's slot, put on the
recommendation; and the greeting offers the authority buttons until one is chosen."""

from actions.authority import ActionGreet
from actions.recommendation import ActionRecommendNextStep
from tests.actions.conftest import payloads, slot_events, texts, tracker

SAM = {"practitioner": {"name": "Sam Okafor", "role": "Class teacher", "organisation": "Oak Primary", "source": "form"}}


async def test_the_greeting_names_the_practitioner_and_offers_every_authority(kb, dispatcher, domain):
    events = await ActionGreet().run(dispatcher, tracker("/greet", "greet", metadata=SAM), domain)
    assert texts(dispatcher)[0].startswith("Hello Sam Okafor.")
    [buttons] = [m["buttons"] for m in dispatcher.messages if m.get("buttons")]
    assert [b["title"] for b in buttons] == [kb.repo.get(s).name for s in kb.repo.slugs()]
    assert slot_events(events) == {"practitioner": SAM["practitioner"]}


async def test_the_greeting_has_no_buttons_once_the_authority_is_known(kb, dispatcher, domain):
    await ActionGreet().run(dispatcher, tracker("hi", "greet", slots={"authority": "cumbria"}), domain)
    assert texts(dispatcher) == [texts(dispatcher)[0]] and texts(dispatcher)[0].startswith("Hello.")
    assert not any(m.get("buttons") for m in dispatcher.messages)


async def test_a_practitioner_already_recorded_is_not_set_again(kb, dispatcher, domain):
    t = tracker("hi", "greet", slots={"practitioner": SAM["practitioner"]}, metadata=SAM)
    assert slot_events(await ActionGreet().run(dispatcher, t, domain)) == {}


async def test_metadata_without_a_name_records_nobody(kb, dispatcher, domain):
    t = tracker("hi", "greet", metadata={"practitioner": {"role": "Nurse", "name": "  "}})
    assert "practitioner" not in slot_events(await ActionGreet().run(dispatcher, t, domain))


async def test_the_recommendation_carries_who_asked(kb, dispatcher, domain):
    slots = {"authority": "peterborough", "worry": "15 year old girl with a much older boyfriend who buys her gifts"}
    await ActionRecommendNextStep().run(dispatcher, tracker("just tell me", slots=slots, metadata=SAM), domain)
    [payload] = payloads(dispatcher)
    assert payload["practitioner"] == SAM["practitioner"]


async def test_the_recommendation_without_a_channel_practitioner_says_so(kb, dispatcher, domain):
    slots = {"authority": "peterborough", "worry": "15 year old girl with a much older boyfriend who buys her gifts"}
    await ActionRecommendNextStep().run(dispatcher, tracker("just tell me", slots=slots), domain)
    [payload] = payloads(dispatcher)
    assert payload["practitioner"] is None
