"""The Teams channel against Microsoft faked on loopback: settings, token checks, activities to
messages (buttons included, RasaHQ/rasa#8164), lazy signing keys, and replies through the Bot
Connector (one card for a recommendation)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time

import aiohttp
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from bot.channels import teams_auth
from bot.channels.adaptive_card import FALLBACK_TEXT
from bot.channels.teams import TeamsInput
from bot.channels.teams_auth import TeamsSettings
from tests.channels.cards import link_targets, published_contacts
from tests.channels.conftest import serving, settings_for
from tests.channels.fake_microsoft import ISSUER


async def post(url: str, activity, token: str | None = None, authorization: str | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if authorization is not None:
        headers["Authorization"] = authorization
    body = activity if isinstance(activity, bytes | str) else json.dumps(activity)
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as answer:
        return answer.status, await answer.text()


# settings ------------------------------------------------------------------------------------


def test_settings_come_from_credentials_then_the_environment():
    env = {
        "MICROSOFT_APP_ID": "env-id",
        "MICROSOFT_APP_PASSWORD": "env-secret",
        "MICROSOFT_APP_TENANT_ID": "tenant-1",
        "TEAMS_TOKEN_ISSUER": "https://issuer.example.invalid",
    }
    settings = TeamsSettings.from_sources({"app_id": "yml-id", "app_password": ""}, env)
    assert settings.app_id == "yml-id", "credentials.yml wins"
    assert settings.app_password == "env-secret", "an empty value falls back to the environment"
    assert settings.token_url == "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token", "single tenant"
    assert settings.issuer == "https://issuer.example.invalid"
    assert settings.openid_metadata_url == "https://login.botframework.com/v1/.well-known/openidconfiguration"
    assert settings.scope == "https://api.botframework.com/.default"


def test_settings_defaults_are_the_multi_tenant_bot_framework():
    settings = TeamsSettings.from_sources(None, {})
    assert not settings.configured
    assert settings.token_url == "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    assert settings.issuer == "https://api.botframework.com"
    overridden = TeamsSettings.from_sources({"tenant_id": "t"}, {"TEAMS_TOKEN_URL": "http://127.0.0.1:1/token"})
    assert overridden.token_url == "http://127.0.0.1:1/token", "an explicit token URL beats the tenant's"


def test_from_credentials_with_no_values_builds_an_unconfigured_channel(monkeypatch, caplog):
    for name in teams_auth.ENV.values():
        monkeypatch.delenv(name, raising=False)
    with caplog.at_level(logging.WARNING, logger="bot.channels.teams"):
        channel = TeamsInput.from_credentials(None)
    assert channel.name() == "teams" and channel.url_prefix() == "teams"
    assert not channel.settings.configured
    assert sum("not configured" in r.getMessage() for r in caplog.records) == 1


# not configured, malformed -------------------------------------------------------------------


async def test_not_configured_answers_503_and_fetches_nothing(microsoft):
    channel = TeamsInput(settings_for(microsoft, app_id=None))
    async with serving(channel) as served:
        status, text = await post(served.url, microsoft.activity("hello"), microsoft.mint())
    assert status == 503
    assert "MICROSOFT_APP_ID" in text
    assert served.messages == []
    assert microsoft.openid_fetches == microsoft.keys_fetches == 0


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", json.dumps({"type": "message", "text": "hi", "serviceUrl": "http://x"}).encode()],
    ids=["not-json", "not-an-object", "no-conversation"],
)
async def test_a_signed_request_with_a_malformed_body_gets_400(served, microsoft, body):
    status, _ = await post(served.url, body, microsoft.mint())
    assert status == 400
    assert served.messages == []


async def test_an_activity_without_a_service_url_gets_400(served, microsoft):
    activity = microsoft.activity("hello")
    del activity["serviceUrl"]
    status, _ = await post(served.url, activity, microsoft.mint())
    assert status == 400


# token checks --------------------------------------------------------------------------------


def hs256_with_the_public_key(fake) -> str:
    """The classic algorithm-confusion token: HMAC keyed with the published RSA public key (signed
    by hand: PyJWT refuses a PEM as an HMAC key)."""
    public = fake.key.public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    claims = {"iss": ISSUER, "aud": fake.app_id, "exp": 2**31, "serviceurl": fake.base_url}

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": fake.kid}).encode())
    body = b64(json.dumps(claims).encode())
    signature = hmac.new(pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(signature)}"


REJECTIONS = {
    "no-header": (lambda f: None, "no Bearer token"),
    "basic-auth": (lambda f: "Basic dXNlcjpwYXNz", "no Bearer token"),
    "not-a-jwt": (lambda f: "Bearer not.a.jwt", "not a JWT"),
    "unsigned": (lambda f: "Bearer " + f.unsigned(), "algorithm 'none'"),
    "hs256-confusion": (lambda f: "Bearer " + hs256_with_the_public_key(f), "algorithm 'HS256'"),
    "other-key-same-kid": (lambda f: "Bearer " + f.mint(key=f.other_key), "InvalidSignatureError"),
    "unknown-kid": (lambda f: "Bearer " + f.mint(key=f.other_key, kid="not-published"), "unknown key"),
    "expired": (lambda f: "Bearer " + f.mint(expired=True), "expired"),
    "not-yet-valid": (lambda f: "Bearer " + f.mint(not_yet=True), "not valid yet"),
    "wrong-issuer": (lambda f: "Bearer " + f.mint(iss="https://sts.windows.net/evil/"), "wrong issuer"),
    "wrong-audience": (lambda f: "Bearer " + f.mint(aud="another-app-id"), "wrong audience"),
    "service-url-mismatch": (lambda f: "Bearer " + f.mint(service_url="https://evil.example.invalid"), "serviceUrl"),
    "service-url-mismatch-camel": (
        lambda f: "Bearer " + f.mint(service_url="https://evil.example.invalid", service_url_claim="serviceUrl"),
        "serviceUrl",
    ),
    "service-url-both-spellings-one-wrong": (
        lambda f: "Bearer " + f.mint(serviceUrl="https://evil.example.invalid"),  # serviceurl itself is right
        "serviceUrl",
    ),
    "no-expiry": (lambda f: "Bearer " + jwt.encode(
        {"iss": ISSUER, "aud": f.app_id, "serviceurl": f.base_url}, f.key, algorithm="RS256", headers={"kid": f.kid}
    ), "MissingRequiredClaimError"),
}


@pytest.mark.parametrize("case", sorted(REJECTIONS))
async def test_a_bad_or_missing_token_gets_401_and_no_message(served, microsoft, caplog, case):
    authorization, reason = REJECTIONS[case]
    with caplog.at_level(logging.WARNING, logger="bot.channels.teams"):
        status, text = await post(served.url, microsoft.activity("hello"), authorization=authorization(microsoft))
    assert status == 401
    assert served.messages == []
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert reason in logged
    if authorization(microsoft):
        assert authorization(microsoft).split()[-1] not in logged, "the token is never logged"


async def test_a_key_not_endorsed_for_the_channel_is_refused(served, microsoft):
    activity = microsoft.activity("hello")
    activity["channelId"] = "webchat"
    status, _ = await post(served.url, activity, microsoft.mint())
    assert status == 401 and served.messages == []


def test_the_leeway_is_at_most_five_minutes():
    assert 0 < teams_auth.LEEWAY <= 300


async def test_clock_skew_within_the_leeway_is_accepted(served, microsoft):
    token = microsoft.mint(exp=int(time.time()) - 120)  # expired two minutes ago
    status, _ = await post(served.url, microsoft.activity("hello"), token)
    assert status == 200 and len(served.messages) == 1


# activities to messages ----------------------------------------------------------------------


async def test_a_valid_message_reaches_rasa_with_the_practitioner(served, microsoft):
    said = "Year 4 boy, bruise on his cheek again"
    activity = microsoft.activity(said, name="  Sam   Patel ", conversation_id="a:c-42")
    activity["attachments"] = [{"contentType": "text/html", "content": "<p>Year 4 boy</p>"}]
    status, _ = await post(served.url, activity, microsoft.mint())
    assert status == 200
    [message] = served.messages
    assert message.text == "Year 4 boy, bruise on his cheek again"
    assert message.sender_id == "a:c-42", "one Rasa conversation per Teams conversation"
    assert message.input_channel == "teams"
    assert message.metadata["practitioner"] == {"name": "Sam Patel", "aad_object_id": "aad-object-1", "source": "teams"}
    assert message.metadata["attachments"] == activity["attachments"]


async def test_mentions_of_the_bot_are_removed(served, microsoft):
    await post(served.url, microsoft.activity("<at>Thresholds Assistant</at> do I need consent?"), microsoft.mint())
    assert served.messages[0].text == "do I need consent?"


async def test_a_card_submit_with_only_a_value_arrives_as_its_payload(served, microsoft):
    status, _ = await post(served.url, microsoft.activity(value={"payload": "/skip_question"}), microsoft.mint())
    assert status == 200
    assert [m.text for m in served.messages] == ["/skip_question"]


async def test_activities_that_are_not_messages_are_acknowledged_and_ignored(served, microsoft):
    for activity in (microsoft.activity(kind="conversationUpdate"), microsoft.activity(value={"other": 1})):
        status, _ = await post(served.url, activity, microsoft.mint())
        assert status == 200
    assert served.messages == []


async def test_adding_the_bot_greets_the_practitioner_by_name(served, microsoft):
    added = microsoft.activity(kind="conversationUpdate")
    added["membersAdded"] = [{"id": added["recipient"]["id"]}]
    someone_else = microsoft.activity(kind="conversationUpdate")
    someone_else["membersAdded"] = [{"id": "29:another-user"}]
    for activity in (added, someone_else):
        status, _ = await post(served.url, activity, microsoft.mint())
        assert status == 200
    [greeting] = served.messages
    assert greeting.text == "/greet" and greeting.metadata["practitioner"]["name"] == "Sam Patel"


async def test_a_failure_while_handling_still_answers_200(served, microsoft, caplog):
    served.fail = True
    with caplog.at_level(logging.ERROR, logger="bot.channels.teams"):
        status, _ = await post(served.url, microsoft.activity("hello"), microsoft.mint())
    assert status == 200, "an error status would make the Bot Connector retry"
    assert "handling a message failed" in caplog.text


# signing keys: lazy, cached, refreshed -------------------------------------------------------


async def test_keys_are_fetched_on_first_need_then_cached(microsoft):
    now = [1000.0]
    channel = TeamsInput(settings_for(microsoft))
    channel.keys.clock = lambda: now[0]
    async with serving(channel) as served:
        assert (microsoft.openid_fetches, microsoft.keys_fetches) == (0, 0), "nothing fetched at start"
        assert (await post(served.url, microsoft.activity("one"), microsoft.mint()))[0] == 200
        assert (microsoft.openid_fetches, microsoft.keys_fetches) == (1, 1)
        now[0] += teams_auth.KEYS_MAX_AGE - 60  # most of a day later
        assert (await post(served.url, microsoft.activity("two"), microsoft.mint()))[0] == 200
        assert (microsoft.openid_fetches, microsoft.keys_fetches) == (1, 1), "cached"


async def test_an_unknown_key_id_refetches_once_rate_limited_and_daily_refresh(microsoft):
    now = [1000.0]
    channel = TeamsInput(settings_for(microsoft))
    channel.keys.clock = lambda: now[0]
    async with serving(channel) as served:
        assert (await post(served.url, microsoft.activity("one"), microsoft.mint()))[0] == 200
        assert microsoft.keys_fetches == 1
        # Microsoft rotates in a new key; a token signed with it arrives
        rotated = microsoft.other_key
        microsoft.extra_keys["rotated-key"] = rotated
        now[0] += teams_auth.UNKNOWN_KEY_REFRESH + 1
        token = microsoft.mint(key=rotated, kid="rotated-key")
        assert (await post(served.url, microsoft.activity("two"), token))[0] == 200
        assert microsoft.keys_fetches == 2
        # a key id nobody publishes: one refetch, then no more for a while
        now[0] += teams_auth.UNKNOWN_KEY_REFRESH + 1
        for _ in range(3):
            status, _ = await post(served.url, microsoft.activity("x"), microsoft.mint(key=rotated, kid="forged"))
            assert status == 401
            now[0] += teams_auth.UNKNOWN_KEY_REFRESH / 4
        assert microsoft.keys_fetches == 3, "one refetch for the unknown key, then rate-limited"
        now[0] += 24 * 3600 + 1
        assert (await post(served.url, microsoft.activity("three"), microsoft.mint()))[0] == 200
        assert microsoft.keys_fetches == 4, "refetched after a day"


async def test_keys_that_cannot_be_fetched_give_503_not_a_crash(microsoft):
    now = [1000.0]
    microsoft.keys_available = False
    channel = TeamsInput(settings_for(microsoft))
    channel.keys.clock = lambda: now[0]
    async with serving(channel) as served:
        status, _ = await post(served.url, microsoft.activity("hello"), microsoft.mint())
        assert status == 503
        microsoft.keys_available = True
        now[0] += teams_auth.FAILED_FETCH_RETRY + 1
        status, _ = await post(served.url, microsoft.activity("hello"), microsoft.mint())
        assert status == 200


async def test_an_unreachable_metadata_url_gives_503(microsoft):
    channel = TeamsInput(settings_for(microsoft, openid_metadata_url="http://127.0.0.1:9/openid"))
    async with serving(channel) as served:
        status, _ = await post(served.url, microsoft.activity("hello"), microsoft.mint())
    assert status == 503


# replies through the Bot Connector -----------------------------------------------------------


async def test_a_recommendation_is_sent_as_one_adaptive_card_with_only_published_contacts(served, microsoft, payloads):
    payload = payloads["unclassified"]  # Peterborough: two phones and an email
    served.reply = {"text": "Peterborough: I cannot place this worry...", "custom": payload}
    await post(served.url, microsoft.activity("hello", conversation_id="a:rec"), microsoft.mint())
    [activity] = microsoft.sent("a:rec")
    assert "text" not in activity or not activity["text"], "the card replaces the text"
    [attachment] = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["fallbackText"] == "Peterborough: I cannot place this worry..."
    phones, emails = published_contacts(payload)
    assert set(link_targets(card, "tel")) == phones and phones
    assert set(link_targets(card, "mailto")) == emails and emails


async def test_a_malformed_recommendation_is_sent_as_the_fallback_card_with_the_text(served, microsoft, payloads):
    payload = {**payloads["stoke"], "next_steps": "call the front door"}
    served.reply = {"text": "Stoke-on-Trent: call the front door.", "custom": payload}
    await post(served.url, microsoft.activity("hello", conversation_id="a:bad"), microsoft.mint())
    [activity] = microsoft.sent("a:bad")
    card = activity["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard"
    assert [block["text"] for block in card["body"]] == [FALLBACK_TEXT, "Stoke-on-Trent: call the front door."]


async def test_replies_go_to_the_conversation_with_the_token_from_the_token_endpoint(served, microsoft):
    served.reply = {"text": "Thank you.\n\nA few quick questions first; **you can skip** any of them."}
    activity = microsoft.activity("hello", conversation_id="19:abc@thread.v2")
    await post(served.url, activity, microsoft.mint())
    await post(served.url, activity, microsoft.mint())
    sent = microsoft.sent("19:abc@thread.v2")
    assert len(sent) == 2, "one activity per message, even with paragraphs"
    assert sent[0]["text"] == served.reply["text"] and sent[0]["textFormat"] == "markdown"
    assert sent[0]["replyToId"] == activity["id"]
    assert sent[0]["recipient"] == {"id": "29:user-1", "name": "Sam Patel"}
    assert sent[0]["from"]["id"] == activity["recipient"]["id"]
    assert microsoft.token_requests == 1, "the access token is cached"


async def test_buttons_become_action_submit_with_message_back(served, microsoft):
    served.reply = {"text": "Which authority?", "buttons": [
        {"title": "Stoke-on-Trent", "payload": '/choose_authority{"authority_name":"stoke_on_trent"}'},
        {"title": "Skip", "payload": "/skip_question"},
    ]}
    await post(served.url, microsoft.activity("hello", conversation_id="a:b"), microsoft.mint())
    [activity] = microsoft.sent("a:b")
    card = activity["attachments"][0]["content"]
    assert card["body"][0]["text"] == "Which authority?"
    submits = card["actions"]
    assert [a["type"] for a in submits] == ["Action.Submit", "Action.Submit"]
    assert submits[0]["title"] == "Stoke-on-Trent"
    assert submits[0]["data"] == {
        "payload": '/choose_authority{"authority_name":"stoke_on_trent"}',
        "msteams": {
            "type": "messageBack",
            "displayText": "Stoke-on-Trent",
            "text": '/choose_authority{"authority_name":"stoke_on_trent"}',
        },
    }
    # Teams posts the press back as a message with `value` = data: it reaches Rasa as the payload
    await post(served.url, microsoft.activity(value=submits[1]["data"], conversation_id="a:b"), microsoft.mint())
    assert served.messages[-1].text == "/skip_question"


async def test_other_custom_json_is_sent_as_is(served, microsoft):
    served.reply = {"custom": {"attachments": [{"contentType": "application/vnd.microsoft.card.hero", "content": {}}]}}
    await post(served.url, microsoft.activity("hello", conversation_id="a:j"), microsoft.mint())
    [activity] = microsoft.sent("a:j")
    assert activity["attachments"][0]["contentType"] == "application/vnd.microsoft.card.hero"
    assert activity["type"] == "message" and activity["conversation"] == {"id": "a:j"}


async def test_a_connector_error_is_logged_not_raised(served, microsoft, caplog):
    microsoft.connector_status = 400
    served.reply = {"text": "hello"}
    with caplog.at_level(logging.ERROR, logger="bot.channels.teams"):
        status, _ = await post(served.url, microsoft.activity("hello"), microsoft.mint())
    assert status == 200
    assert "Bot Connector answered 400" in caplog.text
    assert "handling a message failed" not in caplog.text


async def test_a_refused_client_secret_is_logged_and_nothing_is_posted(microsoft, caplog):
    channel = TeamsInput(settings_for(microsoft, app_password="wrong-secret-1234"))
    async with serving(channel) as served:
        served.reply = {"text": "hello"}
        with caplog.at_level(logging.ERROR, logger="bot.channels.teams"):
            status, _ = await post(served.url, microsoft.activity("hello"), microsoft.mint())
    assert status == 200
    assert microsoft.sent() == []
    assert "token endpoint" in caplog.text and "answered 401" in caplog.text
    assert "wrong-secret-1234" not in caplog.text, "the secret is never logged"
