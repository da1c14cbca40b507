"""The web page on a phone (390 x 844 and 320 wide) and a desktop (1280 x 900), in headless
Chromium against the running assistant (issue 16): the answer first (the card's short part, at
most about 60 words, with the level, what to do now and a number to tap), sections opened from the
keyboard, no sideways scroll, 44 x 44 touch targets, replies drawn as soon as they arrive (no
pretend typing), focus kept in the conversation after a button, "Question n of m", a "New
consultation" that keeps the practitioner, and axe-core with no serious or critical violations.

One consultation in one page, checked step by step, to keep the e2e phase short. Screenshots go
to build/screenshots/phone-*.png and desktop-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_web_widget import SAM, SCREENSHOTS, browser, chat_url, sign_in  # noqa: F401 (fixture)
from threshold_kb.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e
AXE = PROJECT_ROOT / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# Statutory once answered "Yes": Stoke-on-Trent then always has a number open (in or out of hours).
WORRY = "Year 4 boy, bruise on his cheek again, says he fell, mum didn't turn up to parents evening"
PHONE, NARROW, DESKTOP = {"width": 390, "height": 844}, {"width": 320, "height": 700}, {"width": 1280, "height": 900}
# Records when each bot message arrives on the socket (WebSocket or polling) and when each message
# is drawn, on the page's own clock.
TIMING = """
(() => {
  const t = window.__ta = { frames: [], drawn: [] };
  const count = (s) => (typeof s === 'string' ? (s.match(/"bot_uttered"/g) || []).length : 0);
  const note = (s) => { for (let i = count(s); i > 0; i--) t.frames.push(performance.now()); };
  const W = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new W(...args);
    ws.addEventListener('message', (e) => note(e.data));
    return ws;
  };
  Object.assign(window.WebSocket, W); window.WebSocket.prototype = W.prototype;
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (...args) {
    this.addEventListener('load', () => note(this.responseText));
    return open.apply(this, args);
  };
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType === 1 && n.matches('.rw-message') && n.querySelector('.rw-response, .ta-card')) {
        t.drawn.push(performance.now());
      }
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""


@pytest.fixture(scope="module")
def phone(browser, stack):  # noqa: F811 (the browser fixture, imported)
    # bypass_csp: for axe-core, added to the page as a script by the test (never by the page).
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                  bypass_csp=True)
    context.add_init_script(TIMING)
    page = context.new_page()
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def start_timing(page: Page) -> None:
    page.evaluate("() => { window.__ta.frames = []; window.__ta.drawn = []; }")


def drawn_late(page: Page) -> float:
    """How long after the last message arrived on the socket (since start_timing) the last message
    was drawn, in ms: the widget's typing delay would add 0.8-3 s a message."""
    t = page.evaluate("() => window.__ta")
    assert t["frames"] and t["drawn"], t
    return max(t["drawn"]) - max(t["frames"])


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in found if v["impact"] in ("serious", "critical")]


def small_targets(page: Page) -> list[str]:
    """Visible buttons and links in the header and the conversation smaller than 44 x 44 px."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '.page-header a, .page-header button, #chat a, #chat button, #chat [role=button], #chat summary')]
      .filter((e) => e.offsetParent !== null && !e.closest('.ta-more:not([open]) .ta-more-body'))
      .map((e) => [e, e.getBoundingClientRect()])
      .filter(([e, r]) => r.width < 44 - 0.5 || r.height < 44 - 0.5)
      .map(([e, r]) => `${e.tagName} "${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)}" `
        + `${Math.round(r.width)}x${Math.round(r.height)}`)""")


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


def focus_in_conversation(page: Page) -> bool:
    return page.evaluate("() => document.getElementById('chat').contains(document.activeElement)")


def test_on_a_phone_the_answer_comes_first_and_every_control_is_reachable(phone: Page, stack):
    page = phone
    page.goto(chat_url(stack))
    sign_in(page)
    expect(page.get_by_text(f"Hello {SAM['name']}.")).to_be_visible(timeout=90_000)
    header = page.locator(".page-header").bounding_box()
    assert header["height"] <= 110, f"the header takes {header['height']} px of a 844 px phone"
    expect(page.get_by_role("button", name="Send")).to_be_visible()

    page.get_by_role("button", name="Stoke-on-Trent").tap()
    expect(page.get_by_text("Using Stoke-on-Trent's document")).to_be_visible(timeout=90_000)
    assert focus_in_conversation(page), "focus left the conversation after a tapped button"
    page.get_by_role("textbox", name="Your message").fill(WORRY)
    page.keyboard.press("Enter")
    start_timing(page)

    # The questions: "Question n of m" shown; the first answered from the keyboard (focus then goes
    # back to the message box), the rest tapped.
    card = page.locator(".ta-card")
    progress = page.locator(".ta-progress")
    expect(progress.first.or_(card).first).to_be_visible(timeout=90_000)
    asked = 0
    for _ in range(4):
        if card.count():
            break
        expect(progress.last).to_have_attribute("data-progress", re.compile(rf"^Question {asked + 1} of \d$"))
        if asked == 0:
            shot(page, "phone-question-progress")
        answered = page.locator(".rw-message").count()
        choice = next((b.last for t in ("Yes",)
                       if (b := page.get_by_role("button", name=t, exact=True)).count()),
                      page.get_by_role("button", name="Skip the rest", exact=True).last)
        if asked == 0:
            choice.focus()
            page.keyboard.press("Enter")
            expect(page.get_by_role("textbox", name="Your message")).to_be_focused()
        else:
            choice.tap()
            assert focus_in_conversation(page)
        asked += 1
        start_timing(page)
        expect(page.locator(".rw-message")).not_to_have_count(answered, timeout=90_000)
        expect(progress.nth(asked).or_(card).first).to_be_visible(timeout=90_000)
    expect(card).to_be_visible(timeout=90_000)
    assert 1 <= asked <= 3

    # Drawn as soon as it arrived: no typing delay (rasa-webchat's default waits 0.8-3 s a message).
    page.wait_for_timeout(300)
    late = drawn_late(page)
    assert late < 1000, f"the card was drawn {late:.0f} ms after it arrived"

    # The answer first: the short part, with the level, what to do now and a number to tap.
    short = card.locator(".ta-short")
    words = short.inner_text().split()
    assert len(words) <= 62, f"{len(words)} words before the details: {' '.join(words)}"
    expect(short.locator(".ta-level-head")).to_contain_text(re.compile(r"Stoke-on-Trent: Level \d: "))
    expect(short).to_contain_text("Do now:")
    expect(short.locator("a[href^='tel:']").first).to_be_visible()
    expect(card.locator(".ta-more-body").first).to_be_hidden()  # closed: not shown, not announced
    # The page is at the top of the card, not its end.
    box, pane = card.bounding_box(), page.locator(".rw-messages-container").bounding_box()
    at_end = page.evaluate("() => { const c = document.querySelector('.rw-messages-container');"
                           " return c.scrollTop + c.clientHeight >= c.scrollHeight - 2; }")
    assert box["y"] >= pane["y"] - 2, f"the card's top is scrolled out of view: {box['y']} < {pane['y']}"
    assert box["y"] <= pane["y"] + 40 or at_end, f"card top at {box['y']}, conversation at {pane['y']}"
    expect(page.locator(".danger-banner")).to_be_in_viewport(ratio=1)  # 999 never scrolled away
    shot(page, "phone-card-answer-first")

    # A section opened from the keyboard: Tab to it, Enter; another with Space.
    page.locator(".ta-card summary").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(page.locator(".ta-card summary").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(card.locator(".ta-more-why")).to_have_attribute("open", "")
    expect(card.get_by_role("heading", name="What would change the level")).to_be_visible()
    page.keyboard.press("Tab")
    while not page.evaluate("() => document.activeElement.tagName === 'SUMMARY'"):
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(card.locator(".ta-more-contacts")).to_have_attribute("open", "")
    shot(page, "phone-card-sections-open")

    assert small_targets(page) == [], "touch targets under 44 x 44 px"
    assert no_sideways_scroll(page)
    assert axe_violations(page) == []

    # 320 px wide: nothing wider than the screen.
    page.set_viewport_size(NARROW)
    card.locator(".ta-more-source summary").click()
    card.locator(".ta-more-record summary").click()
    assert no_sideways_scroll(page), "the page scrolls sideways at 320 px"
    assert small_targets(page) == []
    expect(page.locator(".danger-banner")).to_be_in_viewport(ratio=1)
    shot(page, "phone-320-card")

    # The desktop: the same card, nothing wider than the window, axe clean.
    page.set_viewport_size(DESKTOP)
    assert no_sideways_scroll(page)
    assert axe_violations(page) == []
    shot(page, "desktop-card")


def test_new_consultation_starts_over_and_keeps_the_practitioner(phone: Page, stack):
    page = phone
    page.set_viewport_size(PHONE)
    session_id = page.evaluate("() => JSON.parse(sessionStorage.getItem('chat_session')).session_id")
    start_timing(page)
    page.get_by_role("button", name="New consultation").tap()
    expect(page.get_by_text(re.compile(r"^New consultation: ")).last).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Still using Stoke-on-Trent's document").last).to_be_visible()
    expect(page.get_by_text(f"Consulting as {SAM['name']}, {SAM['role']}, {SAM['organisation']}")).to_be_visible()
    expect(page.get_by_role("heading", name="Who is asking?")).to_be_hidden()
    tracker = stack.tracker(stack.web_conversation(session_id))
    assert {k: tracker["slots"]["practitioner"][k] for k in SAM} == SAM
    assert tracker["slots"]["worry"] is None and tracker["slots"]["authority"] == "stoke_on_trent"
    page.wait_for_timeout(300)
    assert drawn_late(page) < 1000
    shot(page, "phone-new-consultation")
