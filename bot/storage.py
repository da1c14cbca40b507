"""Where conversations are kept, and loud when that fails.

`CheckedSQLTrackerStore` is Rasa's SQL tracker store (endpoints.yml, `type:
bot.storage.CheckedSQLTrackerStore`) with two differences:
- a SQLite database must already exist (`python -m bot.storage init <file>` creates one, as
  `make run` does on a new machine) and is opened read-write only: a file moved away or deleted
  while the server runs is an error, not a fresh empty database;
- every failed write is logged and recorded in `HEALTH`, which /health reports and which the
  server uses to tell the practitioner that this conversation is not being saved. Rasa's own
  wrapper would otherwise fall back to memory without a word;
- conversations are deleted once their last message is older than the retention period
  (`THRESHOLDS_RETENTION_DAYS`, 30 by default), and consultation records (the
  `consultation_records` table, threshold_kb/store/records.py) once they are older than theirs
  (`THRESHOLDS_RECORD_RETENTION_DAYS`, 365 by default): the server purges every hour, and
  `python -m bot.storage purge <url>` does it by hand;
- nothing personal is written: names, dates of birth, addresses, postcodes, phone numbers, emails,
  NHS and pupil numbers and school names found in the practitioner's messages are replaced by
  placeholders ([NAME], ...) in those messages and wherever they recur (slots, the assistant's
  replies), before the events reach the database. The turn itself has already used the full text
  in memory. The practitioner's own identity (the `practitioner` slot, channel metadata) is kept:
  the consultation is named.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore

from threshold_kb.redaction import Scrubber, default_redactor

logger = logging.getLogger(__name__)

NOT_SAVED = (
    "Warning: this conversation is not being saved (the conversation store cannot be written). "
    "Note down the advice yourself, and tell whoever runs this assistant."
)


class MissingDatabase(RuntimeError):
    pass


class ConversationNotSaved(RuntimeError):
    """A failed write, described without its SQL parameters: those hold the practitioner's words,
    and Rasa logs the exception it is given."""


def describe(error: Exception) -> str:
    return f"{type(error).__name__}: {getattr(error, 'orig', None) or error}"


@dataclass
class StorageHealth:
    """What the last writes did, per conversation and overall, and whether the file is still there."""

    path: Path | None = None
    inode: int | None = None
    last_error: str | None = None
    failed_at: float | None = None
    saved_at: float | None = None
    failures: dict[str, float] = field(default_factory=dict)

    def watch(self, path: Path) -> None:
        self.path, self.inode = path, path.stat().st_ino

    def saved(self, sender_id: str) -> None:
        self.saved_at = time.monotonic()
        self.failures.pop(sender_id, None)

    def failed(self, sender_id: str, error: Exception) -> None:
        self.failed_at = self.failures[sender_id] = time.monotonic()
        self.last_error = describe(error)

    def failed_since(self, sender_id: str, since: float) -> bool:
        return self.failures.get(sender_id, -1.0) >= since

    def problem(self) -> str | None:
        """Why conversations cannot be kept now, or None."""
        if self.path is not None:
            try:
                if self.path.stat().st_ino != self.inode:
                    return f"the conversation database {self.path} was replaced"
            except FileNotFoundError:
                return f"the conversation database {self.path} is missing"
            if not os.access(self.path, os.W_OK):
                return f"the conversation database {self.path} is not writable"
        if self.failed_at is not None and (self.saved_at is None or self.failed_at > self.saved_at):
            return f"the last write failed ({self.last_error})"
        return None


HEALTH = StorageHealth()


KEEP_KEYS = frozenset({"metadata", "timestamp", "event", "name", "policy", "confidence", "intent", "input_channel"})
KEEP_SLOTS = frozenset({"practitioner"})


class _Stored:
    """An event as it will be written: its type and its redacted dictionary."""

    def __init__(self, type_name: str, data: dict):
        self.type_name, self._data = type_name, data

    def as_dict(self) -> dict:
        return self._data


def redacted_events(events: list, redactor) -> list:
    """The events with personal data from the practitioner's messages replaced everywhere."""
    from rasa.shared.core.events import SlotSet, UserUttered

    spans = [s for e in events if isinstance(e, UserUttered) and e.text for s in redactor.redact(e.text).spans]
    scrubber = Scrubber(spans)
    if not scrubber:
        return events
    out = []
    for event in events:
        if isinstance(event, SlotSet) and event.key in KEEP_SLOTS:
            out.append(event)
        else:
            out.append(_Stored(event.type_name, scrubber.value(event.as_dict(), KEEP_KEYS)))
    return out


class CheckedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, dialect: str = "sqlite", db: str = "rasa.db", query: dict | None = None, **kwargs: Any) -> None:
        if dialect == "sqlite":
            path = Path(db).resolve()
            if not path.is_file():
                raise MissingDatabase(
                    f"no conversation database at {path}: create it with `python -m bot.storage init {db}` "
                    "(make run does on a new machine); refusing to start an empty one"
                )
            HEALTH.watch(path)
            db, query = f"file:{path}", {**(query or {}), "mode": "rw", "uri": "true"}
        super().__init__(dialect=dialect, db=db, query=query, **kwargs)
        if dialect != "sqlite":
            self._ping_before_use()

    def _ping_before_use(self) -> None:
        """A server database (PostgreSQL) can restart under a running assistant: each pooled
        connection is checked before a turn uses it, so a restart costs no turn."""
        import sqlalchemy as sa
        from rasa.core.tracker_store import create_engine_kwargs

        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _additional_events(self, session: Any, tracker: Any) -> list:
        return redacted_events(list(super()._additional_events(session, tracker)), default_redactor())

    async def save(self, tracker: Any) -> None:
        try:
            await super().save(tracker)
        except Exception as exc:
            HEALTH.failed(tracker.sender_id, exc)
            logger.error("conversation not saved: %s", describe(exc))
            # Rasa keeps the turn in memory; the server tells the practitioner.
            raise ConversationNotSaved(describe(exc)) from None
        HEALTH.saved(tracker.sender_id)


def sql_engine_of(store: Any) -> Any:
    """The SQL engine under Rasa's wrappers (fail-safe, awaitable), or None if it is not SQL."""
    for _ in range(5):
        if store is None or hasattr(store, "engine"):
            break
        store = getattr(store, "_tracker_store", None)
    return getattr(store, "engine", None)


def purge(engine: Any, days: float, now: float | None = None, record_days: float | None = None) -> int:
    """Deletes every conversation whose last event is older than `days`; returns how many. Also
    deletes the consultation records older than `record_days` (THRESHOLDS_RECORD_RETENTION_DAYS).

    A whole conversation goes at once, never its first half: what is kept still reads as a whole."""
    from sqlalchemy import inspect, text

    from bot import settings
    from threshold_kb.store.records import purge_records

    record_days = settings.record_retention_days() if record_days is None else record_days
    gone = purge_records(engine, record_days, now)
    if gone:
        logger.info("retention: %d consultation record(s) older than %g days deleted", gone, record_days)
    if not inspect(engine).has_table("events"):  # a new database: Rasa adds the table on first use
        return 0
    cutoff = (now if now is not None else time.time()) - days * 86400
    with engine.begin() as connection:
        stale = [
            row[0]
            for row in connection.execute(
                text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"),
                {"cutoff": cutoff},
            )
        ]
        for sender in stale:
            connection.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender})
    if stale:
        logger.info("retention: %d conversation(s) older than %g days deleted", len(stale), days)
    return len(stale)


def init(path: Path) -> bool:
    """Create an empty SQLite conversation database (owner-only) if there is none; True if created."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    sqlite3.connect(path).close()  # an empty file is a valid SQLite database; Rasa adds its table
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.storage")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("init", help="create the SQLite conversation database if it does not exist")
    create.add_argument("path", type=Path)
    delete = sub.add_parser("purge", help="delete conversations older than the retention period")
    delete.add_argument("url", help="the database's SQLAlchemy URL (sqlite:///build/conversations.sqlite)")
    delete.add_argument("--days", type=float, default=None, help="default: THRESHOLDS_RETENTION_DAYS, or 30")
    delete.add_argument("--record-days", type=float, default=None,
                        help="consultation records; default: THRESHOLDS_RECORD_RETENTION_DAYS, or 365")
    args = parser.parse_args(argv)
    if args.command == "init":
        if init(args.path):
            print(f"created the conversation database {args.path}")
        return
    from sqlalchemy import create_engine

    from bot import settings

    days = settings.retention_days() if args.days is None else args.days
    deleted = purge(create_engine(args.url), days, record_days=args.record_days)
    print(f"deleted {deleted} conversation(s) older than {days:g} days, and records past their own period")


if __name__ == "__main__":
    main()
