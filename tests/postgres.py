"""A database of its own on the test PostgreSQL server (`make test` starts one and sets its URL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL


def postgres_url() -> str:
    url = os.environ.get("THRESHOLD_KB_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("THRESHOLD_KB_TEST_POSTGRES_URL is not set: run the tests with `make test`")
        pytest.skip("no PostgreSQL server: run `make test` to install and start one")
    return url


@contextmanager
def fresh_database(prefix: str) -> Iterator[URL]:
    """The URL of a new, empty database, dropped afterwards."""
    admin = create_engine(postgres_url(), future=True, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            conn.execute(text(f'DROP DATABASE "{name}"'))
        admin.dispose()
