"""The named practitioner of a consultation, from the channel's message metadata.

Kept in the `practitioner` slot, so it is stored with the conversation (the tracker store) and can
be put on the recommendation. Channels without one (the REST channel, the command line) leave it
empty; the web widget and Teams always send it.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from bot.channels.practitioner import from_metadata

SLOT = "practitioner"


def practitioner_of(tracker: Tracker) -> dict[str, str] | None:
    """Who sent the latest message, or who the conversation is already recorded under."""
    return from_metadata((tracker.latest_message or {}).get("metadata")) or tracker.get_slot(SLOT)


def remember_practitioner(tracker: Tracker) -> list[EventType]:
    """The slot event when the latest message names a practitioner the slot does not hold yet."""
    who = from_metadata((tracker.latest_message or {}).get("metadata"))
    return [SlotSet(SLOT, who)] if who and who != tracker.get_slot(SLOT) else []
