"""The servers' shared secrets: from the environment, else generated once into owner-only files.

  THRESHOLDS_ACTION_TOKEN   the Rasa server proves itself to the action server with it
  THRESHOLDS_SESSION_KEY    signs the web page's session tokens (and derives conversation ids)
  THRESHOLDS_REST_TOKEN     scripts using the REST channel send it as `Authorization: Bearer ...`
  THRESHOLDS_AUDIT_TOKEN    a safeguarding lead or administrator reads GET /audit.csv with it
                            (bot/audit.py); never the practitioners' REST token

Unset, each is generated on first use into `$THRESHOLDS_SECRETS_DIR/<name>` (default
`build/secrets/`, mode 0600), so that the Rasa server and the action server of one machine share
it and web sessions survive a restart. A deployment sets them in the environment instead.
"""

from __future__ import annotations

import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from threshold_kb.config import PROJECT_ROOT

NAMES = ("action_token", "session_key", "rest_token", "audit_token")


def secrets_dir() -> Path:
    return Path(os.environ.get("THRESHOLDS_SECRETS_DIR") or PROJECT_ROOT / "build" / "secrets")


def secret(name: str) -> str:
    if name not in NAMES:
        raise ValueError(f"unknown secret {name!r}")
    from_env = os.environ.get(f"THRESHOLDS_{name.upper()}")
    if from_env:
        return from_env
    return _from_file(secrets_dir() / name)


@lru_cache(maxsize=16)
def _from_file(path: Path) -> str:
    """Read once per process: the secrets are checked on every request."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:  # O_EXCL: two servers starting together keep the first one's value
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(32))
        except FileExistsError:
            pass
    return path.read_text().strip()


def bearer_matches(header: str | None, name: str) -> bool:
    """`Authorization: Bearer <secret>`, compared in constant time."""
    expected = f"Bearer {secret(name)}"
    return bool(header) and hmac.compare_digest(header.encode(), expected.encode())
