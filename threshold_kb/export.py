"""The knowledge base as plain JSON-ready dicts, citations included."""

from __future__ import annotations

import dataclasses
from datetime import time
from typing import Any

from threshold_kb import model as m


def _plain(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def authority_dict(authority: m.Authority) -> dict[str, Any]:
    return _plain(dataclasses.asdict(authority))


def counts(authority: m.Authority) -> dict[str, int]:
    return {
        "levels": len(authority.levels),
        "indicators": len(authority.indicators),
        "contacts": len(authority.contacts),
        "procedures": len(authority.procedures),
        "consent_rules": len(authority.consent),
        "escalation_steps": len(authority.escalation),
        "special_routes": len(authority.special_routes),
        "case_examples": len(authority.case_examples),
    }
