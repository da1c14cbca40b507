"""Fixtures shared by every layer: the real knowledge base, loaded once, and a fixed clock."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from threshold_kb import config, loader
from threshold_kb.clock import LONDON
from threshold_kb.store.repository import InMemoryRepository

EXPECTED_LEVELS = {
    "bedford_borough": 4,
    "cumbria": 4,
    "northamptonshire": 4,
    "peterborough": 3,
    "stoke_on_trent": 4,
}


@pytest.fixture(scope="session")
def authorities():
    return loader.load_all()


@pytest.fixture(scope="session")
def repo(authorities):
    return InMemoryRepository(authorities)


@pytest.fixture
def tuesday_morning():
    return datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)


@pytest.fixture
def saturday_night():
    return datetime(2026, 11, 28, 23, 0, tzinfo=LONDON)


@pytest.fixture(scope="session")
def seeds_dir():
    """The source documents. Under CI a missing directory is a failure, never a skip."""
    path = config.seeds_dir()
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"source documents not found at {path}; set THRESHOLD_KB_SEEDS")
        pytest.skip(f"source documents not found at {path}")
    return path
