"""Reading what a card links to, and what a payload allows it to link to."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest


def link_targets(card: dict, scheme: str) -> list[str]:
    """Every `scheme:` link target in a card's text."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.extend(re.findall(rf"\]\(({scheme}:[^)]*)\)", node))

    walk(card)
    return found


def digits(phone: str) -> str:
    return re.sub(r"[^\d+]", "", phone)


def published_contacts(payload: dict) -> tuple[set[str], set[str]]:
    """The tel: and mailto: targets a payload allows: its own phones and emails (the next steps',
    and the national routes' it carries), nothing else."""
    routes = [*payload["next_steps"], *(payload.get("national_routes") or [])]
    phones = {f"tel:{digits(p)}" for s in routes for p in s["phones"]}
    emails = {f"mailto:{e}" for s in routes for e in s["emails"]}
    return phones, emails


def texts(card: dict) -> list[str]:
    """Every TextBlock's text in an Adaptive Card, in the order shown."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


HARNESS = Path(__file__).with_name("card_harness.js")


def draw(messages: list) -> list[str]:
    """The markup of each message's CustomMessage (web/assets/card.js), drawn one after another in
    one Node process."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run(
        [node, str(HARNESS)], input=json.dumps(messages), capture_output=True, text=True, timeout=60, check=True
    )
    results = json.loads(done.stdout)["results"]
    assert [r.get("error") for r in results] == [None] * len(messages), "CustomMessage or its render threw"
    return [r["markup"] for r in results]


def strings(node) -> list[str]:
    """Every string in a JSON-like tree (a payload or a card)."""
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return [node] if isinstance(node, str) else []
