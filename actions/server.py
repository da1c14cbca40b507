"""The action server, closed to everyone but the Rasa server.

  python -m actions.server [--port 5055] [--interface 127.0.0.1]

rasa_sdk's own app (`rasa run actions`) with three differences:
- it listens on loopback unless told otherwise (`--interface` or THRESHOLDS_ACTION_INTERFACE);
- every call but /health must carry `Authorization: Bearer <THRESHOLDS_ACTION_TOKEN>` (bot/secrets.py),
  which bot.serve adds to the Rasa server's calls: anyone else gets 401, so nobody can run an
  action for a made-up conversation;
- the knowledge base, the engine and the sentence encoder are loaded before it reports healthy,
  so that the first practitioner's call fits the Rasa server's few-second action timeout.
"""

from __future__ import annotations

import argparse
import logging
import os
import time

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# One BLAS thread: numpy's OpenBLAS workers spin between calls, about 120 ms of CPU a turn taken from
# the Rasa server on two cores, for matrix products too small to gain from a second thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from rasa_sdk.endpoint import create_app  # noqa: E402
from sanic import response  # noqa: E402
from sanic.request import Request  # noqa: E402

from bot.logs import configure_logging, redact_every_handler  # noqa: E402
from bot.secrets import bearer_matches, secret  # noqa: E402

logger = logging.getLogger(__name__)
OPEN_PATHS = {"/health"}
MAX_BODY = 2_000_000  # a tracker with a long conversation; far above any real call


def build_app(actions_package: str = "actions"):
    secret("action_token")  # fail at start, not at the first call, if it cannot be read or made
    app = create_app(actions_package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_BODY

    @app.on_request
    async def caller_must_be_the_rasa_server(request: Request):
        if request.path in OPEN_PATHS:
            return None
        if not bearer_matches(request.headers.get("Authorization"), "action_token"):
            logger.warning("refused an action call without the action token from %s", request.ip)
            return response.json({"error": "unauthorised"}, status=401)
        return None

    @app.on_request
    async def start_clock(request: Request):
        request.ctx.started = time.monotonic()

    @app.on_response
    async def log_slow_calls(request: Request, _response):
        # The Rasa server gives up after THRESHOLDS_ACTION_TIMEOUT seconds: say when we come close.
        seconds = time.monotonic() - getattr(request.ctx, "started", time.monotonic())
        if seconds > 1.0:
            action = (request.json or {}).get("next_action") if request.method == "POST" else request.path
            logger.warning("slow action call: %s took %.1f s", action, seconds)

    @app.before_server_start
    async def warm_up(app, _loop):
        warm_up_knowledge_base()

    return app


def warm_up_knowledge_base() -> None:
    from actions.kb import KnowledgeBaseUnavailable, gateway
    from threshold_kb.matching.language import looks_english
    from threshold_kb.redaction import default_redactor
    from threshold_kb.redaction.redactor import rules_redactor

    try:
        kb = gateway()
        slug = kb.repo.slugs()[0]
        kb.consultant.assess(slug, "Year 4 boy seems withdrawn and hungry at school.", 9.0)
        looks_english("Year 4 boy seems withdrawn")  # its word list takes 2-3 s to load
        default_redactor().redact("Jo said Year 4 boy seems withdrawn")  # spaCy, for the logs
        rules_redactor()  # for the last log lines at shutdown, when spaCy can no longer run
        logger.info("knowledge base, engine and encoder loaded")
    except KnowledgeBaseUnavailable as exc:  # the actions give the safe answer; still serve
        logger.error("knowledge base not loaded at start: %s", exc)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--interface", default=os.environ.get("THRESHOLDS_ACTION_INTERFACE", "127.0.0.1"))
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    configure_logging()
    app = build_app(args.actions)
    redact_every_handler()  # Sanic adds handlers of its own when the app is made
    logger.info("action server on http://%s:%s", args.interface, args.port)
    app.run(host=args.interface, port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
