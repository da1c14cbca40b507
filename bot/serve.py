"""Start the Rasa server: the channels, safe by default.

  python -m bot.serve [--model models] [--port 5005] [--endpoints endpoints.yml] [--credentials credentials.yml]

What `rasa run` would do, with these differences (settings in bot/settings.py):
- it listens on 127.0.0.1 unless THRESHOLDS_INTERFACE says otherwise;
- Rasa's HTTP API is off unless THRESHOLDS_API_TOKEN (or THRESHOLDS_API_JWT_SECRET) is set, and
  then needs it; even then nothing changes the model over HTTP (no training, loading from a URL
  or unloading); CORS allows the page's own origin only, unless THRESHOLDS_CORS_ORIGINS;
- every channel's messages pass through `guarded`: a message too long or empty gets a clear
  answer without reaching the NLU pipeline, an error gets the safe answer instead of silence, and
  the practitioner is told when the conversation could not be saved;
- a failing or slow action server produces the safe answer within seconds (bot/resilience.py);
- the action server's replies are checked with a schema validator built once (bot/action_replies.py);
- GET /records/<reference> gives a consultation record back to the practitioner who made it
  (bot/records.py: the REST token and the practitioner's name and organisation);
- GET /audit.csv and /audit.json list the consultations and their feedback, never the child, for a
  safeguarding lead (bot/audit.py: its own token, THRESHOLDS_AUDIT_TOKEN);
- GET /health reports whether the model is loaded and conversations can be kept (503 if not);
- the model is warmed up (one message parsed, the safe answer's files read) before it reports healthy.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

logger = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # bytes; a Teams activity with a card is far smaller
MODEL_CHANGES = ("/model/train", "/model/test")


def changes_the_model(method: str, path: str) -> bool:
    path = path.rstrip("/")
    return (path == "/model" and method in {"PUT", "DELETE"}) or path.startswith(MODEL_CHANGES)


def reply_without_nlu(text: Any, limit: int) -> str | None:
    """The answer to a message the assistant should not read, or None to read it."""
    from threshold_kb.matching.danger import danger_signals

    if not isinstance(text, str) or not text.strip():
        return "Please type your worry about a child, or a question about your local thresholds."
    if len(text) <= limit:
        return None
    # Only the cheap patterns on the whole text: the model would not fit it in memory.
    danger = "If a child may be in danger now, call 999. " if danger_signals(text) else ""
    return (
        f"{danger}That message is too long for me to read ({len(text):,} characters; at most {limit:,}). "
        "Please describe the worry in a few sentences: what you saw or heard, and how old the child is. "
        + ("" if danger else "If a child may be in danger now, call 999.")
    )


def guarded(app: Any, limit: int):
    """The handler every channel calls with a practitioner's message (Rasa's handler, guarded)."""
    from bot.resilience import stand_in_response
    from bot.storage import HEALTH, NOT_SAVED

    async def handler(message: Any) -> None:
        answer = reply_without_nlu(message.text, limit)
        if answer is not None:
            await message.output_channel.send_text_message(message.sender_id, answer)
            return
        started = time.monotonic()
        try:
            await app.ctx.agent.handle_message(message)
        except Exception:
            logger.exception("the turn failed: giving the safe answer")
            tracker = {"latest_message": {"text": message.text}, "slots": {}, "events": []}
            for response in stand_in_response({"tracker": tracker})["responses"]:
                await message.output_channel.send_text_message(message.sender_id, response["text"])
        if HEALTH.failed_since(message.sender_id, started):
            await message.output_channel.send_text_message(message.sender_id, NOT_SAVED)

    return handler


def add_health_route(app: Any) -> None:
    from sanic import response

    from bot.storage import HEALTH

    @app.get("/health")
    async def health(_: Any) -> Any:
        problems = [p for p in (HEALTH.problem(),) if p]
        if getattr(app.ctx, "agent", None) is None or not app.ctx.agent.is_ready():
            problems.insert(0, "the model is not loaded")
        status = {"status": "unhealthy" if problems else "ok", "problems": problems, "at": datetime.now().isoformat()}
        return response.json(status, status=503 if problems else 200)


def build_app(args: argparse.Namespace) -> Any:
    from rasa.core import run
    from rasa.core.utils import AvailableEndpoints
    from sanic import response

    from bot import action_replies, settings
    from bot.audit import add_audit_route
    from bot.records import add_records_route
    from bot.resilience import ResilientActionEndpoint
    from threshold_kb import loader
    from threshold_kb.redaction import default_redactor
    from threshold_kb.redaction.redactor import rules_redactor

    action_replies.install()  # Rasa's reply check, ~45 ms cheaper per action
    endpoints = AvailableEndpoints.read_endpoints(args.endpoints)
    endpoints.action = ResilientActionEndpoint.wrap(endpoints.action)
    token, jwt_secret = settings.api_token(), settings.api_jwt_secret()
    channels = run.create_http_input_channels(None, args.credentials)
    app = run.configure_app(
        [],  # registered below with the guarded handler
        cors=settings.allowed_origins() or None,
        auth_token=token,
        enable_api=bool(token or jwt_secret),
        jwt_secret=jwt_secret,
        jwt_method="HS256",
        port=args.port,
        endpoints=endpoints,
    )
    app.config.REQUEST_MAX_SIZE = MAX_BODY
    handler = guarded(app, settings.max_message())
    for channel in channels:
        app.blueprint(channel.blueprint(handler), url_prefix=urljoin("/webhooks/", channel.url_prefix()))
    app.ctx.input_channels = channels
    add_health_route(app)
    add_records_route(app)  # GET /records/<reference>, behind the REST token (bot/records.py)
    add_audit_route(app)  # GET /audit.csv and /audit.json, behind the audit token (bot/audit.py)

    @app.on_request
    async def no_model_changes(request: Any) -> Any:
        if changes_the_model(request.method, request.path):
            return response.json({"error": "changing the model over HTTP is disabled"}, status=403)
        return None

    async def load_and_warm_up(app: Any, loop: Any) -> None:
        await run.load_agent_on_start(args.model, endpoints, None, app, loop)
        await app.ctx.agent.parse_message("Year 4 boy seems withdrawn at school")  # loads the encoder
        loader.bundled_authority(None)  # the safe answer's files, read now rather than in a fault
        default_redactor().redact("Jo said Year 4 boy seems withdrawn")  # spaCy, before anything is saved
        rules_redactor()  # for the last log lines at shutdown, when spaCy can no longer run

    app.register_listener(load_and_warm_up, "before_server_start")
    app.register_listener(keep_purging, "after_server_start")
    app.register_listener(stop_purging, "before_server_stop")
    app.register_listener(run.close_resources, "after_server_stop")
    return app


PURGE_EVERY_S = 3600


async def keep_purging(app: Any, loop: Any) -> None:
    """Deletes conversations past the retention period, at start and every hour after."""
    import asyncio

    from bot import settings
    from bot.storage import purge, sql_engine_of

    engine = sql_engine_of(getattr(app.ctx.agent, "tracker_store", None))
    if engine is None:
        logger.warning("retention: the conversation store is not SQL; nothing is purged")
        return

    async def every_hour() -> None:
        from threshold_kb.store import records

        while True:
            try:
                await loop.run_in_executor(None, purge, engine, settings.retention_days())
                # Records may be in a database of their own (THRESHOLDS_RECORDS_URL): purged there too.
                await loop.run_in_executor(None, records.shared().purge, settings.record_retention_days())
            except Exception as exc:  # a failed purge must not stop the server; said, tried again
                logger.error("retention: purge failed: %s", type(exc).__name__)
            await asyncio.sleep(PURGE_EVERY_S)

    app.ctx.purging = loop.create_task(every_hour())


async def stop_purging(app: Any, loop: Any) -> None:
    task = getattr(app.ctx, "purging", None)
    if task is not None:
        task.cancel()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="models", help="model file or directory (newest is used)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument("--endpoints", default="endpoints.yml")
    parser.add_argument("--credentials", default="credentials.yml")
    args = parser.parse_args(argv)

    from bot import settings
    from bot.logs import configure_logging, redact_every_handler

    configure_logging()
    app = build_app(args)
    redact_every_handler()  # Sanic adds handlers of its own when the app is made
    api = "on, with a token" if settings.api_token() or settings.api_jwt_secret() else "off"
    logger.info("Rasa server on http://%s:%s (HTTP API %s)", settings.interface(), args.port, api)
    app.run(host=settings.interface(), port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
