"""Consultation records kept in SQL: back by reference to their maker only, never the child's
details in a row, purged after their own retention period, and served at GET /records/<reference>."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from bot import storage
from bot.records import add_records_route
from tests.postgres import fresh_database
from tests.serving import client, serving
from threshold_kb.clock import LONDON
from threshold_kb.matching.engine import Engine
from threshold_kb.recommend import recommend
from threshold_kb.record import compose
from threshold_kb.replies import signs_of_safety_map
from threshold_kb.store import records
from threshold_kb.triage.consult import Consultant

WORRY = (
    "Worried about Jayden Smith DOB 03/04/2015 of 12 High Street Hanley ST1 4AB, Oak Primary. "
    "Year 4 boy often hungry and tired, mum is working with us"
)
CHILD_DATA = ("Jayden", "Smith", "03/04/2015", "12 High Street", "ST1 4AB", "Oak Primary")
SAM = {"name": "Sam Patel", "role": "Class teacher", "organisation": "Hillside Academy"}
TOKEN = "test-rest-token"


@pytest.fixture(scope="module")
def consultant(authorities):
    return Consultant(Engine(authorities, None))


def make(consultant, moment, who=SAM, worry=WORRY):
    assessment = consultant.assess("stoke_on_trent", worry, 9.0, {"harm": "no"})
    rec = recommend(assessment, moment)
    return compose(rec, worry, who, signs_of_safety_map(assessment), {"harm": "no"})


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """The default SQLite file, and PostgreSQL as the cluster keeps them."""
    if request.param == "sqlite":
        yield records.RecordStore.from_url(f"sqlite:///{tmp_path / 'records.sqlite'}")
        return
    with fresh_database("records_test") as url:
        store = records.RecordStore.from_url(url.render_as_string(hide_password=False))
        yield store
        store.engine.dispose()


def test_a_record_comes_back_by_its_reference_to_its_maker(store, consultant, tuesday_morning):
    made = make(consultant, tuesday_morning)
    store.save(made, sender_id="web-abc")
    back = store.get(made.reference, {"name": " sam  PATEL", "organisation": "hillside academy"})
    assert back is not None and back.as_dict() == made.as_dict() and back.text() == made.text()
    assert store.get("TA-2222-2222", SAM) is None


@pytest.mark.parametrize(
    "who",
    [
        {"name": "Alex Jones", "organisation": "Hillside Academy"},  # a colleague
        {"name": "Sam Patel", "organisation": "Riverside Surgery"},  # the same name elsewhere
        {"name": "Sam Patel"},
        None,
    ],
)
def test_another_practitioner_cannot_get_it(store, consultant, tuesday_morning, who):
    made = make(consultant, tuesday_morning)
    store.save(made, sender_id="web-abc")
    assert store.get(made.reference, who, sender_id="web-other") is None


def test_an_unnamed_record_comes_back_only_in_its_own_conversation(store, consultant, tuesday_morning):
    made = make(consultant, tuesday_morning, who=None)
    store.save(made, sender_id="rest-script-1")
    assert store.get(made.reference, None, sender_id="rest-script-1") is not None
    assert store.get(made.reference, None, sender_id="rest-script-2") is None
    assert store.get(made.reference, {"name": "Anyone", "organisation": ""}, sender_id="rest-script-2") is None


def test_the_stored_row_holds_no_personal_detail_of_the_child_and_the_file_is_owner_only(
    tmp_path, store, consultant, tuesday_morning
):
    made = make(consultant, tuesday_morning)
    store.save(made, sender_id="web-abc")
    if store.engine.dialect.name == "sqlite":
        assert stat.S_IMODE((tmp_path / "records.sqlite").stat().st_mode) == 0o600
    with store.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM consultation_records")).one()
    stored = " ".join(str(v) for v in row)
    assert made.reference in stored and "Sam Patel" in stored and "stoke_on_trent" in stored
    assert "web-abc" not in stored  # the conversation only as a hash
    for personal in CHILD_DATA:
        assert personal not in stored


def test_the_purge_removes_records_past_their_own_period_and_nothing_newer(tmp_path, consultant):
    database = tmp_path / "c.sqlite"
    storage.init(database)
    engine = create_engine(f"sqlite:///{database}")
    assert storage.purge(engine, 30, record_days=365) == 0, "no table yet is not an error"
    store = records.RecordStore(engine)
    made_at = datetime(2025, 1, 6, 10, 0, tzinfo=LONDON)
    old = make(consultant, made_at)
    newer = make(consultant, made_at + timedelta(days=10))
    store.save(old)
    store.save(newer)
    clock = made_at + timedelta(days=370)  # the clock moved on: 370 and 360 days later
    storage.purge(engine, 30, now=clock.timestamp(), record_days=365)
    assert store.get(old.reference, SAM) is None
    assert store.get(newer.reference, SAM) is not None
    # a year is the default, not the conversations' 30 days
    storage.purge(engine, 30, now=(made_at + timedelta(days=40)).timestamp())
    assert store.get(newer.reference, SAM) is not None


# -- GET /records/<reference> --------------------------------------------------------------------
@pytest.fixture
def kept(monkeypatch, store, consultant, tuesday_morning):
    monkeypatch.setenv("THRESHOLDS_REST_TOKEN", TOKEN)
    records.use(store)
    made = make(consultant, tuesday_morning)
    store.save(made)
    yield made
    records.use(None)


def sam_headers(**extra):
    return {"Authorization": f"Bearer {TOKEN}", "X-Practitioner-Name": "Sam Patel",
            "X-Practitioner-Organisation": "Hillside Academy", **extra}


async def test_the_endpoint_gives_the_record_to_its_maker_as_json_and_text(kept):
    async with serving(add_records_route) as base, client() as http:
        async with http.get(f"{base}/records/{kept.reference}", headers=sam_headers()) as r:
            assert r.status == 200 and r.content_type == "application/json"
            body = await r.json()
        assert body["record"]["reference"] == kept.reference and body["text"] == kept.text()
        async with http.get(f"{base}/records/{kept.reference.lower()}", headers=sam_headers(Accept="text/plain")) as r:
            assert r.status == 200 and r.content_type == "text/plain"
            assert await r.text() == kept.text()


@pytest.mark.parametrize(
    "headers, status",
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"X-Practitioner-Name": "Sam Patel", "X-Practitioner-Organisation": "Hillside Academy"}, 401),
        ({"Authorization": f"Bearer {TOKEN}"}, 403),
        ({"Authorization": f"Bearer {TOKEN}", "X-Practitioner-Name": "Alex Jones",
          "X-Practitioner-Organisation": "Hillside Academy"}, 404),
    ],
)
async def test_the_endpoint_refuses_without_proof_and_never_gives_one_practitioners_record_to_another(
    kept, headers, status
):
    async with serving(add_records_route) as base, client() as http:
        async with http.get(f"{base}/records/{kept.reference}", headers=headers) as r:
            assert r.status == status
            assert kept.reference not in await r.text() and "Sam Patel" not in await r.text()


async def test_an_unknown_reference_is_404(kept):
    async with serving(add_records_route) as base, client() as http:
        for ref in ("TA-2222-2222", "not-a-reference"):
            async with http.get(f"{base}/records/{ref}", headers=sam_headers()) as r:
                assert r.status == 404
