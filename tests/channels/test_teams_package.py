"""scripts/teams_package.py: the Teams app zip (manifest 1.16 and both icons), built the same way
twice, and refused without a usable bot id."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
import zipfile

import pytest
from PIL import Image

from threshold_kb.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "teams_package.py"
BOT_ID = "00000000-1111-4222-8333-444444444444"
DEVELOPER_ENV = ("TEAMS_DEVELOPER_NAME", "TEAMS_DEVELOPER_WEBSITE_URL", "TEAMS_PRIVACY_URL", "TEAMS_TERMS_URL")


def run(tmp_path, *args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MICROSOFT_", "TEAMS_"))}
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path / "app.zip"), *args],
        env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("teams")
    done = run(out, MICROSOFT_APP_ID=BOT_ID, TEAMS_BOT_HOST="bot.example.org")
    assert done.returncode == 0, done.stderr
    return out / "app.zip", done


def test_the_zip_holds_the_manifest_and_both_icons(package):
    path, _ = package
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        color = Image.open(io.BytesIO(archive.read("color.png")))
        outline = Image.open(io.BytesIO(archive.read("outline.png")))
    assert color.format == "PNG" and color.size == (192, 192)
    assert outline.format == "PNG" and outline.size == (32, 32) and outline.mode == "RGBA"
    pixels = list(outline.get_flattened_data())
    assert {p[:3] for p in pixels if p[3]} == {(255, 255, 255)}, "outline: white only"
    assert any(p[3] == 0 for p in pixels) and any(p[3] == 255 for p in pixels), "on transparent"


def test_the_manifest(package):
    path, _ = package
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["$schema"] == "https://developer.microsoft.com/en-us/json-schemas/teams/v1.16/MicrosoftTeams.schema.json"
    assert manifest["manifestVersion"] == "1.16"
    assert manifest["id"] == str(uuid.UUID(manifest["id"])) and manifest["id"] != BOT_ID
    assert manifest["name"]["short"] == "Thresholds Assistant"
    assert len(manifest["description"]["short"]) <= 80 and len(manifest["description"]["full"]) <= 4000
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    [bot] = manifest["bots"]
    assert bot["botId"] == BOT_ID and bot["scopes"] == ["personal"]
    assert bot["supportsFiles"] is False and bot["isNotificationOnly"] is False
    assert all(len(c["title"]) <= 32 for c in bot["commandLists"][0]["commands"])
    assert manifest["validDomains"] == ["bot.example.org"]
    assert all(manifest["developer"][k].startswith("https://") for k in ("websiteUrl", "privacyUrl", "termsOfUseUrl"))


def test_placeholders_are_flagged_and_replaced_by_the_environment(package, tmp_path):
    _, done = package
    for variable in DEVELOPER_ENV:
        assert variable in done.stderr and "before publishing" in done.stderr
    urls = {v: f"https://safeguarding.example.org/{v.lower()}" for v in DEVELOPER_ENV[1:]}
    again = run(tmp_path, MICROSOFT_APP_ID=BOT_ID, TEAMS_DEVELOPER_NAME="Example Council", **urls)
    assert again.returncode == 0 and "WARNING" not in again.stderr
    with zipfile.ZipFile(tmp_path / "app.zip") as archive:
        developer = json.loads(archive.read("manifest.json"))["developer"]
    assert developer["name"] == "Example Council"
    assert developer["privacyUrl"] == urls["TEAMS_PRIVACY_URL"] and "example.invalid" not in json.dumps(developer)


def test_the_same_inputs_give_the_same_bytes(package, tmp_path):
    path, _ = package
    again = run(tmp_path, MICROSOFT_APP_ID=BOT_ID, TEAMS_BOT_HOST="bot.example.org")
    assert again.returncode == 0
    assert (tmp_path / "app.zip").read_bytes() == path.read_bytes()


@pytest.mark.parametrize("bot_id", [None, "", "not-a-guid", "00000000-1111-4222-8333-44444444444"])
def test_a_missing_or_malformed_bot_id_exits_2(tmp_path, bot_id):
    env = {} if bot_id is None else {"MICROSOFT_APP_ID": bot_id}
    done = run(tmp_path, **env)
    assert done.returncode == 2
    assert "MICROSOFT_APP_ID" in done.stderr
    assert not (tmp_path / "app.zip").exists()


def test_the_app_id_option_and_an_explicit_manifest_id(tmp_path):
    manifest_id = "12345678-1234-4234-8234-123456789abc"
    done = run(tmp_path, "--app-id", BOT_ID, TEAMS_APP_MANIFEST_ID=manifest_id)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "app.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["id"] == manifest_id and manifest["bots"][0]["botId"] == BOT_ID
    assert manifest["validDomains"] == []


def test_a_plain_http_developer_url_is_refused(tmp_path):
    done = run(tmp_path, MICROSOFT_APP_ID=BOT_ID, TEAMS_PRIVACY_URL="http://insecure.example.org/privacy")
    assert done.returncode == 2 and "https://" in done.stderr
