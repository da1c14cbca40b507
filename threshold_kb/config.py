"""Settings, read when asked for (not at import) so tests and deployments can set them late."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """THRESHOLD_KB_DATABASE_URL, or the bundled SQLite file that `build` writes."""
    default = f"sqlite:///{PROJECT_ROOT / 'build' / 'threshold_kb.sqlite'}"
    return os.environ.get("THRESHOLD_KB_DATABASE_URL", default)


def records_url() -> str:
    """Where consultation records are kept: THRESHOLDS_RECORDS_URL, or the conversation database
    of endpoints.yml (build/conversations.sqlite). The action server writes them and the Rasa
    server reads them, so in a cluster both get the same PostgreSQL URL."""
    default = f"sqlite:///{PROJECT_ROOT / 'build' / 'conversations.sqlite'}"
    return os.environ.get("THRESHOLDS_RECORDS_URL") or default


def seeds_dir() -> Path:
    """Where the source documents are: THRESHOLD_KB_SEEDS, or ../shared/seeds beside the repo."""
    return Path(os.environ.get("THRESHOLD_KB_SEEDS", PROJECT_ROOT.parent / "shared" / "seeds"))


def national_dir() -> Path:
    """The national routes (routes.yml and their stored sources): THRESHOLD_KB_NATIONAL, or the
    bundled threshold_kb/national/."""
    return Path(os.environ.get("THRESHOLD_KB_NATIONAL", Path(__file__).resolve().parent / "national"))
