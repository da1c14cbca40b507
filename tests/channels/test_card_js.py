"""The web card (web/assets/card.js) drawn in Node: a malformed recommendation shows the safe
fallback instead of throwing (a throw unmounts the whole widget, for good in that tab), payload
text is never HTML, and real payloads still draw as the card."""

from __future__ import annotations

import copy
import html
import re

import pytest

from tests.channels.cards import draw
from tests.channels.conftest import TUESDAY_MORNING

FALLBACK = (
    "This answer could not be shown. If a child may be in danger now, call 999. "
    "Otherwise talk to your designated safeguarding lead and contact the front door."
)
HTML = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def changed(payload: dict, **fields) -> dict:
    return {**copy.deepcopy(payload), **fields}


def malformed(good: dict, danger: dict) -> dict[str, dict]:
    step = good["next_steps"][0]
    return {
        "only the type": {"type": "threshold_recommendation"},
        "next steps missing": changed(good, next_steps=None),
        "next steps empty": changed(good, next_steps=[]),
        "next steps a string": changed(good, next_steps="call the front door"),
        "next steps a number": changed(good, next_steps=5),
        "a null next step": changed(good, next_steps=[None]),
        "a step's phones a string": changed(good, next_steps=[{**step, "phones": "01782 234234"}]),
        "a step's name an object": changed(good, next_steps=[{**step, "name": {"first": "MASH"}}]),
        "authority null": changed(good, authority=None),
        "authority a number": changed(good, authority=7),
        "document missing": changed(good, document=None),
        "level a string": changed(good, level="Level 4"),
        "level label null": changed(good, level={**good["level"], "label": None}),
        "why a list": changed(good, why=["a", "b"]),
        "why huge": changed(good, why="x" * 1_000_000),
        "indicators a string": changed(good, indicators="bruise"),
        "a null indicator": changed(good, indicators=[None]),
        "an indicator's text an object": changed(good, indicators=[{**good["indicators"][0], "text": {"a": None}}]),
        "record a number": changed(good, record=42),
        "a record line an object": changed(good, record=[{"line": None}]),
        "consent with nested nulls": changed(good, consent=[{"quote": None, "cite": None}]),
        "triage change nulls": changed(good, triage={"changes": [{"if": None, "level": None, "quote": None}]}),
        "practitioner name an object": changed(good, practitioner={"name": {"html": HTML}, "source": "form"}),
        "danger a string": changed(danger, danger="hitting"),
        "danger without a number": changed(danger, emergency_number=None),
        "national routes a string": changed(good, national_routes="ring 999"),
        "a national route's name null": changed(good, national_routes=[{"name": None, "phones": ["101"]}]),
    }


def test_malformed_recommendations_show_the_fallback_and_the_widget_keeps_drawing(payloads):
    cases = malformed(payloads["stoke"], payloads["danger"])
    # The good card last: the same component, after every failure, still draws a card.
    shown = draw([{"custom": p} for p in cases.values()] + [{"custom": payloads["stoke"]}])
    for name, markup in zip(cases, shown, strict=False):
        assert FALLBACK in markup and "ta-fallback" in markup and "ta-card" not in markup, name
    assert 'class="ta-card"' in shown[-1] and FALLBACK not in shown[-1]


@pytest.mark.parametrize("name", ["stoke", "danger", "unclassified", "web_only", "bedford"])
def test_real_payloads_draw_as_the_card(payloads, name):
    payload = payloads[name]
    [markup] = draw([{"custom": payload}])
    assert 'class="ta-card"' in markup and FALLBACK not in markup
    assert payload["next_steps"][0]["name"].replace("&", "&amp;") in markup
    assert ("Call 999 now" in markup) == payload["immediate_danger"]


def test_a_payload_as_the_action_sends_it_draws_every_part(authorities):
    """With the triage, the Signs of Safety map, a scale warning and the practitioner, as
    actions/recommendation.py adds them: nothing the action sends trips the checks."""
    from threshold_kb.matching.engine import Engine
    from threshold_kb.recommend import recommend, to_payload
    from threshold_kb.replies import signs_of_safety_map
    from threshold_kb.triage.consult import Consultant

    answers = {"harm": "no", "impact": "some", "services": "one", "carers": "engaging", "support": "none_yet"}
    consultant = Consultant(Engine(authorities, None))
    assessment = consultant.assess("stoke_on_trent", "yr 3 girl is often tired", None, answers)
    payload = to_payload(recommend(assessment, TUESDAY_MORNING))
    payload["signs_of_safety"] = signs_of_safety_map(assessment).as_payload()
    payload["scale_warning"] = "You rated the situation 2/10."
    payload["practitioner"] = {"name": "Alex Reid", "role": "Health visitor", "source": "form"}
    [markup] = draw([{"custom": payload}])
    assert 'class="ta-card"' in markup and FALLBACK not in markup
    for part in ("What would change the level", "Signs of Safety map", "You rated the situation 2/10.",
                 "Consultation recorded for Alex Reid, Health visitor.", "Source: "):
        assert part in markup, part


def test_the_fallback_shows_the_payloads_own_text_as_text_and_short():
    said = f"{HTML} Call the front door on 01782 235100. " + "y" * 5000
    broken = {"type": "threshold_recommendation", "text": said}
    [markup] = draw([{"custom": broken}])
    assert FALLBACK in markup
    assert "&lt;img src=x onerror=" in markup and "&lt;script&gt;alert(2)" in markup
    assert "<img" not in markup and "<script" not in markup
    assert "01782 235100" in markup and "y" * 1000 not in markup, "shown, cut short"
    [markup] = draw([{"custom": {"type": "threshold_recommendation", "text": {"html": HTML}}}])
    assert FALLBACK in markup and "onerror" not in markup, "only a plain string is shown"


def test_html_and_script_urls_in_a_good_payload_stay_text(payloads):
    payload = copy.deepcopy(payloads["stoke"])
    payload["why"] = HTML
    payload["next_steps"][0]["web"] = ["javascript:alert(3)", "www.stoke.gov.uk/safeguarding"]
    [markup] = draw([{"custom": payload}])
    assert 'class="ta-card"' in markup
    assert "<img" not in markup and "<script" not in markup and "&lt;script&gt;" in markup
    assert "javascript:" not in markup, "a script address is not shown as a link"
    assert 'href="https://www.stoke.gov.uk/safeguarding"' in markup


@pytest.mark.parametrize("custom", [None, 5, "threshold_recommendation", [], {"type": "other", "x": None}])
def test_other_custom_messages_are_shown_as_text(custom):
    [markup] = draw([{"custom": custom}])
    assert markup.startswith('<div class="rw-response">') and FALLBACK not in markup


@pytest.mark.parametrize(("slug", "name"), [("bedford_borough", "Bedford Borough"), ("cumbria", "Cumbria")])
def test_no_published_number_draws_the_national_lines_as_tap_to_call(authorities, slug, name):
    """Bedford Borough's MASH and Cumbria's hubs have no published number: the web card still gives
    something to ring, under a heading that says whose it is."""
    from tests.channels.test_adaptive_card import SHE_GOES_HOME, statutory_payload

    payload = statutory_payload(authorities, slug, SHE_GOES_HOME)
    [markup] = draw([{"custom": payload}])
    markup = html.unescape(markup)  # react-dom escapes the apostrophe, the stub renderer does not
    assert 'class="ta-card"' in markup and FALLBACK not in markup
    # The short part first: a national line to ring now, said to be national (999 only with danger).
    short, details = markup.split('<div class="ta-details">')
    said = re.findall(r'<li>([^<]*)<a class="ta-contact ta-phone" href="(tel:[^"]*)"', short)
    assert said and all("(national)" in who and tel in ("tel:101", "tel:08088005000") for who, tel in said)
    heading = details.index(f"National lines you can ring now, not {name}'s")
    assert details.index(f"{name}'s document publishes no phone number for these routes.") < heading
    calls = [m.start() for m in re.finditer(r'href="tel:', details)]
    assert sorted(re.findall(r'href="(tel:[^"]*)"', details)) == ["tel:08088005000", "tel:101", "tel:999"]
    assert calls and min(calls) > heading, "every number in the details is under the national heading"
    assert 'href="mailto:help@nspcc.org.uk"' in markup


def test_an_authority_with_its_own_number_draws_no_national_lines(authorities):
    from tests.channels.test_adaptive_card import SHE_GOES_HOME, statutory_payload

    payload = statutory_payload(authorities, "stoke_on_trent", SHE_GOES_HOME)
    [markup] = draw([{"custom": payload}])
    assert "ta-national" not in markup and "National lines" not in markup
    own = {f"tel:{re.sub(r'[^0-9+]', '', p)}" for s in payload["next_steps"] for p in s["phones"]}
    assert own and set(re.findall(r'href="(tel:[^"]*)"', markup)) == own, "its own number, nothing national"
