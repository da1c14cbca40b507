"""Logging for both servers: one handler for every logger (Rasa's, structlog's, ours), at INFO.

Without this, Rasa's loggers have no handler (a failed tracker-store write went unseen) and
structlog, unconfigured, prints its debug events with each turn's text. INFO keeps errors,
warnings and start-up, not the per-turn debug traces. LOG_LEVEL overrides it.

Every line passes through `RedactingFilter` first: a practitioner's words can reach a log (an
error quoting a message, a debug trace at LOG_LEVEL=DEBUG), and a child's name, address or date
of birth must never be kept in one.

With THRESHOLDS_LOG_FILE set (`make run` sets it), lines go to that file, rotated at
THRESHOLDS_LOG_MAX_BYTES (10 MB) with five old files kept, all owner-only.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys


class RedactingFilter(logging.Filter):
    """Replaces personal data in a record's message (and its traceback) before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: keep it as it is
            return True
        cleaned = _redacted(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _redacted(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = _redacted(record.exc_text)
        return True


WITHHELD = "[a log line was withheld: it could not be redacted]"


def _redacted(text: str) -> str:
    """Never the text unredacted. While the interpreter shuts down spaCy's model can no longer
    run (it crashed the server on exit), so the rules alone redact the last lines."""
    from threshold_kb.redaction.redactor import redact

    try:
        return redact(text, use_spacy=not sys.is_finalizing())
    except Exception:
        return WITHHELD


def redact_every_handler() -> None:
    """The filter on every handler there is: the root logger's, and those Sanic gives its own
    loggers when the app is made (so call this again after making it)."""
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    for handler in {h for lg in loggers for h in lg.handlers}:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


class OwnerOnlyRotatingFile(logging.handlers.RotatingFileHandler):
    """A log file rotated by size (five old ones kept), each file readable by its owner alone."""

    def _open(self):
        stream = super()._open()
        os.chmod(self.baseFilename, 0o600)
        return stream


def use_log_file(path: str, max_bytes: int) -> logging.Handler:
    """Every logger's lines go to `path`, rotated, instead of the terminal."""
    handler = OwnerOnlyRotatingFile(path, maxBytes=max_bytes, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if type(h) is logging.StreamHandler]:
        root.removeHandler(old)
    root.addHandler(handler)
    return handler


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
    if os.environ.get("THRESHOLDS_LOG_FILE"):
        from bot import settings

        use_log_file(os.environ["THRESHOLDS_LOG_FILE"], settings.log_file_bytes())
    redact_every_handler()
