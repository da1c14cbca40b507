import pytest

from actions.authority import ActionAskAuthority, ActionSetAuthority
from tests.actions.conftest import payloads, slot_events, texts, tracker


async def test_asking_offers_one_button_per_authority_in_the_knowledge_base(kb, dispatcher, domain):
    await ActionAskAuthority().run(dispatcher, tracker(), domain)
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles == [kb.repo.get(s).name for s in kb.repo.slugs()]
    assert all(b["payload"].startswith("/choose_authority{") for b in dispatcher.messages[0]["buttons"])


@pytest.mark.parametrize(
    ("said", "entity", "slug"),
    [
        ("/choose_authority", "peterborough", "peterborough"),
        ("actually I'm in Stoke", None, "stoke_on_trent"),
        ("I work in Kettering", None, "northamptonshire"),
        ("we're in Kendal", None, "cumbria"),
        ("Bedford please", None, "bedford_borough"),
    ],
)
async def test_the_authority_is_set_from_a_button_a_name_or_a_town(said, entity, slug, kb, dispatcher, domain):
    entities = [{"entity": "authority_name", "value": entity}] if entity else []
    events = await ActionSetAuthority().run(dispatcher, tracker(said, "choose_authority", entities=entities), domain)
    assert slot_events(events) == {"authority": slug}
    assert kb.repo.get(slug).name in texts(dispatcher)[0]


async def test_an_unknown_place_is_asked_again_with_buttons(kb, dispatcher, domain):
    events = await ActionSetAuthority().run(dispatcher, tracker("I'm in Leeds", "choose_authority"), domain)
    assert events == []
    assert "don't recognise" in texts(dispatcher)[0]
    assert dispatcher.messages[-1]["buttons"]


async def test_a_question_waiting_for_the_authority_is_answered_once_it_is_chosen(kb, dispatcher, domain):
    t = tracker(
        "Stoke",
        "choose_authority",
        slots={"pending_question": "contacts", "pending_text": "out of hours number"},
    )
    events = await ActionSetAuthority().run(dispatcher, t, domain)
    assert slot_events(events) == {"authority": "stoke_on_trent", "pending_question": None, "pending_text": None}
    assert "01782 234234" in "\n".join(texts(dispatcher))


async def test_switching_after_a_recommendation_gives_it_again_under_the_new_document(kb, dispatcher, domain):
    t = tracker(
        "actually I'm in Peterborough",
        "choose_authority",
        slots={"authority": "stoke_on_trent", "worry": "dad hits him with a belt", "recommended": True},
    )
    await ActionSetAuthority().run(dispatcher, t, domain)
    [payload] = payloads(dispatcher)
    assert payload["authority"]["slug"] == "peterborough"
