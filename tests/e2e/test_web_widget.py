"""The web page in a real browser (Debian's headless Chromium, driven by Playwright), against the
running assistant: a named practitioner, an authority chosen with the keyboard, a worry, the
questions skipped, the recommendation card with a published number to tap, and a reload that
keeps the conversation. Saves the card's screenshot to build/screenshots/.

Also over socket.io without a browser: a message with no practitioner goes no further."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import socketio
from playwright.sync_api import Page, expect, sync_playwright

from bot.channels.web import NAME_FIRST, with_phone_links
from tests.actions.conftest import published
from tests.e2e.triage_paths import TRIAGE_PATHS, expected_level
from threshold_kb import loader
from threshold_kb.config import PROJECT_ROOT
from threshold_kb.triage.qualifiers import qualifiers

pytestmark = pytest.mark.e2e
SCREENSHOTS = PROJECT_ROOT / "build" / "screenshots"
WORRY = "Year 4 boy, bruise on his cheek again, says he fell, mum didn't turn up to parents evening"
SAM = {"name": "Sam Okafor", "role": "Class teacher", "organisation": "Oak Primary"}
# The flags Chromium needs here: as root (no sandbox), and with no calls home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make test-e2e` (scripts/chromium.sh installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, stack):
    # Tall enough for the whole card to fit in the conversation pane, for its screenshot.
    context = browser.new_context(viewport={"width": 1000, "height": 2600})
    opened = context.new_page()
    opened.outside = []  # responses from anywhere but the assistant itself: there must be none
    base = f"http://127.0.0.1:{stack.rasa_port}"
    opened.on("response", lambda r: None if r.url.startswith((base, "data:")) else opened.outside.append(r.url))
    yield opened
    context.close()


def chat_url(stack) -> str:
    return f"http://127.0.0.1:{stack.rasa_port}/chat/"


def sign_in(page: Page) -> None:
    expect(page.get_by_role("heading", name="Who is asking?")).to_be_visible()
    page.get_by_label("Your name").fill(SAM["name"])
    page.get_by_label("Your role").fill(SAM["role"])
    page.get_by_label("Your organisation").fill(SAM["organisation"])
    page.get_by_role("button", name="Start").click()


def answer_questions_until_the_card(page: Page, titles: tuple[str, ...] = ("Yes",)) -> int:
    """Press, for each question, the first of `titles` it offers (else "Skip the rest"); returns
    how many questions were answered."""
    card = page.locator(".ta-card")
    asked = 0
    for _ in range(5):  # at most the age and three triage questions
        question = page.get_by_role("button", name="Skip the rest", exact=True)
        expect(question.or_(card).first).to_be_visible(timeout=90_000)
        if card.count():
            return asked
        answered = page.locator(".rw-message").count()
        offered = [page.get_by_role("button", name=t, exact=True) for t in titles]
        button = next((b.last for b in offered if b.count()), question.last)
        button.click()
        asked += 1
        expect(page.locator(".rw-message")).not_to_have_count(answered, timeout=90_000)
    expect(card).to_be_visible(timeout=90_000)
    return asked


def contrast(page: Page, selector: str) -> float:
    """WCAG contrast ratio of an element's text colour on the nearest background colour."""
    return page.evaluate(
        """(selector) => {
          const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
          const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 :
            Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
          let el = document.querySelector(selector);
          const fg = rgb(getComputedStyle(el).color);
          while (el && (getComputedStyle(el).backgroundColor === 'rgba(0, 0, 0, 0)')) el = el.parentElement;
          const bg = el ? rgb(getComputedStyle(el).backgroundColor) : [255, 255, 255];
          const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
          return (a + 0.05) / (b + 0.05);
        }""",
        selector,
    )


def test_a_named_consultation_ends_in_a_card_with_a_number_to_tap_and_survives_a_reload(page, stack):
    page.goto(chat_url(stack))
    sign_in(page)
    expect(page.get_by_text(f"Consulting as {SAM['name']}, {SAM['role']}, {SAM['organisation']}")).to_be_visible()
    expect(page.get_by_text(f"Hello {SAM['name']}.")).to_be_visible(timeout=90_000)

    # The authority, chosen from the keyboard.
    stoke = page.get_by_role("button", name="Stoke-on-Trent")
    stoke.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Using Stoke-on-Trent's document")).to_be_visible(timeout=90_000)

    message = page.get_by_role("textbox", name="Your message")
    message.fill(WORRY)
    page.keyboard.press("Enter")
    answer_questions_until_the_card(page, ("Yes",))

    card = page.locator(".ta-card")
    expect(card.locator(".ta-level-name")).to_have_text(re.compile(r"^Level \d: "))
    # The answer first; the reasons and what to record open on demand.
    expect(card.locator(".ta-short")).to_contain_text(re.compile(r"Stoke-on-Trent: Level \d: "))
    card.locator("summary", has_text="Why this level").click()
    card.locator("summary", has_text="What to record").click()
    expect(card.locator("q").first).to_be_visible()
    stoke_contacts = published([loader.bundled_authority("stoke_on_trent")])
    phones = card.locator("a[href^='tel:']")
    expect(phones.first).to_be_visible()
    for i in range(phones.count()):
        shown, href = phones.nth(i).text_content(), phones.nth(i).get_attribute("href")  # some in closed sections
        assert shown in stoke_contacts, f"{shown} is not a number Stoke-on-Trent's document publishes"
        assert href == "tel:" + re.sub(r"[^\d+]", "", shown)
    expect(card).to_contain_text(f"Consultation recorded for {SAM['name']}, {SAM['role']}, {SAM['organisation']}.")
    expect(card.get_by_role("heading", name="What to record")).to_be_visible()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=str(SCREENSHOTS / "recommendation-card.png"))
    page.screenshot(path=str(SCREENSHOTS / "web-page.png"))

    # The consultation record: its reference, downloaded as a PDF, and printed.
    summary = card.locator("summary", has_text="Your record")
    reference = re.search(r"TA-[0-9A-Z]{4}-[0-9A-Z]{4}", summary.inner_text()).group(0)
    summary.click()
    record_text = card.locator(".ta-record-text").inner_text()
    assert record_text.startswith(f"Consultation record {reference}") and SAM["name"] in record_text
    with page.expect_download() as download:
        card.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename == f"consultation-record-{reference}.pdf"
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-1.4") and f"(Consultation record {reference}) Tj".encode() in pdf
    printed = page.context.new_page()
    printed.goto(chat_url(stack))
    printed.evaluate("([r, t]) => window.ThresholdsCard.recordPrintPage(document, r, t)", [reference, record_text])
    printed.emulate_media(media="print")
    assert printed.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth"), "nothing cut off the side"
    printed.screenshot(path=str(SCREENSHOTS / "record-printed.png"), full_page=True)
    printed.pdf(path=str(SCREENSHOTS / "record-printed.pdf"), format="A4")
    printed.close()

    # The practitioner is stored with the consultation, on the server.
    session_id = page.evaluate("() => JSON.parse(sessionStorage.getItem('chat_session')).session_id")
    tracker = stack.tracker(stack.web_conversation(session_id))
    assert {k: tracker["slots"]["practitioner"][k] for k in SAM} == SAM
    assert all(e["metadata"]["practitioner"]["name"] == SAM["name"] for e in tracker["events"] if e["event"] == "user")

    page.reload()
    expect(page.locator(".ta-card")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(WORRY, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Who is asking?")).to_be_hidden()
    assert page.evaluate("() => JSON.parse(sessionStorage.getItem('chat_session')).session_id") == session_id
    assert page.outside == [], f"the page fetched from elsewhere: {page.outside}"


def test_the_widget_is_labelled_announces_new_messages_and_reads_clearly(page, stack):
    page.goto(chat_url(stack))
    kept = page.locator(".practitioner-form .kept-text")
    expect(kept).to_contain_text("deleted 30 days after its last message")  # the server's setting, before sign-in
    expect(kept).to_contain_text("record 365 days after it is made")
    sign_in(page)
    expect(page.get_by_role("button", name="Stoke-on-Trent")).to_be_visible(timeout=90_000)
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("textbox", name="Your message")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_be_attached()
    for selector in (".rw-response", ".rw-reply", ".page-header h1"):
        assert contrast(page, selector) >= 4.5, f"{selector} text is below 4.5:1 contrast"
    # Every choice can be reached with Tab.
    replies = page.locator(".rw-reply")
    assert replies.count() == 5
    assert all(replies.nth(i).get_attribute("tabindex") == "0" for i in range(replies.count()))


def test_a_signed_in_practitioner_is_not_asked_who_they_are(browser, stack):
    headers = {"X-Practitioner-Name": "Alex Reid", "X-Practitioner-Role": "Health visitor",
               "X-Practitioner-Organisation": "North Cumbria Health"}
    context = browser.new_context(extra_http_headers=headers)
    try:
        page = context.new_page()
        page.goto(chat_url(stack))
        expect(page.get_by_text("Consulting as Alex Reid, Health visitor, North Cumbria Health")).to_be_visible()
        expect(page.get_by_role("heading", name="Who is asking?")).to_be_hidden()
        expect(page.get_by_role("button", name="Not you? Change")).to_be_hidden()
        expect(page.get_by_text("Hello Alex Reid.")).to_be_visible(timeout=90_000)
    finally:
        context.close()


def test_a_socket_message_without_a_practitioner_goes_no_further(stack):
    async def exchange() -> list[dict]:
        client, replies, confirmed = socketio.AsyncClient(), [], asyncio.Event()
        client.on("session_confirm", lambda *_: confirmed.set())
        client.on("bot_uttered", lambda data: replies.append(data))
        url = f"http://127.0.0.1:{stack.rasa_port}"
        await client.connect(url, socketio_path="/socket.io", transports=["websocket"])
        try:
            await client.emit("session_request", {"session_id": "anonymous-web"})
            await asyncio.wait_for(confirmed.wait(), 30)
            await client.emit("user_uttered", {"message": "bruise on his cheek again", "session_id": "anonymous-web"})
            for _ in range(300):
                if replies:
                    break
                await asyncio.sleep(0.1)
        finally:
            await client.disconnect()
        return replies

    # In a thread of its own: Playwright's sync API keeps an event loop marked running in this one.
    with ThreadPoolExecutor(1) as thread:
        replies = thread.submit(asyncio.run, exchange()).result(timeout=120)
    assert [r.get("text") for r in replies] == [with_phone_links(NAME_FIRST)]  # 999 to tap, as in every message
    with sqlite3.connect(stack.database) as db:
        stored = [json.loads(d).get("text") for (d,) in db.execute("SELECT data FROM events WHERE type_name = 'user'")]
    assert "bruise on his cheek again" not in stored, "an unnamed message reached the assistant"


def test_the_buttons_lead_to_the_documents_level_in_at_most_three_questions(page, stack):
    """A Level 2 worry in Stoke-on-Trent, answered by pressing the question buttons."""
    page.goto(chat_url(stack))
    sign_in(page)
    expect(page.get_by_text(f"Hello {SAM['name']}.")).to_be_visible(timeout=90_000)
    page.get_by_role("button", name="Stoke-on-Trent").click()
    expect(page.get_by_text("Using Stoke-on-Trent's document")).to_be_visible(timeout=90_000)
    page.get_by_role("textbox", name="Your message").fill(
        "I'm worried about a yr 3 girl who is often tired in class. Mum is working with us, no support in place yet"
    )
    page.keyboard.press("Enter")
    expect(page.get_by_text("question 1 of")).to_be_visible(timeout=90_000)
    asked = answer_questions_until_the_card(page, ("No", "Noticeably", "My service can"))
    assert 1 <= asked <= 3
    card = page.locator(".ta-card")
    expect(card.locator(".ta-level-name")).to_have_text(re.compile(r"^Level 2: "))
    card.locator("summary", has_text="Why this level").click()
    expect(card.get_by_role("heading", name="What would change the level")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=str(SCREENSHOTS / "triage-level-2-card.png"))


AUTHORITIES = {a.slug: a for a in loader.load_all()}


@pytest.mark.parametrize("path", sorted(TRIAGE_PATHS))
@pytest.mark.parametrize("slug", sorted(AUTHORITIES))
def test_every_authority_reaches_each_level_through_the_buttons(page, stack, slug, path):
    """In the page, for every authority and level: the question read from the page, the button for
    the case's answer pressed, at most three questions, then the card at the document's level."""
    worry, facts, _ = TRIAGE_PATHS[path]
    authority = AUTHORITIES[slug]
    page.goto(chat_url(stack))
    sign_in(page)
    expect(page.get_by_text(f"Hello {SAM['name']}.")).to_be_visible(timeout=90_000)
    page.get_by_role("button", name=authority.name, exact=True).click()
    expect(page.get_by_text(f"Using {authority.name}'s document")).to_be_visible(timeout=90_000)
    page.get_by_role("textbox", name="Your message").fill(worry)
    page.keyboard.press("Enter")
    card, age = page.locator(".ta-card"), page.get_by_text("How old is the child?")
    asked: list[str] = []
    age_given = False
    for _ in range(5):
        # The next thing to answer: question n, the age (once), or the card.
        question = page.get_by_text(re.compile(rf"question {len(asked) + 1} of \d"))
        waiting = card.or_(question) if age_given else card.or_(question).or_(age)
        expect(waiting.first).to_be_visible(timeout=90_000)
        if card.count():
            break
        if not age_given and age.count() and not question.count():
            page.get_by_role("textbox", name="Your message").fill("8")
            page.keyboard.press("Enter")
            age_given = True
            continue
        latest = question.last.inner_text()
        matching = [q for q in qualifiers().values() if q.text in latest]
        assert len(matching) == 1, f"not one question in: {latest!r}"
        asked.append(matching[0].name)
        assert len(asked) <= 3, f"more than three questions: {asked}"
        title = matching[0].value(facts[matching[0].name]).title
        page.get_by_role("button", name=title, exact=True).last.click()
    expect(card).to_be_visible(timeout=90_000)
    label = authority.level(expected_level(path, slug)).label
    assert asked, "an open worry asks at least one question"
    expect(card.locator(".ta-level-name")).to_have_text(re.compile("^" + re.escape(label)))
