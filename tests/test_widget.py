"""The embeddable widget in a real headless Chromium, on a page served from another origin than the API;
and the API docs rendered without internet access."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from assistant.api import create_app
from assistant.settings import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
HUNAN = "湖南省到2020年工程项目一次性验收合格率要达到多少？"
HUNAN_TITLE = "湖南省人民政府关于加快质量发展建设质量强省的实施意见"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not shutil.which("chromium"),
                       reason="Debian's chromium is not installed (make browser)"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, page_site, server_url, request):
    """A third-party page (its own origin) that embeds the widget with one script tag."""
    html = f"""<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>某政务网站</title>
<style>* {{ color: green !important; font-size: 30px !important; }}</style></head>
<body><h1>某市政务服务网</h1><p>页面自身的内容。</p>
<script src="{server_url}/widget.js" data-api-key="" data-title="政策问答"></script></body></html>"""
    name = f"{request.node.name}.html"
    (page_site.directory / name).write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="zh-CN")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(f"{page_site.origin}/{name}")
    yield tab
    context.close()
    assert not errors, errors


def _ask(page, question: str) -> None:
    page.locator(".pqa-bubble").click()
    page.locator(".pqa-input").fill(question)
    page.locator(".pqa-input").press("Enter")


def test_widget_answers_with_citations_from_another_origin(page, page_site, server_url):
    assert page_site.origin != server_url
    assert page.locator("h1").inner_text() == "某市政务服务网"  # the page itself is untouched
    _ask(page, HUNAN)
    answer = page.locator(".pqa-answer").last
    answer.wait_for(timeout=30_000)
    assert "99.3%" in answer.inner_text()
    source = page.locator(".pqa-source").first
    assert HUNAN_TITLE in source.inner_text() and "主要目标" in source.inner_text()
    assert page.locator(".pqa-header").inner_text().startswith("政策问答")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget.png"))


def test_widget_escapes_what_it_shows(page):
    _ask(page, '<img src=x onerror="window.__pwned=1">湖南省标准化有什么要求？')
    page.locator(".pqa-answer, .pqa-error").last.wait_for(timeout=30_000)
    assert page.evaluate("window.__pwned") is None
    user_message = page.locator(".pqa-user").last.inner_text()
    assert user_message.startswith("<img src=x")  # shown as text
    assert page.evaluate("document.querySelector('[data-policy-qa-widget]').shadowRoot"
                         ".querySelectorAll('img').length") == 0


def test_widget_shows_the_server_message_on_refusal(page):
    _ask(page, "上海市建设质量强市的目标是什么？")
    message = page.locator(".pqa-refusal").last
    message.wait_for(timeout=30_000)
    assert message.inner_text().strip()


def test_api_docs_render_without_internet(browser, server_url):
    context = browser.new_context()
    tab = context.new_page()
    outside: list[str] = []
    tab.on("request", lambda r: None if r.url.startswith(server_url) else outside.append(r.url))
    tab.goto(f"{server_url}/docs")
    tab.locator(".opblock-summary-path", has_text="/v1/ask").first.wait_for(timeout=30_000)
    assert "/v1/chat/completions" in tab.content()
    context.close()
    assert not outside, outside


# -- a portal with a strict Content-Security-Policy ---------------------------------------------------------

class _StrictPortalHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the portal's files with its Content-Security-Policy header (set per server, below)."""

    policy = "default-src 'self'"

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def strict_portal(assistant, serve_app, tmp_path_factory):
    """(portal origin, API origin): a portal whose CSP allows no inline script or style and names our origin
    only in script-src and connect-src, the two additions the README tells portals to make."""
    directory = tmp_path_factory.mktemp("portal")
    handler = type("Handler", (_StrictPortalHandler,), {})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    portal = f"http://127.0.0.1:{httpd.server_address[1]}"
    api = serve_app(create_app(assistant, assistant.settings.model_copy(update={
        "host": "127.0.0.1", "api_keys": [], "open_mode": None, "cors_origins": [portal]})))
    handler.policy = f"default-src 'self'; script-src 'self' {api}; connect-src {api}"
    (directory / "portal.css").write_text("* { color: green !important; font-size: 30px !important; }")
    (directory / "index.html").write_text(f"""<!doctype html><html lang="zh"><head><meta charset="utf-8">
<title>某省政务门户</title><link rel="stylesheet" href="portal.css"></head>
<body><h1>某省政务门户</h1><script src="{api}/widget.js" data-title="政策问答"></script></body></html>""",
                                          encoding="utf-8")
    yield portal, api
    httpd.shutdown()
    httpd.server_close()


def test_widget_works_styled_on_a_portal_with_a_strict_csp(browser, strict_portal):
    portal, api = strict_portal
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="zh-CN")
    tab = context.new_page()
    violations: list[str] = []
    tab.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    response = tab.goto(f"{portal}/index.html")
    assert "script-src 'self' " + api in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    _ask(tab, HUNAN)
    answer = tab.locator(".pqa-answer").last
    answer.wait_for(timeout=30_000)
    assert "99.3%" in answer.inner_text()
    styles = tab.evaluate("""() => {
        const root = document.querySelector('[data-policy-qa-widget]').shadowRoot;
        const css = (selector) => getComputedStyle(root.querySelector(selector));
        return {position: css('.pqa-root').position, bubble: css('.pqa-bubble').backgroundColor,
                panel: css('.pqa-panel').display, answer: css('.pqa-answer').color};
    }""")
    assert styles == {"position": "fixed", "bubble": "rgb(181, 18, 27)", "panel": "flex",
                      "answer": "rgb(31, 41, 51)"}  # the widget's own look, not unstyled, not the portal's
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "widget-strict-csp.png"))
    context.close()
    assert not violations, violations
