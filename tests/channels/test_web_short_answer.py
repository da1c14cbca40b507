"""The web card's answer first (payload["short"], drawn by web/assets/card.js) and the tap-to-call
numbers in the web channel's text messages (bot/channels/web.py)."""

from __future__ import annotations

import asyncio
import html
import re

import pytest

from bot.channels.web import WebChatOutput, with_phone_links
from tests.channels.cards import draw


def visible_words(markup: str) -> list[str]:
    """The words of the card outside its closed sections (what shows, and what is announced)."""
    short = markup.split('<div class="ta-details">')[0]
    return html.unescape(re.sub(r"<[^>]+>", " ", short)).split()


@pytest.mark.parametrize("name", ["stoke", "danger", "unclassified", "web_only", "bedford"])
def test_the_card_opens_with_the_short_answer_and_the_rest_in_sections(payloads, name):
    payload = payloads[name]
    [markup] = draw([{"custom": payload}])
    words = visible_words(markup)
    assert len(words) <= 60, " ".join(words)
    short = markup.split('<div class="ta-details">')[0]
    assert html.unescape(payload["short"]["level"]) in html.unescape(short)
    assert "Do now:" in short and 'href="tel:' in short
    assert ("Call 999 now" in short) == payload["immediate_danger"]
    # Reasons, consent, what to record and the source are on demand, each a <details>.
    for section in ("why", "contacts", "consent", "record", "source"):
        assert f'<details class="ta-more ta-more-{section}">' in markup, section
    assert markup.index("What to record") > markup.index('<div class="ta-details">')


def test_a_card_from_before_the_short_part_is_still_drawn_whole(payloads):
    old = {k: v for k, v in payloads["stoke"].items() if k != "short"}
    [markup] = draw([{"custom": old}])
    assert 'class="ta-card"' in markup and "ta-details" not in markup and "What to record" in markup


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("Ring 01782 234234 (open now).", "Ring [01782 234234](tel:01782234234) (open now)."),
        ("MASH: 0300 126 3000, mash@example.gov.uk", "MASH: [0300 126 3000](tel:03001263000), mash@example.gov.uk"),
        ("call 999 (police or ambulance)", "call [999](tel:999) (police or ambulance)"),
        ("101 (Police non-emergency) if less urgent", "[101](tel:101) (Police non-emergency) if less urgent"),
        ("+44 (0)1234 276043.", "[+44 (0)1234 276043](tel:+441234276043)."),
    ],
)
def test_phone_numbers_in_text_become_tap_to_call_links(said, shown):
    assert with_phone_links(said) == shown


@pytest.mark.parametrize(
    "said",
    ["see http://www.example.gov.uk/01782234234", "www.example.uk/page?id=01733864170", "Level 101", "Section 17",
     "documents from 2015 to 2020", "reference 1234567890123", "within 24 hours"],
)
def test_nothing_else_becomes_a_link(said):
    assert with_phone_links(said) == said


def test_the_web_channel_links_numbers_in_every_text_and_button_message():
    sent: list[dict] = []

    class Sio:
        async def emit(self, event, data, room=None, **_):
            sent.append(data)

    output = WebChatOutput(Sio(), "bot_uttered")
    asyncio.run(output.send_text_message("room", "Ring 0300 126 3000 now."))
    asyncio.run(output.send_text_with_buttons("room", "Or 01733 864170?", [{"title": "Yes", "payload": "/affirm"}]))
    assert sent[0]["text"] == "Ring [0300 126 3000](tel:03001263000) now."
    assert sent[1]["text"] == "Or [01733 864170](tel:01733864170)?" and sent[1]["quick_replies"][0]["title"] == "Yes"
