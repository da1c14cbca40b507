"""The web card gives the consultation record's reference, with its text to copy or print; a card
without a record (the record could not be kept) still draws, with no record section."""

from __future__ import annotations

import html

from bot.channels.adaptive_card import recommendation_card
from tests.channels.cards import draw, texts


def test_the_card_shows_the_record_reference_and_its_text_as_text(payloads):
    text = "Consultation record TA-HKXJ-JBRJ\nWorry (personal details removed): <b>[NAME]</b> is hungry"
    record = {"reference": "TA-HKXJ-JBRJ", "created_at": "2026-11-24T10:30:00+00:00", "text": text}
    kept = {**payloads["stoke"], "consultation_record": record}
    with_record, without = draw([{"custom": kept}, {"custom": payloads["stoke"]}])
    assert "Your record TA-HKXJ-JBRJ" in with_record
    assert "Print" in with_record and "Copy" in with_record
    assert "&lt;b&gt;[NAME]&lt;/b&gt;" in with_record, "shown as text"
    assert "<b>[NAME]</b>" not in with_record, "never as markup"
    assert "Your record" not in html.unescape(without)


def test_the_teams_card_gives_the_reference_on_the_answer_and_the_record_in_details(payloads):
    record = {"reference": "TA-HKXJ-JBRJ", "created_at": "2026-11-24T10:30:00+00:00"}
    record["text"] = "Consultation record TA-HKXJ-JBRJ"
    card = recommendation_card({**payloads["stoke"], "consultation_record": record})
    shown = [b.get("text") for b in card["body"] if b.get("type") == "TextBlock"]
    assert "Your record: TA-HKXJ-JBRJ" in shown, "on the answer, not behind Details"
    [details] = [b for b in card["body"] if b.get("id") == "details"]
    assert "Consultation record TA-HKXJ-JBRJ" in texts({"body": details["items"]})
    assert not any("Your record" in t for t in texts(recommendation_card(payloads["stoke"])))


def test_a_record_too_long_for_one_teams_card_is_offered_by_its_reference(payloads):
    record = {"reference": "TA-HKXJ-JBRJ", "created_at": "2026-11-24T10:30:00+00:00", "text": "x " * 12_000}
    card = recommendation_card({**payloads["stoke"], "consultation_record": record})
    shown = texts(card)
    assert "Next steps" in shown, "the recommendation itself, not the fallback card"
    assert "Send \u201crecord TA-HKXJ-JBRJ\u201d to get your record's text." in shown
    assert "Your record: TA-HKXJ-JBRJ" in shown
