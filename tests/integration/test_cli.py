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
