"""Follow-up questions: rewritten from the previous question, then answered on the real corpus."""

from __future__ import annotations

import pytest

from assistant.followup import resolve_followup

HUNAN = "湖南省到2020年工程项目一次性验收合格率要达到多少？"


def _history(*questions: str) -> list[dict]:
    messages: list[dict] = []
    for question in questions:
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": "……[1]"}]
    return messages


@pytest.fixture(scope="module")
def resolve(assistant):
    retriever = assistant._loaded.retriever

    def _resolve(question: str, *previous: str) -> str | None:
        return resolve_followup(question, _history(*previous), retriever.analyse, retriever.documents.values())

    return _resolve


@pytest.mark.parametrize("previous, question, expected", [
    (HUNAN, "那四川呢？", "四川省到2020年工程项目一次性验收合格率要达到多少？"),
    (HUNAN, "四川呢", "四川省到2020年工程项目一次性验收合格率要达到多少？"),
    (HUNAN, "这条由哪些单位负责？", "湖南省到2020年工程项目一次性验收合格率由哪些单位负责？"),
    ("云南省三年行动方案对计量工作有什么要求？", "这条由哪些单位负责？",
     "云南省三年行动方案计量工作由哪些单位负责？"),
    ("云南省对制造业产品质量合格率有什么要求？", "2025年的目标呢？",
     "云南省到2025年对制造业产品质量合格率有什么要求？"),
    ("青海省到2015年产品质量监督抽查合格率要达到多少？", "2020年的目标呢？",
     "青海省到2020年产品质量监督抽查合格率要达到多少？"),
    ("湖南和四川分别对标准化工作提出了什么要求？", "那青海呢？", "青海对标准化工作提出了什么要求？"),
    ("湖南和四川分别对标准化工作提出了什么要求？", "那云南和青海呢？", "云南和青海分别对标准化工作提出了什么要求？"),
    ("湖南省对计量工作有什么要求？", "那标准化呢？", "湖南省对标准化有什么要求？"),
    ("云南省2016年的意见对品牌建设有什么要求？", "那三年行动方案呢？", "云南省三年行动方案对品牌建设有什么要求？"),
])
def test_followup_inherits_what_it_omits(resolve, previous, question, expected):
    assert resolve(question, previous) == expected


def test_province_change_drops_a_document_of_the_old_province(resolve):
    assert resolve("那湖南呢？", "云南省三年行动方案对计量工作有什么要求？") == "湖南省对计量工作有什么要求？"


@pytest.mark.parametrize("question", [
    "四川省对标准化工作有什么要求？",
    "哪个省提出要全面提升“绿色云品”影响力？",
    "湖南省到2020年工程项目一次性验收合格率要达到多少？",
])
def test_self_contained_question_is_left_alone(resolve, question):
    assert resolve(question, "湖南省对计量工作有什么要求？") is None


def test_without_a_previous_question_nothing_is_rewritten(resolve, assistant):
    assert resolve("那四川呢？") is None
    only_answers = [{"role": "assistant", "content": "您好"}]
    assert resolve_followup("那四川呢？", only_answers, assistant._loaded.retriever.analyse) is None


def test_followup_continues_the_rewritten_question_not_the_short_one(resolve):
    # The UI passes the question as understood, so a chain of follow-ups keeps its topic.
    first = resolve("那四川呢？", HUNAN)
    assert resolve("那青海呢？", HUNAN, first) == "青海省到2020年工程项目一次性验收合格率要达到多少？"


def test_sichuan_followup_cites_sichuan_never_hunan(assistant):
    answer = assistant.ask("那四川呢？", history=_history(HUNAN))
    assert answer.rewritten_question == "四川省到2020年工程项目一次性验收合格率要达到多少？"
    # the clause with the target is cited (answered, or offered as 可能相关 when the evidence model refuses)
    assert any("100%" in c.text for c in answer.citations)
    assert {c.doc_id for c in answer.citations} == {"sichuan-zlqs"}


def test_year_followup_keeps_yunnan_and_finds_the_2025_target(assistant):
    answer = assistant.ask("2025年的目标呢？", history=_history("云南省对制造业产品质量合格率有什么要求？"))
    assert answer.rewritten_question and "云南省" in answer.rewritten_question and "2025" in answer.rewritten_question
    assert answer.answerable and "96%" in answer.answer
    assert {c.doc_id for c in answer.citations} == {"yunnan-2023"}


def test_responsibility_followup_names_the_responsible_units(assistant):
    answer = assistant.ask("这条由哪些单位负责？", history=_history("云南省三年行动方案对计量工作有什么要求？"))
    assert answer.rewritten_question == "云南省三年行动方案计量工作由哪些单位负责？"
    assert any("责任单位" in c.text for c in answer.citations)
    assert {c.doc_id for c in answer.citations} == {"yunnan-2023"}


def test_followup_for_a_province_not_in_the_corpus_is_refused(assistant):
    answer = assistant.ask("那上海呢？", history=_history(HUNAN))
    assert answer.rewritten_question and answer.rewritten_question.startswith("上海市")
    assert not answer.answerable and "上海" in answer.answer


def test_question_without_history_is_not_rewritten(assistant):
    answer = assistant.ask(HUNAN, history=[])
    assert answer.rewritten_question is None and answer.answerable
