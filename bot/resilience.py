"""The Rasa server's side of "faults degrade safely": if the action server cannot be reached (or
fails), answer as it would have, with the safe next step, instead of going silent.

`ResilientActionEndpoint` is the action endpoint from endpoints.yml with one difference: a failed
call returns a stand-in action-server response built here from the conversation and the bundled
knowledge-base files: 999 if the words suggest danger now, the designated safeguarding lead, the
authority's published front door, and a note that the full guidance is unavailable. It ends any
form in progress (its questions cannot be used without the action server) and says this once
per turn, however many actions fail in it.

A call waits at most THRESHOLDS_ACTION_TIMEOUT seconds (default 3; Rasa's own is 300), so a hung
action server costs the practitioner a few seconds, not minutes. Once a call of a turn has
failed, the rest of that turn's actions are answered from here at once, so that they do not each
wait out the timeout; the next turn tries the server again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import aiohttp
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.secrets import secret
from bot.settings import action_timeout
from threshold_kb import loader
from threshold_kb.clock import LONDON
from threshold_kb.matching.danger import danger_signals
from threshold_kb.replies import GUIDANCE_UNAVAILABLE, safe_answer

logger = logging.getLogger(__name__)

UNAVAILABLE = GUIDANCE_UNAVAILABLE


def _said_this_turn(events: list[dict[str, Any]]) -> bool:
    for event in reversed(events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and UNAVAILABLE in (event.get("text") or ""):
            return True
    return False


def _turn(body: dict[str, Any]) -> tuple[str, Any]:
    """The conversation and its latest user message: what identifies one turn."""
    tracker = body.get("tracker") or {}
    users = [e.get("timestamp") for e in tracker.get("events") or [] if e.get("event") == "user"]
    return tracker.get("sender_id") or "", users[-1] if users else None


def stand_in_response(body: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """What the action server would have answered, from the safe side."""
    tracker = body.get("tracker") or {}
    slots = tracker.get("slots") or {}
    events = tracker.get("events") or []
    text = f"{slots.get('worry') or ''} {(tracker.get('latest_message') or {}).get('text') or ''}"
    ending_form: list[dict[str, Any]] = []
    if tracker.get("active_loop", {}).get("name"):
        ending_form = [
            {"event": "active_loop", "name": None},
            {"event": "slot", "name": "requested_slot", "value": None},
        ]
    if _said_this_turn(events):
        return {"events": ending_form, "responses": []}
    authority = loader.bundled_authority(slots.get("authority"))
    answer = safe_answer(authority, now or datetime.now(LONDON), bool(danger_signals(text)), UNAVAILABLE)
    return {"events": ending_form, "responses": [{"text": answer}]}


class ResilientActionEndpoint(EndpointConfig):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.failed_turns: dict[str, Any] = {}  # conversation -> its turn in which a call failed

    @classmethod
    def wrap(cls, endpoint: EndpointConfig | None) -> ResilientActionEndpoint | None:
        """The endpoint, with the action server's token (bot/secrets.py) on every call."""
        if endpoint is None:
            return None
        headers = {**(endpoint.headers or {}), "Authorization": f"Bearer {secret('action_token')}"}
        return cls(
            url=endpoint.url,
            params=endpoint.params,
            headers=headers,
            basic_auth=endpoint.basic_auth,
            token=endpoint.token,
            token_name=endpoint.token_name,
            cafile=endpoint.cafile,
            **endpoint.kwargs,
        )

    async def request(self, method: str = "post", subpath: str | None = None, *args: Any, **kwargs: Any) -> Any:
        body = kwargs.get("json") or {}
        action, (conversation, turn) = body.get("next_action"), _turn(body)
        if conversation and self.failed_turns.get(conversation, object()) == turn:
            return stand_in_response(body)
        kwargs["timeout"] = aiohttp.ClientTimeout(total=action_timeout())
        try:
            response = await super().request(method, subpath, *args, **kwargs)
        except ClientResponseError as exc:
            if exc.status == 400:  # a form's validation rejecting a value: Rasa handles it
                raise
            failure = f"HTTP {exc.status}"  # 401 too: a wrong action token is a fault, not silence
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            failure = repr(exc)
        else:
            self.failed_turns.pop(conversation, None)
            return response
        self.failed_turns[conversation] = turn
        logger.error("action server failed for %s (%s): giving the safe answer", action, failure)
        return stand_in_response(body)
