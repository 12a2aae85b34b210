"""The citation parser and the grounding check on hand-written model outputs (no model, no index)."""

from __future__ import annotations

import pytest

from assistant.answering.citations import (
    ParsedAnswer,
    parse_citations,
    pieces,
    renumber,
)
from assistant.answering.grounding import check, is_refusal, numbers

HUNAN_TARGETS = ("《湖南省人民政府关于加快质量发展建设质量强省的实施意见》（湖南，2017-06-19） 一、总体要求 > （四）主要目标\n"
                 "在工程质量上，工程项目一次性验收合格率达到99.3%。重点工业产品监督抽查合格率达到94%以上。")
HUNAN_HEADING = "《湖南省人民政府关于加快质量发展建设质量强省的实施意见》（湖南，2017-06-19） 一、总体要求\n到2020年，主要实现如下质量发展目标："
QINGHAI_FOREST = "《青海省…实施意见》（青海，2012-03-01） 林业工程\n全省森林覆盖率达到6.28%，无公害防治率达到85%以上。"
CLAUSES = [HUNAN_TARGETS, HUNAN_HEADING, QINGHAI_FOREST]


def verdict(text: str, supported: bool | None = True, question: str = ""):
    return check(parse_citations(text), CLAUSES, supported=supported, question=question)


# -- citation parser ----------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, text, cited", [
    ("达到99.3%[1]。", "达到99.3%[1]。", [1]),
    ("达到99.3%[1][2]。", "达到99.3%[1][2]。", [1, 2]),
    ("达到99.3% [2, 1]。", "达到99.3% [2][1]。", [2, 1]),
    ("达到99.3%【1、3】。", "达到99.3%[1][3]。", [1, 3]),
    ("达到99.3%［１］。", "达到99.3%[1]。", [1]),
    ("见条款[1-3]。", "见条款[1][2][3]。", [1, 2, 3]),
    ("a[2] b[1] c[2]", "a[2] b[1] c[2]", [2, 1]),
    ("没有引用。", "没有引用。", []),
])
def test_citation_markers_in_any_common_form_are_read_and_canonicalised(raw, text, cited):
    parsed = parse_citations(raw)
    assert parsed.text == text and parsed.cited == cited


def test_reasoning_blocks_and_surrounding_space_are_dropped():
    parsed = parse_citations("<think>让我想想[7]……</think>\n\n  合格率达到99.3%[1]。 ")
    assert parsed.text == "合格率达到99.3%[1]。" and parsed.cited == [1]


def test_cited_clauses_are_renumbered_in_order_of_first_citation():
    text, mapping = renumber(parse_citations("甲[3]，乙[1]，丙[3][1]。"))
    assert text == "甲[1]，乙[2]，丙[1][2]。" and mapping == {3: 1, 1: 2}


def test_stream_pieces_join_to_the_text_and_never_split_a_marker():
    text = "根据《湖南省人民政府关于加快质量发展建设质量强省的实施意见》，工程项目一次性验收合格率达到99.3%[1][12]。\n[3] 可能相关"
    parts = list(pieces(text))
    assert "".join(parts) == text and len(parts) > 3
    assert "[12]" in parts and "[1]" in parts


# -- numbers ------------------------------------------------------------------------------------------
def test_numbers_are_tokens_with_their_sign_and_list_numbering_is_ignored():
    assert numbers("1. 到2020年达到９９．３％[1]\n2、覆盖率6.28%以上（3）共1,000家") == ["2020", "99.3%", "6.28%", "1000"]


def test_dates_match_however_they_are_written():
    assert numbers("2017-06-19") == numbers("2017年6月19日") == ["2017", "6", "19"]
    assert verdict("该意见于2017年6月19日印发[1]。").ok


# -- grounding ----------------------------------------------------------------------------------------
def test_grounded_answer_passes():
    result = verdict("湖南省工程项目一次性验收合格率要达到99.3%[1]，目标年份为2020年[2]。")
    assert result.ok and not result.refused


def test_hallucinated_number_fails():
    result = verdict("湖南省工程项目一次性验收合格率要达到99.5%[1]。")
    assert not result.ok and result.reason == "ungrounded_number" and "99.5%" in result.detail


def test_number_from_a_clause_that_is_offered_but_not_cited_fails():
    result = verdict("湖南省森林覆盖率达到6.28%[1]。")
    assert not result.ok and result.reason == "ungrounded_number"


def test_year_needs_a_cited_clause_that_states_it():
    assert verdict("到2020年工程项目一次性验收合格率达到99.3%[1]。").reason == "ungrounded_number"
    assert verdict("到2020年[2]工程项目一次性验收合格率达到99.3%[1]。").ok


def test_part_of_a_number_is_not_the_number():
    # 9 and 99 occur inside 99.3% but are not stated by the clause
    assert verdict("合格率达到99%[1]。").reason == "ungrounded_number"


def test_full_width_digits_match_half_width_clause_text():
    assert verdict("合格率达到９９．３％[1]。").ok


def test_bare_number_may_quote_a_percentage_but_not_the_reverse():
    assert verdict("合格率目标为99.3[1]。").ok
    assert not check(parse_citations("共有2020%[1]。"), [HUNAN_HEADING], supported=True).ok


def test_citation_to_a_clause_that_was_not_retrieved_fails():
    result = verdict("合格率达到99.3%[1][4]。")
    assert not result.ok and result.reason == "unknown_citation" and "[4]" in result.detail


def test_citation_zero_fails():
    assert verdict("合格率达到99.3%[0]。").reason == "unknown_citation"


@pytest.mark.parametrize("text", ["", "   \n", "[1]", "<think>只有思考</think>"])
def test_empty_answer_fails(text):
    assert verdict(text).reason == "empty"


def test_uncited_answer_fails():
    assert verdict("湖南省工程项目一次性验收合格率要达到较高水平。").reason == "no_citation"


def test_refusal_while_retrieval_found_support_fails():
    result = verdict("知识库中未找到相关规定。", supported=True)
    assert not result.ok and result.reason == "refusal_mismatch" and result.refused


def test_answer_while_retrieval_found_no_support_fails():
    result = verdict("合格率达到99.3%[1]。", supported=False)
    assert not result.ok and result.reason == "refusal_mismatch"


def test_refusal_agreeing_with_retrieval_passes_and_may_repeat_the_question_year():
    result = verdict("知识库中未找到湖南省2035年的质量发展目标。", supported=False, question="湖南省到2035年的目标是什么？")
    assert result.ok and result.refused


def test_refusal_may_not_invent_numbers_the_question_did_not_ask():
    result = verdict("知识库中未找到，但估计约为80%。", supported=False, question="上海的目标是什么？")
    assert result.reason == "ungrounded_number"


def test_affirmative_answer_may_not_echo_a_number_from_the_question():
    result = verdict("是的，合格率达到99.5%[1]。", question="合格率是否达到99.5%？")
    assert result.reason == "ungrounded_number"


def test_english_refusal_is_recognised():
    assert is_refusal(ParsedAnswer("Not found in the knowledge base (知识库中未找到): no Shanghai documents.", []))


def test_province_without_provision_inside_a_cited_comparison_is_not_a_refusal():
    text = "【湖南】工程项目一次性验收合格率达到99.3%[1]。\n【上海】知识库中未找到相关规定。"
    assert not is_refusal(parse_citations(text))
    assert verdict(text, supported=True).ok


def test_refusal_leading_the_answer_counts_even_with_a_related_clause_cited():
    assert is_refusal(parse_citations("知识库中未找到上海的规定。可能相关：湖南的目标[1]。"))


def test_without_retrieval_verdict_refusals_are_not_judged():
    assert check(parse_citations("知识库中未找到。"), CLAUSES).ok
