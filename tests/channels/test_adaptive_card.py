"""The recommendation card from real payloads: danger first, the unclassified case, the order of
its parts, and links only to contacts the payload publishes."""

from __future__ import annotations

import copy
import json
import re

import pytest

from bot.channels.adaptive_card import (
    DETAILS_ID,
    FALLBACK_TEXT,
    MAX_CARD_CHARS,
    buttons_card,
    contact_links,
    recommendation_card,
    tel,
    web_target,
)
from tests.channels.cards import link_targets, published_contacts, strings, texts


def position(card: dict, fragment: str) -> int:
    return next(i for i, t in enumerate(texts(card)) if fragment in t)


def details(card: dict) -> dict:
    """The part of the card behind "Details", as a card of its own."""
    [container] = [b for b in card["body"] if b.get("id") == DETAILS_ID]
    return {"body": container["items"]}


def open_urls(card: dict) -> list[dict]:
    return [a for a in card.get("actions", []) if a["type"] == "Action.OpenUrl"]


def test_the_card_is_adaptive_card_1_4(payloads):
    card = recommendation_card(payloads["stoke"], fallback_text="the plain text")
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert isinstance(card["body"], list) and card["body"]
    assert card["fallbackText"] == "the plain text"
    json.dumps(card)  # plain JSON throughout


def test_danger_comes_first_with_the_signals(payloads):
    payload = payloads["danger"]
    assert payload["immediate_danger"], "the fixture is a danger-now worry"
    first = recommendation_card(payload)["body"][0]
    assert first["type"] == "Container" and first["style"] == "attention"
    heading = first["items"][0]
    assert heading["text"] == "Call 999 now" and heading["color"] == "Attention" and heading["size"] == "Large"
    shown = " ".join(item["text"] for item in first["items"])
    for signal in payload["danger"]:
        assert signal["phrase"] in shown and signal["label"] in shown


def test_no_danger_block_without_danger(payloads):
    card = recommendation_card(payloads["stoke"])
    assert not any("999" in t for t in texts(card))
    assert card["body"][0]["text"] == payloads["stoke"]["short"]["level"]


def test_the_answer_comes_first_and_the_rest_behind_details(payloads):
    payload = payloads["stoke"]
    card = recommendation_card(payload)
    short = payload["short"]
    [*shown, hidden] = card["body"]
    assert [b["text"] for b in shown][:2] == [short["level"], f"**Do now:** {short['do_now']}"]
    assert any("**Ring now:**" in b["text"] and "(tel:" in b["text"] for b in shown), "a number to tap"
    assert len(" ".join(b["text"] for b in shown).split()) <= 70, "about 60 words, one phone screen"
    assert hidden["id"] == DETAILS_ID and hidden["isVisible"] is False
    toggle = card["actions"][0]
    assert toggle == {"type": "Action.ToggleVisibility", "title": "Details", "targetElements": [DETAILS_ID]}


def test_the_details_come_in_order(payloads):
    payload = payloads["stoke"]
    card = details(recommendation_card(payload))
    order = [
        payload["authority"]["name"],
        payload["document"]["title"],
        payload["level"]["label"],
        "This is a statutory level.",
        payload["why"],
        payload["indicators"][0]["text"],
        "Next steps",
        payload["next_steps"][0]["name"],
        "Consent",
        payload["consent"][0]["quote"],
        "Written follow-up",
        payload["written_followup"]["quote"],
        "What to record",
        payload["record"][-1],
    ]
    positions = [position(card, fragment) for fragment in order]
    assert positions == sorted(positions), list(zip(order, positions, strict=True))


def test_an_unclassified_worry_says_so_and_guesses_no_level(payloads):
    payload = payloads["unclassified"]
    assert payload["classified"] is False and payload["level"] is None
    card = recommendation_card(payload)
    shown = texts(card)
    assert "Not classified: no level is guessed" in shown
    assert payload["why"] in shown
    assert not any(t.startswith("Level ") or "statutory level" in t for t in shown)


def test_alternative_level_and_borrowed_indicators_are_noted(payloads):
    payload = copy.deepcopy(payloads["stoke"])
    payload["alternative_level"] = {**payload["level"], "label": "Level 3: Multiple/Complex"}
    payload["indicators"][0]["borrowed_from"] = "bedford_borough"
    payload["indicators"][0]["borrowed_from_name"] = "Bedford Borough"
    shown = "\n".join(texts(recommendation_card(payload)))
    assert "It is close to Level 3: Multiple/Complex." in shown
    payload["why"] += " It is close to Level 3: Multiple/Complex; use your professional judgement."
    assert "It is close to Level 3: Multiple/Complex." not in texts(recommendation_card(payload)), "said once"
    assert "from Bedford Borough's document" in shown
    assert payload["indicators"][0]["cite"]["text"] in shown
    payload["indicators"][0]["borrowed_from_name"] = None
    shown = "\n".join(texts(recommendation_card(payload)))
    assert "from another document" in shown and "bedford_borough" not in shown, "never the slug"


def test_a_precautionary_level_gives_the_range_beside_the_heading(payloads):
    payload = copy.deepcopy(payloads["stoke"])
    payload["alternative_level"] = {**payload["level"], "label": "Level 2: Additional"}
    payload["precautionary"] = True
    shown = texts(recommendation_card(payload))
    heading = shown.index(payload["level"]["label"])
    span = f"Level 2: Additional to {payload['level']['label']}"
    assert f"Suggested as a precaution: the words fit {span}." in shown[heading : heading + 3]
    payload["precautionary"] = False
    assert not any("precaution" in t for t in texts(recommendation_card(payload)))


def test_at_most_five_indicators_each_once(payloads):
    payload = copy.deepcopy(payloads["stoke"])
    one = payload["indicators"][0]
    payload["indicators"] = [one, one] + [{**one, "text": f"indicator {n}"} for n in range(8)]
    shown = texts(recommendation_card(payload))
    quoted = [t for t in shown if t.startswith("\u201c") and (one["text"] in t or "indicator " in t)]
    assert len(quoted) == 5 and len(set(quoted)) == 5


@pytest.mark.parametrize("name", ["stoke", "danger", "unclassified", "web_only", "bedford"])
def test_every_link_is_a_published_contact(payloads, name):
    payload = payloads[name]
    card = recommendation_card(payload)
    phones, emails = published_contacts(payload)
    assert set(link_targets(card, "tel")) == phones
    assert set(link_targets(card, "mailto")) == emails
    web = {w for s in payload["next_steps"] for w in s["web"]}
    shown_web = set(link_targets(card, "https")) | set(link_targets(card, "http"))
    assert shown_web == {web_target(w) for w in web}
    assert {a["url"] for a in open_urls(card)} <= shown_web


def test_phone_links_keep_the_printed_number_and_dial_its_digits():
    step = {"phones": ["01782 234234", "+44 (0)1733 864170", "999"], "emails": ["MASH@x.gov.uk"], "web": []}
    assert contact_links(step) == [
        "[01782 234234](tel:01782234234)",
        "[+44 (0)1733 864170](tel:+441733864170)",
        "[999](tel:999)",
        "[MASH@x.gov.uk](mailto:MASH@x.gov.uk)",
    ]
    assert tel("+44 1234") == "+441234"


def test_web_addresses_without_a_scheme_get_https_and_odd_ones_are_dropped():
    assert web_target("www.bedford.gov.uk/earlyhelp") == "https://www.bedford.gov.uk/earlyhelp"
    assert web_target("http://bedfordscb.proceduresonline.com/") == "http://bedfordscb.proceduresonline.com/"
    assert web_target("javascript:alert(1)") is None
    assert web_target("see the website") is None


def test_a_step_without_contact_details_shows_its_note(payloads):
    payload = payloads["stoke"]
    bare = next(s for s in payload["next_steps"] if not (s["phones"] or s["emails"] or s["web"]))
    assert bare["note"] in texts(recommendation_card(payload))
    with_phone = next(s for s in payload["next_steps"] if s["phones"])
    assert with_phone["note"] not in texts(recommendation_card(payload)), "notes only stand in for contacts"


def test_web_only_routes_get_open_url_actions_and_the_missing_numbers_line(payloads):
    payload = payloads["web_only"]
    card = recommendation_card(payload)
    assert open_urls(card) and len({a["url"] for a in open_urls(card)}) == len(open_urls(card)), "each address once"
    if payload["missing_numbers"]:
        assert any("publishes no phone number" in t for t in texts(card))


def statutory_payload(authorities, slug: str, worry: str) -> dict:
    """A consultation at the authority's statutory level, as the action builds it."""
    from tests.channels.conftest import TUESDAY_MORNING
    from threshold_kb.matching.engine import Engine
    from threshold_kb.recommend import recommend, to_payload
    from threshold_kb.triage.consult import Consultant

    assessment = Consultant(Engine(authorities, None)).assess(slug, worry, None, {})
    assert assessment.level is not None and assessment.level.statutory
    return to_payload(recommend(assessment, TUESDAY_MORNING))


NATIONAL_TEL = {"tel:999", "tel:101", "tel:08088005000"}
SHE_GOES_HOME = "year 3 girl says dad hits her with a belt, she goes home in an hour"


@pytest.mark.parametrize(("slug", "name"), [("bedford_borough", "Bedford Borough"), ("cumbria", "Cumbria")])
def test_no_published_number_gives_the_national_lines_to_tap_and_call(authorities, slug, name):
    payload = statutory_payload(authorities, slug, SHE_GOES_HOME)
    assert payload["missing_numbers"] and not any(s["phones"] for s in payload["next_steps"])
    card = recommendation_card(payload)
    assert set(link_targets(card, "tel")) == NATIONAL_TEL, "something to ring, and only the national lines"
    assert set(link_targets(card, "mailto")) == {"mailto:help@nspcc.org.uk"}
    heading = position(card, f"National lines you can ring now, not {name}'s")
    assert position(card, "Next steps") < position(card, f"{name}'s document publishes no phone number") < heading
    calls = [i for i, t in enumerate(texts(card)) if "(tel:" in t and "**Ring now:**" not in t]
    assert calls and min(calls) > heading, "every number to ring sits under the national heading"
    ring_now = next(t for t in texts(card) if "**Ring now:**" in t)
    assert ring_now.count("(national)") == ring_now.count("(tel:"), "the answer's numbers are marked national"
    assert heading < position(card, "What to record")


@pytest.mark.parametrize("slug", ["northamptonshire", "peterborough", "stoke_on_trent"])
def test_an_authority_with_its_own_number_leads_with_it_and_no_national_lines(authorities, slug):
    payload = statutory_payload(authorities, slug, SHE_GOES_HOME)
    assert payload["national_routes"] == []
    card = recommendation_card(payload)
    own = {f"tel:{re.sub(r'[^0-9+]', '', p)}" for s in payload["next_steps"] for p in s["phones"]}
    assert own and set(link_targets(card, "tel")) == own
    assert not any("National lines" in t for t in texts(card))



FIXED_WORDS = set(
    "Call now Next steps Consent Written follow-up What to record In the document's words Open Closed "
    "In your own organisation This is a not statutory level Not classified no guessed you said borrowed "
    "from It close They will ask for 's document publishes phone number these routes use what it gives "
    "Consultation recorded for Suggested as precaution the words fit National lines you can ring Email "
    "Do By when Ring national".split()
)


@pytest.mark.parametrize("name", ["stoke", "danger", "unclassified", "web_only", "bedford"])
def test_every_word_on_the_card_comes_from_the_payload_or_a_fixed_heading(payloads, name):
    """Take away the payload's own strings and the link targets: only fixed words may be left, so
    no number, address or name was made up."""
    payload = payloads[name]
    own = sorted({s for s in strings(payload) if s.strip()}, key=len, reverse=True)
    for shown in texts(recommendation_card(payload)):
        rest = re.sub(r"\]\([^)]*\)", "]", shown)
        for piece in own:
            rest = rest.replace(piece, " ")
        words = [w.strip(".,:;") for w in re.findall(r"[\w'@./:+-]+", rest)]
        left = [w for w in words if w and w not in FIXED_WORDS]
        assert left == [] or left == [payload["emergency_number"]], (shown, left)


def test_buttons_card():
    card = buttons_card("Skip this one?", [{"title": "Skip", "payload": "/skip_question"}, {"title": "no payload"}])
    assert card["body"] == [{"type": "TextBlock", "text": "Skip this one?", "wrap": True}]
    [action] = card["actions"]
    assert action == {
        "type": "Action.Submit",
        "title": "Skip",
        "data": {
            "payload": "/skip_question",
            "msteams": {"type": "messageBack", "displayText": "Skip", "text": "/skip_question"},
        },
    }


def test_a_scale_warning_and_the_practitioner_are_on_the_card(payloads):
    payload = copy.deepcopy(next(iter(payloads.values())))
    payload["scale_warning"] = "You rated the situation 2/10. If you think the child may be at risk ..."
    payload["practitioner"] = {"name": "Alex Reid", "role": "Health visitor", "source": "teams"}
    card = recommendation_card(payload)
    assert position(card, payload["scale_warning"]) < position(card, "Next steps")
    assert "Consultation recorded for Alex Reid, Health visitor." in texts(card)


def test_a_triaged_card_says_what_would_change_the_level_and_shows_the_signs_of_safety_map(authorities):
    from datetime import datetime

    from threshold_kb.clock import LONDON
    from threshold_kb.matching.engine import Engine
    from threshold_kb.recommend import recommend, to_payload
    from threshold_kb.replies import signs_of_safety_map
    from threshold_kb.triage.consult import Consultant

    consultant = Consultant(Engine(authorities, None))
    answers = {"harm": "no", "impact": "some", "services": "one", "carers": "engaging", "support": "none_yet"}
    assessment = consultant.assess("stoke_on_trent", "yr 3 girl is often tired in class", None, answers)
    payload = to_payload(recommend(assessment, datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)))
    payload["signs_of_safety"] = signs_of_safety_map(assessment).as_payload()
    card = recommendation_card(payload)
    assert payload["level"]["number"] == 2 and payload["triage"]["changes"]
    assert position(card, "What would change the level") < position(card, "Signs of Safety map")
    change = payload["triage"]["changes"][0]
    assert any(change["if"] in t and change["level"] in t for t in texts(card))
    assert any("What's working well?" in t and "the parents work with you" in t for t in texts(card))


# malformed payloads ------------------------------------------------------------------------------


def changed(payload: dict, **fields) -> dict:
    return {**copy.deepcopy(payload), **fields}


def with_step(payload: dict, **fields) -> dict:
    return changed(payload, next_steps=[{**payload["next_steps"][0], **fields}])


MALFORMED = {
    "only the type": lambda p: {"type": "threshold_recommendation"},
    "not a dict": lambda p: ["threshold_recommendation"],
    "authority null": lambda p: changed(p, authority=None),
    "next steps missing": lambda p: changed(p, next_steps=None),
    "next steps empty": lambda p: changed(p, next_steps=[]),
    "next steps a string": lambda p: changed(p, next_steps="call the front door"),
    "next steps a number": lambda p: changed(p, next_steps=5),
    "a null next step": lambda p: changed(p, next_steps=[None]),
    "a step's name an object": lambda p: with_step(p, name={"first": "MASH"}),
    "a step's asks_for nulls": lambda p: with_step(p, asks_for=[None]),
    "level label null": lambda p: changed(p, level={**p["level"], "label": None}),
    "why a list": lambda p: changed(p, why=["a", "b"]),
    "why huge": lambda p: changed(p, why="x" * 1_000_000),
    "indicators a string": lambda p: changed(p, indicators="bruise"),
    "a null indicator": lambda p: changed(p, indicators=[None]),
    "consent a string": lambda p: changed(p, consent="ask first"),
    "a null consent": lambda p: changed(p, consent=[None]),
    "record a number": lambda p: changed(p, record=42),
    "practitioner a string": lambda p: changed(p, practitioner="Sam"),
    "national routes a string": lambda p: changed(p, national_routes="ring 999"),
    "a nameless national route": lambda p: changed(p, national_routes=[{"phones": ["0808 800 5000"]}]),
}


def is_fallback(card: dict) -> bool:
    return card["body"][0]["text"] == FALLBACK_TEXT and card["fallbackText"].startswith(FALLBACK_TEXT)


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_payload_gives_the_small_fallback_card(payloads, name, caplog):
    card = recommendation_card(MALFORMED[name](payloads["stoke"]), fallback_text=None)
    assert is_fallback(card), texts(card)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4" and "actions" not in card
    assert all(isinstance(t, str) for t in texts(card))
    assert len(json.dumps(card, ensure_ascii=False)) < 1000
    assert "could not be drawn" in caplog.text


def test_the_fallback_card_shows_the_plain_text_as_given_and_cut_short(payloads):
    said = "Stoke-on-Trent: call the front door on 01782 235100."
    card = recommendation_card(changed(payloads["stoke"], next_steps=None), fallback_text=said)
    assert texts(card) == [FALLBACK_TEXT, said] and card["fallbackText"] == f"{FALLBACK_TEXT}\n\n{said}"
    card = recommendation_card({"type": "threshold_recommendation", "text": said * 1000}, fallback_text=None)
    assert is_fallback(card) and texts(card)[1].startswith(said)
    assert len(json.dumps(card, ensure_ascii=False)) < MAX_CARD_CHARS, "still small enough for Teams"
    card = recommendation_card({"type": "threshold_recommendation", "text": {"a": 1}}, fallback_text=5)
    assert texts(card) == [FALLBACK_TEXT], "only a plain string is shown"


@pytest.mark.parametrize("name", ["stoke", "danger", "unclassified", "web_only", "bedford"])
def test_real_payloads_are_not_the_fallback(payloads, name):
    assert not any(FALLBACK_TEXT in t for t in texts(recommendation_card(payloads[name])))
