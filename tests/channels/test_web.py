"""The web page and its socket.io channel, without a browser: the practitioner required and kept,
settings embedded safely, and the recommendation sent once, as the card."""

from __future__ import annotations

import json

from rasa.core.channels.channel import UserMessage

from bot.channels.page import page_settings, render
from bot.channels.practitioner import from_metadata, practitioner, with_practitioner
from bot.channels.web import NAME_FIRST, WebChatInput, WebChatOutput, with_phone_links

HEADERS = {"name": "X-Practitioner-Name", "role": "X-Practitioner-Role", "organisation": "X-Practitioner-Organisation"}


class RecordingServer:
    """Stands in for socketio.AsyncServer: keeps what would be emitted."""

    def __init__(self):
        self.emitted: list[tuple[str, dict, str]] = []

    async def emit(self, event, data=None, room=None, **kwargs):
        self.emitted.append((event, data, room))


def test_a_practitioner_needs_a_name_and_is_kept_to_plain_short_text():
    assert practitioner({"role": "Nurse"}, "form") is None
    assert practitioner({"name": "   "}, "form") is None
    who = practitioner({"name": " Sam\n Okafor ", "role": "x" * 500, "child_name": "never kept"}, "form")
    assert who == {"name": "Sam Okafor", "role": "x" * 120, "source": "form"}
    assert from_metadata({"practitioner": "Sam"}) is None
    assert with_practitioner({"practitioner": {"name": "old"}, "other": 1}, None) == {"other": 1}


def test_the_sign_in_headers_fill_in_the_practitioner_and_cannot_break_out_of_the_page():
    headers = {"X-Practitioner-Name": "</script><script>alert(1)</script>", "X-Practitioner-Role": "HV"}
    settings = page_settings(headers, HEADERS, "/socket.io")
    assert settings["practitioner"] == {"name": "</script><script>alert(1)</script>", "role": "HV", "source": "sign-in"}
    page = render('<script id="settings" type="application/json">{{settings}}</script>', settings)
    assert page.count("</script>") == 1, "a header value closed the settings element"
    embedded = page.removeprefix('<script id="settings" type="application/json">').removesuffix("</script>")
    assert json.loads(embedded) == settings


def test_no_headers_means_the_page_asks():
    settings = page_settings({}, HEADERS, "/socket.io")
    assert settings["socketPath"] == "/socket.io" and settings["practitioner"] is None


def test_the_page_says_how_long_things_are_kept_from_the_servers_settings(monkeypatch):
    assert page_settings({}, HEADERS, "/socket.io")["kept"] == {"conversationDays": 30, "recordDays": 365}
    monkeypatch.setenv("THRESHOLDS_RETENTION_DAYS", "7")
    monkeypatch.setenv("THRESHOLDS_RECORD_RETENTION_DAYS", "90.5")
    assert page_settings({}, HEADERS, "/socket.io")["kept"] == {"conversationDays": 7, "recordDays": 90.5}


async def test_a_recommendation_reaches_the_widget_once_as_the_card():
    server = RecordingServer()
    payload = {"type": "threshold_recommendation", "authority": {"name": "Cumbria"}}
    await WebChatOutput(server, "bot_uttered").send_response("session-1", {"text": "long text", "custom": payload})
    assert server.emitted == [("bot_uttered", {"custom": payload}, "session-1")]


async def test_text_and_buttons_still_go_as_rasa_sends_them():
    server = RecordingServer()
    buttons = [{"title": "Skip", "payload": "/skip_question"}]
    await WebChatOutput(server, "bot_uttered").send_response("s", {"text": "How old?", "buttons": buttons})
    [(event, data, room)] = server.emitted
    assert data["text"] == "How old?" and data["quick_replies"][0]["payload"] == "/skip_question"


async def test_a_message_without_a_practitioner_is_answered_and_not_passed_on():
    channel = WebChatInput(session_persistence=True, metadata_key="customData")
    channel.sio = server = RecordingServer()
    received = []

    async def on_new_message(message):
        received.append(message)

    await channel.accept(UserMessage("bruise on his cheek", None, "session-1", metadata={}), on_new_message)
    # 999 in it is a tap-to-call link, as in every text the web channel sends.
    said = with_phone_links(NAME_FIRST)
    assert "[999](tel:999)" in said
    assert received == [] and server.emitted == [("bot_uttered", {"text": said}, "session-1")]

    sam = {"practitioner": {"name": "Sam Okafor", "role": "Teacher", "source": "form"}, "other": "kept"}
    await channel.accept(UserMessage("bruise on his cheek", None, "session-1", metadata=sam), on_new_message)
    [message] = received
    assert message.metadata == sam and isinstance(message.output_channel, WebChatOutput)
