"""The running assistant over its REST channel: one consultation per authority (each saved as a
transcript under build/transcripts/), danger first, a conversation that survives a restart of the
Rasa server, and the action server stopped mid-conversation. Runs last in this order on purpose:
the fault test stops the action server."""

from __future__ import annotations

import json

import pytest

from tests.actions.conftest import contact_details, published
from tests.e2e.triage_paths import OPEN_WORRY, SETTLED, TRIAGE_PATHS
from threshold_kb import loader
from threshold_kb.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e
AUTHORITIES = {a.slug: a for a in loader.load_all()}
TRANSCRIPTS = PROJECT_ROOT / "build" / "transcripts"

CONSULTATIONS = {
    "bedford_borough": ("Bedford", "attendance has dropped and he is often late, mum seems to be struggling"),
    "cumbria": ("we are in Kendal", "14 year old keeps going missing overnight and comes back with new phones"),
    "northamptonshire": ("I'm based in Kettering", "HV here, 4 month old, 2 bruises on cheek, mum no idea how"),
    "peterborough": ("Peterborough", "15 year old girl with a much older boyfriend who buys her gifts"),
    "stoke_on_trent": (
        "Stoke",
        "Year 4 boy, bruise on his cheek again, says he fell, mum didn't turn up to parents evening",
    ),
}


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def record(lines: list[str], said: str, replies: list[dict]) -> None:
    lines.append(f"**Practitioner:** {said}\n")
    for reply in replies:
        if reply.get("text"):
            lines.append("**Assistant:** " + reply["text"].replace("\n", "  \n") + "\n")
        if reply.get("buttons"):
            lines.append("_buttons: " + ", ".join(b["title"] for b in reply["buttons"]) + "_\n")
        if isinstance(reply.get("custom"), dict) and reply["custom"].get("type") == "threshold_recommendation":
            card = reply["custom"]
            level = (card.get("level") or {}).get("label", "not classified")
            steps = "; ".join(s["name"] for s in card["next_steps"])
            lines.append(f"_card payload: {card['authority']['name']}, {level}; next steps: {steps}_\n")


@pytest.mark.parametrize("slug", sorted(CONSULTATIONS))
def test_a_consultation_ends_in_a_named_next_step_with_only_published_contacts(stack, slug):
    typed, worry = CONSULTATIONS[slug]
    sender, lines = f"e2e-{slug}", [f"# {AUTHORITIES[slug].name}: a consultation over the REST channel\n"]
    replies = []
    for said in [worry, typed, "just tell me"]:
        replies = stack.say(sender, said)
        assert replies, f"silence after {said!r}"
        record(lines, said, replies)
        if any(_card(r) for r in replies):
            break  # decided at once (a red flag): no questions to skip
    cards = [r["custom"] for r in replies if _card(r)]
    assert len(cards) == 1, f"expected the recommendation card, got {replies}"
    card = cards[0]
    assert card["authority"]["slug"] == slug
    assert card["next_steps"] and card["next_steps"][0]["name"]
    assert card["level"] is None or card["level"]["name"]
    assert contact_details(texts(replies)) <= published([AUTHORITIES[slug]])
    TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    (TRANSCRIPTS / f"{slug}.md").write_text("\n".join(lines), encoding="utf-8")


def _card(reply: dict) -> bool:
    return isinstance(reply.get("custom"), dict) and reply["custom"].get("type") == "threshold_recommendation"


def _question(replies: list[dict]) -> dict | None:
    return next((r["custom"] for r in replies if isinstance(r.get("custom"), dict)
                 and r["custom"].get("type") == "threshold_question"), None)


@pytest.mark.parametrize("path", sorted(TRIAGE_PATHS))
@pytest.mark.parametrize("slug", sorted(CONSULTATIONS))
def test_the_questions_lead_to_the_documents_level(stack, slug, path):
    """Each question arrives as text with buttons and as a threshold_question message; pressing the
    button (its payload) answers it; at most three questions, then the card at the document's level."""
    worry, facts, levels = TRIAGE_PATHS[path]
    sender = f"e2e-triage-{slug}-{path.replace(' ', '-')}"
    stack.say(sender, worry)
    replies = stack.say(sender, CONSULTATIONS[slug][0])
    asked = []
    while not any(_card(r) for r in replies):
        if "How old is the child?" in texts(replies):
            replies = stack.say(sender, "8")
            continue
        question = _question(replies)
        assert question is not None, f"neither a question nor the card: {replies}"
        assert any(r.get("buttons") for r in replies), "the question has buttons"
        asked.append(question["qualifier"])
        assert len(asked) <= 3, f"more than three questions: {asked}"
        button = next(a for a in question["answers"] if a["value"] == facts[question["qualifier"]])
        replies = stack.say(sender, button["payload"])
    card = next(r["custom"] for r in replies if _card(r))
    assert asked, "an open worry asks at least one question"
    assert card["level"]["number"] == levels.get(slug, levels["default"]), (asked, card["why"])
    assert sorted(card["triage"]["answered"]) == sorted(asked)


def test_a_typed_answer_works_like_the_button(stack):
    sender = "e2e-triage-typed"
    stack.say(sender, SETTLED)
    replies = stack.say(sender, "Cumbria")
    question = _question(replies)
    assert question is not None
    typed = {"harm": "no, nothing like that", "impact": "a little", "carers": "yes they're working with us",
             "support": "not yet", "pattern": "first time", "services": "my service can"}
    for _ in range(3):
        replies = stack.say(sender, typed[question["qualifier"]])
        question = _question(replies)
        if question is None:
            break
    card = next(r["custom"] for r in replies if _card(r))
    assert card["level"]["number"] < 4 and card["triage"]["facts"]


def test_danger_words_get_999_as_the_first_reply(stack):
    replies = stack.say("e2e-danger", "dad is hitting mum right now and the kids are there")
    assert replies[0]["text"].startswith("Call 999 (police or ambulance)")
    replies = stack.say("e2e-danger", "Peterborough")
    assert any(isinstance(r.get("custom"), dict) for r in replies), "the named next step follows the authority"


def test_a_question_is_answered_with_its_citation(stack):
    replies = stack.say("e2e-question", "do I need mum's consent?")
    assert replies[-1].get("buttons")
    replies = stack.say("e2e-question", "Stoke")
    assert "Multi Agency Threshold Guidance to the Levels of Need" in texts(replies)


NAMED_QUESTIONS = [  # (question naming an authority, what only that authority's answer says)
    ("northamptonshire mash phone number please", "0300 126 3000"),
    ("out of hours line for Stoke-on-Trent?", "01782 234234"),
    ("consent rules in Cumbria", "Cumbria Threshold Guidance"),
    ("how do I escalate in Peterborough", "Keeping Children Safe Together Peterborough"),
    ("Bedford level 3, what does it mean", "A Child Centred System"),
]


@pytest.mark.parametrize(("number", "question", "expected"), [(n, *q) for n, q in enumerate(NAMED_QUESTIONS)])
def test_a_question_naming_an_authority_is_answered_for_it_at_once(stack, number, question, expected):
    replies = stack.say(f"e2e-named-{number}", question)
    assert expected in texts(replies), replies
    assert not any(r.get("buttons") for r in replies), "the authority is not asked for"


def _to_the_card(stack, sender: str, worry: str, authority: str) -> list[dict]:
    stack.say(sender, worry)
    replies = stack.say(sender, authority)
    if not any(_card(r) for r in replies):
        replies = stack.say(sender, "just tell me")
    assert any(_card(r) for r in replies)
    return replies


def test_a_second_worry_about_a_different_child_starts_a_new_consultation(stack):
    sender = "e2e-second-worry"
    _to_the_card(stack, sender, CONSULTATIONS["stoke_on_trent"][1], "Stoke")
    second = "Different child now: a 9 year old says her dad hit her with a belt"
    replies = stack.say(sender, second)
    assert "New consultation" in texts(replies), replies  # after 999 where the words suggest danger
    worry = stack.tracker(f"rest-{sender}")["slots"]["worry"]
    assert worry == second, "nothing of the first child's worry"


def test_restart_during_the_questions_starts_afresh_keeping_the_authority(stack):
    sender = "e2e-start-again"
    stack.say(sender, "I'm worried about a girl in my class, she's lost a lot of weight and seems withdrawn")
    assert "question 1 of" in texts(stack.say(sender, "Cumbria"))
    replies = stack.say(sender, "start again")
    assert "New consultation" in texts(replies) and "Cumbria" in texts(replies)
    slots = stack.tracker(f"rest-{sender}")["slots"]
    assert slots["worry"] is None and slots["authority"] == "cumbria" and slots["requested_slot"] is None
    replies = stack.say(sender, "yr 4 boy keeps coming in hungry, mum says money is tight")
    assert "question 1 of" in texts(replies), "a new worry, and the authority is not asked for again"


def _past_the_age(stack, sender: str, replies: list[dict]) -> list[dict]:
    """The age is asked first where an indicator depends on it: answered, to reach the triage questions."""
    return stack.say(sender, "8") if "How old is the child?" in texts(replies) else replies


@pytest.mark.parametrize("answered", [0, 1, 2])
def test_skip_the_rest_typed_at_any_triage_question_gives_the_answer(stack, answered):
    facts = {"harm": "no", "impact": "some", "carers": "engaging", "support": "none_yet", "pattern": "first_time",
             "services": "one"}  # Peterborough asks three questions of the open worry with these
    sender = f"e2e-skip-rest-{answered}"
    stack.say(sender, OPEN_WORRY)
    replies = _past_the_age(stack, sender, stack.say(sender, "Peterborough"))
    for _ in range(answered):
        question = _question(replies)
        if question is None:
            pytest.fail(f"fewer than {answered + 1} questions for this path")
        button = next(a for a in question["answers"] if a["value"] == facts[question["qualifier"]])
        replies = stack.say(sender, button["payload"])
    assert _question(replies) is not None, "a question is being asked"
    replies = stack.say(sender, "Skip the rest")
    assert any(_card(r) for r in replies), replies


def test_skip_the_rest_at_the_age_question_gives_the_answer(stack):
    sender = "e2e-skip-rest-age"
    stack.say(sender, "she told me she is pregnant")
    assert "How old is the child?" in texts(stack.say(sender, "Stoke"))
    replies = stack.say(sender, "Skip the rest")
    assert any(_card(r) for r in replies), replies


def test_talk_to_a_person_names_the_people_for_the_authority_even_mid_question(stack):
    replies = stack.say("e2e-person", "can I speak to a real person?")
    assert replies[-1].get("buttons"), "which authority's people"
    text = texts(stack.say("e2e-person", "Stoke"))
    assert "designated safeguarding lead" in text and "01782" in text
    sender = "e2e-person-mid"
    stack.say(sender, "I'm worried about a girl in my class, she's lost a lot of weight and seems withdrawn")
    assert "question 1 of" in texts(_past_the_age(stack, sender, stack.say(sender, "Northamptonshire")))
    replies = stack.say(sender, "is there someone I can talk this through with?")
    assert "0300 126" in texts(replies) and "question 1 of" in texts(replies), "answered, then the question again"


# Worries in words unlike the training data's: whatever the classifier makes of them, each must
# start a consultation (the fallback's own check takes what the classifier was unsure of).
ODD_WORRIES = [
    "kiddo in my group keeps turning up starving, nicks food, clothes minging, mum never picks up the phone",
    "the wee one in room 2 flinches whenever dad comes to collect, and has marks on her arms again",
    "lad of 13 always got new trainers and cash, won't say who from, out till 2am most nights",
]


@pytest.mark.parametrize("number", range(len(ODD_WORRIES)))
def test_a_worry_in_unusual_words_is_never_lost_to_the_fallback(stack, number):
    replies = stack.say(f"e2e-odd-worry-{number}", ODD_WORRIES[number])
    text = texts(replies)
    assert "I'm not sure I understood" not in text, replies
    assert "questions first" in text or "Which local authority" in text or "999" in text, replies


def test_the_childs_identity_is_kept_in_no_store_and_no_log(stack):
    """The issue's own example: the turn works on the full text, nothing personal is written."""
    worry = (
        "Worried about Jayden Smith DOB 03/04/2015 of 12 High Street Hanley ST1 4AB, Oak Primary. "
        "Bruise on his cheek again, his mum Kelly rang from 07700 900123"
    )
    replies = stack.say("redaction", worry)  # the REST channel files it as rest-redaction
    assert "Stoke-on-Trent" in texts(replies), "the town was read for the authority before redaction"
    stored = json.dumps(stack.tracker("rest-redaction"))
    assert "Worried about [NAME] DOB [DATE OF BIRTH] of [ADDRESS] Hanley [POSTCODE], [SCHOOL]" in stored
    written = [p for p in stack.workdir.iterdir() if p.name.startswith("conversations.sqlite") or p.suffix == ".log"]
    assert any(p.suffix == ".log" for p in written) and any(p.name.startswith("conversations") for p in written)
    for path in written:
        content = path.read_bytes().decode("utf-8", "replace")
        for personal in ("Jayden", "03/04/2015", "High Street", "ST1 4AB", "Oak Primary", "Kelly", "07700 900123"):
            assert personal not in content, f"{personal!r} kept in {path.name}"


def test_a_conversation_resumes_after_the_rasa_server_restarts(stack):
    sender = "e2e-restart"
    stack.say(sender, "I'm worried about a girl in my class, she's lost a lot of weight and seems withdrawn")
    asked = stack.say(sender, "Cumbria")
    assert "question 1 of" in texts(asked)
    stack.stop("rasa")
    stack.start_rasa()
    replies = stack.say(sender, "just tell me")
    assert any(isinstance(r.get("custom"), dict) for r in replies), "the stored conversation went on to the answer"


def test_with_the_action_server_stopped_the_practitioner_still_gets_the_safe_answer(stack):
    sender = "e2e-fault"
    stack.say(sender, "Year 4 boy, bruise on his cheek again, says he fell")
    stack.say(sender, "Stoke")
    stack.stop("actions")
    replies = stack.say(sender, "his nan is supportive")
    text = texts(replies)
    assert "unavailable" in text
    assert "designated safeguarding lead" in text and "999" in text
    assert "01782" in text, "Stoke-on-Trent's published front door, from the bundled knowledge base"
    assert contact_details(text) <= published([AUTHORITIES["stoke_on_trent"]])
    danger = stack.say(sender, "he says his stepdad will beat him tonight, he's scared to go home")
    assert texts(danger).startswith("If a child may be in danger right now, call 999")
