"""The web widget's channel: Rasa's socket.io channel with a named practitioner and a card.

Three differences from `rasa.core.channels.socketio.SocketIOInput`, which it extends:
- every message must carry the practitioner (name, role, organisation) that the page sends as
  metadata; a message without one is answered with what to do and goes no further, because an
  unnamed consultation is what the 'What If' line got wrong;
- the recommendation payload reaches the widget as one custom message (drawn as a card by
  web/assets/app.js) instead of its long text version followed by the payload;
- custom JSON is sent as `{"custom": ...}`: the shipped channel passes its keys to `emit()` as
  arguments, which fails for any payload that is not already shaped like emit's arguments.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.practitioner import from_metadata, with_practitioner

logger = logging.getLogger(__name__)

RECOMMENDATION = "threshold_recommendation"
NAME_FIRST = (
    "Please give your name, role and organisation on the page first (reload it if the form is not "
    "shown). Every consultation is recorded under a named practitioner. If a child may be in danger "
    "now, call 999."
)


def is_recommendation(custom: Any) -> bool:
    return isinstance(custom, dict) and custom.get("type") == RECOMMENDATION


class WebChatOutput(SocketIOOutput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        custom = message.get("custom")
        if is_recommendation(custom):
            # The card carries everything the text says; sending both would say it twice.
            await self.send_custom_json(recipient_id, custom)
            return
        await super().send_response(recipient_id, message)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WebChatInput(SocketIOInput):
    """Configured under `bot.channels.web.WebChatInput` in credentials.yml, with the socketio
    channel's own settings (`session_persistence: true`, `metadata_key: customData`)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> WebChatOutput | None:
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio else None

    async def accept(self, message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Pass a message on only with its practitioner; answer one without a name with what to do."""
        output = WebChatOutput(self.sio, self.bot_message_evt)
        who = from_metadata(message.metadata)
        if who is None:
            logger.info("web message without a practitioner: asked for the name first")
            await output.send_text_message(message.sender_id, NAME_FIRST)
            return
        message.output_channel = output
        message.metadata = with_practitioner(message.metadata, who)
        await on_new_message(message)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def named_only(message: UserMessage) -> None:
            await self.accept(message, on_new_message)

        return super().blueprint(named_only)
