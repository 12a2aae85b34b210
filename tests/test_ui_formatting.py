"""UI formatting: official references, escaping, highlighting, answer and citation HTML, the clause tree."""

from __future__ import annotations

import re

import pytest

from assistant.models import Answer, Citation, Clause, DocumentMeta
from assistant.ui import formatting as fmt

TITLE = "云南省人民政府办公厅关于印发云南省深化质量提升三年行动方案（2023—2025年）的通知"
META = DocumentMeta(doc_id="yunnan-2023", title=TITLE, province="云南", issuer="云南省人民政府办公厅",
                    date="2023-03-07", source_file="001.txt")


SECTION = "二、主要任务 > （三）推动新技术新产品新业态高质量发展 > 6.加强计量"


def _citation(n: int = 1, section: str = SECTION,
              text: str = "6.加强计量。完善计量体系。推进计量服务中小企业行。",
              doc_id: str = "yunnan-2023") -> Citation:
    return Citation(n=n, doc_id=doc_id, title=TITLE, province="云南", section=section,
                    clause_id=f"{doc_id}#2.3.{n}", text=text, score=0.8)


@pytest.mark.parametrize("section, expected", [
    ("二、主要任务 > （三）推动新技术新产品新业态高质量发展 > 6.加强计量", "第二部分（三）6."),
    ("一、总体要求 > （四）主要目标 > --供给质量水平显著提升", "第一部分（四）“供给质量水平显著提升”"),
    ("三、保障措施 > 1.加强组织领导", "第三部分1."),
    ("十二、附则 > （十五）强化质量法治", "第十二部分（十五）"),
    ("一、指导思想、工作方针和发展目标 > （三）发展目标 > 2.工程质量目标 > --道路工程", "第一部分（三）2.“道路工程”"),
    ("前言", "前言"),
    ("第三章 监督管理 > 第十条", "第三章第十条"),
    ("二、主要任务 > (三)加强监管 > 6．抽查", "第二部分（三）6."),
])
def test_section_path_becomes_an_official_reference(section, expected):
    assert fmt.section_reference(section) == expected


def test_section_reference_accepts_a_path_list():
    assert fmt.section_reference(["二、主要任务", "（三）推动…", "6.加强计量"]) == "第二部分（三）6."


def test_reference_names_the_document_then_the_section():
    assert fmt.reference(_citation()) == f"《{TITLE}》第二部分（三）6."


def test_highlight_marks_quoted_sentences_and_escapes_the_rest():
    text = "前文<b>不加粗</b>。推进计量服务中小企业行。后文。"
    html = fmt.highlight(text, ["推进计量服务中小企业行。", "不在原文中的句子。"])
    assert html == "前文&lt;b&gt;不加粗&lt;/b&gt;。<mark>推进计量服务中小企业行。</mark>后文。"


def test_highlight_merges_overlapping_quotes():
    html = fmt.highlight("甲乙丙丁", ["甲乙丙", "乙丙丁"])
    assert html == "<mark>甲乙丙丁</mark>"


def test_highlight_escapes_markup_inside_quotes():
    html = fmt.highlight("<script>alert(1)</script>", ["<script>alert(1)</script>"])
    assert "<script>" not in html and "<mark>&lt;script&gt;" in html


def test_answer_links_each_citation_number_to_its_card():
    answer = Answer(answer="根据…“完善计量体系。”[1]；另见[2]，[9]不存在。", answerable=True,
                    citations=[_citation(1), _citation(2)], quotes=["完善计量体系。"])
    html = fmt.answer_html("计量有什么要求？", answer, {"yunnan-2023": META}, turn=3)
    for n in (1, 2):
        assert f'href="#pq-t3-c{n}"' in html and f'id="pq-t3-c{n}"' in html
    assert "[9]" in html and 'href="#pq-t3-c9"' not in html
    assert "<mark>完善计量体系。</mark>" in html and "<details" in html and "查看条款全文" in html
    assert "2023-03-07" in html and "第二部分（三）6." in html and "引用条款" in html


def test_answer_and_document_text_are_escaped():
    answer = Answer(answer='<img src=x onerror="alert(1)">[1]', answerable=True,
                    citations=[_citation(text='<script>alert("x")</script>正文。')])
    html = fmt.answer_html('<img src=x onerror="alert(2)">', answer, {}, turn=1)
    assert "<img" not in html and "<script>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_refusal_is_shown_as_not_found_with_related_clauses():
    answer = Answer(answer="知识库中未找到该问题的答案。\n可能相关：\n[1] 《…》 二、主要任务", answerable=False,
                    citations=[_citation()])
    html = fmt.answer_html("问题", answer, {"yunnan-2023": META}, turn=1)
    assert "知识库中未找到" in html and 'pq-cards-title">可能相关' in html and "引用条款" not in html
    assert 'href="#pq-t1-c1"' in html


def test_rewritten_question_is_shown():
    answer = Answer(answer="……", answerable=True, citations=[], rewritten_question="湖南省<对>计量有什么要求？")
    assert "按「湖南省&lt;对&gt;计量有什么要求？」理解" in fmt.answer_html("那湖南呢？", answer, {}, turn=1)


def test_report_text_is_ready_to_paste():
    answer = Answer(answer="根据…“完善计量体系。”[1]", answerable=True, citations=[_citation()])
    text = fmt.report_text("云南对计量有什么要求？", answer, {"yunnan-2023": META})
    assert text.splitlines() == [
        "问：云南对计量有什么要求？",
        "答：根据…“完善计量体系。”[1]",
        "出处：",
        f"[1] 《{TITLE}》第二部分（三）6.（云南省人民政府办公厅，2023-03-07）",
    ]


def test_copy_button_carries_the_report_text_escaped():
    answer = Answer(answer="答<案>[1]", answerable=True, citations=[_citation()])
    html = fmt.answer_html("问题", answer, {"yunnan-2023": META}, turn=1)
    report = re.search(r'<pre class="pq-report" hidden>(.*?)</pre>', html, re.DOTALL).group(1)
    assert "答：答&lt;案&gt;[1]" in report and "第二部分（三）6." in report and 'class="pq-copy"' in html


def test_user_message_is_text_not_markup():
    assert fmt.question_html("<b>粗</b>\n第二行") == '<div class="pq-question">&lt;b&gt;粗&lt;/b&gt;<br>第二行</div>'


def test_banner_and_notice_escape_their_message():
    assert "&lt;x&gt;" in fmt.banner_html("<x>") and "知识库暂不可用" in fmt.banner_html("索引缺失")
    assert "&lt;x&gt;" in fmt.notice_html("<x>")


def test_documents_table_lists_metadata_and_clause_counts():
    html = fmt.documents_table_html([META], {"yunnan-2023": 26})
    assert TITLE in html and "云南省人民政府办公厅" in html and "2023-03-07" in html and ">26<" in html


def test_clause_tree_nests_sections_and_keeps_every_clause():
    clauses = [
        Clause(clause_id="d#0", doc_id="d", section_path=["前言"], text="前言正文", order=0),
        Clause(clause_id="d#1.1", doc_id="d", section_path=["一、总体要求", "（一）指导思想"], text="指导<思想>",
               order=1),
        Clause(clause_id="d#1.2.b1", doc_id="d", section_path=["一、总体要求", "（二）基本原则", "--质量第一"],
               text="--质量第一。", order=2),
    ]
    html = fmt.clause_tree_html(META, clauses)
    assert html.count("<details") == 5  # 前言, 一、, （一）, （二）, --质量第一
    assert all(f"clause-{c.clause_id}" in html for c in clauses)
    assert "指导&lt;思想&gt;" in html and "第一部分（二）“质量第一”" in html and "共 3 条" in html


def test_clause_tree_without_a_document_asks_to_choose_one():
    assert "请选择" in fmt.clause_tree_html(None, [])
