"""The threshold_kb command line, run as a user would run it."""

import json
import os
import subprocess
import sys

from threshold_kb import config


def run(*args, **env):
    return subprocess.run(
        [sys.executable, "-m", "threshold_kb", *args],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        env={**os.environ, **env},
        timeout=120,
    )


def test_validate_passes_and_names_all_five_authorities():
    result = run("validate")
    assert result.returncode == 0, result.stderr
    for name in ("Bedford Borough", "Cumbria", "Northamptonshire", "Peterborough", "Stoke-on-Trent"):
        assert name in result.stdout


def test_validate_fails_when_sources_are_required_but_missing(tmp_path):
    result = run("validate", "--require-sources", THRESHOLD_KB_SEEDS=str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "source documents not found" in result.stderr


def test_build_then_dump_from_the_database_equals_dump_from_yaml(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    built = run("build", THRESHOLD_KB_DATABASE_URL=url)
    assert built.returncode == 0, built.stderr
    from_db = run("dump", "--from-db", THRESHOLD_KB_DATABASE_URL=url)
    from_yaml = run("dump")
    assert from_db.returncode == 0 and from_yaml.returncode == 0
    assert json.loads(from_db.stdout) == json.loads(from_yaml.stdout)


def test_dump_prints_all_five_authorities_with_citations():
    dumped = json.loads(run("dump").stdout)
    assert sorted(a["slug"] for a in dumped) == [
        "bedford_borough",
        "cumbria",
        "northamptonshire",
        "peterborough",
        "stoke_on_trent",
    ]
    for authority in dumped:
        for indicator in authority["indicators"]:
            assert indicator["cite"]["section"] and indicator["cite"]["document"] == authority["document"]["title"]


def assess(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "threshold_kb.assess", *args],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        input=stdin,
        timeout=120,
    )


def test_assess_prints_the_recommendation_payload():
    result = assess(
        "--authority",
        "Stoke",
        "--now",
        "2026-11-28T23:00",
        "child disclosed that her stepdad has been sexually abusing her",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["authority"]["slug"] == "stoke_on_trent" and data["level"]["statutory"]
    assert "01782 234234" in [p for step in data["next_steps"] for p in step["phones"]]


def test_assess_jsonl_answers_every_line_including_bad_ones():
    lines = "\n".join(
        [
            json.dumps({"authority": "peterborough", "text": "12 year old is pregnant"}),
            json.dumps({"authority": "Hanley", "text": "dad is hitting mum right now"}),
            json.dumps({"authority": "Atlantis", "text": "anything"}),
            json.dumps({"authority": "cumbria", "text": ""}),
            "not json",
        ]
    )
    result = assess("--jsonl", stdin=lines)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 5
    assert out[0]["level"]["statutory"]
    assert out[1]["immediate_danger"] is True and out[1]["authority"]["slug"] == "stoke_on_trent"
    assert "unknown authority" in out[2]["error"] and "no worry given" in out[3]["error"]
    assert "not a JSON object" in out[4]["error"]


def test_build_creates_the_folder_of_a_new_sqlite_file(tmp_path):
    target = tmp_path / "fresh" / "clone" / "kb.sqlite"
    result = run("build", THRESHOLD_KB_DATABASE_URL=f"sqlite:///{target}")
    assert result.returncode == 0, result.stderr
    assert target.is_file()


def test_an_unreachable_database_is_one_clear_error_not_a_traceback():
    result = run("build", THRESHOLD_KB_DATABASE_URL="postgresql+psycopg2://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    assert result.stderr.startswith("error: database") and "Traceback" not in result.stderr
