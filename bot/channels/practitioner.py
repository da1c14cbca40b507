"""Who is asking: the named practitioner every consultation is tied to.

Each channel puts the practitioner into the message metadata under one key, in one shape, so the
actions read it the same way whatever the channel:

    {"practitioner": {"name": ..., "role": ..., "organisation": ..., "aad_object_id": ..., "source": ...}}

Only the practitioner is described. Nothing here is about the child.
"""

from __future__ import annotations

from typing import Any

KEY = "practitioner"
FIELDS = ("name", "role", "organisation", "aad_object_id")
MAX_FIELD = 120  # characters; a name or organisation longer than this is cut, not refused


def clean(value: Any) -> str | None:
    """One field as plain single-line text, or None when it is empty or not text."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())[:MAX_FIELD]
    return text or None


def practitioner(fields: dict[str, Any] | None, source: str) -> dict[str, str] | None:
    """The practitioner record from raw fields, or None when no name is given."""
    fields = fields or {}
    record = {field: clean(fields.get(field)) for field in FIELDS}
    if not record["name"]:
        return None
    return {**{k: v for k, v in record.items() if v}, "source": source}


def from_metadata(metadata: dict[str, Any] | None) -> dict[str, str] | None:
    """The practitioner a message's metadata carries, or None."""
    value = (metadata or {}).get(KEY)
    if not isinstance(value, dict):
        return None
    return practitioner(value, clean(value.get("source")) or "unknown")


def with_practitioner(metadata: dict[str, Any] | None, who: dict[str, str] | None) -> dict[str, Any]:
    """Message metadata with the practitioner set (or removed when there is none)."""
    merged = {k: v for k, v in (metadata or {}).items() if k != KEY}
    if who:
        merged[KEY] = who
    return merged
