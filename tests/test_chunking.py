"""Section-aware chunking on the real corpus: nothing lost, stable unique ids, headings parsed as written."""

from __future__ import annotations

from collections import Counter

import pytest
from extra_documents import EXTRA, needs_extra  # pytest puts tests/ on sys.path

from assistant.chunking import chinese_number, chunk_document, join_lines, split_long
from assistant.corpus import read_document
from assistant.corpus.cleaning import clean_text


def _chunks(corpus, doc_id, max_chars=600):
    doc = corpus.by_id()[doc_id]
    return chunk_document(doc_id, doc.text, max_chars)


def _clause(result, clause_id):
    return next(c for c in result.clauses if c.clause_id == clause_id)


DOC_IDS = ["yunnan-2016", "yunnan-2023", "hunan-2017", "sichuan-zlqs", "qinghai-zlfz"]


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_nonblank_character_lands_in_a_clause(corpus, doc_id):
    result = _chunks(corpus, doc_id)
    source = Counter(ch for ch in corpus.by_id()[doc_id].text if not ch.isspace())
    kept = Counter(ch for piece in [c.text for c in result.clauses] + result.headings + result.dropped_duplicates
                   for ch in piece if not ch.isspace())
    assert kept == source


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_clause_ids_are_unique_and_stable_across_rebuilds(corpus, doc_id):
    first = [c.clause_id for c in _chunks(corpus, doc_id).clauses]
    second = [c.clause_id for c in _chunks(corpus, doc_id).clauses]
    assert first == second
    assert len(set(first)) == len(first)
    assert all(cid.startswith(f"{doc_id}#") for cid in first)


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_no_clause_is_only_a_heading(corpus, doc_id):
    for clause in _chunks(corpus, doc_id).clauses:
        assert len(clause.text) > 15 or clause.clause_id.endswith("#end"), clause


def test_yunnan_2016_headings(corpus):
    result = _chunks(corpus, "yunnan-2016")
    principle = _clause(result, "yunnan-2016#1.3.b1")
    assert principle.section_path == ["一、总体要求", "（三）基本原则", "--政府引导，企业主导"]
    item = _clause(result, "yunnan-2016#2.3.2")
    assert item.section_path[-1] == "2.坚持标准先行" and item.text.startswith("2.坚持标准先行。")
    assert _clause(result, "yunnan-2016#0").section_path == ["前言"]


def test_yunnan_2023_inline_headings_and_broken_lines(corpus):
    result = _chunks(corpus, "yunnan-2023")
    # `（二）提高产业基础质量保障水平 6.优化…` on one line: 6. opens under （二）, numbering continues across sections.
    six = _clause(result, "yunnan-2023#2.2.6")
    assert six.section_path[:2] == ["二、主要任务", "（二）提高产业基础质量保障水平"]
    assert six.text.startswith("6.优化高质量基础件通用件供给。")
    # `… 7.提高新材料…` runs inline after the 责任单位 note of item 6.
    seven = _clause(result, "yunnan-2023#2.2.7")
    assert seven.text.startswith("7.提高新材料质量竞争能力。")
    assert "（责任单位：省工业和信息化厅、省科技厅、省市场监管局、省国防科工局）" in six.text
    # `三、保障措施（一）加强财政金融政策保障。` starts a part and its first section on one line.
    assert _clause(result, "yunnan-2023#3.1").section_path == ["三、保障措施", "（一）加强财政金融政策保障"]
    # `工程质` / `量抽查符合率` is joined back into one sentence.
    assert "工程质量抽查符合率不断提高" in _clause(result, "yunnan-2023#1").text
    assert [c.clause_id for c in result.clauses if c.clause_id.startswith("yunnan-2023#2.")][-1] == "yunnan-2023#2.5.19"


def test_hunan_bullets_under_targets(corpus):
    result = _chunks(corpus, "hunan-2017")
    bullet = _clause(result, "hunan-2017#1.4.b2")
    assert bullet.section_path == ["一、总体要求", "（四）主要目标", "--供给质量水平显著提升"]
    assert "工程项目一次性验收合格率达到99.3%" in bullet.text
    assert _clause(result, "hunan-2017#end").text.replace("\n", "") == "湖南省人民政府2017年6月19日"
    assert len([c for c in result.clauses if c.clause_id.startswith("hunan-2017#7.")]) == 3


def test_sichuan_continuous_numbering_across_parts(corpus):
    result = _chunks(corpus, "sichuan-zlqs")
    assert _clause(result, "sichuan-zlqs#2.6").section_path == ["二、工作重点", "（六）推进质量创新工程"]
    assert _clause(result, "sichuan-zlqs#3.16").section_path == ["三、保障措施", "（十六）严格考核激励"]
    assert sum(1 for c in result.clauses if c.clause_id.count(".") == 1) == 16


def test_qinghai_items_and_bullets_without_sections(corpus):
    result = _chunks(corpus, "qinghai-zlfz")
    assert _clause(result, "qinghai-zlfz#1.3.2.b4").section_path[-2:] == ["2.工程质量目标", "--林业工程"]
    # 三、保障措施 has items 1.–5. directly, with no （一） level in between.
    assert _clause(result, "qinghai-zlfz#3.5").section_path == ["三、保障措施", "5.抓好《质量发展纲要》的宣传"]
    # Paragraphs after the bullets of 1.产品质量 go back to 1., not into the last bullet.
    assert "农产品和食品质量安全水平稳定提高" in _clause(result, "qinghai-zlfz#1.3.1").text
    assert "农产品和食品" not in _clause(result, "qinghai-zlfz#1.3.1.b4").text


def test_numbers_broken_across_lines_are_joined():
    text = "一、目标\n（一）指标。农业标准化生产规模主体入户率达到5\n0%以上，重点工业产品监督抽查合格率达到94%以\n上。\n"
    result = chunk_document("t", text)
    assert "入户率达到50%以上，重点工业产品监督抽查合格率达到94%以上。" in result.clauses[0].text


def test_inline_number_that_is_not_next_in_sequence_stays_text():
    text = "一、总体\n（一）目标。到2020年。 3.5个百分点以上的增长。\n（二）措施。其他。"
    ids = [c.clause_id for c in chunk_document("t", text).clauses]
    assert ids == ["t#1.1", "t#1.2"]


def test_exact_duplicate_paragraphs_are_dropped():
    text = "一、总体\n（一）目标。质量工作要全面加强，持续提升。\n（一）目标。质量工作要全面加强，持续提升。\n"
    result = chunk_document("t", text)
    assert len(result.clauses) == 1 and len(result.dropped_duplicates) == 1


def test_long_clause_is_split_at_sentence_ends_keeping_its_path(corpus):
    result = _chunks(corpus, "hunan-2017", max_chars=150)
    parts = [c for c in result.clauses if c.clause_id.startswith("hunan-2017#1.4.b2~")]
    assert len(parts) >= 2
    assert all(p.section_path == parts[0].section_path for p in parts)
    assert all(p.text.endswith(("。", "；")) for p in parts[:-1])


def test_split_long_and_join_lines_helpers():
    assert split_long("甲。乙。", 100) == ["甲。乙。"]
    assert split_long("一二三。四五六。", 4) == ["一二三。", "四五六。"]
    assert join_lines("一、总体要求\n以习近平新时代\n") == ["一、总体要求", "以习近平新时代"]
    assert [chinese_number(x) for x in ["一", "十", "十六", "二十三", "一百零五"]] == [1, 10, 16, 23, 105]


def test_duty_note_is_kept_when_a_paragraph_follows_it(corpus):
    """（四）发挥示范引领作用 ends in its 责任单位 note, then the plan's closing paragraph: the note is still the
    clause's duty, and every numbered task with a note gets it."""
    result = _chunks(corpus, "yunnan-2023")
    assert _clause(result, "yunnan-2023#3.4").duty == "责任单位：省委宣传部、省市场监管局、省广电局"
    noted = [c for c in result.clauses if "（责任单位" in c.text]
    assert noted and all(c.duty and c.duty in c.text for c in noted)


def test_chapters_and_articles_of_a_regulation_are_clauses_with_their_chapter():
    """办法, 规定, 条例 and 规则 are numbered 第一章 / 第一条, articles counting on across chapters; an article's items
    are its children, and an inline 第四条 after a full stop starts the next article."""
    text = ("某市市长质量奖管理办法\n第一章 总则\n第一条 为推动质量发展，根据有关规定，制定本办法。\n"
            "第二条 本办法适用于本市行政区域内的企业和组织。\n第二章 评审\n第三条 市长质量奖每两年评审一次，"
            "每次不超过五个。第四条 评审委员会由下列人员组成：\n（一）市政府分管领导；\n（二）有关部门负责人。\n"
            "第五条 本办法自發布之日起施行。\n")
    clauses = chunk_document("m", text).clauses
    assert [(c.clause_id, c.kind, c.item) for c in clauses] == [
        ("m#0", "preamble", None), ("m#1.1", "article", "第一条"), ("m#1.2", "article", "第二条"),
        ("m#2.3", "article", "第三条"), ("m#2.4", "article", "第四条"), ("m#2.4.1", "section", "（一）"),
        ("m#2.4.2", "section", "（二）"), ("m#2.5", "article", "第五条")]
    assert clauses[3].section_path == ["第二章 评审", "第三条 市长质量奖每两年评审一次，每次不超过五个"]
    assert clauses[4].text == "第四条 评审委员会由下列人员组成："  # an article's first line is its text
    assert clauses[5].section_path[:2] == ["第二章 评审", "第四条 评审委员会由下列人员组成："]
    assert clauses[5].parent_id == "m#2.4"


def test_rules_number_their_articles_like_parts_on_across_chapters():
    """A 工作规则 writes its articles 一、二、 under 第一章, and goes on 四、 under 第二章."""
    text = ("某县人民政府工作规则\n第一章总则\n一、为规范县政府工作，制定本规则。\n二、县政府实行县长负责制。\n"
            "三、县政府坚持依法行政。\n第二章   组成人员和政府职能\n四、县政府由县长、副县长组成。\n")
    clauses = chunk_document("r", text).clauses
    assert [(c.clause_id, c.section_path[0]) for c in clauses[1:]] == [
        ("r#1.1", "第一章 总则"), ("r#1.2", "第一章 总则"), ("r#1.3", "第一章 总则"), ("r#2.4", "第二章 组成人员和政府职能")]
    assert all("第二章" not in c.text for c in clauses)


@needs_extra
def test_an_addressee_line_ending_in_a_half_width_colon_is_a_line_of_its_own():
    """Copied pages often print half-width punctuation: 「…各单位:」 ends the addressee line, and the body's first
    sentence does not run on from it (the sentence chosen for a quote would carry every addressee)."""
    document = read_document(EXTRA / "003_shandong-binzhou_szzlj2010.txt")
    opening = chunk_document("binzhou", document.text).clauses[0].text
    assert "中央、省驻滨各单位:\n近年来" in opening


def test_bracketed_metadata_rows_are_not_joined_to_a_broken_title_line():
    text = ("驻马店市人民政府办公室关于印发驻马店市市长质量奖管理\n办法的通知\n【发文字号】驻政办[2016]70号\n"
            "【发布日期】2016.05.31\n第一章总则\n第一条为推动质量发展，制定本办法。")
    opening = chunk_document("z", text).clauses[0].text
    assert opening.splitlines()[-2:] == ["【发文字号】驻政办[2016]70号", "【发布日期】2016.05.31"]


def test_short_lines_after_a_joined_paragraph_and_bulleted_rows_stay_lines_of_their_own():
    """Only a long last line was cut off by wrapping: once a paragraph is long, a report's title, meeting and
    speaker lines below it (each short) are not glued to it; a bulleted row (• 成文日期) is a line of its own; a short
    line ending with a full date (a signature) is whole."""
    text = ("• 发布单位:区政府办公室\n• 成文日期:2019-02-05\n2019年云杉区政府工作报告\n"
            "在云杉区第三届人民代表大会第二次会议上\n云杉区区长 林远\n各位代表:\n"
            "现在，我代表区人民政府向大会报告工作，请予审议。")
    assert join_lines(text) == ["• 发布单位:区政府办公室", "• 成文日期:2019-02-05", "2019年云杉区政府工作报告",
                                "在云杉区第三届人民代表大会第二次会议上", "云杉区区长 林远", "各位代表:",
                                "现在，我代表区人民政府向大会报告工作，请予审议。"]
    wrapped = "一年来，我们在区委的坚强领导下，深入实施各项举措，全力推进转型升级，主要经济指标总体呈现稳\n步回升的良好态势。"
    assert join_lines(wrapped) == [wrapped.replace("\n", "")]
    signed = "现印发给你们，请认真贯彻执行。\n云杉市人民政府办公室2019年6月27日\n2019年重点工作任务安排"
    assert join_lines(signed)[1:] == ["云杉市人民政府办公室2019年6月27日", "2019年重点工作任务安排"]


def test_chapters_headed_like_parts_hold_the_articles_that_follow():
    """An older 办法 heads its chapters 一、总则 / 二、评奖标准 and numbers articles 第1条 or 第一条 under them."""
    text = ("某某评选办法\n一、总则\n第1条 为了促进评价工作，特制订本办法。\n第2条 评选的范围为已经审批的项目。\n"
            "二、评奖标准\n第3条 评奖标准是：\n（一）具有领先水平；\n（二）有所创新。\n第4条 一等奖不超过三个。")
    clauses = chunk_document("h", text).clauses
    assert [(c.clause_id, c.section_path[0], c.parent_id) for c in clauses[1:]] == [
        ("h#1.1", "一、总则", "h#1"), ("h#1.2", "一、总则", "h#1"), ("h#2.3", "二、评奖标准", "h#2"),
        ("h#2.3.1", "二、评奖标准", "h#2.3"), ("h#2.3.2", "二、评奖标准", "h#2.3"), ("h#2.4", "二、评奖标准", "h#2")]
    assert clauses[-1].item == "第4条"


@needs_extra
def test_sections_printed_with_half_width_brackets_are_sections():
    """Copied pages print （一） as (一): 咸宁's 一、总体要求 has its own (一)发展思路 and (二)发展目标."""
    document = read_document(EXTRA / "017_hubei-xianning_szxn2022.txt")
    clauses = chunk_document("xianning", document.text).clauses
    paths = [c.section_path for c in clauses if c.kind == "section"]
    assert [p[-1][:7] for p in paths] == ["(一)发展思路", "(二)发展目标"] and all(p[0] == "一、总体要求" for p in paths)


def test_a_short_first_sentence_of_an_article_stays_in_its_text():
    """「第一条 省林业主管部门主管全省护林工作。」 on a line of its own is the article's first sentence, not a heading."""
    text = ("某省护林条例\n第一章 总则\n第一条 省林业主管部门主管全省护林工作。\n"
            "市、县林业部门按照职责做好本地的护林工作。\n")
    [article] = [c for c in chunk_document("f", text).clauses if c.kind == "article"]
    assert article.text.startswith("第一条 省林业主管部门主管全省护林工作。")
    assert article.text.endswith("按照职责做好本地的护林工作。")


def test_decimal_outline_of_an_emergency_plan():
    """应急预案 number their parts 1 总则 / 1.1 编制依据 / 1.4.1 突发事件分类: each is a heading, not preamble text."""
    text = ("某县突发事件总体应急预案\n1 总则\n1.1 编制依据\n依据有关法律法规，结合本县实际，制定本预案。\n"
            "1.2 适用范围\n本预案适用于本县行政区域内突发事件的应对工作。\n1.3 事件分类分级\n1.3.1 突发事件分类\n"
            "突发事件主要包括自然灾害、事故灾难、公共卫生事件和社会安全事件。\n2 组织体系\n2.1 领导机构\n"
            "县人民政府是本县突发事件应对工作的行政领导机关。\n")
    clauses = chunk_document("p", text).clauses
    assert [(c.clause_id, c.item, c.section_path) for c in clauses[1:]] == [
        ("p#1.1", "1.1", ["1 总则", "1.1 编制依据"]), ("p#1.2", "1.2", ["1 总则", "1.2 适用范围"]),
        ("p#1.3.1", "1.3.1", ["1 总则", "1.3 事件分类分级", "1.3.1 突发事件分类"]),
        ("p#2.1", "2.1", ["2 组织体系", "2.1 领导机构"])]
    assert clauses[0].text == "某县突发事件总体应急预案"


def test_ids_stay_unique_when_numbering_starts_over():
    """A table of contents (目录) lists the headings with no text: the body's headings are the parts. A list that
    starts over under the same heading gets a suffix, so a citation names one clause."""
    toc = ("某县防汛抗旱应急预案\n目录\n1 总则\n1.1 编制目的\n1.2 适用范围\n2 组织体系\n2.1 指挥机构\n"
           "1 总则\n1.1 编制目的\n为做好防汛抗旱工作，制定本预案。\n1.2 适用范围\n本预案适用于本县的防汛抗旱工作。\n"
           "2 组织体系\n2.1 指挥机构\n县防汛抗旱指挥部负责全县的防汛抗旱工作。\n")
    clauses = chunk_document("t", toc).clauses
    assert [(c.clause_id, c.text) for c in clauses[1:]] == [
        ("t#1.1", "为做好防汛抗旱工作，制定本预案。"), ("t#1.2", "本预案适用于本县的防汛抗旱工作。"),
        ("t#2.1", "县防汛抗旱指挥部负责全县的防汛抗旱工作。")]
    restarted = chunk_document("r", "一、主要任务\n（一）加强监管。\n（二）强化服务。\n（一）完善标准。\n")
    ids = [c.clause_id for c in restarted.clauses]
    assert ids == ["r#1.1", "r#1.2", "r#1.1_2"]


def test_a_copied_table_row_does_not_run_into_the_text_below():
    """A page's metadata table copies as `发布单位: | 某局 | 主题分类: | 农业 |`; the body starts on the next line."""
    text = ("发布单位: | 某市农业农村局（某市乡村振兴局） | 主题分类: | 农业、畜牧业、渔业 |\n"
            "今年全市农业农村工作要稳中求进，确保粮食生产稳定。\n")
    assert join_lines(text) == ["发布单位: | 某市农业农村局（某市乡村振兴局） | 主题分类: | 农业、畜牧业、渔业 |",
                                "今年全市农业农村工作要稳中求进，确保粮食生产稳定。"]


def test_a_narrowly_wrapped_pdf_text_joins_its_lines():
    """A PDF copied at its page width (some 28 characters a line, blank lines between) breaks every sentence;
    lines as wide as the text are joined, the short last line of a paragraph ends it."""
    paragraph = ("各县市要把城乡供水保障放在重要位置，统筹水源建设、管网改造和水质监测，逐步实现城乡供水同网同质同价。"
                 "水源工程要优先安排在人口集中、缺水严重的地区，新建水厂要同步配套净化消毒设施，老旧管网要在三年内完成"
                 "改造，漏损率降到百分之十以下。各级财政要安排专项资金，对农村供水工程的运行维护给予补助，鼓励社会资本"
                 "参与供水设施建设和管理。水利部门负责牵头组织实施，卫生健康部门负责水质卫生监督，每季度向社会公布"
                 "一次水质检测结果，接受群众监督，确保群众喝上放心水。")
    wrapped = "\n\n".join(paragraph[i:i + 28] for i in range(0, len(paragraph), 28))
    assert join_lines("一、总体要求\n\n" + wrapped) == ["一、总体要求", paragraph]
    assert join_lines("一、总体要求\n某某工作\n" + paragraph) == ["一、总体要求", "某某工作", paragraph]


def test_a_decimal_amount_at_a_line_start_is_no_heading():
    """After （四）, 「2.5亿元用于……」 starts a line of text, not a fifth section; 1.2 goes on after 1.1."""
    text = ("一、主要任务\n（一）加强监管。\n（二）强化服务。\n（三）完善标准。\n（四）加大投入。各级财政安排专项资金，\n"
            "2.5亿元用于支持企业技术改造。\n")
    clauses = chunk_document("d", text).clauses
    assert [c.clause_id for c in clauses] == ["d#1.1", "d#1.2", "d#1.3", "d#1.4"]
    assert clauses[-1].text.endswith("2.5亿元用于支持企业技术改造。")


def test_a_pages_dating_and_record_lines_are_a_clause_of_their_own_after_the_document():
    """发布时间：… is page furniture and leaves the text, but it is often the only date a copied page gives: the
    removed lines that date the page come back, verbatim, as the document's last clause (kind page), not as body."""
    page = ("当前位置：首页 > 政策文件\n某县养老服务补贴办法\n发布时间：2021-05-06 09:12    浏览次数：88\n"
            "第一条 为规范养老服务补贴，制定本办法。\n第二条 补贴按季度发放。")
    cleaned = clean_text(page)
    assert "发布时间" not in cleaned.text and cleaned.page_lines == ["发布时间：2021-05-06 09:12    浏览次数：88"]
    clauses = chunk_document("t", cleaned.text, page_lines=cleaned.page_lines).clauses
    assert clauses[-1].kind == "page" and clauses[-1].text == cleaned.page_lines[0]
    assert all(c.kind != "page" for c in chunk_document("t", cleaned.text).clauses)
    assert clean_text("某县养老服务补贴办法\n浏览次数：88 字号：大 中 小\n第一条 为规范补贴，制定本办法。").page_lines == []
    # What the site records of the document (索引号, 主题分类, 有效性) comes back too; a row without a value does not.
    recorded = clean_text("索引号：123456/2021-00012 主题分类：民政、扶贫\n失效日期：----------\n某县养老服务补贴办法\n"
                          "第一条 为规范养老服务补贴，制定本办法。")
    assert recorded.page_lines == ["索引号：123456/2021-00012 主题分类：民政、扶贫"]


def test_an_item_stated_on_its_own_line_above_its_duty_lines_keeps_the_statement():
    """A task list states each target on its own line (1.全市粮食产量稳定在60亿斤以上。) with 牵头单位/责任单位 lines
    below: the statement is the item's text, not only its heading; a heading over numbered items stays a heading."""
    text = ("一、主要预期目标\n1.全市粮食产量稳定在60亿斤以上。\n牵头单位:市农业农村局\n责任单位:各县区人民政府\n"
            "2.城镇新增就业4万人。\n牵头单位:市人力资源社会保障局\n"
            "二、重点任务\n（一）扩大有效投资。\n1.推进重大项目建设,全年完成投资300亿元。")
    clauses = {c.clause_id: c for c in chunk_document("t", text).clauses}
    assert clauses["t#1.1"].text.startswith("1.全市粮食产量稳定在60亿斤以上。\n牵头单位")
    assert clauses["t#1.2"].text.startswith("2.城镇新增就业4万人。")
    assert "t#2.1" not in clauses and clauses["t#2.1.1"].section_path[-2] == "（一）扩大有效投资"


def test_a_decimal_outline_copied_without_spaces_is_still_an_outline():
    """A copied 应急预案 may lose the space of 1 总则 (1总则 / 1.1编制目的): still the outline; a line that starts
    with a count (1个月内完成整改) is no heading."""
    text = ("某镇森林火灾应急预案\n1总则\n1.1编制目的\n为有效应对森林火灾,制定本预案。\n1.2编制依据\n"
            "根据《森林防火条例》,制定本预案。\n2组织体系\n2.1镇森林防火指挥部\n镇长任总指挥。")
    clauses = {c.clause_id: c for c in chunk_document("f", text).clauses}
    assert clauses["f#1.2"].section_path == ["1 总则", "1.2 编制依据"]
    assert clauses["f#2.1"].text == "镇长任总指挥。"
    counted = chunk_document("g", "一、整改要求\n1个月内完成整改\n加强日常巡查。").clauses
    assert [c.section_path for c in counted] == [["一、整改要求"]]


def test_a_dated_delivery_note_after_a_dash_is_no_bullet():
    """——2021年1月6日在某区第五届人民代表大会第三次会议上 says when a report was given: it stays in the opening,
    while ——经济运行稳中向好。 opens a bullet."""
    text = ("政府工作报告\n——2021年1月6日在某区第五届人民代表大会第三次会议上\n各位代表:\n现在,我代表区人民政府向大会报告工作。\n"
            "一、过去一年的工作\n——经济运行稳中向好。地区生产总值增长6%。")
    clauses = chunk_document("report", text).clauses
    opening = next(c for c in clauses if c.kind == "preamble")
    assert "2021年1月6日" in opening.text
    assert [c.text for c in clauses if c.outline and c.outline[-1].kind == "bullet"] == ["——经济运行稳中向好。地区生产总值增长6%。"]


def test_a_page_copied_from_the_middle_starts_at_its_own_chapter_or_division():
    """A page cut from the middle of a plan (（上接第三版）…) may open at 第四节: a heading line of its own heads its
    section whatever number it starts at."""
    text = ("（上接第三版）推进老城有机更新，逐步降低人口密度。\n\n第四节 优化县域经济布局\n\n"
            "立足资源环境承载能力，围绕城市化地区、农产品主产区、生态功能区三大空间格局，支持各县差异化发展。\n")
    clauses = chunk_document("excerpt", text).clauses
    laid_out = [c for c in clauses if "三大空间格局" in c.text]
    assert [c.section for c in laid_out] == ["第四节 优化县域经济布局"]
