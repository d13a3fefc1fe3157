"""Browser fixtures: the registry served on loopback, driven by Debian's Chromium through Playwright.

One server and one browser per test process (pytest-xdist worker): the server runs uvicorn in a thread
on a free port over a fresh SQLite database copied from the test template (migrated, seeded, demo people
and processes, and a set of demo needs). Every role logs in once; its storage state (session and CSRF
cookies) is reused by every context opened for that role. Journeys create their own needs, so sharing
one server between them is safe.

`Look` is what each journey uses to look at a page: it screenshots it into test-artifacts/ and runs
axe-core (vendored) on it, failing on any WCAG 2.1 A/AA violation.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from registry.app import create_app
from registry.config import PROJECT_ROOT, Settings
from registry.demo import DEMO_PASSWORD
from tests.conftest import ROLE_ACCOUNTS, prepare
from tests.postgres import _free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_NEEDS = 60  # enough for filters, pages of results, rankings and the graph; quick to load


@pytest.fixture(scope="session")
def browser_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made once for the whole run: pytest-xdist's workers share their parent temporary folder, and the
    first to take the lock prepares the database there (half a minute of work saved per worker)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    path = shared / "browser-template.db"
    with open(shared / "browser-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            making = path.with_suffix(".making")
            making.unlink(missing_ok=True)
            prepare(f"sqlite:///{making}", needs=DEMO_NEEDS)
            making.rename(path)
    return path


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the main thread belongs to pytest
        pass


@pytest.fixture(scope="session")
def base_url(browser_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The registry on http://127.0.0.1:PORT, over its own copy of the template database."""
    path = tmp_path_factory.mktemp("browser-db") / "registry.db"
    shutil.copy(browser_template, path)
    settings = Settings(database_url=f"sqlite:///{path}", env="test")
    port = _free_port()
    server = _ThreadedServer(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="registry-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the registry did not start for the browser tests")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(base_url: str) -> Iterator[Browser]:
    # After the server: preparing its database uses asyncio.run(), which Playwright's loop would refuse.
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/test-prerequisites (make test does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def storage_states(browser: Browser, base_url: str) -> dict[str, dict]:
    """Filled on first use: role → the storage state after logging in once through the log-in page."""
    return {}


@pytest.fixture
def open_context(
    browser: Browser, base_url: str, storage_states: dict[str, dict], request: pytest.FixtureRequest
) -> Iterator:
    """`open_context("coordinator", language="en")` → a fresh browser context logged in as that role's demo
    account (the log-in happens once per role and test process). Closed after the test."""
    opened: list[BrowserContext] = []

    def make(role: str = "anonymous", *, language: str = "en", javascript: bool = True, **options) -> BrowserContext:
        username = ROLE_ACCOUNTS.get(role, role)  # a role, or any demo user name
        settings = {
            "base_url": base_url,
            "locale": {"sv": "sv-SE", "nb": "nb-NO", "en": "en-GB"}[language],
            "java_script_enabled": javascript,
            "accept_downloads": True,
            "viewport": {"width": 1280, "height": 900},
            **options,
        }
        if username and role not in storage_states:
            storage_states[role] = _log_in(browser, settings, username)
        context = browser.new_context(storage_state=storage_states.get(role), **settings)
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield make
    call = getattr(request.node, "call_report", None)
    for number, context in enumerate(opened):
        if call is not None and call.failed:  # what each open page showed when the test failed
            for index, page in enumerate(context.pages):
                folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
                folder.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(PlaywrightError):  # best effort: the failure itself is reported
                    page.screenshot(path=folder / f"failed-{number}-{index}.png", full_page=True)
        context.close()


def _log_in(browser: Browser, settings: dict, username: str) -> dict:
    context = browser.new_context(**{**settings, "java_script_enabled": True})
    page = context.new_page()
    page.goto("/login")
    page.locator("#field-username").fill(username)
    page.locator("#field-password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    state = context.storage_state()
    context.close()
    return state


class Look:
    """Looks at pages for one test: a numbered screenshot per step and an axe-core run on each page."""

    def __init__(self, name: str) -> None:
        self.folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.step = 0
        self.checked: set[str] = set()

    def __call__(self, page: Page, step: str, *, axe: bool = True) -> None:
        """Screenshot the page as `step` and check it with axe-core (each address once per test)."""
        self.step += 1
        slug = re.sub(r"[^\w.-]+", "_", step)
        page.screenshot(path=self.folder / f"{self.step:02d}-{slug}.png", full_page=True)
        if axe:
            self.accessible(page)

    def accessible(self, page: Page) -> None:
        key = page.url + "|" + page.evaluate("document.documentElement.lang")
        if key in self.checked:
            return
        self.checked.add(key)
        assert_accessible(page)


def assert_accessible(page: Page) -> None:
    """Zero axe-core violations of WCAG 2.0/2.1 A and AA on the page as it is now."""
    # evaluate() runs outside the page's CSP, so axe needs no exception in the registry's policy
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(
        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))",
        WCAG_TAGS,
    )
    report = "\n".join(f"{v['id']} ({v['help']}): " + " | ".join(v["nodes"][:5]) for v in violations)
    assert not violations, f"axe-core found WCAG 2.1 A/AA violations on {page.url}:\n{report}"


@pytest.fixture
def look(request: pytest.FixtureRequest) -> Look:
    return Look(request.node.name)


class Later:
    """Checks whose failure should not stop the rest of the journey from being tried: each failure is
    kept and the test fails at its end with all of them (`later.verify()`, also run at teardown)."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def __call__(self, check, what: str) -> None:
        try:
            check()
        except Exception as failure:  # noqa: BLE001 - any failed check is reported at the end
            self.failures.append(f"{what}: {type(failure).__name__}: {(str(failure) or '?').splitlines()[0]}")

    def verify(self) -> None:
        failures, self.failures = self.failures, []
        assert not failures, "what the user should have seen:\n" + "\n".join(failures)


@pytest.fixture
def later(request: pytest.FixtureRequest) -> Iterator[Later]:
    checks = Later()
    yield checks
    call = getattr(request.node, "call_report", None)
    if call is None or call.passed:  # a test that failed already says so; don't report twice
        checks.verify()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.call_report = report
    return report


def download(page: Page, link, folder: Path) -> Path:
    """Click `link` and keep the file the browser saves, under the name the registry gave it."""
    with page.expect_download(timeout=5_000) as started:
        link.click()
    path = folder / started.value.suggested_filename
    started.value.save_as(path)
    return path
