"""The running assistant (action server and bot.serve) reached the way Microsoft Teams reaches it:
signed activities posted to /webhooks/teams/webhook, replies collected by a fake Bot Connector.
Microsoft's side (keys, token endpoint, connector) is tests/channels/fake_microsoft.py on loopback.

A consultation pressed through its Adaptive Card buttons ends in the recommendation card with a
published number; bad tokens get 401 and no reply; the practitioner is kept with the conversation;
with no Teams settings at all the server still starts and the webhook answers 503.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.actions.conftest import published
from tests.channels.cards import link_targets, texts
from tests.channels.fake_microsoft import FakeMicrosoft
from tests.e2e.stack import Stack, running_stack
from tests.e2e.triage_paths import TRIAGE_PATHS, expected_level
from threshold_kb import loader

pytestmark = pytest.mark.e2e
STOKE = next(a for a in loader.load_all() if a.slug == "stoke_on_trent")
WORRY = "Year 4 boy, bruise on his cheek again, says he fell, mum didn't turn up to parents evening"


@pytest.fixture(scope="module")
def microsoft():
    with FakeMicrosoft() as fake:
        yield fake


@pytest.fixture(scope="module")
def teams_stack(tmp_path_factory, microsoft):
    workdir = tmp_path_factory.mktemp("teams_stack")
    credentials = workdir / "credentials.yml"
    credentials.write_text(  # app id and secret come from the environment, as in production
        "bot.channels.rest.TokenRestInput:\n"
        "bot.channels.teams.TeamsInput:\n"
        f"  openid_metadata_url: {microsoft.openid_url}\n"
        f"  token_url: {microsoft.token_url}\n"
    )
    env = {"MICROSOFT_APP_ID": microsoft.app_id, "MICROSOFT_APP_PASSWORD": microsoft.app_password,
           "THRESHOLDS_API_TOKEN": "teams-e2e-api-token"}  # for the tests to read what was stored
    with running_stack(workdir, credentials=credentials, env=env) as running:
        yield running


def post(stack: Stack, activity: dict, authorization: str | None) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{stack.rasa_port}/webhooks/teams/webhook",
        data=json.dumps(activity).encode(),
        headers={"Content-Type": "application/json", **({"Authorization": authorization} if authorization else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=180) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def say(stack: Stack, microsoft: FakeMicrosoft, conversation: str, text: str | None = None, value=None) -> list[dict]:
    """Post one signed message; the bot's new activities in that conversation."""
    before = len(microsoft.sent(conversation))
    activity = microsoft.activity(text, value=value, conversation_id=conversation)
    assert post(stack, activity, f"Bearer {microsoft.mint()}") == 200
    return microsoft.wait_for(conversation, before + 1, timeout=60)[before:]


def cards(activities: list[dict]) -> list[dict]:
    return [
        a["content"]
        for activity in activities
        for a in activity.get("attachments", [])
        if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]


def everything_said(activities: list[dict]) -> str:
    return json.dumps(activities, ensure_ascii=False)


def test_a_consultation_pressed_through_its_buttons_ends_in_the_recommendation_card(teams_stack, microsoft):
    conversation = "a:e2e-teams-consultation"
    asked = say(teams_stack, microsoft, conversation, WORRY)
    submits = [a for card in cards(asked) for a in card.get("actions", []) if a["type"] == "Action.Submit"]
    stoke = next((a for a in submits if a["title"] == "Stoke-on-Trent"), None)
    assert stoke is not None, f"the authority buttons, as Adaptive Card submits: {asked}"
    assert stoke["data"]["msteams"]["type"] == "messageBack"

    # Teams delivers the press as a message with `value` = the button's data (and, here, no text)
    taken = say(teams_stack, microsoft, conversation, value=stoke["data"])
    assert "Stoke-on-Trent" in everything_said(taken), f"the next reply goes on under Stoke-on-Trent: {taken}"
    titles = [a["title"] for c in cards(taken) for a in c.get("actions", [])]
    assert "Stoke-on-Trent" not in titles, "the authority is not asked again"
    tracker = teams_stack.tracker(conversation)
    assert tracker["slots"]["authority"] == "stoke_on_trent"
    assert tracker["latest_message"]["text"] == stoke["data"]["payload"], "the press arrived as the button's payload"

    before = len(microsoft.sent(conversation))
    say(teams_stack, microsoft, conversation, "just tell me")
    time.sleep(1)  # everything for this turn has been posted when the webhook answered; be sure
    answer = microsoft.sent(conversation)[before:]
    [card] = [c for c in cards(answer) if "Next steps" in texts(c)]  # under Details, after the answer
    assert card["version"] == "1.4" and "Stoke-on-Trent" in card["fallbackText"]
    assert not any("Next steps (" in (a.get("text") or "") for a in answer), "the card replaces the recommendation text"
    dialled = set(link_targets(card, "tel"))
    assert dialled, "the card gives a number to call"
    allowed = {"tel:" + "".join(ch for ch in p if ch.isdigit() or ch == "+") for p in published([STOKE])}
    assert dialled <= allowed, f"only Stoke-on-Trent's published numbers: {dialled - allowed}"


def test_the_practitioner_is_kept_with_the_conversation(teams_stack, microsoft):
    conversation = "a:e2e-teams-practitioner"
    say(teams_stack, microsoft, conversation, "do I need mum's consent?")
    tracker = teams_stack.tracker(conversation)
    assert tracker["sender_id"] == conversation
    users = [e for e in tracker["events"] if e["event"] == "user"]
    assert users and users[0]["input_channel"] == "teams"
    who = {"name": "Sam Patel", "aad_object_id": "aad-object-1", "source": "teams"}
    assert users[0]["metadata"]["practitioner"] == who


def test_danger_words_get_999_first_in_teams(teams_stack, microsoft):
    replies = say(teams_stack, microsoft, "a:e2e-teams-danger", "dad is hitting mum right now and the kids are there")
    assert replies[0].get("text", "").startswith("Call 999"), replies[0]


@pytest.mark.parametrize("case", ["no token", "unsigned", "expired", "wrong issuer", "wrong audience", "other key"])
def test_a_bad_token_gets_401_and_no_reply(teams_stack, microsoft, case):
    tokens = {
        "no token": None,
        "unsigned": microsoft.unsigned(),
        "expired": microsoft.mint(expired=True),
        "wrong issuer": microsoft.mint(iss="https://sts.windows.net/someone-else/"),
        "wrong audience": microsoft.mint(aud="11111111-2222-4333-8444-555555555555"),
        "other key": microsoft.mint(key=microsoft.other_key),
    }
    conversation = f"a:e2e-teams-refused-{case.replace(' ', '-')}"
    token = tokens[case]
    status = post(teams_stack, microsoft.activity(WORRY, conversation_id=conversation), token and f"Bearer {token}")
    assert status == 401
    time.sleep(0.5)
    assert microsoft.sent(conversation) == []
    assert not [e for e in teams_stack.tracker(conversation)["events"] if e["event"] == "user"], "nothing reached it"


def test_with_no_teams_settings_the_server_starts_and_the_webhook_answers_503(tmp_path, microsoft):
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("rest:\nbot.channels.teams.TeamsInput:\n")  # as in the project's credentials.yml
    unset = {variable: "" for variable in ("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_TENANT_ID")}
    bare = Stack(tmp_path, credentials=credentials, env=unset)
    try:
        bare.start_rasa()
        activity = microsoft.activity("hello", conversation_id="a:e2e-unconfigured")
        assert post(bare, activity, f"Bearer {microsoft.mint()}") == 503
        assert "not configured" in (tmp_path / "rasa.log").read_text()
    finally:
        bare.stop_all()


AUTHORITIES = {a.slug: a for a in loader.load_all()}
ANSWER = re.compile(r'^/answer_question\{"[a-z_]+":"(?P<qualifier>[a-z_]+)=(?P<value>[a-z_]+)"\}$')


def submits(activities: list[dict]) -> list[dict]:
    return [a for card in cards(activities) for a in card.get("actions", []) if a["type"] == "Action.Submit"]


@pytest.mark.parametrize("path", sorted(TRIAGE_PATHS))
@pytest.mark.parametrize("slug", sorted(AUTHORITIES))
def test_the_question_buttons_lead_to_the_documents_level_in_teams(teams_stack, microsoft, slug, path):
    """Every authority, every level: the authority and each question answered by pressing a card's
    button (as Teams delivers a press: `value` only), at most three questions, then the card."""
    worry, facts, _ = TRIAGE_PATHS[path]
    authority = AUTHORITIES[slug]
    conversation = f"a:e2e-teams-{slug}-{path.replace(' ', '-')}"
    replies = say(teams_stack, microsoft, conversation, worry)
    press = next(a for a in submits(replies) if a["title"] == authority.name)
    replies = say(teams_stack, microsoft, conversation, value=press["data"])
    asked: list[str] = []
    for _ in range(6):
        if any("Next steps" in texts(c) for c in cards(replies)):
            break
        if "How old is the child?" in everything_said(replies):
            replies = say(teams_stack, microsoft, conversation, "8")
            continue
        answers = [(ANSWER.match(a["data"]["payload"] or ""), a) for a in submits(replies)]
        answers = [(m, a) for m, a in answers if m]
        assert answers, f"neither a question card nor the recommendation card: {everything_said(replies)[:500]}"
        qualifier = answers[0][0]["qualifier"]
        asked.append(qualifier)
        assert len(asked) <= 3, f"more than three questions: {asked}"
        press = next(a for m, a in answers if m["value"] == facts[qualifier])
        replies = say(teams_stack, microsoft, conversation, value=press["data"])
    time.sleep(0.5)  # the card may follow the turn's last text
    [card] = [c for c in cards(microsoft.sent(conversation)) if "Next steps" in texts(c)]
    label = authority.level(expected_level(path, slug)).label
    assert asked and label in texts(card), (asked, label, card["fallbackText"][:300])
