"""Check that every quoted field of an authority file appears verbatim in its source document.

Only whitespace and markup are normalised (HTML tags, list bullets, markdown emphasis, links and
escapes), never words, case or punctuation: a safeguarding lead must be able to find each quote.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_AUTOLINK = re.compile(r"<((?:https?://|www\.)[^>\s]+)>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MD_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_MD_ESCAPE = re.compile(r"\\+([_*\[\]()#.\-!])")
_HEADING = re.compile(r"(?m)^\s*#{1,6}\s+")
_LIST_MARKER = re.compile(r"(?m)^\s*[-*]\s+")
_BULLETS = re.compile(r"[•●▪◦➢]")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Strip markup and fold whitespace; nothing else changes."""
    text = _AUTOLINK.sub(r" \1 ", text)
    # A link's target is kept (it may be the address we quote) unless extraction lost it ("#").
    text = _MD_LINK.sub(lambda m: m.group(1) if m.group(2) in ("", "#") else f"{m.group(1)} {m.group(2)}", text)
    text = _TAG.sub(" ", text)
    text = _HEADING.sub(" ", text)
    text = _LIST_MARKER.sub(" ", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    text = _MD_EMPHASIS.sub("", text)
    text = html.unescape(_BULLETS.sub(" ", text))
    text = text.replace("\u00a0", " ")
    return _SPACE.sub(" ", text).strip()


# Fields whose values must be found verbatim, per section ("[]" marks a list of strings).
VERBATIM_FIELDS: dict[str, tuple[str, ...]] = {
    "levels": ("definition", "services[]", "response"),
    "indicators": ("text",),
    "contacts": ("name", "phones[]", "emails[]", "web[]", "hours", "asks_for[]"),
    "procedures": ("quote", "review"),
    "consent": ("quote", "age_rule", "exemptions[]"),
    "escalation": ("quote",),
    "special_routes": ("name", "quote"),
    "case_examples": ("quote",),
}


@dataclass(frozen=True)
class Quote:
    item_id: str
    field: str
    value: str


def quotes_of(data: dict[str, Any]) -> Iterator[Quote]:
    """Every verbatim value in a parsed authority file."""
    document = data.get("document") or {}
    if document.get("title"):
        yield Quote("document", "title", document["title"])
    for section, fields in VERBATIM_FIELDS.items():
        for item in data.get(section) or []:
            item_id = str(item.get("id", f"{section}[?]"))
            for field in fields:
                name = field.rstrip("[]")
                value = item.get(name)
                values = value if field.endswith("[]") else [value]
                for one in values or []:
                    if one:
                        yield Quote(item_id, name, str(one))
    sos = data.get("signs_of_safety") or {}
    for one in sos.get("questions") or []:
        yield Quote("signs_of_safety", "questions", one)
    if sos.get("scale"):
        yield Quote("signs_of_safety", "scale", sos["scale"])


def unmatched_quotes(data: dict[str, Any], source_text: str) -> list[Quote]:
    haystack = normalise(source_text)
    return [q for q in quotes_of(data) if normalise(q.value) not in haystack]


def main(argv: list[str]) -> int:
    """python -m threshold_kb.provenance FILE.yml [SEEDS_DIR]: list quotes not found."""
    import yaml

    path = Path(argv[0])
    seeds = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "seeds"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = (seeds / data["document"]["source_file"]).read_text(encoding="utf-8")
    missing = unmatched_quotes(data, source)
    total = sum(1 for _ in quotes_of(data))
    for q in missing:
        print(f"NOT FOUND {q.item_id}.{q.field}: {q.value[:120]!r}")
    print(f"{path.name}: {total - len(missing)}/{total} quotes found verbatim")
    return 1 if missing else 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
