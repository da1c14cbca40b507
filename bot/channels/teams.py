"""Microsoft Teams, through the Bot Framework: `bot.channels.teams.TeamsInput` in credentials.yml.

Why not Rasa's `botframework` channel: it fetches Microsoft's keys when it is built (no start
offline), does not check the token issuer, hard-codes the multi-tenant token endpoint, blocks the
event loop with `requests`, and its buttons reach the bot as empty messages in Teams (RasaHQ/rasa
#8164). Here keys are fetched on first need, every token is checked as the Bot Framework
authentication spec asks, buttons are Adaptive Card submits, and a recommendation is one card.

Settings come from credentials.yml or, when absent there, from the environment (see ENV).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any, ClassVar
from urllib.parse import quote

import aiohttp
from rasa.core.channels.botframework import BotFramework, BotFrameworkInput
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import adaptive_card
from bot.channels.practitioner import practitioner, with_practitioner
from bot.channels.teams_auth import (
    NOT_CONFIGURED,
    KeysUnavailable,
    Rejected,
    SigningKeys,
    TeamsSettings,
    TokenValidator,
    http_session,
)

logger = logging.getLogger(__name__)

TOKEN_MARGIN = 300  # renew our own access token this long before it expires
GREETING = "/greet"
MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)


def parse_activity(body: bytes) -> dict[str, Any] | None:
    """The activity, or None when the body is not one (not JSON, no conversation or serviceUrl)."""
    try:
        activity = json.loads(body or b"")
    except ValueError:
        return None
    if not isinstance(activity, dict) or not isinstance(activity.get("conversation"), dict):
        return None
    if not activity["conversation"].get("id") or not isinstance(activity.get("serviceUrl"), str):
        return None
    if not activity["serviceUrl"].startswith(("https://", "http://")):
        return None
    return activity


def welcomes_the_bot(activity: dict[str, Any]) -> bool:
    """Teams says the bot was added (the app installed, a chat started) with a conversationUpdate
    whose membersAdded includes the bot itself."""
    if activity.get("type") != "conversationUpdate":
        return False
    bot = (activity.get("recipient") or {}).get("id")
    return any(isinstance(m, dict) and m.get("id") == bot for m in activity.get("membersAdded") or [])


def message_text(activity: dict[str, Any]) -> str:
    """What the practitioner said: the text without @mentions of the bot, or, for an Adaptive Card
    Action.Submit that arrives with only `value`, the button's payload (RasaHQ/rasa#8164)."""
    text = activity.get("text")
    text = re.sub(r"[ \t]+", " ", MENTION.sub(" ", text)).strip() if isinstance(text, str) else ""
    value = activity.get("value")
    if not text and isinstance(value, dict) and isinstance(value.get("payload"), str):
        text = value["payload"].strip()
    return text


class TeamsOutput(BotFramework):
    """Replies through the Bot Connector, with aiohttp. Our access token is cached for the class,
    per token endpoint and app id, until shortly before it expires."""

    tokens: ClassVar[dict[tuple[str, str], tuple[str, float]]] = {}

    @classmethod
    def name(cls) -> str:
        return "teams"

    def __init__(self, settings: TeamsSettings, activity: dict[str, Any]) -> None:
        conversation = activity["conversation"]
        bot = activity.get("recipient") or {}
        super().__init__(settings.app_id, settings.app_password, conversation, bot, activity["serviceUrl"])
        self.settings = settings
        self.user = {k: v for k, v in (activity.get("from") or {}).items() if k in ("id", "name") and v}
        self.reply_to_id = activity.get("id")
        service_url = activity["serviceUrl"].rstrip("/")
        self.activities_url = f"{service_url}/v3/conversations/{quote(str(conversation['id']), safe='')}/activities"

    async def access_token(self, session: aiohttp.ClientSession) -> str | None:
        key = (self.settings.token_url, self.settings.app_id or "")
        cached = self.tokens.get(key)
        if cached and cached[1] > time.time():
            return cached[0]
        form = {
            "grant_type": "client_credentials",
            "client_id": self.settings.app_id or "",
            "client_secret": self.settings.app_password or "",
            "scope": self.settings.scope,
        }
        try:
            async with session.post(self.settings.token_url, data=form) as answer:
                data = await answer.json(content_type=None)
                if answer.status != 200 or not isinstance(data, dict) or "access_token" not in data:
                    reason = data.get("error_description", data.get("error")) if isinstance(data, dict) else None
                    url = self.settings.token_url
                    logger.error("Teams: token endpoint %s answered %s: %s", url, answer.status, reason)
                    return None
            lifetime = int(data.get("expires_in") or 3600)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, TypeError) as error:
            logger.error("Teams: could not get a token from %s: %s", self.settings.token_url, error)
            return None
        self.tokens[key] = (data["access_token"], time.time() + max(lifetime - TOKEN_MARGIN, lifetime / 2))
        return data["access_token"]

    async def send(self, message_data: dict[str, Any]) -> None:
        """One activity to the conversation; a failure is logged, never raised."""
        try:
            async with http_session() as session:
                token = await self.access_token(session)
                if token is None:
                    logger.error("Teams: no access token, so a reply was not sent")
                    return
                headers = {"Authorization": f"Bearer {token}"}
                async with session.post(self.activities_url, json=message_data, headers=headers) as answer:
                    if answer.status == HTTPStatus.UNAUTHORIZED:
                        self.tokens.pop((self.settings.token_url, self.settings.app_id or ""), None)
                    if answer.status >= 300:
                        detail = (await answer.text())[:300]
                        logger.error("Teams: the Bot Connector answered %s to a reply: %s", answer.status, detail)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("Teams: could not send a reply to %s: %s", self.activities_url, error)

    def prepare_message(self, recipient_id: str, message_data: dict[str, Any]) -> dict[str, Any]:
        activity = {
            "type": "message",
            "from": self.bot,
            "recipient": self.user or {"id": recipient_id},
            "conversation": {"id": self.conversation["id"]},
        }
        if self.reply_to_id:
            activity["replyToId"] = self.reply_to_id
        activity.update(message_data)
        return activity

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """As Rasa's, except that a recommendation is sent as its card alone, with the text as the
        card's fallback: in Teams the card replaces the text."""
        message = dict(message)
        if not adaptive_card.is_recommendation(message.get("custom")):
            await super().send_response(recipient_id, message)
            return
        await self.send_recommendation(recipient_id, message.pop("custom"), message.get("text"))
        rest = {k: v for k, v in message.items() if k in ("image", "attachment", "elements")}
        if any(rest.values()):
            await super().send_response(recipient_id, rest)

    async def send_recommendation(self, recipient_id: str, payload: dict[str, Any], text: str | None = None) -> None:
        card = adaptive_card.recommendation_card(payload, fallback_text=text)
        await self.send(self.prepare_message(recipient_id, {"attachments": [adaptive_card.attachment(card)]}))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        if text and text.strip():
            await self.send(self.prepare_message(recipient_id, {"text": text, "textFormat": "markdown"}))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        card = adaptive_card.buttons_card(text, buttons)
        await self.send(self.prepare_message(recipient_id, {"attachments": [adaptive_card.attachment(card)]}))

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        if adaptive_card.is_recommendation(json_message):
            await self.send_recommendation(recipient_id, json_message)
            return
        activity = dict(json_message)
        for key, value in self.prepare_message(recipient_id, {}).items():
            activity.setdefault(key, value)
        await self.send(activity)


class TeamsInput(BotFrameworkInput):
    """The webhook Microsoft posts Teams activities to: /webhooks/teams/webhook."""

    @classmethod
    def name(cls) -> str:
        return "teams"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TeamsInput:
        return cls(TeamsSettings.from_sources(credentials))

    def __init__(self, settings: TeamsSettings | None = None) -> None:  # no super(): it fetches keys
        self.settings = settings or TeamsSettings.from_sources(None)
        self.app_id, self.app_password = self.settings.app_id, self.settings.app_password
        self.keys = SigningKeys(self.settings.openid_metadata_url)
        self.validator = TokenValidator(self.settings, self.keys)
        if not self.settings.configured:
            logger.warning("%s /webhooks/teams/webhook answers 503 until then.", NOT_CONFIGURED)

    async def handle(
        self,
        authorization: str | None,
        body: bytes,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        metadata: dict[str, Any] | None = None,
    ) -> tuple[int, str]:
        """The status and text to answer one POST with."""
        if not self.settings.configured:
            return HTTPStatus.SERVICE_UNAVAILABLE, NOT_CONFIGURED
        try:
            claims, key = await self.validator.claims(authorization)
            activity = parse_activity(body)
            if activity is None:
                logger.warning("Teams: refused a request: the body is not an activity")
                return HTTPStatus.BAD_REQUEST, "The body is not a Bot Framework activity."
            self.validator.check_activity(claims, key, activity)
        except Rejected as reason:
            logger.warning("Teams: refused a request: %s", reason)
            return HTTPStatus.UNAUTHORIZED, "Unauthorized."
        except KeysUnavailable as error:
            logger.error("Teams: cannot check tokens: %s", error)
            return HTTPStatus.SERVICE_UNAVAILABLE, "Cannot check the token for now; try again later."
        if welcomes_the_bot(activity):
            text = GREETING  # the greeting and the authority buttons, as soon as the app is added
        elif activity.get("type") != "message":
            return HTTPStatus.OK, ""
        else:
            text = message_text(activity)
        if not text:
            logger.info("Teams: a message with no text and no button payload was ignored")
            return HTTPStatus.OK, ""
        sender = activity.get("from") or {}
        who = practitioner({"name": sender.get("name"), "aad_object_id": sender.get("aadObjectId")}, source="teams")
        message = UserMessage(
            text=text,
            output_channel=TeamsOutput(self.settings, activity),
            sender_id=str(activity["conversation"]["id"]),
            input_channel=self.name(),
            metadata=with_practitioner(self.add_attachments_to_metadata(activity, metadata), who),
        )
        try:
            await on_new_message(message)
        except Exception:  # the Bot Connector retries on an error status: log, answer 200
            logger.exception("Teams: handling a message failed")
        return HTTPStatus.OK, ""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        teams = Blueprint("teams_webhook", __name__)

        @teams.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.settings.configured else "not configured"})

        @teams.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            status, text = await self.handle(
                request.headers.get("Authorization"), request.body, on_new_message, self.get_metadata(request)
            )
            return response.text(text, status=status)

        return teams
