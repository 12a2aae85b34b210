"""The command line as users and scripts call it: the JSON contract, readable output, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from assistant.settings import PROJECT_ROOT

CONTRACT = {"answer", "answerable", "citations"}
CITATION_FIELDS = {"n", "doc_id", "title", "province", "section", "clause_id", "text", "score"}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=300)


def test_ask_json_prints_exactly_one_contract_object(assistant):
    result = run("ask", "--json", "湖南省到2020年工程项目一次性验收合格率要达到多少？")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert CONTRACT <= set(answer) and answer["answerable"] is True and "99.3%" in answer["answer"]
    assert answer["citations"] and all(set(c) == CITATION_FIELDS for c in answer["citations"])
    assert [c["n"] for c in answer["citations"]] == list(range(1, len(answer["citations"]) + 1))


def test_ask_json_stdin_answers_one_line_per_question(assistant):
    questions = "云南省三年行动方案对计量工作有什么要求？\n\n上海市建设质量强市的目标是什么？\n"
    result = run("ask", "--json", "-", stdin=questions)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["answerable"] for r in rows] == [True, False]
    assert all(CONTRACT <= set(r) for r in rows)


def test_readable_ask_lists_citations(assistant):
    result = run("ask", "青海省森林覆盖率要达到多少？")
    assert result.returncode == 0 and "6.28%" in result.stdout and "引用条款：" in result.stdout
    assert "qinghai-zlfz#" in result.stdout


def test_search_prints_scored_clauses(assistant):
    result = run("search", "首席质量官", "--top-k", "3")
    assert result.returncode == 0
    assert len([line for line in result.stdout.splitlines() if line[:2] in ("1.", "2.", "3.")]) == 3


def test_bad_input_is_one_clear_line_and_nonzero_exit(assistant):
    for args in (["ask", "   "], ["ask", "问" * 600], ["ask", "标准化", "--doc", "nope"],
                 ["search", "标准化", "--province", "火星"]):
        result = run(*args)
        assert result.returncode == 2, args
        assert result.stderr.startswith("错误：") and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_bad_question_in_a_batch_does_not_stop_the_others(assistant):
    result = run("ask", "--json", "-", stdin="问" * 600 + "\n湖南省到2020年工程项目一次性验收合格率要达到多少？\n")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1 and len(rows) == 2
    assert "error" in rows[0] and rows[1]["answerable"] is True


def test_unreadable_corpus_file_is_one_clear_line(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7 garbage")
    env = {**os.environ, "POLICYQA_CORPUS_DIR": str(corpus), "POLICYQA_INDEX_DIR": str(tmp_path / "index")}
    result = subprocess.run([sys.executable, "-m", "assistant", "ask", "湖南省的目标是什么？"], capture_output=True,
                            text=True, cwd=PROJECT_ROOT, timeout=300, env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "错误：文件无法读取或已损坏：broken.pdf"
