"""The one normalisation used to check that a quote appears verbatim in its source document.

Only whitespace and markup are normalised (HTML tags and entities, list bullets and markers,
markdown emphasis, links and escapes), never words, case or punctuation: a safeguarding lead
must be able to find each quote. `checks.provenance_problems` applies it to every quoted field.
"""

from __future__ import annotations

import html
import re

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
