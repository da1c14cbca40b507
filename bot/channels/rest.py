"""The REST channel, for scripts and tests: behind a token, strict about its body.

Configured under `bot.channels.rest.TokenRestInput` in credentials.yml, at the same URL as Rasa's
`rest` channel (/webhooks/rest/webhook). Differences from `rasa.core.channels.rest.RestInput`:
- every request must carry `Authorization: Bearer <THRESHOLDS_REST_TOKEN>` (bot/secrets.py), or
  gets 401. Leave the channel out of credentials.yml to turn REST off altogether;
- the body must be a JSON object with a non-empty string `sender` and a string `message`;
  anything else gets 400 with what was wrong (Rasa's channel answered `[]`, 500, or put a
  request without a sender into a conversation shared by all such requests);
- conversation ids are prefixed with `rest-`, so a REST caller can never write into a web page's
  or a Teams conversation.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.secrets import bearer_matches

PREFIX = "rest-"
MAX_SENDER = 128


def conversation_id(sender: str) -> str:
    return f"{PREFIX}{sender}"


def parse_body(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The body as {"sender", "message", "metadata"}, or None and why not."""
    try:
        body = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        return None, "the body must be JSON"
    if not isinstance(body, dict):
        return None, 'the body must be a JSON object: {"sender": "...", "message": "..."}'
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip():
        return None, '"sender" (your conversation\'s id) must be a non-empty string'
    if len(sender) > MAX_SENDER:
        return None, f'"sender" must be at most {MAX_SENDER} characters'
    if not isinstance(message, str):
        return None, '"message" must be a string'
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return None, '"metadata" must be a JSON object'
    return {"sender": sender, "message": message, "metadata": metadata}, None


class TokenRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("token_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not bearer_matches(request.headers.get("Authorization"), "rest_token"):
                return response.json({"error": "unauthorised: send Authorization: Bearer <REST token>"}, status=401)
            body, problem = parse_body(request.body)
            if body is None:
                return response.json({"error": problem}, status=400)
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage(
                    body["message"],
                    collector,
                    conversation_id(body["sender"]),
                    input_channel=self.name(),
                    metadata=body["metadata"],
                )
            )
            return response.json(collector.messages)

        return webhook
