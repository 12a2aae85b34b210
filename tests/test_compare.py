"""Compare mode: one row per document with the quoted clause or 未涉及, on the real index, through the Python
API, the CLI, the HTTP API and the chat; exports; bad input; and the compare evaluation over the seed corpus
plus ../shared/corpus-extra/ (test and unseen splits measured, thresholds asserted)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import httpx
import pytest

from assistant.answering.compare import figures
from assistant.answering.table_export import to_csv, to_markdown
from assistant.compare_eval import evaluate, load_items
from assistant.evaluation import EXTRA_CORPUS
from assistant.corpus import load_corpus
from assistant.corpus.metadata import slug
from assistant.errors import UnknownFilter
from assistant.models import CompareTable
from assistant.settings import PROJECT_ROOT
from assistant.text import normalise

CHIEF_QUALITY_OFFICER = "各省对首席质量官制度有什么要求？"
FOREST = "各省森林覆盖率目标分别是多少？"
NOBODY = "火星殖民地建设"
CELL_ACCURACY_MIN = 0.90


def _rows(table: CompareTable) -> dict[str, object]:
    return {row.doc_id: row for row in table.rows}


def _cited_text(table: CompareTable, doc_id: str) -> str:
    numbers = {q.n for q in _rows(table)[doc_id].cell.quotes}
    return " ".join(c.text for c in table.citations if c.n in numbers)


# -- Python API --------------------------------------------------------------------------------------

def test_hunan_chief_quality_officer_is_quoted_not_reported_missing(assistant):
    table = assistant.compare(CHIEF_QUALITY_OFFICER)
    rows = _rows(table)
    assert rows["hunan-2017"].cell.status == "covered"
    assert "支持、鼓励和引导企业设立首席质量官" in _cited_text(table, "hunan-2017")
    for doc_id in ("yunnan-2016", "yunnan-2023"):  # both 云南 documents get their own row
        assert rows[doc_id].cell.status == "covered" and "首席质量官" in _cited_text(table, doc_id)
    assert rows["qinghai-zlfz"].cell.status == "未涉及" and not rows["qinghai-zlfz"].cell.quotes
    assert table.covered_rows == 4 and table.total_rows == 5


def test_every_quote_comes_from_its_own_row_document(assistant):
    table = assistant.compare(CHIEF_QUALITY_OFFICER)
    by_n = {c.n: c for c in table.citations}
    for row in table.rows:
        for quote in row.cell.quotes:
            citation = by_n[quote.n]
            assert citation.doc_id == row.doc_id and citation.province == row.province
            assert citation.clause_id == quote.clause_id
            for part in quote.text.split("……"):
                assert part in citation.text


def test_target_topic_puts_the_number_in_its_own_column(assistant):
    table = assistant.compare(FOREST)
    assert table.asks_figures
    qinghai = _rows(table)["qinghai-zlfz"].cell
    assert qinghai.status == "covered" and [f.value for f in qinghai.figures] == [6.28]
    assert qinghai.figures[0].unit == "%" and qinghai.figures[0].text == "6.28%"


def test_figures_skip_dates_document_numbers_and_list_markers():
    found = [f.text for _, f in figures(normalise("发文日期 2024-03-04 09:13:22，1.到2020年（国发〔2012〕9号）达到99.3%，培育十个品牌"))]
    assert found == ["99.3%", "十个"]


def test_provinces_filter_restricts_the_rows(assistant):
    table = assistant.compare("首席质量官", provinces=["湖南", "Qinghai"])
    assert {row.province for row in table.rows} == {"湖南", "青海"}


def test_topic_no_document_covers_is_a_table_of_not_covered_saying_so(assistant):
    table = assistant.compare(NOBODY)
    assert table.total_rows == 5 and table.covered_rows == 0 and not table.citations
    assert all(row.cell.status == "未涉及" for row in table.rows)
    assert table.notes[0] == f"所检索的 5 份文件均未涉及「{NOBODY}」。"


def test_unknown_province_lists_the_provinces_of_the_corpus(assistant):
    with pytest.raises(UnknownFilter, match="已收录：云南、湖南、四川、青海"):
        assistant.compare("首席质量官", provinces="西藏")
    with pytest.raises(UnknownFilter, match="西藏.*已收录"):
        assistant.compare("西藏对首席质量官有什么要求？")


def test_long_tables_come_in_pages_none_lost(assistant):
    from assistant.assistant import Assistant

    small = Assistant(assistant.settings.model_copy(update={"compare_page_size": 2}), embedder=assistant.embedder)
    pages = [small.compare(CHIEF_QUALITY_OFFICER, page=p) for p in (1, 2, 3)]
    assert [t.pages for t in pages] == [3, 3, 3] and [len(t.rows) for t in pages] == [2, 2, 1]
    assert len({row.doc_id for t in pages for row in t.rows}) == 5
    assert "共 5 行，分 3 页，当前第 2 页。" in pages[1].notes
    assert all([c.n for c in t.citations] == list(range(1, len(t.citations) + 1)) for t in pages)
    assert small.compare(CHIEF_QUALITY_OFFICER, page=9).page == 3  # past the end: the last page


def test_comparison_question_is_answered_with_the_table(assistant):
    answer = assistant.ask(CHIEF_QUALITY_OFFICER)
    assert answer.table is not None and answer.answerable
    assert re.search(r"^\| 湖南 \| 《湖南省人民政府关于加快质量发展建设质量强省的实施意见》 \| 2017-06-19 \| “.*首席质量官.*”\[\d\] \|$",
                     answer.answer, re.MULTILINE)
    assert "| 青海 |" in answer.answer and "未涉及" in answer.answer
    assert [c.n for c in answer.citations] == list(range(1, 5))
    assert set(answer.contract()) == {"answer", "answerable", "citations", "mode", "table"}
    assert "table" not in assistant.ask("湖南省到2020年工程项目一次性验收合格率要达到多少？").contract()


# -- exports -----------------------------------------------------------------------------------------

def test_csv_export_has_one_line_per_row_with_quotes_and_clause_ids(assistant):
    table = assistant.compare(FOREST)
    text = to_csv(table)
    assert text.startswith("\ufeff")
    lines = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(lines) == table.total_rows
    qinghai = next(line for line in lines if line["文件编号"] == "qinghai-zlfz")
    assert qinghai["状态"] == "涉及" and qinghai["数值"] == "6.28%" and "森林覆盖率达到6.28%" in qinghai["原文摘录"]
    assert qinghai["条款编号"].startswith("qinghai-zlfz#")
    assert {line["状态"] for line in lines} == {"涉及", "未涉及"}


def test_markdown_export_is_a_well_formed_table_with_sources(assistant):
    table = assistant.compare(FOREST)
    text = to_markdown(table)
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert len(rows) == table.total_rows + 2
    widths = {len(re.findall(r"(?<!\\)\|", line)) for line in rows}
    assert widths == {7}  # 6 columns (目标年份 and 数值 included) on every line, pipes in quotes escaped
    assert "出处：" in text and all(f"[{c.n}] 《{c.title}》" in text for c in table.citations)


# -- CLI ---------------------------------------------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "compare", *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=300)


def test_cli_prints_a_readable_table_json_and_csv(assistant):
    readable = _cli(CHIEF_QUALITY_OFFICER)
    assert readable.returncode == 0, readable.stderr
    assert "| 湖南 |" in readable.stdout and "未涉及" in readable.stdout and "出处：" in readable.stdout
    as_json = _cli("--json", "首席质量官", "--province", "湖南", "--province", "青海")
    table = CompareTable.model_validate_json(as_json.stdout)
    assert {row.province for row in table.rows} == {"湖南", "青海"}
    as_csv = _cli("--csv", FOREST)
    assert as_csv.returncode == 0 and as_csv.stdout.startswith("\ufeff省份,")


def test_cli_unknown_province_is_one_clear_line(assistant):
    result = _cli("首席质量官", "--province", "西藏")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "已收录" in result.stderr


def test_a_county_documents_row_names_its_county_in_every_export(eval_assistant_for):
    """Real county documents of corpus-extra (洞头区, 常山县): the row says 浙江（温州市洞头区）, and the CSV has the
    county in a column of its own."""
    table = eval_assistant_for("faiss").compare("标准化")
    county = next(row for row in table.rows if row.county)
    assert county.place == f"{county.province}（{county.city}{county.county}）"
    assert f"| {county.place} |" in to_markdown(table)
    lines = list(csv.DictReader(io.StringIO(to_csv(table)[1:])))
    assert any(line["县区"] == county.county and line["文件编号"] == county.doc_id for line in lines)


# -- HTTP API ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(server_url):
    with httpx.Client(base_url=server_url, timeout=120) as http:
        yield http


def test_api_compare_returns_the_table(client):
    response = client.post("/v1/compare", json={"topic": CHIEF_QUALITY_OFFICER})
    assert response.status_code == 200, response.text
    table = CompareTable.model_validate(response.json())
    assert table.covered_rows == 4 and _rows(table)["qinghai-zlfz"].cell.status == "未涉及"


@pytest.mark.parametrize(("fmt", "media", "start"),
                         [("csv", "text/csv", "\ufeff省份,"), ("markdown", "text/markdown", "「")])
def test_api_exports_csv_and_markdown_as_downloads(client, fmt, media, start):
    response = client.post("/v1/compare", json={"topic": FOREST, "format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert "attachment" in response.headers["content-disposition"]
    assert response.text.startswith(start) and "6.28%" in response.text


def test_api_unknown_province_is_a_400_listing_the_corpus(client):
    response = client.post("/v1/compare", json={"topic": "首席质量官", "province": "西藏"})
    assert response.status_code == 400
    assert "已收录：云南、湖南、四川、青海" in response.json()["error"]["message"]


def test_api_ask_answers_a_comparison_with_the_table(client):
    answer = client.post("/v1/ask", json={"question": CHIEF_QUALITY_OFFICER}).json()
    assert answer["table"]["covered_rows"] == 4 and "| 湖南 |" in answer["answer"]


# -- chat UI -----------------------------------------------------------------------------------------

def test_gradio_compare_endpoint_returns_the_table_json(server_url):
    from gradio_client import Client

    client = Client(server_url + "/", verbose=False)
    table = client.predict(FOREST, api_name="/compare")
    assert len(table["rows"]) == 5 and table["asks_figures"]
    assert any(f["value"] == 6.28 for row in table["rows"] for f in row["cell"]["figures"])
    assert any("森林覆盖率达到6.28%" in c["text"] for c in table["citations"])


def test_gradio_compare_endpoint_says_why_for_an_unknown_province(server_url):
    from gradio_client import Client

    client = Client(server_url + "/", verbose=False)
    with pytest.raises(Exception, match="已收录：云南、湖南、四川、青海"):
        client.predict("西藏对首席质量官有什么要求？", api_name="/compare")


# -- evaluation --------------------------------------------------------------------------------------

def test_compare_set_is_sound():
    items = load_items()
    assert len(items) >= 25 and len({i.id for i in items}) == len(items)
    assert {i.split for i in items} == {"dev", "test", "unseen"}
    def flat(text: str) -> str:
        return re.sub(r"\s+", "", normalise(text))

    texts = {d.meta.doc_id: flat(d.text) for d in load_corpus(PROJECT_ROOT / "corpus").documents}
    for path in sorted(EXTRA_CORPUS.glob("*/*.txt")):
        texts[slug(path)] = flat(path.read_text(encoding="utf-8"))
    assert sum(any(not cell.evidence for cell in item.cells) for item in items) >= 25  # gold 未涉及 cells
    for item in items:
        assert any(cell.evidence for cell in item.cells), item.id
        for cell in item.cells:
            for span in cell.evidence:
                assert flat(span) in texts[cell.doc_id], (item.id, span)


@pytest.mark.slow
def test_compare_evaluation_meets_thresholds_on_test_and_unseen(eval_assistant):
    report = evaluate(eval_assistant, load_items(splits=("test", "unseen")))
    print(json.dumps(report.model_dump(exclude={"failures"}), ensure_ascii=False))
    assert report.cells >= 200
    assert report.cell_accuracy >= CELL_ACCURACY_MIN, report.failures
    assert report.wrong_province_cells == 0
