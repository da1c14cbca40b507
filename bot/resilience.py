"""The Rasa server's side of "faults degrade safely": if the action server cannot be reached (or
fails), answer as it would have, with the safe next step, instead of going silent.

`ResilientActionEndpoint` is the action endpoint from endpoints.yml with one difference: a failed
call returns a stand-in action-server response built here from the conversation and the bundled
knowledge-base files: 999 if the words suggest danger now, the designated safeguarding lead, the
authority's published front door, and a note that the full guidance is unavailable. It ends any
form in progress (its questions cannot be used without the action server) and says this once
per turn, however many actions fail in it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import aiohttp
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

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
    @classmethod
    def wrap(cls, endpoint: EndpointConfig | None) -> ResilientActionEndpoint | None:
        if endpoint is None:
            return None
        return cls(
            url=endpoint.url,
            params=endpoint.params,
            headers=endpoint.headers,
            basic_auth=endpoint.basic_auth,
            token=endpoint.token,
            token_name=endpoint.token_name,
            cafile=endpoint.cafile,
            **endpoint.kwargs,
        )

    async def request(self, method: str = "post", subpath: str | None = None, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().request(method, subpath, *args, **kwargs)
        except ClientResponseError as exc:
            if exc.status < 500:  # 400 is a form's validation rejecting a value: Rasa handles it
                raise
            failure = f"HTTP {exc.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            failure = repr(exc)
        action = (kwargs.get("json") or {}).get("next_action")
        logger.error("action server failed for %s (%s): giving the safe answer", action, failure)
        return stand_in_response(kwargs.get("json") or {})
