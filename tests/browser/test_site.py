"""The registry as a whole in the browser: logging in and out (and Back afterwards), every page in
Swedish, Norwegian and English, the core forms without JavaScript, and the focus indicator."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from registry.demo import DEMO_PASSWORD
from registry.i18n import translations

pytestmark = pytest.mark.browser

# The staff pages a logged-in person reaches from the main navigation and from them.
PAGES = [
    "/",
    "/areas",
    "/areas/infrastruktur",
    "/departments",
    "/departments/it",
    "/needs",
    "/needs/1",
    "/needs/1/scores",
    "/needs/import",
    "/intake",
    "/my/needs",
    "/priorities",
    "/areas/infrastruktur/priorities",
    "/meetings",
    "/graph",
    "/processes",
    "/benefits",
    "/decisions",
    "/my/decisions",
    "/people",
    "/changes",
    "/strategy",
    "/me",
]


def _(language: str, message: str) -> str:
    return translations(language).gettext(message)


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.locator("#field-username").fill(username)
    page.locator("#field-password").fill(password)
    page.locator("main form button[type=submit]").click()


def test_wrong_password_then_log_in_log_out_and_back(open_context, look, later) -> None:
    page = open_context().new_page()
    log_in(page, "samordnare", "not the password")
    message = page.locator("main").get_by_role("alert")
    refusal = "Wrong user name or password, or the account is disabled."
    later(lambda: expect(message).to_have_text(refusal), "the log-in refusal is a page")
    later(lambda: expect(page.locator("#field-username")).to_have_value("samordnare"), "the user name is kept")
    look(page, "login-refused", axe=False)

    log_in(page, "samordnare", DEMO_PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.get_by_role("link", name="Needs", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Development needs")
    page.get_by_role("link", name="Change log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Change log"))
    look(page, "logged-in")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    look(page, "logged-out")
    page.go_back()
    # Whatever Back shows, it is not a staff page: the change log and the needs are gone.
    expect(page.get_by_role("heading", name=re.compile("Change log"))).to_have_count(0)
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    page.go_back()
    expect(page.get_by_role("heading", name="Development needs")).to_have_count(0)
    look(page, "back-after-log-out", axe=False)
    later.verify()


@pytest.mark.parametrize("language", ["sv", "nb", "en"])
def test_every_page_in_each_language(open_context, look, language: str) -> None:
    """Each page speaks the reader's language (from the browser's Accept-Language), names itself in its
    title, has one main heading, and passes axe-core (in English; the markup is the same in all three)."""
    page = open_context("admin", language=language).new_page()
    for path in PAGES:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page).to_have_title(re.compile(rf".+ – {re.escape(_(language, 'VSO registry'))}$"))
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        expect(page.get_by_role("button", name=_(language, "Log out"))).to_be_visible()
        expect(page.get_by_role("navigation", name=_(language, "Main"))).to_contain_text(_(language, "Needs"))
        look(page, f"{language}{path}", axe=language == "en")


def test_core_forms_without_javascript(open_context, look, later) -> None:
    """Intake, a need's field, a transition and a comment, as plain HTML forms. (axe-core needs JavaScript
    in the page; the same pages are checked by the journeys with JavaScript on.)"""
    page = open_context("coordinator", javascript=False).new_page()
    page.goto("/intake")
    page.get_by_role("button", name="Send").click()
    later(
        lambda: expect(page.locator("main").get_by_role("alert")).to_contain_text("2 fields need correcting"),
        "the errors as a page",
    )
    look(page, "intake-errors", axe=False)
    page.goto("/intake")
    page.get_by_label("What do you need?").fill("Printing in the library without JavaScript")
    page.get_by_label("Describe the need").fill("The library's printers for VSO för infrastruktur.")
    page.get_by_role("button", name="Send").click()
    confirmation = page.get_by_text(re.compile(r"Your need has been registered as #\d+"))
    expect(confirmation).to_be_visible()
    number = int(re.search(r"#(\d+)", confirmation.inner_text()).group(1))

    page.goto(f"/needs/{number}")
    page.get_by_role("button", name="Route to this area").first.click()
    expect(page.locator("dl")).to_contain_text("VSO för infrastruktur")
    section = page.locator("#field-cause")
    section.get_by_text("Edit").click()
    section.get_by_role("textbox").fill("Students cannot print from their own laptops.")
    section.get_by_role("button", name="Save").click()
    expect(page.locator("#field-cause .text")).to_have_text("Students cannot print from their own laptops.")
    page.get_by_label("Move to").select_option(label="Clarified")
    page.get_by_role("button", name="Move").click()
    expect(page.locator("p .state")).to_have_text("Clarified")
    page.get_by_label("Add a comment").fill("Checked with the library.")
    page.get_by_role("button", name="Comment").click()
    expect(page.get_by_text("Checked with the library.")).to_be_visible()
    look(page, "need-without-javascript", axe=False)
    later.verify()


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: tuple[float, ...], second: tuple[float, ...]) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


FOCUS_COLOURS = """element => {
  const rgb = text => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const style = getComputedStyle(element);
  let node = element.parentElement, background = 'rgb(255, 255, 255)';
  while (node) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') { background = colour; break; }
    node = node.parentElement;
  }
  return {outline: rgb(style.outlineColor), width: parseFloat(style.outlineWidth), style: style.outlineStyle,
          background: rgb(background)};
}"""


def test_focus_indicator_contrast(open_context) -> None:
    """WCAG 2.1 1.4.11: the focus ring of a link and a button is visible against what surrounds it (3:1)."""
    page = open_context("coordinator").new_page()
    page.goto("/needs")
    for target in (page.get_by_role("link", name="Export CSV"), page.get_by_role("button", name="Filter")):
        target.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focused from the keyboard, so :focus-visible applies
        expect(target).to_be_focused()
        colours = target.evaluate(FOCUS_COLOURS)
        assert colours["style"] != "none" and colours["width"] >= 2, colours
        ratio = contrast(colours["outline"], colours["background"])
        assert ratio >= 3, f"the focus ring has {ratio:.1f}:1 against its background {colours}"
