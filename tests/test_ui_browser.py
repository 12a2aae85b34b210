"""The chat UI in a real headless Chromium, served on 127.0.0.1 over the real corpus.

Skipped when Debian's chromium or the playwright package is missing (`make browser` installs chromium).
"""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.feedback import FeedbackStore
from assistant.ui import build_ui

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
HUNAN = "湖南省到2020年工程项目一次性验收合格率要达到多少？"
HUNAN_TITLE = "湖南省人民政府关于加快质量发展建设质量强省的实施意见"
SICHUAN_TITLE = "四川省人民政府关于加快建设质量强省的实施意见"
ANSWERS = "#pq-chat .pq-actions, #pq-chat .pq-notice"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(ui) -> str:
    port = _free_port()
    ui.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, footer_links=[])
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except sync_api.Error as error:
            pytest.skip(f"chromium does not start: {error}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served(browser, assistant, tmp_path_factory):
    store = FeedbackStore(tmp_path_factory.mktemp("feedback") / "feedback.sqlite3")
    ui = build_ui(assistant, feedback=store, stream_delay=0.03)
    url = _serve(ui)
    yield url, store
    ui.close()


class Page:
    """A browser tab on the UI, with the few actions the tests need."""

    def __init__(self, page, url: str):
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []  # requests leaving the server: the UI must work offline
        page.on("request", lambda request: None if request.url.startswith((url, "data:", "blob:"))
                else self.outside.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def answers(self) -> int:
        return self.page.locator(ANSWERS).count()

    def ask(self, question: str, wait_streaming: bool = False):
        before = self.answers()
        self.page.fill("#pq-input textarea", question)
        self.page.press("#pq-input textarea", "Enter")
        if wait_streaming:
            self.page.wait_for_selector("#pq-chat .pq-streaming", timeout=30_000)
        self.page.wait_for_function(
            f"document.querySelectorAll({ANSWERS!r}).length > {before}", timeout=60_000)
        return self.page.locator("#pq-chat .message.bot").last


@pytest.fixture
def ui(browser, served) -> Iterator[Page]:
    url, _ = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    page = Page(context.new_page(), url)
    page.page.goto(url)
    page.page.wait_for_selector("#pq-input textarea", timeout=30_000)
    yield page
    assert not page.errors, page.errors
    assert not page.outside, page.outside
    context.close()


def test_answer_streams_then_shows_cited_card(ui):
    message = ui.ask(HUNAN, wait_streaming=True)
    assert "99.3%" in message.locator(".pq-text").inner_text()
    card = message.locator(".pq-card").first
    assert HUNAN_TITLE in card.locator(".pq-doc").inner_text()
    assert "2017-06-19" in card.locator(".pq-meta").inner_text()
    assert "99.3%" in card.locator("mark").first.inner_text()
    assert not card.locator(".pq-full-text").is_visible()
    card.locator("details summary").click()
    assert "供给质量水平显著提升" in card.locator(".pq-full-text").inner_text()


def test_citation_number_leads_to_its_card_and_copy_gives_report_references(ui):
    message = ui.ask("湖南和四川分别对标准化工作提出了什么要求？")
    titles = message.locator(".pq-card .pq-doc").all_inner_texts()
    assert any(HUNAN_TITLE in t for t in titles) and any(SICHUAN_TITLE in t for t in titles)
    message.locator("a.pq-ref", has_text="[2]").click()
    card = message.locator(".pq-card").nth(1)
    ui.page.wait_for_function("document.querySelector('.pq-flash') !== null")
    assert "pq-flash" in (card.get_attribute("class") or "")
    message.locator("button.pq-copy").click()
    ui.page.wait_for_function("document.querySelector('button.pq-copy.pq-done') !== null")
    copied = ui.page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("问：湖南和四川分别对标准化工作提出了什么要求？")
    assert f"《{HUNAN_TITLE}》第三部分（二）" in copied and f"《{SICHUAN_TITLE}》第二部分（七）" in copied


def test_unanswerable_question_is_refused_clearly(ui):
    message = ui.ask("上海市建设质量强市的目标是什么？")
    assert "知识库中未找到" in message.locator(".pq-refusal").inner_text()
    assert message.locator(".pq-card").count() == 0


def test_refusal_offers_nearest_clauses_as_possibly_related(ui):
    # a year none of the documents speaks of: refused by rule, with the nearest clauses offered
    message = ui.ask("四川省2035年质量工作的目标是什么？")
    assert message.locator(".pq-refusal").is_visible()
    assert "可能相关" in message.locator(".pq-cards-title").inner_text()
    assert message.locator(".pq-card").count() >= 1


def test_followup_shows_how_it_was_understood_and_cites_sichuan(ui):
    ui.ask(HUNAN)
    message = ui.ask("那四川呢？")
    understood = message.locator(".pq-rewritten").inner_text()
    assert understood == "按「四川省到2020年工程项目一次性验收合格率要达到多少？」理解"
    titles = message.locator(".pq-card .pq-doc").all_inner_texts()
    assert titles and all(SICHUAN_TITLE in t for t in titles)
    ARTIFACTS.mkdir(exist_ok=True)
    ui.page.wait_for_timeout(300)
    ui.page.screenshot(path=str(ARTIFACTS / "ui.png"))


def test_html_in_a_question_is_shown_as_text_never_executed(ui):
    question = ('<img src=x onerror="window.__pqXss=1;alert(1)"><script>window.__pqXss=2</script>'
                "湖南省对计量工作有什么要求？")
    message = ui.ask(question)
    assert message.locator(".pq-card").count() >= 1
    shown = ui.page.locator("#pq-chat .pq-question").last.inner_text()
    assert shown.startswith('<img src=x onerror="window.__pqXss=1;alert(1)">')
    assert ui.page.locator("#pq-chat img[src='x']").count() == 0
    ui.page.wait_for_timeout(300)
    assert ui.page.evaluate("window.__pqXss === undefined") and not ui.dialogs


def test_empty_message_sends_nothing(ui):
    ui.page.fill("#pq-input textarea", "   ")
    ui.page.press("#pq-input textarea", "Enter")
    ui.page.click("#pq-send")
    ui.page.wait_for_timeout(800)
    assert ui.page.locator("#pq-chat .message").count() == 0


def test_overlong_question_gets_a_clear_notice(ui):
    message = ui.ask("湖南省质量工作" * 100)
    assert "问题过长" in message.locator(".pq-notice").inner_text()
    assert ui.ask(HUNAN).locator(".pq-card").count() >= 1  # the chat goes on


def test_province_filter_limits_the_answer(ui):
    ui.page.click("#pq-province input")
    ui.page.locator("#pq-province li[role=option]", has_text="四川").click()
    ui.page.keyboard.press("Escape")
    message = ui.ask("对标准化工作有什么要求？")
    titles = message.locator(".pq-card .pq-doc").all_inner_texts()
    assert titles and all(SICHUAN_TITLE in t for t in titles)


def test_feedback_with_comment_is_stored(ui, served):
    _, store = served
    before = len(list(store.records()))
    message = ui.ask(HUNAN)
    ui.page.locator("#pq-chat button[aria-label='赞']").last.click()
    ui.page.wait_for_selector("#pq-feedback", state="visible")
    ui.page.fill("#pq-feedback-comment textarea", "引用准确，可直接使用")
    ui.page.click("#pq-feedback-send")
    ui.page.wait_for_function("document.querySelector('#pq-feedback-status').innerText.includes('感谢')")
    records = list(store.records())
    assert len(records) == before + 1 and message.is_visible()
    assert records[-1].rating == "up" and records[-1].question == HUNAN
    assert records[-1].comment == "引用准确，可直接使用" and records[-1].citations == ["hunan-2017#1.4.b2"]


def test_documents_tab_lists_the_corpus_and_opens_clauses(ui):
    ui.page.get_by_role("tab", name="文件库").click()
    rows = ui.page.locator(".pq-table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 5 and "云南省人民政府办公厅" in rows.nth(1).inner_text()
    ui.page.click("#pq-doc-pick input")
    ui.page.locator("#pq-doc-pick li[role=option]", has_text=SICHUAN_TITLE).click()
    ui.page.wait_for_function(f"document.querySelector('.pq-tree .pq-doc').innerText.includes({SICHUAN_TITLE!r})")
    node = ui.page.locator(".pq-tree details.pq-node", has_text="一、目标任务").first
    node.locator("summary").first.click()
    node.locator("details.pq-node summary", has_text="（二）工程质量目标任务").click()
    assert "重点工程项目一次性合格率达100%" in node.locator(".pq-clause-text").nth(1).inner_text()


def test_missing_index_shows_a_banner_not_a_crash(browser):
    ui = build_ui(None, "索引文件缺失：index/CURRENT 不存在。")
    url = _serve(ui)
    try:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        banner = page.locator(".pq-banner")
        banner.wait_for(timeout=30_000)
        assert "知识库暂不可用" in banner.inner_text() and "index/CURRENT" in banner.inner_text()
        assert page.locator("#pq-input textarea").is_disabled()
        time.sleep(0.2)
        assert not errors
        page.close()
    finally:
        ui.close()
