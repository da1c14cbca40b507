"""The Rasa server's exposure, from the environment. Defaults are the safe ones: loopback only,
no HTTP API, no cross-origin access, no identity headers trusted.

  THRESHOLDS_INTERFACE        address to listen on (default 127.0.0.1; 0.0.0.0 only behind a proxy)
  THRESHOLDS_CORS_ORIGINS     comma-separated origins allowed cross-origin (default: none, same origin)
  THRESHOLDS_API_TOKEN        turns Rasa's HTTP API on, requiring this token (?token=...)
  THRESHOLDS_API_JWT_SECRET   turns it on with JWT instead (Authorization: Bearer <JWT>), or as well
  THRESHOLDS_TRUSTED_PROXIES  comma-separated addresses of the proxy allowed to set the
                              X-Practitioner-* identity headers (default: none)
  THRESHOLDS_MAX_MESSAGE      longest message read, in characters (default 5000)
  THRESHOLDS_ACTION_TIMEOUT   seconds to wait for the action server (default 3)
"""

from __future__ import annotations

import os

DEFAULT_INTERFACE = "127.0.0.1"


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def interface() -> str:
    return os.environ.get("THRESHOLDS_INTERFACE") or DEFAULT_INTERFACE


def allowed_origins() -> list[str]:
    return _list("THRESHOLDS_CORS_ORIGINS")


def trusted_proxies() -> list[str]:
    return _list("THRESHOLDS_TRUSTED_PROXIES")


def api_token() -> str | None:
    return os.environ.get("THRESHOLDS_API_TOKEN") or None


def api_jwt_secret() -> str | None:
    return os.environ.get("THRESHOLDS_API_JWT_SECRET") or None


def max_message() -> int:
    return int(os.environ.get("THRESHOLDS_MAX_MESSAGE") or 5000)


def action_timeout() -> float:
    return float(os.environ.get("THRESHOLDS_ACTION_TIMEOUT") or 3)


def retention_days() -> float:
    """How long a conversation is kept after its last message (THRESHOLDS_RETENTION_DAYS, 30)."""
    return float(os.environ.get("THRESHOLDS_RETENTION_DAYS") or 30)


def record_retention_days() -> float:
    """How long a consultation record is kept after it was made (THRESHOLDS_RECORD_RETENTION_DAYS, 365)."""
    return float(os.environ.get("THRESHOLDS_RECORD_RETENTION_DAYS") or 365)


def log_file_bytes() -> int:
    """A log file is rotated at this size, five old ones kept (THRESHOLDS_LOG_MAX_BYTES, 10 MB)."""
    return int(os.environ.get("THRESHOLDS_LOG_MAX_BYTES") or 10_000_000)
