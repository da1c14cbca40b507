"""Where consultation records are kept: the `consultation_records` table, by default in the
conversation database (SQLite `build/conversations.sqlite`; PostgreSQL in the cluster, through
THRESHOLDS_RECORDS_URL).

A row holds the redacted record as JSON, its unique reference, when it was made, who made it (the
practitioner: name, role, organisation; a hash of the conversation id for an unnamed one), the
authority and the level. Nothing about the child: the record was redacted before it got here.

A record is given back only to the practitioner who made it: the same name and organisation
(compared without case or extra spaces), or, for an unnamed consultation, the same conversation.
Anyone else is told there is no such record, exactly as for a reference that does not exist.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from threshold_kb.record import ConsultationRecord

metadata = sa.MetaData()
records = sa.Table(
    "consultation_records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("reference", sa.String(16), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False, index=True),  # UTC
    sa.Column("practitioner_name", sa.String(120)),
    sa.Column("practitioner_role", sa.String(120)),
    sa.Column("practitioner_organisation", sa.String(120)),
    sa.Column("conversation", sa.String(64)),  # sha256 of the conversation id, never the id
    sa.Column("authority", sa.String(64), nullable=False),
    sa.Column("level", sa.Integer),
    sa.Column("content", sa.Text, nullable=False),  # the redacted record, JSON
)
# "Was this right?": the practitioner's feedback on one record (threshold_kb/store/audit.py), kept
# beside it, by its reference, and purged with it. The comment is redacted before it gets here.
feedback = sa.Table(
    "consultation_feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("reference", sa.String(16), nullable=False, unique=True),
    sa.Column("given_at", sa.DateTime, nullable=False, index=True),  # UTC, the latest feedback
    sa.Column("verdict", sa.String(16)),  # right | wrong | unsure
    sa.Column("decision", sa.String(16)),  # what the DSL or front door decided: a level number, or not_yet
    sa.Column("comment", sa.Text),  # redacted
)


def _same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


def conversation_key(sender_id: str | None) -> str | None:
    return hashlib.sha256(sender_id.encode()).hexdigest() if sender_id else None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def owner_only_sqlite(url: str) -> None:
    """A SQLite file that does not exist yet is created owner-only (0600) before SQLAlchemy opens it."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return
    path = Path(parsed.database)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass


class RecordStore:
    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine
        self._ready = False

    @classmethod
    def from_url(cls, url: str) -> RecordStore:
        owner_only_sqlite(url)
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if url.startswith("sqlite"):
            kwargs = {"connect_args": {"timeout": 10}}  # the Rasa server writes the same file
        return cls(sa.create_engine(url, **kwargs))

    def _ensure(self) -> None:
        if not self._ready:  # created on first use
            metadata.create_all(self.engine, tables=[records, feedback])
            self._ready = True

    def save(self, record: ConsultationRecord, sender_id: str | None = None) -> None:
        self._ensure()
        d = record.as_dict()
        who = d["practitioner"]
        with self.engine.begin() as connection:
            connection.execute(
                records.insert().values(
                    reference=d["reference"],
                    created_at=_utc(datetime.fromisoformat(d["created_at"])),
                    practitioner_name=who.get("name"),
                    practitioner_role=who.get("role"),
                    practitioner_organisation=who.get("organisation"),
                    conversation=conversation_key(sender_id),
                    authority=d["authority"]["slug"],
                    level=(d["level"] or {}).get("number"),
                    content=json.dumps(d, ensure_ascii=False),
                )
            )

    def get(
        self, reference: str, practitioner: dict[str, Any] | None, sender_id: str | None = None
    ) -> ConsultationRecord | None:
        """The record, for the practitioner who made it; None for anyone else or no such record."""
        self._ensure()
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(records).where(records.c.reference == reference)).first()
        if row is None:
            return None
        who = practitioner or {}
        if row.practitioner_name:
            mine = _same(row.practitioner_name, who.get("name")) and _same(
                row.practitioner_organisation, who.get("organisation")
            )
        else:  # an unnamed consultation: only its own conversation
            mine = bool(sender_id) and row.conversation == conversation_key(sender_id)
        return ConsultationRecord(json.loads(row.content)) if mine else None

    def purge(self, days: float, now: datetime | None = None) -> int:
        """Deletes records made more than `days` ago; returns how many."""
        return purge_records(self.engine, days, now)


_shared: RecordStore | None = None


def shared() -> RecordStore:
    """The process's record store (config.records_url()), opened on first use. Tests use `use`."""
    global _shared
    if _shared is None:
        from threshold_kb import config

        _shared = RecordStore.from_url(config.records_url())
    return _shared


def use(store: RecordStore | None) -> None:
    global _shared
    _shared = store


def purge_records(engine: sa.engine.Engine, days: float, now: datetime | float | None = None) -> int:
    """Deletes every consultation record older than `days` (none if the table is not there yet), and
    the feedback on it: feedback never outlives its record."""
    if not sa.inspect(engine).has_table(records.name):
        return 0
    if now is None:
        now = datetime.now(timezone.utc)
    elif isinstance(now, int | float):
        now = datetime.fromtimestamp(now, timezone.utc)
    cutoff = _utc(now) - timedelta(days=days)
    with engine.begin() as connection:
        gone = connection.execute(records.delete().where(records.c.created_at < cutoff)).rowcount
        if sa.inspect(connection).has_table(feedback.name):
            kept = sa.select(records.c.reference)
            connection.execute(feedback.delete().where(feedback.c.reference.not_in(kept)))
        return gone
