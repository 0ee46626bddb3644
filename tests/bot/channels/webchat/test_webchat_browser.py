"""The web chat in real headless Chromium, against the real stack (launcher → action server + Rasa).

Needs Debian's chromium (/usr/bin/chromium, or $CHROMIUM) and axe-core in build/node (`make webchat-deps`).
Screenshots land in tests/output/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests import ROOT

pytestmark = pytest.mark.browser

OUTPUT = ROOT / "tests" / "output"
AXE = ROOT / "build" / "node" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ANSWER_TIMEOUT = 60_000  # ms: the first answers of a fresh stack are the slowest

STUDIES = "quelles études pour devenir directrice de communication ?"
CERTIFIER = "qui délivre le titre de chargé de communication ?"
CHOICE_360 = "Chargé(e) de communication 360°"

DEEP_FOCUS = """() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a ? (a.getAttribute('aria-label') || a.id || a.textContent.trim() || a.tagName) : null;
}"""
STORED = """() => {
  const key = Object.keys(localStorage).find(k => k.startsWith('orientation-webchat:'));
  return key ? JSON.parse(localStorage.getItem(key)) : null;
}"""


# -- fixtures ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stack(shared_stack, school):
    """The session's stack (tests/conftest.py): only the school's 127.0.0.1 origin is allowed there, so the
    same page on « localhost » is another origin."""
    school.widget_src = f"http://127.0.0.1:{shared_stack.rasa_port}/webchat/widget.js"
    return shared_stack


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"Chromium absent ({CHROMIUM}) : apt-get install chromium (make webchat-deps)"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo(stack) -> str:
    return f"http://127.0.0.1:{stack.rasa_port}/webchat/"


def new_page(browser, **options) -> Page:
    context = browser.new_context(locale="fr-FR", **({"viewport": {"width": 1280, "height": 800}} | options))
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.errors.append(f"dialog: {d.message}"), d.dismiss()))
    return page


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    errors = page.errors
    page.context.close()
    assert errors == []  # no script error, no alert() from an injected reply


# -- helpers -------------------------------------------------------------------------------------------
def launcher(page: Page):
    return page.get_by_role("button", name="Ouvrir la discussion")


def textbox(page: Page):
    return page.get_by_role("textbox", name="Ta question")


def open_widget(page: Page) -> None:
    launcher(page).click()
    expect(textbox(page)).to_be_focused()


def ask(page: Page, text: str) -> None:
    count = page.locator("orientation-webchat .msg.bot").count()
    textbox(page).fill(text)
    textbox(page).press("Enter")
    expect(page.locator("orientation-webchat .msg.bot")).to_have_count(count + 1, timeout=ANSWER_TIMEOUT)


def last_bot(page: Page):
    return page.locator("orientation-webchat .msg.bot").last


def screenshot(page: Page, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / name
    page.screenshot(path=str(path))
    print(f"capture d'écran : {path}")
    return path


# -- tests ---------------------------------------------------------------------------------------------
def test_webchat_demo_conversation_buttons_and_reload(page, demo):
    page.goto(demo)
    open_widget(page)
    expect(page.get_by_role("dialog", name="Assistant d'orientation")).to_be_visible()  # data-title
    expect(page.get_by_role("log", name="Conversation")).to_have_attribute("aria-live", "polite")

    ask(page, STUDIES)
    answer = last_bot(page)
    expect(answer).to_contain_text("Pour devenir directrice de communication")
    expect(answer).to_contain_text("• master mention communication des organisations")
    expect(answer.locator(".source")).to_have_text("Source : Onisep, fiche MET.650")
    # « • » lines stay lines: pre-line keeps the line breaks, so the answer is many lines high
    assert answer.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-line"
    assert answer.bounding_box()["height"] > 200

    ask(page, CERTIFIER)
    expect(last_bot(page)).to_contain_text("peut correspondre à plusieurs fiches")
    choices = page.get_by_role("group", name="Choix proposés").last.get_by_role("button")
    expect(choices).to_have_count(2)
    count = page.locator("orientation-webchat .msg.bot").count()
    page.get_by_role("button", name=CHOICE_360).click()
    expect(page.locator("orientation-webchat .msg.user").last).to_have_text("Vous : " + CHOICE_360)  # the title
    expect(page.locator("orientation-webchat .msg.bot")).to_have_count(count + 1, timeout=ANSWER_TIMEOUT)
    expect(last_bot(page)).to_contain_text("IPL (ISEFAC Paris Lille)")
    expect(last_bot(page).locator(".source")).to_have_text("Source : France Compétences, RNCP28684")
    expect(page.get_by_role("button", name=CHOICE_360)).to_be_disabled()  # a choice is made once

    # isolation: the page's hostile rules (red 40px text, hidden buttons) do not reach the widget
    style = last_bot(page).evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).fontSize]")
    assert style == ["rgb(30, 41, 59)", "15px"]
    assert page.locator("main > button").evaluate("e => getComputedStyle(e).display") == "none"
    expect(page.get_by_role("button", name="Envoyer")).to_be_visible()
    assert page.evaluate("() => [state, send, log, open, close]") == ["page"] * 5  # no global touched
    screenshot(page, "webchat.png")

    stored = page.evaluate(STORED)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", stored["id"])  # random
    assert len(stored["messages"]) == 6
    transcript = page.locator("orientation-webchat .log").inner_text()

    page.reload()
    open_widget(page)
    assert page.evaluate(STORED)["id"] == stored["id"]  # same conversation
    assert page.locator("orientation-webchat .log").inner_text() == transcript
    expect(page.get_by_role("button", name=CHOICE_360)).to_be_disabled()
    ask(page, "et quel est son niveau ?")  # the server side remembers the subject: same conversation id
    expect(last_bot(page)).to_contain_text("niveau 6")
    expect(last_bot(page).locator(".source")).to_have_text("Source : France Compétences, RNCP28684")


def press_choice(page: Page, name: str) -> None:
    """Click the latest choice button `name` and wait for the answer it brings."""
    count = page.locator("orientation-webchat .msg.bot").count()
    page.get_by_role("group", name="Choix proposés").last.get_by_role("button", name=name, exact=True).click()
    expect(page.locator("orientation-webchat .msg.bot")).to_have_count(count + 1, timeout=ANSWER_TIMEOUT)


def test_webchat_exploration_by_buttons(page, demo):
    """« je ne sais pas quoi faire » → an interest → « C'est tout » → a sector → « peu importe » → jobs, one
    opened."""
    page.goto(demo)
    open_widget(page)
    ask(page, "je ne sais pas quoi faire plus tard")
    expect(last_bot(page)).to_contain_text("centres d'intérêt")
    interest = page.get_by_role("group", name="Choix proposés").last.get_by_role("button").first.inner_text()
    press_choice(page, interest)
    expect(last_bot(page)).to_contain_text("Noté : " + interest[:1].lower() + interest[1:])
    press_choice(page, "C'est tout")
    expect(last_bot(page)).to_contain_text("secteur d'activité")
    sector = page.get_by_role("group", name="Choix proposés").last.get_by_role("button").first.inner_text()
    press_choice(page, sector)
    expect(last_bot(page)).to_contain_text("Combien de temps")
    press_choice(page, "peu importe")
    expect(last_bot(page)).to_contain_text("Des métiers pour toi")
    expect(last_bot(page)).to_contain_text("secteur : " + sector.rsplit(" (", 1)[0])
    expect(last_bot(page).locator(".source")).to_contain_text("Onisep")
    jobs = page.get_by_role("group", name="Choix proposés").last.get_by_role("button")
    first = jobs.first.inner_text()
    press_choice(page, first)
    expect(last_bot(page)).to_contain_text(re.compile(re.escape(first), re.IGNORECASE))
    screenshot(page, "webchat-exploration.png")


def test_webchat_keyboard_only(page, demo):
    page.goto(demo)
    for _ in range(40):  # Tab through the page until the launcher
        page.keyboard.press("Tab")
        if page.evaluate(DEEP_FOCUS) == "Ouvrir la discussion : Assistant d'orientation":
            break
    else:
        pytest.fail("le bouton d'ouverture n'est pas atteignable au clavier")
    page.keyboard.press("Enter")
    assert page.evaluate(DEEP_FOCUS) == "orientation-webchat-input"  # focus moved to the input
    page.keyboard.type(STUDIES)
    page.keyboard.press("Enter")
    expect(last_bot(page).locator(".source")).to_have_text("Source : Onisep, fiche MET.650", timeout=ANSWER_TIMEOUT)
    page.keyboard.type(CERTIFIER)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=CHOICE_360)).to_be_visible(timeout=ANSWER_TIMEOUT)
    for _ in range(5):  # back from the input to the proposed choices
        page.keyboard.press("Shift+Tab")
        if page.evaluate(DEEP_FOCUS) == CHOICE_360:
            break
    else:
        pytest.fail("les boutons de choix ne sont pas atteignables au clavier")
    page.keyboard.press("Enter")
    expect(last_bot(page)).to_contain_text("IPL (ISEFAC Paris Lille)", timeout=ANSWER_TIMEOUT)
    assert page.evaluate(DEEP_FOCUS) == "orientation-webchat-input"  # back to the input after a choice

    seen = []
    for _ in range(12):  # the header controls are reachable too
        page.keyboard.press("Shift+Tab")
        seen.append(page.evaluate(DEEP_FOCUS))
    assert "Nouvelle conversation" in seen and "Fermer la discussion" in seen

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert page.evaluate(DEEP_FOCUS) == "Ouvrir la discussion : Assistant d'orientation"  # focus returns
    page.keyboard.press("Enter")
    assert page.evaluate(DEEP_FOCUS) == "orientation-webchat-input"
    expect(last_bot(page)).to_contain_text("IPL (ISEFAC Paris Lille)")


def run_axe(page: Page) -> dict:
    assert AXE.exists(), f"axe-core absent ({AXE}) : make webchat-deps"
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => await axe.run({include: [['orientation-webchat']]},
        {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")


def serious(results: dict) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def test_webchat_axe_finds_no_serious_violation(page, demo):
    page.goto(demo)
    results = run_axe(page)  # closed: the launcher alone
    assert serious(results) == []
    open_widget(page)
    ask(page, CERTIFIER)  # an answer with buttons
    page.route("**/webchat/webhook", lambda route: route.abort("connectionrefused"))
    textbox(page).fill("et quel est son niveau ?")
    textbox(page).press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Impossible de joindre l'assistant")  # the error state too
    results = run_axe(page)
    assert serious(results) == []
    # axe did look inside the shadow root: it checked the contrast of the messages and the buttons' names
    passed = {rule["id"]: rule["nodes"] for rule in results["passes"]}
    assert len(passed["color-contrast"]) >= 8 and len(passed["button-name"]) >= 5
    assert all(isinstance(n["target"][0], list) for n in passed["button-name"])  # shadow DOM targets
    assert "aria-allowed-attr" in passed and "label" in passed


def test_webchat_phone_layout(browser, demo):
    page = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                    device_scale_factor=2)
    try:
        page.goto(demo)
        launcher(page).tap()
        panel = page.get_by_role("dialog")
        expect(panel).to_be_visible()
        assert panel.bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}  # full screen
        ask(page, STUDIES)
        expect(last_bot(page).locator(".source")).to_have_text("Source : Onisep, fiche MET.650")
        assert page.locator("orientation-webchat .log").evaluate("e => e.scrollWidth <= e.clientWidth")
        screenshot(page, "webchat-phone.png")
        assert page.errors == []
    finally:
        page.context.close()


def test_webchat_server_unreachable_keeps_the_message(page, demo):
    page.goto(demo)
    open_widget(page)
    waiting = []

    def refuse(route):
        waiting.append((page.locator("orientation-webchat .typing").is_visible(),
                        page.get_by_role("status").text_content()))
        route.abort("connectionrefused")

    page.route("**/webchat/webhook", refuse)
    textbox(page).fill(STUDIES)
    textbox(page).press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Impossible de joindre l'assistant")
    assert waiting == [(True, "L'assistant écrit…")]  # the typing indicator while the request was out
    expect(page.locator("orientation-webchat .typing")).to_be_hidden()
    expect(page.locator("orientation-webchat .msg.user.failed")).to_contain_text(STUDIES)
    expect(page.locator("orientation-webchat .msg.user.failed")).to_contain_text("Non envoyé")
    screenshot(page, "webchat-error.png")

    page.reload()  # still unreachable: the unsent message survives a reload
    open_widget(page)
    expect(page.locator("orientation-webchat .msg.user.failed")).to_contain_text(STUDIES)
    expect(alert).to_be_visible()

    page.unroute("**/webchat/webhook")
    page.get_by_role("button", name="Réessayer").click()
    expect(last_bot(page).locator(".source")).to_have_text("Source : Onisep, fiche MET.650", timeout=ANSWER_TIMEOUT)
    expect(page.locator("orientation-webchat .msg.user.failed")).to_have_count(0)
    expect(alert).to_be_hidden()
    assert [m.get("status") for m in page.evaluate(STORED)["messages"]] == [None, None]


def test_webchat_html_is_shown_as_text(page, demo):
    page.goto(demo)
    open_widget(page)
    count = page.locator("orientation-webchat .msg.bot").count()
    textbox(page).fill("quelles études pour devenir <script>alert(1)</script> ?")  # the assistant echoes the words
    textbox(page).press("Enter")
    expect(page.locator("orientation-webchat .msg.user").last).to_contain_text("<script>alert(1)</script>")
    # The answer names what it understood (an unknown mention, or the job « scripte »), in one message or two: as text.
    expect(page.locator("orientation-webchat .msg.bot").nth(count)).to_contain_text("script", timeout=ANSWER_TIMEOUT)
    expect(page.locator("orientation-webchat .typing")).to_be_hidden()
    expect(page.locator("orientation-webchat .msg.bot").locator("script, img")).to_have_count(0)

    reply = [{"text": "<img src=x onerror=\"window.pwned=1\"><b>gras</b>\n• ligne\nSource : <i>test</i>",
              "buttons": [{"title": "<img src=y onerror=\"window.pwned=2\">", "payload": "/restart"}]}]
    page.route("**/webchat/webhook", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(reply),
        headers={"Access-Control-Allow-Origin": "*"}))
    ask(page, "une réponse piégée")
    expect(last_bot(page)).to_contain_text('<img src=x onerror="window.pwned=1"><b>gras</b>')
    expect(last_bot(page).locator(".source")).to_have_text("Source : <i>test</i>")
    expect(page.get_by_role("button", name='<img src=y onerror="window.pwned=2">')).to_be_visible()
    page.wait_for_timeout(300)
    root = "document.querySelector('orientation-webchat').shadowRoot"
    assert page.evaluate(f"() => {root}.querySelectorAll('script, img, b, i').length") == 0
    assert page.evaluate("() => document.querySelectorAll('img, b, i').length") == 0
    assert page.evaluate("() => window.pwned") is None


def test_webchat_refused_message_goes_back_to_the_input(page, demo):
    page.goto(demo)
    open_widget(page)
    page.route("**/webchat/webhook", lambda route: route.fulfill(
        status=413, content_type="application/json",
        body=json.dumps({"error": "Message trop long : raccourcis ta question, s'il te plaît."})))
    textbox(page).fill("une question bien trop longue")
    textbox(page).press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Message trop long : raccourcis ta question, s'il te plaît.")
    expect(page.get_by_role("button", name="Réessayer")).to_be_hidden()  # nothing to retry: edit instead
    expect(textbox(page)).to_have_value("une question bien trop longue")
    expect(page.locator("orientation-webchat .msg.user")).to_have_count(0)
    assert page.evaluate(STORED)["messages"] == []


def test_webchat_new_conversation(page, demo):
    page.goto(demo)
    open_widget(page)
    ask(page, CERTIFIER)
    old = page.evaluate(STORED)["id"]
    page.get_by_role("button", name="Nouvelle conversation").click()
    expect(textbox(page)).to_be_focused()
    stored = page.evaluate(STORED)
    assert stored["id"] != old and stored["messages"] == []
    expect(page.locator("orientation-webchat .msg")).to_have_count(1)  # the greeting alone
    expect(page.get_by_role("group", name="Exemples de questions")).to_be_visible()
    page.get_by_role("button", name="Que sais-tu faire ?").click()  # an example question is a button too
    expect(page.locator("orientation-webchat .msg.user")).to_have_text(["Vous : Que sais-tu faire ?"])
    answer = page.locator("orientation-webchat .msg.bot").filter(has_text="Ma base contient")
    expect(answer).to_have_count(1, timeout=ANSWER_TIMEOUT)


def test_webchat_cross_origin_embed(browser, stack, school):
    # an allowed school origin: the browser's CORS preflight and request go through the real Rasa
    page = new_page(browser)
    try:
        page.goto(school.url("127.0.0.1"))
        expect(page.get_by_role("button", name="Ouvrir la discussion : Orientation au collège")).to_be_visible()
        open_widget(page)
        ask(page, STUDIES)
        expect(last_bot(page).locator(".source")).to_have_text("Source : Onisep, fiche MET.650")
        assert page.errors == []
    finally:
        page.context.close()
    # the same page served to another origin: the browser gets no answer, the widget says so in French
    page = new_page(browser)
    try:
        page.goto(school.url("localhost"))
        open_widget(page)
        textbox(page).fill(STUDIES)
        textbox(page).press("Enter")
        expect(page.get_by_role("alert")).to_contain_text("Impossible de joindre l'assistant")
    finally:
        page.context.close()
    request = urllib.request.Request(f"http://127.0.0.1:{stack.rasa_port}/webchat/webhook", method="OPTIONS",
                                     headers={"Origin": school.url("localhost").rstrip("/"),
                                              "Access-Control-Request-Method": "POST"})
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(request, timeout=10)
    assert denied.value.code == 403
