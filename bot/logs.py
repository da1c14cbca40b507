"""Logging for both servers: one handler for every logger (Rasa's, structlog's, ours), at INFO.

Without this, Rasa's loggers have no handler (a failed tracker-store write went unseen) and
structlog, unconfigured, prints its debug events with each turn's text. INFO keeps errors,
warnings and start-up, not the per-turn debug traces. LOG_LEVEL overrides it.
"""

from __future__ import annotations

import logging
import os


def configure_logging() -> None:
    import rasa.utils.common
    from rasa.utils.log_utils import configure_structlog

    level = logging.getLevelName(os.environ.get("LOG_LEVEL", "INFO").upper())
    if not isinstance(level, int):
        level = logging.INFO
    configure_structlog(level)  # also gives the root logger a handler at this level
    rasa.utils.common.configure_logging_and_warnings(level)
    for noisy in ("sanic.access", "engineio.server", "socketio.server", "urllib3", "tensorflow"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
