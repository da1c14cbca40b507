"""The security pieces of the Rasa server, each on its own (the attacks on the running servers
are in tests/e2e/test_security.py): secrets, web session tokens, REST bodies, the message guard,
model-changing routes and the conversation database's checks."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from bot import secrets as shared_secrets
from bot import storage
from bot.channels.rest import parse_body
from bot.channels.web import conversation_of, new_session_token
from bot.serve import changes_the_model, reply_without_nlu


@pytest.fixture(autouse=True)
def own_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("THRESHOLDS_SECRETS_DIR", str(tmp_path / "secrets"))
    for name in shared_secrets.NAMES:
        monkeypatch.delenv(f"THRESHOLDS_{name.upper()}", raising=False)


def test_a_generated_secret_is_owner_only_and_stable(tmp_path):
    first = shared_secrets.secret("rest_token")
    assert len(first) >= 40 and shared_secrets.secret("rest_token") == first
    mode = stat.S_IMODE((tmp_path / "secrets" / "rest_token").stat().st_mode)
    assert mode == 0o600
    assert shared_secrets.bearer_matches(f"Bearer {first}", "rest_token")
    assert not shared_secrets.bearer_matches(f"Bearer {first[:-1]}", "rest_token")
    assert not shared_secrets.bearer_matches(None, "rest_token")


def test_the_environment_overrides_the_file(monkeypatch):
    monkeypatch.setenv("THRESHOLDS_ACTION_TOKEN", "from-the-deployment")
    assert shared_secrets.secret("action_token") == "from-the-deployment"


def test_only_a_token_the_server_signed_opens_a_conversation():
    token = new_session_token()
    conversation = conversation_of(token)
    assert conversation and conversation.startswith("web-") and conversation_of(token) == conversation
    nonce = token.split(".")[0]
    assert token.split(".")[1] not in conversation, "the conversation id does not reveal the token"
    for forged in (f"{nonce}.0000", nonce, conversation, "", None, 42, f"{nonce}.{token.split('.')[1]}.x"):
        assert conversation_of(forged) is None, forged
    assert conversation_of(new_session_token()) != conversation


def test_a_key_change_invalidates_old_tokens(monkeypatch):
    token = new_session_token()
    monkeypatch.setenv("THRESHOLDS_SESSION_KEY", "a-new-key")
    assert conversation_of(token) is None


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        (b'{"sender": "s", "message": "hi"}', True),
        (b'{"sender": "s", "message": "", "metadata": {"a": 1}}', True),
        (b"[]", False),
        (b"", False),
        (b"\xff", False),
        (b'{"sender": 5, "message": "hi"}', False),
        (b'{"sender": "   ", "message": "hi"}', False),
        (b'{"sender": "s", "message": null}', False),
        (b'{"sender": "' + b"s" * 200 + b'", "message": "hi"}', False),
    ],
)
def test_rest_bodies(raw, ok):
    body, problem = parse_body(raw)
    assert (body is not None) == ok and (problem is None) == ok


def test_the_guard_answers_empty_and_overlong_messages_without_reading_them():
    assert reply_without_nlu("a worry", 5000) is None
    assert "Please type" in reply_without_nlu("  ", 5000)
    assert "Please type" in reply_without_nlu(None, 5000)
    long = reply_without_nlu("he seems sad " * 1000, 5000)
    assert "too long" in long and "13,000 characters" in long and long.endswith("call 999.")
    danger = reply_without_nlu("dad is hitting mum right now " * 500, 5000)
    assert danger.startswith("If a child may be in danger now, call 999")


@pytest.mark.parametrize(
    ("method", "path", "blocked"),
    [
        ("PUT", "/model", True),
        ("DELETE", "/model/", True),
        ("POST", "/model/train", True),
        ("POST", "/model/test/intents", True),
        ("POST", "/model/parse", False),
        ("GET", "/conversations/x/tracker", False),
    ],
)
def test_model_changing_routes(method, path, blocked):
    assert changes_the_model(method, path) is blocked


def test_a_missing_sqlite_database_is_an_error_not_a_new_one(tmp_path):
    missing = tmp_path / "conversations.sqlite"
    with pytest.raises(storage.MissingDatabase):
        storage.CheckedSQLTrackerStore(dialect="sqlite", db=str(missing))
    assert not missing.exists()
    assert storage.init(missing) and not storage.init(missing)
    assert stat.S_IMODE(missing.stat().st_mode) == 0o600
    storage.CheckedSQLTrackerStore(dialect="sqlite", db=str(missing))


def test_health_names_a_missing_or_failing_database(tmp_path):
    database = tmp_path / "c.sqlite"
    storage.init(database)
    health = storage.StorageHealth()
    health.watch(database)
    assert health.problem() is None
    health.failed("conversation", OSError("disk full"))
    assert "disk full" in health.problem() and health.failed_since("conversation", 0.0)
    health.saved("conversation")
    assert health.problem() is None and not health.failed_since("conversation", 0.0)
    database.rename(tmp_path / "moved")
    assert "missing" in health.problem()


async def test_a_failed_write_is_reported_without_the_practitioners_words(tmp_path, caplog):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    database = tmp_path / "c.sqlite"
    storage.init(database)
    store = storage.CheckedSQLTrackerStore(dialect="sqlite", db=str(database))
    tracker = DialogueStateTracker.from_events("s", [UserUttered("Jayden Smith of 12 High Street has a bruise")])
    lock = sqlite3.connect(database, timeout=1, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # another process is writing: reads pass, the insert fails
    try:
        with pytest.raises(storage.ConversationNotSaved) as failure:
            await store.save(tracker)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert "locked" in str(failure.value)
    for reported in (str(failure.value), storage.HEALTH.last_error, caplog.text):
        assert "Jayden" not in reported and "High Street" not in reported


async def test_the_database_keeps_no_childs_identity_but_keeps_the_practitioners(tmp_path):
    """What the issue found stored verbatim: the message, the worry slot and a reply quoting it."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    worry = "Worried about Jayden Smith DOB 03/04/2015 of 12 High Street Hanley ST1 4AB, Oak Primary, has a bruise"
    database = tmp_path / "c.sqlite"
    storage.init(database)
    store = storage.CheckedSQLTrackerStore(dialect="sqlite", db=str(database))
    events = [
        SlotSet("practitioner", {"name": "Sam Teacher", "role": "teacher"}),
        UserUttered(worry, {"name": "describe_worry", "confidence": 0.9}, metadata={"name": "Sam Teacher"}),
        ActionExecuted("action_record_worry"),
        SlotSet("worry", worry),
        BotUttered(f'You said "{worry}". Call 01782 235100 (Stoke-on-Trent).', data={"custom": {"worry": worry}}),
    ]
    await store.save(DialogueStateTracker.from_events("c1", events))
    stored = "\n".join(row[0] for row in sqlite3.connect(database).execute("SELECT data FROM events"))
    for personal in ("Jayden", "Smith", "03/04/2015", "High Street", "ST1 4AB", "Oak Primary"):
        assert personal not in stored, personal
    for kept in ("[NAME]", "[DATE OF BIRTH]", "[ADDRESS]", "[POSTCODE]", "[SCHOOL]", "bruise", "Hanley"):
        assert kept in stored, kept
    assert "01782 235100" in stored, "the knowledge base's own number is never redacted"
    assert stored.count("Sam Teacher") >= 2, "the practitioner's identity (slot, metadata) is kept"

    reloaded = await store.retrieve("c1")
    [worry_slot] = [e.value for e in reloaded.events if isinstance(e, SlotSet) and e.key == "worry"]
    assert worry_slot.startswith("Worried about [NAME] DOB [DATE OF BIRTH]"), "stored events load back"
    # A later turn appends only its own events, redacted the same way.
    await store.save(DialogueStateTracker.from_events("c1", [*events, UserUttered("also her brother Tom said so")]))
    stored = "\n".join(row[0] for row in sqlite3.connect(database).execute("SELECT data FROM events"))
    assert "Tom" not in stored and "her brother [NAME] said so" in stored


def test_log_lines_are_redacted_before_any_handler_writes_them():
    import io
    import logging

    from bot.logs import RedactingFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    try:
        log.warning("could not parse %r", "jayden's mum Kelly Jones rang from 07700 900123")
        try:
            raise ValueError("DOB 03/04/2015 is wrong")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    written = stream.getvalue()
    assert "Kelly" not in written and "07700" not in written and "03/04/2015" not in written
    assert "[NAME]" in written and "[PHONE]" in written and "ValueError" in written


async def test_conversations_past_the_retention_period_are_deleted_whole(tmp_path):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy import create_engine

    database = tmp_path / "c.sqlite"
    storage.init(database)
    engine = create_engine(f"sqlite:///{database}")
    assert storage.purge(engine, 30) == 0, "a new database has no table yet, and that is not an error"
    store = storage.CheckedSQLTrackerStore(dialect="sqlite", db=str(database))
    day = 86400.0
    old = [UserUttered("first", timestamp=1000.0), UserUttered("second", timestamp=1000.0 + 2 * day)]
    recent = [UserUttered("started long ago", timestamp=1000.0), UserUttered("going", timestamp=1000.0 + 40 * day)]
    await store.save(DialogueStateTracker.from_events("old", old))
    await store.save(DialogueStateTracker.from_events("recent", recent))

    assert storage.purge(engine, days=30, now=1000.0 + 45 * day) == 1
    kept = sqlite3.connect(database).execute("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id").fetchall()
    assert kept == [("recent", 2)], "the old conversation is gone; the live one is kept whole"


def test_the_log_file_rotates_and_is_owner_only(tmp_path):
    import logging

    from bot.logs import RedactingFilter, use_log_file

    root = logging.getLogger()
    before = list(root.handlers)
    path = tmp_path / "rasa.log"
    handler = use_log_file(str(path), max_bytes=2000)
    handler.addFilter(RedactingFilter())
    try:
        for n in range(400):
            logging.getLogger("test.rotation").warning("line %d for his mum Kelly", n)
    finally:
        root.removeHandler(handler)
        handler.close()
        for h in before:
            if h not in root.handlers:
                root.addHandler(h)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["rasa.log", "rasa.log.1", "rasa.log.2", "rasa.log.3", "rasa.log.4", "rasa.log.5"]
    for p in tmp_path.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name
        assert p.stat().st_size <= 2200 and "Kelly" not in p.read_text()


def test_the_purge_finds_the_database_under_rasas_wrappers(tmp_path):
    from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore, InMemoryTrackerStore

    database = tmp_path / "c.sqlite"
    storage.init(database)
    sql = storage.CheckedSQLTrackerStore(dialect="sqlite", db=str(database))
    assert storage.sql_engine_of(FailSafeTrackerStore(AwaitableTrackerStore(sql))) is sql.engine
    assert storage.sql_engine_of(FailSafeTrackerStore(InMemoryTrackerStore(None))) is None


def test_a_log_line_is_never_written_unredacted(monkeypatch):
    """At shutdown spaCy cannot run (it crashed the server on exit): the rules alone redact; and a
    line that cannot be redacted at all is withheld, never written as it was."""
    import importlib

    import bot.logs

    module = importlib.import_module("threshold_kb.redaction.redactor")  # the module, not the function

    monkeypatch.setattr(bot.logs.sys, "is_finalizing", lambda: True)
    monkeypatch.setattr(module, "default_redactor", lambda: pytest.fail("spaCy used while shutting down"))
    assert bot.logs._redacted("his mum Kelly rang from 07700 900123") == "his mum [NAME] rang from [PHONE]"

    def broken(text, use_spacy=True):
        raise RuntimeError("no model")

    monkeypatch.setattr(module, "redact", broken)
    assert bot.logs._redacted("Jayden Smith said") == bot.logs.WITHHELD
