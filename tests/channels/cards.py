"""Reading what a card links to, and what a payload allows it to link to."""

from __future__ import annotations

import re


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
    """The tel: and mailto: targets a payload allows: its own phones and emails, nothing else."""
    steps = payload["next_steps"]
    phones = {f"tel:{digits(p)}" for s in steps for p in s["phones"]}
    emails = {f"mailto:{e}" for s in steps for e in s["emails"]}
    return phones, emails
