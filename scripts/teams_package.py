"""Build the Microsoft Teams app package: build/teams/thresholds-assistant.zip.

  MICROSOFT_APP_ID=<bot app id> .venv/bin/python scripts/teams_package.py [--app-id ID] [--out PATH]

The zip holds manifest.json (Teams manifest schema 1.16, a personal-scope bot) and its two icons,
drawn here so the package needs no binary files in the repository. The same inputs give the same
bytes (fixed timestamps), so a package can be checked against a rebuilt one.

Settings (environment): MICROSOFT_APP_ID (required, a GUID), TEAMS_APP_MANIFEST_ID (default: a
UUID derived from the bot id), TEAMS_APP_VERSION (default 1.0.0), TEAMS_DEVELOPER_NAME,
TEAMS_DEVELOPER_WEBSITE_URL, TEAMS_PRIVACY_URL, TEAMS_TERMS_URL (https; placeholders under
example.invalid with a warning when unset: set them before publishing), TEAMS_BOT_HOST (the
bot's host name, listed in validDomains).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import uuid
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "teams" / "thresholds-assistant.zip"
SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.16/MicrosoftTeams.schema.json"
NAMESPACE = uuid.UUID("6f1c2a52-3c1e-5b0e-9d7a-2f4b8e1d0c11")  # fixed: the app id follows from the bot id
ACCENT = "#1F4E79"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
HOST = re.compile(r"^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?$")

DEVELOPER = {  # env variable, placeholder when unset
    "name": ("TEAMS_DEVELOPER_NAME", "Thresholds Assistant (unpublished)"),
    "websiteUrl": ("TEAMS_DEVELOPER_WEBSITE_URL", "https://example.invalid/thresholds-assistant"),
    "privacyUrl": ("TEAMS_PRIVACY_URL", "https://example.invalid/thresholds-assistant/privacy"),
    "termsOfUseUrl": ("TEAMS_TERMS_URL", "https://example.invalid/thresholds-assistant/terms"),
}
SHORT = "Which threshold level, and who to contact, when you are worried about a child."
FULL = (
    "For people who work with children in England (teachers, health visitors, nursery and youth "
    "workers, social-care and out-of-hours staff). Describe what is worrying you about a child; the "
    "assistant matches it against your local authority's published threshold document, quotes the "
    "indicators it matched with their source, and names the next step with only the contact details "
    "the document publishes. If a child may be in danger right now, it tells you to call 999 first. "
    "It supports your professional judgement and your designated safeguarding lead; it does not replace them. "
    "Covers Northamptonshire, Bedford Borough, Peterborough, Cumbria and Stoke-on-Trent."
)
COMMANDS = [  # each title is sent as the message: phrases the assistant's NLU is trained on
    {"title": "help", "description": "What I can do and how to start"},
    {"title": "who do I call?", "description": "The front door and out-of-hours numbers"},
    {"title": "do I need mum's consent?", "description": "What the document says about consent"},
    {"title": "what are the levels of need?", "description": "The levels in your authority's document"},
]


class PackageError(Exception):
    """A setting that makes the package unusable: printed, exit status 2."""


def settings(args: argparse.Namespace, environ=os.environ) -> dict:
    bot_id = (args.app_id or environ.get("MICROSOFT_APP_ID") or "").strip()
    if not GUID.match(bot_id):
        shown = repr(bot_id) if bot_id else "nothing"
        raise PackageError(
            f"the bot's Microsoft app id must be a GUID (got {shown}): set MICROSOFT_APP_ID or pass --app-id, "
            "the 'Microsoft App ID' of the Azure Bot (Entra ID app registration)"
        )
    manifest_id = (args.manifest_id or environ.get("TEAMS_APP_MANIFEST_ID") or "").strip()
    manifest_id = manifest_id or str(uuid.uuid5(NAMESPACE, bot_id.lower()))
    if not GUID.match(manifest_id):
        raise PackageError(f"TEAMS_APP_MANIFEST_ID must be a GUID (got {manifest_id!r})")
    version = (args.version or environ.get("TEAMS_APP_VERSION") or "1.0.0").strip()
    if not SEMVER.match(version):
        raise PackageError(f"the app version must look like 1.0.0 (got {version!r})")
    host = (args.bot_host or environ.get("TEAMS_BOT_HOST") or "").strip()
    if host and not HOST.match(host):
        raise PackageError(f"TEAMS_BOT_HOST must be a host name such as bot.example.org, no scheme (got {host!r})")
    developer, placeholders = {}, []
    for field, (variable, placeholder) in DEVELOPER.items():
        value = (environ.get(variable) or "").strip()
        if not value:
            value = placeholder
            placeholders.append(variable)
        elif field != "name" and not value.startswith("https://"):
            raise PackageError(f"{variable} must be an https:// address (got {value!r})")
        developer[field] = value
    return {"bot_id": bot_id, "manifest_id": manifest_id, "version": version, "host": host,
            "developer": developer, "placeholders": placeholders}


def manifest(s: dict) -> dict:
    return {
        "$schema": SCHEMA,
        "manifestVersion": "1.16",
        "version": s["version"],
        "id": s["manifest_id"],
        "developer": s["developer"],
        "name": {"short": "Thresholds Assistant", "full": "Thresholds Assistant: safeguarding thresholds"},
        "description": {"short": SHORT, "full": FULL},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": s["bot_id"],
                "scopes": ["personal"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": ["personal"], "commands": COMMANDS}],
            }
        ],
        "permissions": ["identity"],
        "validDomains": [s["host"]] if s["host"] else [],
    }


def _mark(size: int, frame: bool) -> Image.Image:
    """The letters "TA" (and, for the outline icon, a rounded frame) as an alpha mask, drawn 8x
    larger then reduced for smooth edges."""
    big = size * 8
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    font = ImageFont.load_default(size=int(big * (0.42 if frame else 0.46)))
    if frame:
        inset = big // 16
        box = (inset, inset, big - inset - 1, big - inset - 1)
        draw.rounded_rectangle(box, radius=big // 5, outline=255, width=max(big // 14, 1))
    draw.text((big / 2, big / 2), "TA", font=font, fill=255, anchor="mm", stroke_width=big // 80, stroke_fill=255)
    return mask.resize((size, size), Image.Resampling.LANCZOS)


def color_icon() -> bytes:
    """192x192, full bleed (Teams rounds the corners): white letters on the accent colour."""
    image = Image.new("RGB", (192, 192), ACCENT)
    image.paste(Image.new("RGB", (192, 192), "#FFFFFF"), mask=_mark(192, frame=False))
    return _png(image)


def outline_icon() -> bytes:
    """32x32: white only, on transparent, as Teams requires."""
    image = Image.new("RGBA", (32, 32), (255, 255, 255, 0))
    image.putalpha(_mark(32, frame=True))
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def build(s: dict, out: Path) -> Path:
    files = {
        "manifest.json": (json.dumps(manifest(s), indent=2, ensure_ascii=False) + "\n").encode(),
        "color.png": color_icon(),
        "outline.png": outline_icon(),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/teams_package.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--app-id", help="the bot's Microsoft app id (default: MICROSOFT_APP_ID)")
    parser.add_argument("--manifest-id", help="the Teams app id (default: TEAMS_APP_MANIFEST_ID, else derived)")
    parser.add_argument("--version", help="the app package version (default: TEAMS_APP_VERSION, else 1.0.0)")
    parser.add_argument("--bot-host", help="the bot's host name for validDomains (default: TEAMS_BOT_HOST)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    try:
        s = settings(args)
    except PackageError as error:
        print(f"teams_package: {error}", file=sys.stderr)
        return 2
    for variable in s["placeholders"]:
        print(f"teams_package: WARNING: {variable} is not set; the manifest uses a placeholder. "
              "Set it before publishing the app to your organisation.", file=sys.stderr)
    path = build(s, args.out)
    print(f"{path} (app id {s['manifest_id']}, bot {s['bot_id']}, version {s['version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
