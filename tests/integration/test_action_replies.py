"""The action server's replies are checked as Rasa checks them, with the schema checked once."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import action_replies

RASAS_OWN = RemoteAction._validate_action_result  # captured before any install()

REPLIES = [
    ({"events": [{"event": "slot", "name": "worry", "value": "x"}], "responses": [{"text": "hi"}]}, True),
    ({"events": [], "responses": []}, True),
    ({}, True),
    ({"events": [{"event": "followup", "name": "action_x"}, {"event": "active_loop", "name": None}]}, True),
    ({"events": {"event": "slot"}}, False),  # events must be a list
    ({"events": [{"name": "worry"}]}, False),  # an event without its type
    ({"events": [{"event": "no_such_event"}]}, False),
    ({"responses": "hello"}, False),
    ({"responses": ["hello"]}, False),
]


@pytest.mark.parametrize("reply, valid", REPLIES)
def test_a_reply_is_accepted_or_refused_exactly_as_rasa_would(reply, valid):
    action = RemoteAction("action_x", None)
    for check in (RASAS_OWN, action_replies.validate_reply):
        if valid:
            assert check(action, reply) is True
        else:
            with pytest.raises(ValidationError, match="Failed to validate Action server response"):
                check(action, reply)


def test_install_replaces_rasas_check_in_this_process(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RASAS_OWN)
    action_replies.install()
    assert RemoteAction._validate_action_result is action_replies.validate_reply
