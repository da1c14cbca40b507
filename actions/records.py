"""The consultation record on the action side: kept when the recommendation is given, and given
back in the chat ("record TA-7K3M-Q9XD") to the practitioner who made it.

The record is composed in the core (threshold_kb/record.py, redacted there) and kept in
threshold_kb/store/records.py (the conversation database unless THRESHOLDS_RECORDS_URL). If it
cannot be kept, the recommendation is still given, with a line saying so.
"""

from __future__ import annotations

import logging

from rasa_sdk import Tracker

from actions.practitioner import practitioner_of
from threshold_kb.recommend import Recommendation
from threshold_kb.record import ConsultationRecord, compose
from threshold_kb.store import records

logger = logging.getLogger(__name__)

NOT_KEPT = "Your record could not be kept this time: copy this reply into your own notes."
NOT_FOUND = (
    "I have no record {reference} for you. A record is given back only to the practitioner who made it, "
    "while it is kept; check the reference."
)


def keep_record(rec: Recommendation, sos, answers: dict[str, str], tracker: Tracker) -> ConsultationRecord | None:
    """The record of this consultation, kept; None (and logged) when it could not be kept."""
    try:
        worry = tracker.get_slot("worry") or (tracker.latest_message or {}).get("text") or ""
        record = compose(rec, worry, practitioner_of(tracker), sos, answers)
        records.shared().save(record, sender_id=tracker.sender_id)
        return record
    except Exception as exc:  # the recommendation matters more than its record: said, never silent
        logger.error("consultation record not kept: %s", type(exc).__name__)
        return None


def record_line(record: ConsultationRecord | None) -> str:
    return f"Your record: {record.reference}" if record else NOT_KEPT


def give_back(reference: str, tracker: Tracker) -> str:
    """The record's text for its maker; for anyone else, the same answer as for no such record."""
    try:
        found = records.shared().get(reference, practitioner_of(tracker), sender_id=tracker.sender_id)
    except Exception as exc:
        logger.error("consultation record not read: %s", type(exc).__name__)
        return f"I cannot read the records at the moment; try again later for {reference}."
    return found.text() if found else NOT_FOUND.format(reference=reference)
