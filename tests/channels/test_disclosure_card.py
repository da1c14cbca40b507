"""A child has told you: the web card and the Teams card show what to do and what not to do at the
top (after 999 only), marked as not the authority's; a worry nobody has told shows none of it."""

from __future__ import annotations

import html

import pytest

from bot.channels.adaptive_card import recommendation_card
from tests.channels.cards import draw, texts
from tests.channels.conftest import TUESDAY_MORNING
from threshold_kb.matching.engine import Engine
from threshold_kb.recommend import recommend, to_payload
from threshold_kb.triage.consult import Consultant


@pytest.fixture(scope="module")
def told(authorities) -> dict:
    consultant = Consultant(Engine(authorities, None))
    worry = "she told me her stepdad touches her at night"
    rec = recommend(consultant.assess("stoke_on_trent", worry), TUESDAY_MORNING)
    return to_payload(rec)


def test_the_teams_card_opens_with_the_guidance_before_the_authority_and_level(told):
    shown = texts(recommendation_card(told))
    assert shown[0] == told["guidance"]["heading"]
    assert "not Stoke-on-Trent's document" in shown[1]
    alleged = next(i for i, t in enumerate(shown) if "Don't talk to the alleged abuser" in t)
    assert alleged < shown.index("Stoke-on-Trent"), "before the authority, the level and the contacts"
    assert any("within 3 hours" in t for t in shown[:shown.index("Stoke-on-Trent")]), "the time limit, quoted"


def test_the_web_card_opens_with_the_guidance(told, payloads):
    told_markup, plain = draw([{"custom": told}, {"custom": payloads["stoke"]}])
    shown = html.unescape(told_markup)
    first = shown.index("A child has told you")
    level = shown.index(told["short"]["level"])
    assert first < shown.index("Don't talk to the alleged abuser") < level, "before the level"
    assert "not Stoke-on-Trent's document" in shown
    assert "A child has told you" not in html.unescape(plain), "a worry nobody has told shows none of it"


def test_the_teams_card_for_a_worry_nobody_has_told_has_no_guidance(payloads):
    assert not any("alleged abuser" in t for t in texts(recommendation_card(payloads["stoke"])))
