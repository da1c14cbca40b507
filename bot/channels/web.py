"""The web widget's channel: Rasa's socket.io channel, with sessions that belong to one page, a
named practitioner and a card.

Differences from `rasa.core.channels.socketio.SocketIOInput`, which it extends:
- **a conversation belongs to the page that started it.** The server issues each new page an
  unguessable session token (signed with THRESHOLDS_SESSION_KEY, bot/secrets.py); the widget
  keeps it in the tab's storage and sends it back on reconnect. The conversation id is derived
  from the token with the key, so knowing a conversation id (from a log or the database) gives no
  way in, and a token the server did not sign starts a new conversation instead of joining one.
  A message is always filed under the session its socket proved, whatever session id it claims;
  Rasa's channel took the claimed id on trust, so any client could read and write any session;
- socket.io accepts connections from the page's own origin only (or THRESHOLDS_CORS_ORIGINS);
- every message must carry the practitioner (name, role, organisation) that the page sends as
  metadata; a message without one is answered with what to do and goes no further, because an
  unnamed consultation is what the 'What If' line got wrong;
- the recommendation payload reaches the widget as one custom message (drawn as a card by
  web/assets/card.js) instead of its long text version followed by the payload;
- custom JSON is sent as `{"custom": ...}`: the shipped channel passes its keys to `emit()` as
  arguments, which fails for any payload that is not already shaped like emit's arguments;
- every UK phone number a text message gives (and 999, and police 101) is a tap-to-call link
  (markdown, which the widget draws): only numbers already in the message, never one added.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from socketio import AsyncServer

from bot.channels.practitioner import from_metadata, with_practitioner
from bot.secrets import secret
from bot.settings import allowed_origins

logger = logging.getLogger(__name__)

RECOMMENDATION = "threshold_recommendation"
NAME_FIRST = (
    "Please give your name, role and organisation on the page first (reload it if the form is not "
    "shown). Every consultation is recorded under a named practitioner. If a child may be in danger "
    "now, call 999."
)
NO_SESSION = "This page's session has ended: reload the page to start again. If a child may be in danger now, call 999."


# A UK number as the documents print it (01782 234234, 0300 126 1000, +44 (0)1234 276043), 999 on
# its own, and 101 where it is said to be the police's; never inside a web address or a longer number.
_PHONE = re.compile(
    r"(?<![\w/=.#+\[-])"
    r"(?P<number>(?:\+44\s?(?:\(0\)\s?)?|0)\d{2,4}(?:[ -]?\d){6,8}"
    r"|999"
    r"|101(?=\s*\(?[Pp]olice)|(?<=[Pp]olice )101|(?<=[Pp]olice on )101)"
    r"(?![\w/.-]*\w)"
)


def tel_href(number: str) -> str:
    """The number dialled as digits (a leading + kept, an international "(0)" dropped)."""
    return "tel:" + re.sub(r"[^\d+]", "", number.replace("(0)", ""))


def with_phone_links(text: str) -> str:
    """The text with each phone number it gives made a markdown tel: link, as written."""
    return _PHONE.sub(lambda m: f"[{m['number']}]({tel_href(m['number'])})", text)


def is_recommendation(custom: Any) -> bool:
    return isinstance(custom, dict) and custom.get("type") == RECOMMENDATION


def _mac(purpose: str, nonce: str, key: str | None = None) -> str:
    key = key or secret("session_key")
    return hmac.new(key.encode(), f"{purpose}:{nonce}".encode(), hashlib.sha256).hexdigest()


def new_session_token() -> str:
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_mac('web-session', nonce)}"


def conversation_of(token: Any, key: str | None = None) -> str | None:
    """The conversation a session token opens, or None if the server (whose session key is `key`,
    by default this process's) did not issue it."""
    if not isinstance(token, str) or token.count(".") != 1:
        return None
    nonce, signature = token.split(".")
    if not nonce or not hmac.compare_digest(signature, _mac("web-session", nonce, key)):
        return None
    return "web-" + _mac("web-conversation", nonce, key)[:32]


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

    async def _send_message(self, socket_id: str, response: Any) -> None:
        if isinstance(response, dict) and isinstance(response.get("text"), str):
            response = {**response, "text": with_phone_links(response["text"])}
        await super()._send_message(socket_id, response)


class WebChatInput(SocketIOInput):
    """Configured under `bot.channels.web.WebChatInput` in credentials.yml, with the socketio
    channel's own settings (`metadata_key: customData`, `socketio_path`)."""

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
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=allowed_origins() or None)
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        sessions: dict[str, str] = {}  # socket id -> the conversation its token proved

        @webhook.route("/", methods=["GET"])
        async def health(_: Any) -> Any:
            return response.json({"status": "ok"})

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            sessions.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            token = data.get("session_id") if isinstance(data, dict) else None
            conversation = conversation_of(token)
            if conversation is None:
                if token:
                    logger.warning("web session request with a token this server did not issue: new session")
                token = new_session_token()
                conversation = conversation_of(token)
            for room in sio.rooms(sid, namespace=self.namespace):
                if room != sid:
                    sio.leave_room(sid, room, namespace=self.namespace)
            sessions[sid] = conversation
            sio.enter_room(sid, conversation, namespace=self.namespace)
            await sio.emit("session_confirm", token, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            conversation = sessions.get(sid)
            output = WebChatOutput(sio, self.bot_message_evt)
            if conversation is None:
                await sio.emit(self.bot_message_evt, {"text": NO_SESSION}, room=sid, namespace=self.namespace)
                return
            data = data if isinstance(data, dict) else {}
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            text = data.get("message")
            message = UserMessage(
                text if isinstance(text, str) else "",
                output,
                conversation,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else {},
            )
            await self.accept(message, on_new_message)

        return webhook
