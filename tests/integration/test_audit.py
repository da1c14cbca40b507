"""The audit for a safeguarding lead: each consultation with its feedback (redacted comment), never
the child's details, from the command (python -m bot.audit) and GET /audit.csv|json behind its own
token, which the practitioners' REST token never opens; feedback purged with its record."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine

from bot import audit as audit_cli
from bot import storage
from bot.audit import add_audit_route
from bot.records import add_records_route
from tests.integration.test_records import CHILD_DATA, SAM, make
from tests.postgres import fresh_database
from tests.serving import client, serving
from threshold_kb.clock import LONDON
from threshold_kb.matching.engine import Engine
from threshold_kb.store import audit, records
from threshold_kb.triage.consult import Consultant

REST, AUDIT = "test-rest-token", "test-audit-token"
COMMENT = "Not right: Jayden Smith at Oak Primary was already known, the DSL said level 2"


@pytest.fixture(scope="module")
def consultant(authorities):
    return Consultant(Engine(authorities, None))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield records.RecordStore.from_url(f"sqlite:///{tmp_path / 'records.sqlite'}")
        return
    with fresh_database("audit_test") as url:
        store = records.RecordStore.from_url(url.render_as_string(hide_password=False))
        yield store
        store.engine.dispose()


@pytest.fixture
def consulted(store, consultant, tuesday_morning):
    """Two consultations: one with feedback (a comment naming the child) and the DSL's decision, one without."""
    first = make(consultant, tuesday_morning)
    second = make(consultant, tuesday_morning + timedelta(days=2), who={"name": "Alex Jones", "role": "Nurse",
                                                                       "organisation": "Hanley Health"})
    store.save(first, sender_id="web-1")
    store.save(second, sender_id="web-2")
    assert audit.save_feedback(store, first.reference, verdict="wrong", comment=COMMENT)
    assert audit.save_feedback(store, first.reference, decision="2")
    return first, second


def no_child_data(text: str) -> None:
    for personal in (*CHILD_DATA, "hungry", "tired"):  # nor the worry itself
        assert personal not in text


def test_the_audit_lists_each_consultation_with_its_feedback_and_nothing_of_the_child(store, consulted):
    first, second = consulted
    rows = audit.audit_rows(store)
    assert [r["reference"] for r in rows] == [first.reference, second.reference]
    row = rows[0]
    assert row["practitioner_name"] == SAM["name"] and row["practitioner_organisation"] == SAM["organisation"]
    assert row["authority"] == "stoke_on_trent" and row["level"] == first.data["level"]["number"]
    assert row["level_label"] == first.data["level"]["label"]
    assert row["first_next_step"] == first.data["next_steps"][0]["name"]
    assert row["created_at"].endswith("+00:00") and row["feedback_verdict"] == "wrong"
    assert row["dsl_decision"] == "Level 2" and "[NAME]" in row["feedback_comment"]
    assert rows[1]["feedback_verdict"] == "" and rows[1]["dsl_decision"] == ""
    text = audit.to_csv(rows)
    no_child_data(text)
    assert [r["reference"] for r in audit.audit_rows(store, since=datetime(2026, 11, 25))] == [second.reference]


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted_as_text():
    text = audit.to_csv([{"reference": "TA-2222-2222", "feedback_comment": "=HYPERLINK(1)", "level": ""}])
    assert "'=HYPERLINK(1)" in text and "TA-2222-2222,,,,,,,,,,'=HYPERLINK(1)" in text


def test_feedback_on_no_record_is_not_kept(store):
    assert audit.save_feedback(store, "TA-2222-2222", verdict="right") is False
    assert audit.audit_rows(store) == []


def test_the_summary_counts_verdicts_and_agreement_per_authority(store, consulted):
    first, _ = consulted
    report = audit.summary(audit.audit_rows(store))["stoke_on_trent"]
    assert report["consultations"] == 2 and report["verdicts"] == {"wrong": 1, "none": 1}
    agreed = int(first.data["level"]["number"] == 2)
    assert report["decided"] == 1 and report["agreed"] == agreed and report["agreement"] == agreed


def test_the_command_writes_the_csv_and_the_summary(store, consulted, tmp_path, capsys):
    url = store.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "audit.csv"
    audit_cli.main(["--url", url, "--csv", str(out)])
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["reference"] for r in rows] == [r.reference for r in consulted]
    assert rows[0]["feedback_verdict"] == "wrong" and rows[0]["dsl_decision"] == "Level 2"
    assert rows[1]["feedback_verdict"] == rows[1]["feedback_comment"] == rows[1]["dsl_decision"] == ""
    no_child_data(out.read_text())
    audit_cli.main(["--url", url, "--since", "2026-11-25", "--csv", "-"])
    printed = capsys.readouterr().out
    assert consulted[1].reference in printed and consulted[0].reference not in printed
    audit_cli.main(["--url", url, "--summary"])
    assert "stoke_on_trent\t2\t0\t1" in capsys.readouterr().out


def test_feedback_is_purged_with_its_record(tmp_path, consultant):
    database = tmp_path / "c.sqlite"
    storage.init(database)
    engine = create_engine(f"sqlite:///{database}")
    store = records.RecordStore(engine)
    made_at = datetime(2025, 1, 6, 10, 0, tzinfo=LONDON)
    old, newer = make(consultant, made_at), make(consultant, made_at + timedelta(days=10))
    store.save(old)
    store.save(newer)
    audit.save_feedback(store, old.reference, verdict="right", comment="fine")
    audit.save_feedback(store, newer.reference, verdict="unsure")
    storage.purge(engine, 30, now=(made_at + timedelta(days=370)).timestamp(), record_days=365)
    with engine.connect() as connection:
        kept = [r.reference for r in connection.execute(records.feedback.select())]
    assert kept == [newer.reference]


# -- GET /audit.csv and /audit.json --------------------------------------------------------------
@pytest.fixture
def served(monkeypatch, store, consulted):
    monkeypatch.setenv("THRESHOLDS_REST_TOKEN", REST)
    monkeypatch.setenv("THRESHOLDS_AUDIT_TOKEN", AUDIT)
    records.use(store)
    yield consulted
    records.use(None)


async def test_the_endpoint_gives_the_audit_as_csv_and_json_to_the_audit_token(served):
    first, second = served
    async with serving(add_records_route, add_audit_route) as base, client() as http:
        async with http.get(f"{base}/audit.csv", headers={"Authorization": f"Bearer {AUDIT}"}) as r:
            assert r.status == 200 and r.content_type == "text/csv"
            body = await r.text()
        rows = list(csv.DictReader(io.StringIO(body)))
        assert [r["reference"] for r in rows] == [first.reference, second.reference]
        assert rows[0]["feedback_verdict"] == "wrong" and "[NAME]" in rows[0]["feedback_comment"]
        no_child_data(body)
        async with http.get(f"{base}/audit.json?since=2026-11-25", headers={"Authorization": f"Bearer {AUDIT}"}) as r:
            assert r.status == 200
            data = await r.json()
        assert [r["reference"] for r in data["rows"]] == [second.reference]
        assert data["summary"]["stoke_on_trent"]["consultations"] == 1
        async with http.get(f"{base}/audit.json?since=yesterday", headers={"Authorization": f"Bearer {AUDIT}"}) as r:
            assert r.status == 400


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {REST}"},  # a practitioner's REST token is not the audit's
        {"Authorization": f"Bearer {REST}", "X-Practitioner-Name": "Sam Patel",
         "X-Practitioner-Organisation": "Hillside Academy"},
        {"Authorization": AUDIT},  # not a bearer
    ],
)
async def test_the_endpoint_is_401_without_the_audit_token(served, headers):
    async with serving(add_records_route, add_audit_route) as base, client() as http:
        for path in ("/audit.csv", "/audit.json"):
            async with http.get(f"{base}{path}", headers=headers) as r:
                assert r.status == 401
                body = await r.text()
                assert served[0].reference not in body and "Sam Patel" not in body


async def test_an_audit_token_set_to_the_rest_token_opens_nothing(served, monkeypatch):
    monkeypatch.setenv("THRESHOLDS_AUDIT_TOKEN", REST)
    async with serving(add_records_route, add_audit_route) as base, client() as http:
        async with http.get(f"{base}/audit.csv", headers={"Authorization": f"Bearer {REST}"}) as r:
            assert r.status == 401
