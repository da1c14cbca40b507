"""Redaction of personal data before anything is stored or logged (see redactor.py)."""

from threshold_kb.redaction.redactor import (
    Redaction,
    Redactor,
    Scrubber,
    Span,
    default_redactor,
    identifies_someone,
    redact,
    valid_nhs_number,
)

__all__ = [
    "Redaction",
    "Redactor",
    "Scrubber",
    "Span",
    "default_redactor",
    "identifies_someone",
    "redact",
    "valid_nhs_number",
]
