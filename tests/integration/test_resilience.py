"""The Rasa server's stand-in when the action server fails: the safe answer, once per turn."""

import socket
import time

import pytest
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.resilience import UNAVAILABLE, ResilientActionEndpoint, stand_in_response


def body(text, slots=None, events=(), loop=None, action="action_recommend_next_step"):
    return {
        "next_action": action,
        "tracker": {
            "slots": slots or {},
            "latest_message": {"text": text},
            "events": list(events),
            "active_loop": {"name": loop} if loop else {},
        },
    }


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_stand_in_names_the_lead_and_the_authoritys_published_front_door(saturday_night):
    reply = stand_in_response(body("bruises again", {"authority": "stoke_on_trent"}), saturday_night)
    [text] = [r["text"] for r in reply["responses"]]
    assert UNAVAILABLE in text and "designated safeguarding lead" in text
    assert "01782 234234" in text  # Stoke's out-of-hours line, open on a Saturday night


def test_danger_words_put_999_first(saturday_night):
    reply = stand_in_response(body("he has a knife and is shouting"), saturday_night)
    assert reply["responses"][0]["text"].startswith("If a child may be in danger right now, call 999")


def test_a_form_in_progress_is_ended(saturday_night):
    reply = stand_in_response(body("6", loop="signs_of_safety_form", action="validate_signs_of_safety_form"))
    assert {"event": "active_loop", "name": None} in reply["events"]
    assert {"event": "slot", "name": "requested_slot", "value": None} in reply["events"]


def test_it_is_said_once_per_turn(saturday_night):
    said = [{"event": "user", "text": "hi"}, {"event": "bot", "text": f"... {UNAVAILABLE} ..."}]
    assert stand_in_response(body("x", events=said), saturday_night)["responses"] == []
    said_before = [*said, {"event": "user", "text": "again"}]
    assert stand_in_response(body("x", events=said_before), saturday_night)["responses"]


async def test_an_unreachable_action_server_gets_the_stand_in_not_an_exception():
    endpoint = ResilientActionEndpoint.wrap(EndpointConfig(url=f"http://127.0.0.1:{closed_port()}/webhook"))
    reply = await endpoint.request(json=body("worried", {"authority": "cumbria"}), method="post", timeout=5)
    assert "cumbriasafeguardingchildren.co.uk" in reply["responses"][0]["text"]


def test_wrapping_keeps_the_configured_url_and_token():
    endpoint = ResilientActionEndpoint.wrap(EndpointConfig(url="http://127.0.0.1:5055/webhook", token="t"))
    assert (endpoint.url, endpoint.token) == ("http://127.0.0.1:5055/webhook", "t")
    assert ResilientActionEndpoint.wrap(None) is None


@pytest.mark.parametrize(("status", "stands_in"), [(400, False), (401, True), (404, True), (500, True), (502, True)])
async def test_a_form_rejection_reaches_rasa_and_a_server_error_gets_the_stand_in(status, stands_in, monkeypatch):
    """400 is how the action server rejects a form value: Rasa must see it to ask again."""

    async def failing(self, *args, **kwargs):
        raise ClientResponseError(status, "error", '{"action_name": "validate_signs_of_safety_form"}')

    monkeypatch.setattr(EndpointConfig, "request", failing)
    endpoint = ResilientActionEndpoint(url="http://127.0.0.1:5055/webhook")
    if stands_in:
        reply = await endpoint.request(json=body("worried"), method="post")
        assert UNAVAILABLE in reply["responses"][0]["text"]
    else:
        with pytest.raises(ClientResponseError):
            await endpoint.request(json=body("worried"), method="post")


async def test_a_hung_action_server_costs_one_timeout_per_turn_not_one_per_action(monkeypatch):
    monkeypatch.setenv("THRESHOLDS_ACTION_TIMEOUT", "0.5")
    stand_in_response(body("warm up"))  # reads the bundled files once, as bot.serve does at start
    with socket.socket() as hung:  # listens, never answers: a stopped process looks like this
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        endpoint = ResilientActionEndpoint(url=f"http://127.0.0.1:{hung.getsockname()[1]}/webhook")
        turn = [{"event": "user", "timestamp": 1.0, "text": "worried"}]
        call = {"sender_id": "c1", "slots": {}, "latest_message": {"text": "worried"}, "events": turn}
        started = time.monotonic()
        first = await endpoint.request(json={"next_action": "a1", "tracker": call}, method="post", timeout=300)
        waited = time.monotonic() - started
        said = {**call, "events": [*turn, {"event": "bot", "text": first["responses"][0]["text"]}]}
        second = await endpoint.request(json={"next_action": "a2", "tracker": said}, method="post", timeout=300)
        assert 0.4 < waited < 2 and time.monotonic() - started - waited < 0.2
        assert UNAVAILABLE in first["responses"][0]["text"] and second["responses"] == []
        next_turn = {**call, "events": [*turn, {"event": "user", "timestamp": 2.0, "text": "and now?"}]}
        started = time.monotonic()
        await endpoint.request(json={"next_action": "a1", "tracker": next_turn}, method="post")
        assert time.monotonic() - started > 0.4, "a new turn tries the server again"
