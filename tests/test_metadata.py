"""Metadata extraction and page cleaning: real web-page copies (corpus-extra) and short realistic strings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from assistant.corpus import load_corpus, read_document
from assistant.corpus.cleaning import clean_text, strip_pinyin_glosses
from assistant.corpus.loaders import load_text
from assistant.corpus.metadata import extract_metadata, parse_date, title_type
from assistant.index import context_text, embedded_sentences, keyword_text
from assistant.places import Place
from assistant.metadata_eval import CORPUS_EXTRA, gold_value, markdown_table, metadata_accuracy
from assistant.models import Clause
from assistant.settings import PROJECT_ROOT

needs_extra = pytest.mark.skipif(not (CORPUS_EXTRA / "sources.jsonl").exists(), reason="shared/corpus-extra absent")


def _meta(text: str):
    return extract_metadata(clean_text(text))


# -- real files -----------------------------------------------------------------------------------------------
@needs_extra
@pytest.mark.parametrize("half", ["dev", "unseen"])
def test_real_pages_get_province_city_and_mostly_title_and_date_right(half):
    report = metadata_accuracy(half=half)
    table = markdown_table(report, mismatches=half == "dev")  # unseen is measured, never looked into
    assert report.documents == 10 and report.accuracy("province") == report.accuracy("city") == 1.0, table
    assert report.accuracy("title") >= 0.9 and report.accuracy("date") >= 0.9, table


@needs_extra
def test_page_furniture_goes_and_every_body_line_stays():
    for path in sorted((CORPUS_EXTRA / "dev").iterdir()):
        raw = load_text(path)
        cleaned = clean_text(raw)
        for line in cleaned.removed:
            assert "。" not in line, (path.name, line)  # no sentence is ever dropped
        for line in raw.splitlines():
            if "。" in line:
                assert strip_pinyin_glosses(line.strip()) in cleaned.text, (path.name, line)
        for furniture in ("当前位置", "现在的位置", "浏览次数", "访问次数", "分享到", "索引号", "发布时间"):
            assert furniture not in cleaned.text, (path.name, furniture)


@needs_extra
def test_traditional_copy_loses_pinyin_and_is_indexed_in_simplified_form():
    document = read_document(CORPUS_EXTRA / "dev" / "015_hunan-xiangxi_yshj2020_trad.txt")
    assert "(fā)" not in document.text and "發" in document.text  # verbatim characters, glosses gone
    assert document.meta.province == "湖南" and document.meta.doc_number == "州政發〔2020〕5號"
    clause = Clause(clause_id="x#1", doc_id="x", section_path=["一、進一步提升政務服務效能"], order=1,
                    text="加大簡政放權力度。")
    assert embedded_sentences(clause) == ["加大简政放权力度。"] and "简政放权" in keyword_text(clause, document.meta)
    assert "进一步提升政务服务效能" in context_text(clause, document.meta)
    assert clause.text == "加大簡政放權力度。"


def test_traditional_and_simplified_copies_share_a_content_hash(tmp_path):
    (tmp_path / "s.txt").write_text("湖南省人民政府关于优化营商环境的意见\n一、总体要求\n加大简政放权力度。", encoding="utf-8")
    (tmp_path / "t.txt").write_text("湖南省人民政府關於優化營商環境的意見\n\n一、總體要求\n加大簡政放權力度。",
                                    encoding="utf-8")
    simplified, traditional = read_document(tmp_path / "s.txt").meta, read_document(tmp_path / "t.txt").meta
    assert simplified.content_hash == traditional.content_hash
    assert traditional.title == "湖南省人民政府關於優化營商環境的意見" and traditional.province == "湖南"


def test_seed_corpus_keeps_its_doc_ids_and_manifest_values():
    corpus = load_corpus(PROJECT_ROOT / "corpus")
    metas = {doc.meta.doc_id: doc.meta for doc in corpus.documents}
    assert set(metas) == {"yunnan-2016", "yunnan-2023", "hunan-2017", "sichuan-zlqs", "qinghai-zlfz"}
    assert metas["yunnan-2016"].title == "云南省人民政府关于实施质量强省战略的意见" and metas["yunnan-2016"].date == "2016"
    assert metas["hunan-2017"].date == "2017-06-19" and metas["hunan-2017"].doc_type == "意见"
    assert metas["yunnan-2023"].date == "2023-03-03"  # the signature, not the page's 发布日期 2023-03-07
    assert metas["sichuan-zlqs"].warnings == ["未识别到日期"]


def test_file_without_any_metadata_loads_with_warnings_and_no_file_name_title(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "scan-0042.txt").write_text("为加快推进质量工作，现提出如下意见。\n一、总体要求\n（一）目标。到2027年质量明显提升。",
                                          encoding="utf-8")
    meta = load_corpus(folder).documents[0].meta
    assert meta.doc_id == "scan-0042" and meta.title == "来源不明文件（未识别标题）"
    assert meta.province == "未知"
    assert {"未识别到标题", "未识别到日期", "未识别到省份"} <= set(meta.warnings)


def test_manifest_still_overrides_extracted_values(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text("关于加强质量工作的通知\n各县（区）人民政府：\n现就有关事项通知如下。", encoding="utf-8")
    (folder / "manifest.yaml").write_text(
        "documents:\n  - file: a.txt\n    doc_id: jiangsu-a\n    province: 江苏\n    date: '2020-01-02'\n",
        encoding="utf-8")
    meta = load_corpus(folder).documents[0].meta
    assert (meta.doc_id, meta.province, meta.date, meta.title) == ("jiangsu-a", "江苏", "2020-01-02", "关于加强质量工作的通知")
    assert "未识别到省份" not in meta.warnings and "未识别到日期" not in meta.warnings


# -- extractors on short realistic strings ----------------------------------------------------------------------
@pytest.mark.parametrize("text, iso", [
    ("2023年3月10日", "2023-03-10"), ("2023 年 3 月 10 日", "2023-03-10"), ("２０２３年３月１０日", "2023-03-10"),
    ("2023-10-13", "2023-10-13"), ("2024/3/11", "2024-03-11"), ("2023.3.10", "2023-03-10"),
    ("二〇一七年三月十日", "2017-03-10"), ("二○一○年十二月十七日", "2010-12-17"), ("二OO二年一月四日", "2002-01-04"),
    ("二〇二三年十月三十一日", "2023-10-31"), ("2023年2月30日", None), ("第2023号", None),
])
def test_dates_in_every_common_form(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("line, number", [
    ("鲁政字〔2022〕225号", "鲁政字〔2022〕225号"), ("吉政发(2012)27号", "吉政发(2012)27号"),
    ("许政[2017]16号", "许政[2017]16号"), ("（滨政字〔2010〕170号）", "滨政字〔2010〕170号"),
    ("泉政[2002]文4号", "泉政[2002]文4号"),
])
def test_doc_numbers_in_every_bracket_form(line, number):
    assert _meta(f"某某市人民政府关于加强质量工作的意见\n{line}\n各县（区）人民政府：\n现提出如下意见。").doc_number == number


def test_doc_number_cited_in_a_sentence_is_another_documents():
    meta = _meta("关于加强质量工作的意见\n根据《国务院关于印发质量发展纲要的通知》（国发〔2012〕9号）精神，现提出如下意见。")
    assert meta.doc_number is None


def test_issuing_notice_title_and_its_type():
    meta = _meta("山东省人民政府办公厅关于印发《山东省质量强省建设纲要》的通知\n鲁政办字〔2023〕12号\n各市人民政府：\n"
                 "《山东省质量强省建设纲要》已经省政府同意，现印发给你们。\n山东省人民政府办公厅\n2023年3月10日")
    assert meta.title == "山东省人民政府办公厅关于印发《山东省质量强省建设纲要》的通知"
    assert (meta.doc_type, meta.issuer, meta.date, meta.place.province) == ("通知", "山东省人民政府办公厅", "2023-03-10", "山东")
    assert title_type("关于实施质量强省战略的实施意见（试行）") == "意见"


def test_city_and_county_issuers_resolve_to_their_province():
    city = _meta("扬州市人民政府关于加快质量发展的意见\n各县（市、区）人民政府：\n现提出如下意见。").place
    county = _meta("长兴县人民政府办公室关于印发质量强县工作方案的通知\n各乡镇人民政府：\n现印发给你们。").place
    assert (city.province, city.city) == ("江苏", "扬州市")
    assert (county.province, county.city, county.county) == ("浙江", "湖州市", "长兴县")


def test_page_timestamp_is_not_taken_when_a_written_date_exists():
    page = ("当前位置：首页 > 政务公开 > 政策文件\n发布时间：2024-05-11 10:23 浏览次数：35 【大 中 小】\n"
            "成文日期：2024-03-01\n关于加强质量工作的通知\n各县（区）人民政府：\n现将有关事项通知如下。\n打印 关闭")
    meta = _meta(page)
    assert (meta.date, meta.date_source) == ("2024-03-01", "written")
    timestamp_only = _meta("关于加强质量工作的通知\n发布时间：2024-05-11 10:23 浏览次数：35\n现将有关事项通知如下。")
    assert (timestamp_only.date, timestamp_only.date_source) == ("2024-05-11", "page")


def test_a_sites_clock_dates_nothing_and_a_title_may_open_with_its_year():
    """今天是 2019年10月31日 is when the page was viewed or cached, not a date of the document or the page; a
    report titled 2021年宝坻区… is 宝坻区's though its name does not open the title."""
    page = ("今天是:2019年10月31日 星期三 农历十月初七\n您所在的位置:政务公开 > 工作报告\n"
            "2021年宝坻区法治政府建设情况报告\n文章来源:司法局 更新时间:2022/03/29 11:30:01\n"
            "2021年宝坻区法治政府建设情况报告\n2021年,宝坻区坚持依法行政。")
    meta = _meta(page)
    assert (meta.date, meta.date_source) == ("2022-03-29", "page")
    assert (meta.place.province, meta.place.county) == ("天津", "宝坻区")


def test_a_place_right_after_a_date_is_found_however_jieba_cuts_it():
    """jieba reads 2021年静海区 as 年静 / 海区; a date ends a word, so the name after it starts one."""
    from assistant.places import find_places

    assert find_places("2021年静海区法治政府建设情况报告") == [Place("天津", None, "静海区")]
    assert find_places("示范县建设") == []  # a name inside a word is still no place


def test_signature_date_beats_the_page_publication_date():
    meta = _meta("关于转发某公告的函\n发布日期：2011-11-24 浏览次数：1\n各区政府：\n现将公告转发给你们。\n此函\n二〇一一年十月二十七日")
    assert (meta.date, meta.date_source) == ("2011-10-27", "signature")


def test_furniture_lines_go_and_body_lines_with_label_words_stay():
    page = ("<p>您现在的位置：首页 &gt; 政策文件</p>\n今天是:\n您当前的位置 : 首页 >>规划信息>>正文\n—1—\n- 2 -\n"
            "• 无障碍\n  • 长辈版\n"
            "字号：【大 中 小】 打印 关闭\n分享到：\n索引号：11370000-2023-00012\n"
            "关于召开质量工作会议的通知\n各有关单位：\n时间：2024年5月10日上午9:00\n来源：省级财政专项资金。\n"
            "當(dāng)前质量工作任务艰巨(2023—2025年)。")
    cleaned = clean_text(page)
    assert cleaned.text.splitlines() == ["关于召开质量工作会议的通知", "各有关单位：", "时间：2024年5月10日上午9:00",
                                         "来源：省级财政专项资金。", "當前质量工作任务艰巨(2023—2025年)。"]


def test_gold_notes_are_not_values():
    assert gold_value("2017-10-31 (publication date; 成文日期 not in excerpt)") == "2017-10-31"
    assert gold_value("温州市洞头区 (county-level district)") == "温州市洞头区"
    assert gold_value("not printed on page (a Tianjin municipal body)") is None
    assert gold_value("某某实施方案（2021—2025年）") == "某某实施方案（2021—2025年）"


def test_traditional_page_labels_and_law_database_brackets_are_read():
    traditional = _meta("發布日期：2019-04-02 10:20 瀏覽次數：12\n成文日期：2019-03-28\n廣州市人民政府關於加強質量工作的意見\n"
                        "各區人民政府：\n現提出如下意見。")
    assert (traditional.date, traditional.title, traditional.place.city) == (
        "2019-03-28", "廣州市人民政府關於加強質量工作的意見", "广州市")
    database = _meta("【发布单位】扬州市人民政府\n【发布文号】扬府发〔2021〕8号\n【发布日期】2021-02-03\n"
                     "【生效日期】2021-02-03\n关于加快质量发展的意见\n各县（市、区）人民政府：\n现提出如下意见。")
    assert (database.issuer, database.doc_number, database.date, database.place.province) == (
        "扬州市人民政府", "扬府发〔2021〕8号", "2021-02-03", "江苏")
    tabs = clean_text("索引号\t0001-2022\t发文字号\t苏政发〔2022〕1号\n关于质量工作的意见")
    # a row stating the 文号 stays quotable in the text; it is read as metadata too
    assert tabs.text.endswith("\n关于质量工作的意见") and "苏政发〔2022〕1号" in tabs.text
    assert ("发文字号", "苏政发〔2022〕1号") in [(r.label, r.value) for r in tabs.rows]


def test_covering_notice_cut_before_its_title_is_titled_by_the_document_it_issues():
    meta = _meta("各县（市、区）人民政府：\n《某某市数字经济发展三年行动计划》已经市人民政府同意，现印发给你们，请认真组织实施。")
    assert meta.title == "某某市数字经济发展三年行动计划" and meta.doc_type == "计划"


def test_joint_signers_dating_notes_and_page_date_lines():
    joint = _meta("关于推进质量强市建设的意见\n各县（区）人民政府：\n现提出如下意见。\n中共扬州市委\n扬州市人民政府\n2022年5月6日")
    assert (joint.issuer, joint.date, joint.place.city) == ("中共扬州市委、扬州市人民政府", "2022-05-06", "扬州市")
    adopted = _meta("某市质量奖管理办法\n（2021年9月3日市人民政府第12次常务会议通过）\n第一条 为了推动质量发展，制定本办法。")
    assert (adopted.date, adopted.date_source) == ("2021-09-03", "signature")
    for page_line in ("2023-03-10 来源：某市人民政府办公室", "日期：2023年03月10日", "时间：2023-03-10"):
        cleaned = clean_text(f"关于质量工作的通知\n{page_line}\n各单位：\n现将有关事项通知如下。")
        assert page_line not in cleaned.text and extract_metadata(cleaned).date == "2023-03-10", page_line


def test_page_source_names_the_issuer_only_when_nothing_else_does():
    meta = _meta("发布时间：2023-03-10 10:00 来源：南京市市场监督管理局\n关于开展质量月活动的通知\n各区市场监管局：\n现将有关事项通知如下。")
    assert (meta.issuer, meta.place.city) == ("南京市市场监督管理局", "南京市")


def test_a_page_heading_with_its_number_and_a_source_with_its_posting_time():
    """A county page: its heading is no title but closes with the 文号; the 发布机构 row does not say where it is,
    the 来源 row does, before the posting time."""
    meta = _meta("• 发布机构:县人民政府办公室\n• 公开日期:2021-03-23\n2021年县政府重点工作任务(华政发〔2021〕2号)\n"
                 "来源:华容县政府   2021-03-23 10:56\n各乡镇人民政府、县直各单位:\n现将重点工作任务印发给你们,请认真落实。")
    assert (meta.doc_number, meta.place.province, meta.place.county) == ("华政发〔2021〕2号", "湖南", "华容县")


def test_covering_notice_titles_the_document_it_issues_not_one_it_cites():
    meta = _meta("各镇人民政府,区政府各部门:\n为全面完成《政府工作报告》确定的各项任务,现将《<政府工作报告>任务分解表》印发给你们。\n"
                 "盘锦市大洼区人民政府办公室\n2021年1月25日")
    assert meta.title is None  # 任务分解表 is no document type: untitled, with a warning, not 《政府工作报告》
    notice = _meta("各县（区）人民政府：\n为落实《质量强国建设纲要》，《某市质量奖管理办法》已经市政府同意，现印发给你们。")
    assert notice.title == "某市质量奖管理办法"


def test_a_government_naming_its_own_rules_issued_them_not_the_site_that_posted_them():
    meta = _meta("宁强县人民政府工作规则\n发文机构：县政府网站\n发文字号：宁政发〔2024〕3号\n第一章 总则\n"
                 "一、为规范县政府工作，制定本规则。")
    assert (meta.issuer, meta.place.county) == ("宁强县人民政府", "宁强县")


def test_pinyin_glosses_in_every_printed_form_go_and_brackets_stay():
    import unicodedata

    for glossed in ("當(dāng)前發(fā)展", "當（dāng）前發(fā)展", "當( dāng )前發( fā )展", "當(dang1)前發(fa1)展",
                    unicodedata.normalize("NFD", "當(dāng)前發(fā)展")):
        assert strip_pinyin_glosses(glossed) == "當前發展", glossed
    assert strip_pinyin_glosses("中(zhōnɡ)国(ɡuó)的(de)發(fā)展(zhǎn)") == "中国的發展"
    for kept in ("PM2.5(细颗粒物)", "条例(试行)", "技术(AI)", "计划(2023年)", "的(de)"):
        assert strip_pinyin_glosses(kept) == kept


def test_issuer_of_a_forwarding_title_and_a_page_date_above_the_body():
    meta = _meta("某某市人民政府办公室转发市财政局关于加强资金管理意见的通知\n2023年05月06日\n各县（区）人民政府：\n"
                 "现将市财政局《关于加强资金管理的意见》转发给你们，请认真贯彻执行。\n某某市人民政府办公室\n2023年4月28日")
    assert meta.issuer == "某某市人民政府办公室" and (meta.date, meta.date_source) == ("2023-04-28", "signature")
    assert "2023年05月06日" not in clean_text("关于质量工作的通知\n2023年05月06日\n现将有关事项通知如下。").text
    assert parse_date("2023－05－06") == "2023-05-06" and parse_date("二◯二三年五月六日") == "2023-05-06"


def test_spread_out_labels_tab_tables_and_bracketed_labels_of_portal_pages():
    page = ("索 引 号：000014349/2023-00012\t主题分类：综合政务\n发文机关：广东省人民政府办公厅\t成文日期：2023年03月10日\n"
            "标　　题：广东省人民政府办公厅关于加强质量工作的通知\n发文字号：粤府办〔2023〕5号\t发布日期：2023年03月15日\n"
            "2023年03月15日 星期三\n关于加强质量工作的通知\n各地级以上市人民政府：\n现将有关事项通知如下。")
    meta = _meta(page)
    assert (meta.title, meta.issuer, meta.doc_number, meta.date, meta.place.province) == (
        "广东省人民政府办公厅关于加强质量工作的通知", "广东省人民政府办公厅", "粤府办〔2023〕5号", "2023-03-10", "广东")
    kept = clean_text(page).text.splitlines()  # rows stating issuer, dates and 文号 stay quotable; the rest goes
    assert kept[-3:] == ["关于加强质量工作的通知", "各地级以上市人民政府：", "现将有关事项通知如下。"]
    assert all("索" not in line and "标" not in line for line in kept) and any("粤府办〔2023〕5号" in x for x in kept)
    beijing = _meta("[发文机构] 北京市人民政府办公厅 [联合发文单位] [成文日期] 2023-03-10\n关于加强质量工作的通知\n现通知如下。")
    assert (beijing.issuer, beijing.date, beijing.place.province) == ("北京市人民政府办公厅", "2023-03-10", "北京")


def test_red_header_organ_and_header_dates_count_when_the_signature_is_cut_off():
    meta = _meta("苏州市人民政府\n苏府〔2023〕12号\n关于加快质量强市建设的意见\n二〇二三年三月十日\n各区人民政府：\n"
                 "为加快质量强市建设，现提出如下意见。\n一、总体要求")
    assert (meta.issuer, meta.place.city, meta.doc_number) == ("苏州市人民政府", "苏州市", "苏府〔2023〕12号")
    assert (meta.date, meta.date_source) == ("2023-03-10", "published")
    on_one_line = _meta("苏州市人民政府办公室 2023年3月10日\n关于做好质量月工作的通知\n各区人民政府：\n现将有关事项通知如下。")
    assert (on_one_line.issuer, on_one_line.date) == ("苏州市人民政府办公室", "2023-03-10")


def test_html_leftovers_break_lines_where_the_page_did():
    page = ("<div class=\"title\">关于加强质量工作的通知</div><p>各县（区）人民政府：</p><p>现将有关事项通知如下。</p>"
            "<p style=\"text-align:right\">扬州市人民政府办公室<br/>2023年3\u200b月10日</p>"
            "<table><tr><td>发文字号</td><td>扬府办发〔2023〕5号</td></tr></table>&nbsp;")
    cleaned = clean_text(page)
    assert [line for line in cleaned.text.splitlines() if line and "扬府办发" not in line] == [
        "关于加强质量工作的通知", "各县（区）人民政府：", "现将有关事项通知如下。", "扬州市人民政府办公室", "2023年3月10日"]
    meta = extract_metadata(cleaned)
    assert (meta.issuer, meta.date, meta.doc_number) == ("扬州市人民政府办公室", "2023-03-10", "扬府办发〔2023〕5号")


def test_city_from_the_text_only_for_a_document_that_speaks_as_a_city():
    city = _meta("关于做好质量月活动的通知\n各县（市、区）人民政府：\n为推动我市质量工作，现将鄂州市质量月活动安排通知如下。"
                 "全市各地要结合鄂州市实际，认真组织。")
    assert (city.place.province, city.place.city) == ("湖北", "鄂州市")
    province = _meta("关于做好质量月活动的通知\n西宁市、各自治州人民政府：\n为推动我省质量工作，请西宁市、海东市认真组织。")
    assert (province.place.province, province.place.city) == ("青海", None)


@needs_extra
def test_city_named_without_its_suffix_places_a_copy_that_starts_at_the_body():
    """A page copy cut after its covering notice: no title, issuer or signature, only the body, which names its
    city as people write it (数字咸宁, 结合宜春实际) and says 全市 as often as 全省."""
    text = (CORPUS_EXTRA / "dev" / "017_hubei-xianning_szxn2022.txt").read_text(encoding="utf-8")
    place = _meta(text[text.index("为深入贯彻"):]).place
    assert (place.province, place.city) == ("湖北", "咸宁市")


def test_year_of_the_doc_number_beats_a_later_repost_timestamp():
    meta = _meta("关于表彰先进单位的决定\n来源：本站 时间：2004-04-20 10:03 浏览量：\n泉政〔2002〕4号\n各县（市、区）人民政府：\n"
                 "现决定如下。")
    assert (meta.date, meta.date_source) == ("2002", "number")
    same_year = _meta("关于表彰先进单位的决定\n发布时间：2002-03-20 10:03\n泉政〔2002〕4号\n现决定如下。")
    assert (same_year.date, same_year.date_source) == ("2002-03-20", "page")


def test_titles_without_page_title_suffixes_tags_or_dating_notes():
    assert _meta("关于加强质量工作的通知_扬州市人民政府\n各县（区）：\n现通知如下。").title == "关于加强质量工作的通知"
    assert _meta("【政策文件】关于加强质量工作的通知\n各县（区）：\n现通知如下。").title == "关于加强质量工作的通知"
    dated = _meta("某市质量奖管理办法（2021年9月3日市人民政府第12次常务会议通过）\n第一条 为了推动质量发展，制定本办法。")
    assert (dated.title, dated.date) == ("某市质量奖管理办法", "2021-09-03")
    assert _meta("某市质量发展规划（2021—2025年）\n一、发展基础").title == "某市质量发展规划（2021—2025年）"
    # A law database's heading prints the 文号 before the quoted title; the title line below is not its second half.
    headed = _meta("扬府发〔2023〕141号《扬州市人民政府关于深化质量强市建设的实施意见》\n"
                   "扬州市人民政府关于深化质量强市建设的实施意见\n扬府发〔2023〕141号\n各县（市、区）人民政府：\n现提出如下意见。")
    assert (headed.title, headed.doc_number) == ("扬州市人民政府关于深化质量强市建设的实施意见", "扬府发〔2023〕141号")
    assert _meta("扬府发〔2023〕141号《扬州市人民政府关于深化质量强市建设的实施意见》\n各县（市、区）人民政府：\n"
                 "现提出如下意见。").title == "扬州市人民政府关于深化质量强市建设的实施意见"
    # or before 关于 with no quotes, in 【】
    glued = _meta("某政发【2021】9号关于印发某县防汛应急预案的通知\n各乡镇人民政府：\n现印发给你们。")
    assert (glued.title, glued.doc_number) == ("关于印发某县防汛应急预案的通知", "某政发【2021】9号")


def test_a_town_that_speaks_of_itself_is_placed_by_the_city_it_names():
    """A town's notice (发布机构 某某镇) names no province; it says 我镇 and signs with its city and district."""
    meta = _meta("发布机构 | 青溪镇 |\n各村、镇属各单位：为做好防汛工作，保障我镇群众安全，现将预案印发给你们，"
                 "请认真执行。 温州市鹿城区青溪镇人民政府 2021年5月8日")
    assert (meta.place.province, meta.place.city) == ("浙江", "温州市")


def test_a_download_link_line_goes():
    assert clean_text("某某办法\n下载地址: 点击此处下载\n第一条 为了规范管理，制定本办法。").text.splitlines() == [
        "某某办法", "第一条 为了规范管理，制定本办法。"]


def test_a_promulgating_announcement_is_titled_by_the_regulation():
    """A standing committee's 公告 promulgates a regulation, whose text follows: the document is the regulation."""
    meta = _meta("某省人大常委会公告\n第 12 号\n《某省消防条例》已由某省人民代表大会常务委员会于2021年9月28日审议通过，"
                 "现予公布，自2022年1月1日起施行。\n某省人民代表大会常务委员会\n2021年9月28日\n某省消防条例\n"
                 "第一章 总则\n第一条 为了预防火灾，制定本条例。")
    assert (meta.title, meta.date) == ("某省消防条例", "2021-09-28")


def test_a_site_heading_before_the_title_and_a_promulgating_body_row():
    meta = _meta("法规库 首页 太原市消防条例\n\n太原市消防条例\n颁布部门:太原市人民代表大会常务委员会\n"
                 "第一章 总则\n第一条 为了预防火灾，制定本条例。")
    assert (meta.title, meta.issuer) == ("太原市消防条例", "太原市人民代表大会常务委员会")


def test_a_service_guide_is_titled_by_its_question():
    meta = _meta("某市高校毕业生求职创业补贴如何申领？\n一、补贴条件：\n1.属于本省高校毕业学年学生。\n二、补贴标准：\n每人3000元。")
    assert meta.title == "某市高校毕业生求职创业补贴如何申领？"
    assert _meta("各单位：\n现将有关事项通知如下。\n补贴如何申领？\n").title is None  # asked inside the text


def test_a_title_printed_again_and_again_is_no_site_menu():
    """A law database prints a regulation's title three times around its issuer: short lines, but no menu."""
    meta = _meta("某省渔业条例\n\n某省渔业条例\n\n某省人大常委会\n\n某省渔业条例\n"
                 "(2010年3月1日某省第十一届人民代表大会常务委员会第九次会议通过)\n第一章 总则\n"
                 "第一条 为加强渔业资源的保护，制定本条例。")
    assert (meta.title, meta.date) == ("某省渔业条例", "2010-03-01")


def test_a_fact_whose_value_is_on_the_next_line_stays_in_the_text():
    """A bulleted metadata box prints each label on one line and its value on the next: the 文号 and dates stay
    in the text, one line each, so that a question about them can quote them; a fact already printed does not
    come twice."""
    cleaned = clean_text("某县人民政府工作规则\n  • 发文字号:\n\n    某政发〔2024〕3号\n  • 成文日期:\n\n"
                         "    2024年03月02日\n  • 主题分类:\n\n    综合政务\n第一章 总则\n一、为规范工作，制定本规则。")
    assert "发文字号: 某政发〔2024〕3号" in cleaned.text.splitlines()
    assert "成文日期: 2024年03月02日" in cleaned.text.splitlines()
    assert "综合政务" not in cleaned.text
    twice = clean_text("文号: 某政发〔2024〕3号\n  • 文号:\n\n    某政发〔2024〕3号\n关于加强质量工作的意见")
    assert twice.text.count("某政发〔2024〕3号") == 1


def test_the_date_a_regulation_takes_effect_stays_in_the_text():
    """颁布日期 dates the document; 实施日期 is when it takes effect: both stay, one date of each kind."""
    cleaned = clean_text("某市物业管理条例\n颁布日期:2003-5-6\n实施日期:2003-7-1\n主题分类:城乡建设\n第一章 总则")
    assert "实施日期:2003-7-1" in cleaned.text.splitlines() and "主题分类" not in cleaned.text
    assert extract_metadata(cleaned).date == "2003-05-06"


def test_a_written_date_with_a_sites_clock_time_stays_in_the_text():
    """Sites print 发文日期 with the clock time of their database (2011-11-20 00:00:00): still the document's date,
    kept to be quoted; a 发布时间 with a clock time is the page's and goes."""
    cleaned = clean_text("发布机构: 某省人民政府 发文日期: 2011-11-20 00:00:00\n发布时间: 2011-11-25 09:14\n"
                         "关于做好某项工作的通知\n各市人民政府：\n现通知如下。")
    assert "2011-11-20 00:00:00" in cleaned.text and "2011-11-25" not in cleaned.text


def test_an_emergency_plan_alone_on_its_line_is_the_title():
    meta = _meta("索引号 0001/2012-1 发布机构 某省应急管理厅\n\n某省危险化学品事故应急预案\n\n"
                 "发布时间: 2012-05-02 10:17 浏览次数:\n一、总则\n1.1 编制目的\n为及时处置事故，制定本预案。")
    assert (meta.title, meta.doc_type) == ("某省危险化学品事故应急预案", "预案")


def test_a_doc_number_and_issuer_before_the_title_on_a_site_heading():
    meta = _meta("某政办规[2022]7号 某市人民政府办公厅关于印发某市促进消费若干措施的通知\n\n各区人民政府：\n现印发给你们。")
    assert (meta.title, meta.doc_number) == ("某市人民政府办公厅关于印发某市促进消费若干措施的通知", "某政办规[2022]7号")


def test_a_document_that_only_names_a_city_is_placed_in_its_province():
    """Nothing names a province and the text speaks of no city as its own (我市), but it names 淮安: the
    province is Jiangsu; the city stays unknown, since a province's plan names its cities too."""
    meta = _meta("关于帮助企业纾困解难的实施细则\n为落实省政府部署，结合淮安实际，制定如下实施细则。\n一、落实财税支持政策")
    assert (meta.place.province, meta.place.city) == ("江苏", None)


def test_site_menu_above_the_document_goes():
    cleaned = clean_text("首页\n\n政务公开\n政策文件\n机构设置\n关于加强质量工作的通知\n各单位：\n现通知如下。\n一\n二\n三\n四")
    assert cleaned.text.splitlines() == ["关于加强质量工作的通知", "各单位：", "现通知如下。", "一", "二", "三", "四"]
    assert clean_text("扬州市人民政府\n扬府发〔2023〕5号\n关于加强质量工作的意见").text.startswith("扬州市人民政府")


def test_place_lookup_prints_nothing_so_json_output_stays_clean():
    run = subprocess.run([sys.executable, "-c", "from assistant.corpus.metadata import locate; locate('扬州市')"],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert run.returncode == 0 and run.stdout == "", run.stdout


def test_full_issuer_name_beats_a_shortened_signature():
    meta = _meta("扬州市人民政府办公室关于做好质量月工作的通知\n各县（市、区）人民政府：\n现将有关事项通知如下。\n市政府办公室\n2023年9月1日")
    assert (meta.issuer, meta.place.city) == ("扬州市人民政府办公室", "扬州市")


def test_seal_notes_do_not_hide_the_signing_organ():
    for signature in ("扬州市人民政府（代章）\n2023年9月1日", "扬州市人民政府\n（盖章）\n2023年9月1日"):
        meta = _meta(f"关于做好质量月工作的通知\n各县（市、区）人民政府：\n现将有关事项通知如下。\n{signature}")
        assert (meta.issuer, meta.date) == ("扬州市人民政府", "2023-09-01"), signature


@needs_extra
def test_fast_simplification_agrees_with_full_conversion_on_every_real_line():
    """to_simplified skips texts without a convertible character; on every line of the real documents
    (simplified and traditional) it must give exactly what the full OpenCC conversion gives."""
    from opencc import OpenCC

    from assistant.text import to_simplified

    full = OpenCC("t2s")
    lines = [line for path in [*sorted(CORPUS_EXTRA.glob("*/*.txt")), *sorted((PROJECT_ROOT / "corpus").glob("*.txt"))]
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) > 400 and any(full.convert(line) != line for line in lines)  # traditional lines are there
    assert [to_simplified(line) for line in lines] == [full.convert(line) for line in lines]


def test_a_government_order_number_is_the_documents_number():
    """Regulations are published under an order's or an announcement's number, often printed on two lines."""
    two_lines = _meta("某市人民政府关于修改部分政府规章的决定\n某市人民政府令\n第 31 号\n"
                      "《某市人民政府关于修改部分政府规章的决定》已经市政府常务会议通过，现予公布。\n市长 某某\n2021年5月6日")
    assert two_lines.doc_number == "某市人民政府令第31号"
    one_line = _meta("某省人民代表大会常务委员会公告第8号\n某省全民阅读促进条例\n第一条 为了促进全民阅读，制定本条例。")
    assert one_line.doc_number == "某省人民代表大会常务委员会公告第8号"
    # An order cited inside a sentence is another document's.
    cited = _meta("某县养老服务补贴办法\n第一条 根据《某条例》（国务院令第735号）等规定，制定本办法。")
    assert cited.doc_number is None


def test_an_attachments_file_name_and_a_draft_note_leave_the_title():
    """A page opening with the attachment's file name (…的实施方案.docx), or a quoted title marked (草案)."""
    attached = _meta("关于推进社区服务提质增效的实施方案.docx\n关于推进社区服务提质增效的实施方案为提升社区服务水平，制定本方案。")
    assert attached.title == "关于推进社区服务提质增效的实施方案"
    draft = _meta("返回上一级\n编制《某区创建文明城区工作方案》\n《某区创建文明城区工作方案》(草案)\n"
                  "根据《某市文明城区测评办法》（某文明办〔2021〕5号），制定本方案。")
    assert draft.title == "某区创建文明城区工作方案"


def test_law_database_field_labels_a_wrapped_title_and_a_number_glued_to_the_title():
    """Regulation databases label their fields 发文标题/发文文号/发文时间; a title may wrap before its type-only end
    (…补贴 / 管理办法), and a flattened page may print the 文号 right after the title."""
    labelled = _meta("法规分类\n热点专题\n发文标题: 某市人民政府关于加快发展数字经济的若干意见\n发文文号: 某政发[2019]12号\n"
                     "发文部门: 某市人民政府\n发文时间: 2019-05-08\n实施时间: 2019-06-01\n阅读人次: 210\n"
                     "各县（市、区）人民政府：\n为加快发展数字经济，现提出如下意见。")
    assert (labelled.title, labelled.doc_number, labelled.date) == (
        "某市人民政府关于加快发展数字经济的若干意见", "某政发[2019]12号", "2019-05-08")
    wrapped = _meta("政策解读\n四川省财政林业生态保护补助资金\n\n管理实施办法\n\n第一章 总则\n第一条 为规范补助资金管理，制定本办法。")
    assert wrapped.title == "四川省财政林业生态保护补助资金管理实施办法"
    glued = _meta("某市人民政府关于推进县域养老服务发展的实施意见\n某市人民政府关于推进县域养老服务发展的实施意见某政发[2018]7号\n"
                  "各县（区）人民政府：\n为推进养老服务发展，根据《某省实施意见》（某省政发〔2017〕3号），现提出如下意见。")
    assert glued.doc_number == "某政发[2018]7号"


def test_bracketed_number_heading_spaced_dates_wrapped_years_and_cited_titles():
    """A site heading may bracket the 文号 before the title; a page date may be spaced (2022- 04- 27); a title may
    wrap before its years ((2023—2025年)的通知); and 印发 inside a cited title (贯彻《…印发〈…〉的通知》) names
    another document; 来源：本站 (this site) names no issuer."""
    bracketed = _meta("(某政发〔2016〕21号)区人民政府关于印发某区全民健身实施计划(2016—2020年)的通知\n"
                      "栏目:政策文件 发布时间:2018-12-08\n各镇人民政府:\n经研究,现将《某区全民健身实施计划》印发给你们。")
    assert (bracketed.title, bracketed.doc_number) == (
        "区人民政府关于印发某区全民健身实施计划(2016—2020年)的通知", "某政发〔2016〕21号")
    assert _meta("某市数字政府建设行动方案\n发布日期: 2022- 04- 27 浏览次数:\n为加快数字政府建设，制定本行动方案。").date == "2022-04-27"
    wrapped = _meta("关于印发某市公共卫生体系建设三年行动计划\n(2023—2025年)的通知\n各县(市)、区人民政府:\n"
                    "《某市公共卫生体系建设三年行动计划(2023—2025年)》已经市政府同意,现印发给你们。")
    assert wrapped.title == "关于印发某市公共卫生体系建设三年行动计划(2023—2025年)的通知"
    three_lines = _meta("某市人民政府办公室\n关于印发某市国家公交都市创建三年行动\n计划(2023-2025年)的通知\n"
                        "各区人民政府:\n《某市国家公交都市创建三年行动计划(2023-2025年)》已经市政府同意,现印发给你们。")
    assert three_lines.title == "某市人民政府办公室关于印发某市国家公交都市创建三年行动计划(2023-2025年)的通知"
    cited = _meta("2017-08-07 来源:本站 | 阅读量:3126\n为深入贯彻落实《中共中央办公厅、国务院办公厅印发〈关于全面推行河长制的意见〉"
                  "的通知》(厅字〔2016〕42号)精神,结合我市实际,制定本工作方案。\n一、总体要求")
    assert cited.title is None and cited.issuer is None


def test_titles_wrapped_inside_brackets_reposts_gazettes_and_bulleted_organ_lines():
    """A title whose 《 closes two lines below is one title; a repost's 原标题 row names the document; a gazette
    issue heading (某市人民政府公报(2020年第5期)) is the periodical, not the document; an organ line above a
    关于…的 / 通知 pair is the issuer, also when a bulleted list marks it."""
    bracketed = _meta("某政发〔2022〕9号\n某省人民政府关于印发《2022年\n省〈政府工作报告〉重点任务\n分工方案》的通知\n"
                      "各市人民政府:\n现将方案印发给你们,请认真落实。")
    assert bracketed.title == "某省人民政府关于印发《2022年省〈政府工作报告〉重点任务分工方案》的通知"
    repost = _meta("原標題:某市人民政府關于印發推進全民閱讀實施方案的通知\n"
                   "某市人民政府 2019年3月2日 關于推進全民閱讀的實施方案\n為推進全民閱讀,制定本方案。")
    assert repost.title == "某市人民政府關于印發推進全民閱讀實施方案的通知"
    gazette = _meta("西宁市人民政府公报(2020年第5期)\n • 成文日期 2020-03-02\n • 西宁市人民政府\n"
                    "关于2020年为民办好城乡建设\n十项民生实事的通知\n各区、县人民政府:\n市政府决定办好十项民生实事。")
    assert (gazette.title, gazette.issuer) == ("西宁市人民政府关于2020年为民办好城乡建设十项民生实事的通知", "西宁市人民政府")
    assert gazette.place.city == "西宁市"


def test_a_promulgation_time_row_dates_the_document():
    """颁布时间 / 印发时间 rows (encyclopaedia and law-database pages) give the date the document was issued."""
    page = _meta("某市推进数字乡村建设实施方案\n基本介绍\n • 頒布時間:2021年9月6日\n • 發布單位:某市人民政府辦公室\n"
                 "為推進數字鄉村建設,制定本方案。")
    assert page.date == "2021-09-06"


def test_a_notice_header_run_into_one_line_gives_its_number():
    """A page may run title, 文号 and addressees into one line; the 文号 between them is the document's, one cited
    inside a sentence is not."""
    collapsed = _meta("某市人民政府关于印发推进全民阅读实施方案的通知 某政函〔2018〕21号 各区、县(市)人民政府,市政府各部门:\n"
                      "《关于推进全民阅读的实施方案》已经市政府同意,现印发给你们。")
    assert collapsed.doc_number == "某政函〔2018〕21号"
    cited = _meta("某市全民阅读实施方案\n根据省政府实施意见 某政发〔2016〕3号 精神,结合我市实际,制定本方案:\n一、目标")
    assert cited.doc_number is None


def test_a_dated_bracket_closing_a_title_line_after_another_bracket_dates_the_document():
    """(某省)某市某区人民政府工作报告(2024年1月9日): the date's own bracket closes the title line, though another
    bracket comes first; a site's 导航菜单 line above is page furniture."""
    report = _meta("导航菜单\n(某省)某市东城区人民政府工作报告(2024年1月9日)\n一、过去一年的工作\n过去一年,全区经济稳中有进。")
    assert report.date == "2024-01-09"
    assert "导航" not in clean_text("导航菜单\n某区人民政府工作报告\n过去一年,全区经济稳中有进。").text


def test_a_work_reports_delivery_note_dates_it_and_names_no_issuer():
    """——2021年1月6日在某区第五届人民代表大会 / 第三次会议上: the day a work report was given is its date, and the
    note (ending in 大会) is no organ; the page's 来源 says who published it."""
    report = _meta("政府工作报告\n来源:某区政府办公室 时间:2021-01-20\n政 府 工 作 报 告\n"
                   "——2021年1月6日在某市某区第五届人民代表大会\n第三次会议上\n区长 某某\n各位代表:\n现在,我代表区人民政府向大会报告工作。")
    assert report.date == "2021-01-06"
    assert report.issuer == "某区政府办公室"


def test_a_news_reposts_lead_names_the_issuing_organs():
    """近日，中共某省委、某省人民政府印发了《某省数字乡村发展纲要》: a repost that prints only the quoted title says
    who issued it in its lead; organs only, not a sentence's subject."""
    repost = _meta("中共某省委 某省人民政府印发《某省数字乡村发展纲要》\n"
                   "近日,中共某省委、某省人民政府印发了《某省数字乡村发展纲要》,并发出通知。\n"
                   "《某省数字乡村发展纲要》主要内容如下。\n为加快数字乡村建设,制定本纲要。")
    assert repost.title == "某省数字乡村发展纲要"
    assert repost.issuer == "中共某省委、某省人民政府"
    prose = _meta("某省数字乡村发展纲要\n为落实国家要求,各地要认真学习省里印发的《某省数字乡村发展纲要》。")
    assert prose.issuer is None


def test_a_traditional_news_repost_names_its_organs_as_printed():
    """The organs of a repost's lead are shown as the page prints them, like its title."""
    repost = _meta("近日，中共某縣委、某縣人民政府印發了《某縣數字鄉村發展綱要》。\n為加快數字鄉村建設，制定本綱要。")
    assert repost.issuer == "中共某縣委、某縣人民政府"


def test_a_line_opening_with_a_conjunction_ends_a_title_and_an_information_name_row_is_the_title():
    """和责任分工方案, left alone by a title wrapped over two lines, names nothing: the document the covering notice
    issues is the title. A 信息公开 table's 信息名称 row (spaced apart from its value) gives the title, label gone."""
    notice = _meta("各区人民政府，市政府各部门：\n《2024年市〈政府工作报告〉重点任务分解和责任分工方案》已经市政府常务会议"
                   "审议通过，现印发给你们，请认真贯彻落实。\n某市人民政府\n2024年2月6日\n2024年市《政府工作报告》重点任务分解\n"
                   "和责任分工方案\n一、主要预期目标\n1.地区生产总值增长5%左右。")
    assert notice.title == "2024年市〈政府工作报告〉重点任务分解和责任分工方案"
    table = _meta("当前位置: 首页 > 县政府办 > 政务公开制度\n索 引 号 00451/2019-00072 信息分类 政务公开\n"
                  "发布机构 某县政府办 发布日期 2019-05-10 09:12:30\n文 号 信息格式/语种\n"
                  "信息名称 关于印发黄山市政务公开工作制度的通知\n内容概述\n关于印发黄山市政务公开工作制度的通知\n"
                  "各乡镇人民政府，县直各单位：\n现将《黄山市政务公开工作制度》印发给你们，请遵照执行。")
    assert table.title == "关于印发黄山市政务公开工作制度的通知"


def test_a_table_copied_cell_by_cell_gives_each_label_the_line_below_it():
    """发文日期 on its own line, its value on the next (a table copied one cell a line) dates the document, not the
    page's posting time; an empty cell (发文字号 right above 发文日期) takes no label as its value; 设为首页 /
    收藏本站 are a site's controls, no issuer."""
    page = _meta("设为首页收藏本站\n关于某区2023年国民经济和社会发展计划执行情况的报告\n2024-01-15 09:30\n"
                 "发文单位\n某区发展和改革局\n发文字号\n发文日期\n2023-12-28 16:40\n索引号\n01023/2024-00031\n"
                 "各位代表：\n受区人民政府委托，现向大会报告计划执行情况。")
    assert (page.date, page.date_source) == ("2023-12-28", "written")
    assert page.issuer == "某区发展和改革局" and page.doc_number is None
    cleaned = clean_text("设为首页收藏本站\n发文日期\n2023-12-28 16:40\n索引号\n01023/2024-00031\n各位代表：")
    assert "设为首页收藏本站" not in cleaned.text and "01023/2024-00031" not in cleaned.text
    assert "索引号 01023/2024-00031" in cleaned.page_lines


def test_spacing_lost_to_question_marks_and_a_closing_table_bar_are_read_through():
    """A page saved through an encoding without the full-width space starts its paragraphs with ?? and pads its
    signature with a run of them; the signature row may end with a table's closing bar. The items still head
    their own lines, and the signature gives the issuer and date."""
    text = ("??登高是我县群众自发的传统活动。为保证安全，现通告如下：\n"
            "????一、县政府成立登高安全工作指挥部。\n"
            "????二、严禁在山上使用明火。\n"
            "?????????????????????????? 云杉县人民政府办公室\n"
            "??????????????????????????? 2013年10月11日 |\n")
    cleaned = clean_text(text)
    assert "?" not in cleaned.text and "|" not in cleaned.text
    assert [line.strip()[:2] for line in cleaned.text.splitlines()][1:3] == ["一、", "二、"]
    meta = extract_metadata(cleaned)
    assert (meta.issuer, meta.date) == ("云杉县人民政府办公室", "2013-10-11")


def test_a_city_is_told_by_all_its_places_named_not_by_a_word_that_is_a_district_elsewhere():
    """老城区 (an old town, and a district of 洛阳) comes first; the districts named after it are 拉萨's, each
    named as often as the other, so the plan is the city's own."""
    meta = _meta("（上接第四版）疏解老城区不相匹配的功能，全市统筹推进县域经济发展。\n"
                 "堆龙德庆区：发展现代物流，建设综合承载地。\n达孜区：发展特色产业，打造东翼新城。\n"
                 "墨竹工卡县：发展生态农牧业。\n")
    assert meta.place == Place("西藏", "拉萨市", None)


def test_a_gazette_header_line_gives_the_number_and_the_day_of_issue():
    """A gazette or compilation prints the 文号 and the day of issue on one line under the title."""
    meta = _meta("文件选编\n云杉市人民政府\n关于实行最严格林地管理制度的实施意见\n云政发〔2013〕12号  2013年4月25日\n"
                 "各县（市、区）人民政府，市各有关部门：\n为保护林地资源，结合我市实际，提出以下意见：\n一、总体要求\n")
    assert (meta.doc_number, meta.date) == ("云政发〔2013〕12号", "2013-04-25")


def test_a_table_row_opening_with_a_bar_and_glued_labels_give_their_values():
    """| 文 号:… | in one cell (a site's table copied with its bars) gives the 文号 and its 名 称 row the title; a
    label glued to the one before it (信息分类名称) is a row of the first, not a 名称 (title) row; a title row
    that puts the 文号 first gives the title without it."""
    page = _meta("| 索引号:11223-44/2025-00009 | |\n| 发布机构:云杉区人民政府 | 成文日期:2025-03-04 00:00:00 |\n"
                 "| 名 称:云杉区人民政府关于印发2025年重点工作安排的通知 | |\n| 有 效 性:有效 | 文 号:云杉政发〔2025〕3号 |\n"
                 "各镇人民政府，区政府各部门：\n现将《2025年重点工作安排》印发给你们，请认真贯彻落实。\n"
                 "云杉区人民政府\n2025年3月4日\n2025年重点工作安排")
    assert page.doc_number == "云杉政发〔2025〕3号"
    assert page.title == "云杉区人民政府关于印发2025年重点工作安排的通知"
    glued = _meta("索 引 号: 0099/2017-00012 信息分类名称: 行政事务/其他公文\n发布机构: 云杉区政府 发布日期: 2017-03-21\n"
                  "云杉区人民政府关于印发区政府工作规则的通知\n各镇人民政府，区政府各部门：\n现将《区政府工作规则》印发给你们。")
    assert glued.title == "云杉区人民政府关于印发区政府工作规则的通知"
    numbered = _meta("标 题: | 云杉政发〔2010〕9号 云杉市人民政府关于表彰护林防火先进单位的决定 | |\n发布日期: | 2010-12-13 | |\n"
                     "各县、区人民政府：\n现对护林防火工作中成绩突出的单位予以表彰。")
    assert numbered.title == "云杉市人民政府关于表彰护林防火先进单位的决定"


def test_a_title_wrapped_after_guanyu_over_three_lines_and_a_spaced_breadcrumb():
    """某区人民政府办公室关于修订 / 《某区突发地质灾害 / 应急预案》的通知 is one title; 首页 政策解读 … (a site's
    path parted by spaces) is no title; a chapter heading (第二章自治机关…) issues nothing."""
    wrapped = _meta("云杉区人民政府办公室关于修订\n《云杉区突发地质灾害\n应急预案》的通知\n各镇政府，区政府有关部门：\n"
                    "《云杉区突发地质灾害应急预案》已经修订，现印发给你们，请认真贯彻执行。")
    assert wrapped.title == "云杉区人民政府办公室关于修订《云杉区突发地质灾害应急预案》的通知"
    crumb = _meta("首页 政策解读 关于《政府工作报告(征求意见稿)》解读\n\n关于《政府工作报告(征求意见稿)》解读\n\n"
                  "《政府工作报告(征求意见稿)》是在总结全区各部门工作的基础上起草的。")
    assert crumb.title == "关于《政府工作报告(征求意见稿)》解读"
    chapters = _meta("(1990年5月6日云杉县人民代表大会通过)\n目 录\n第一章 总 则\n第二章 自治机关、人民法院和人民检察院\n"
                     "第三章 经济建设\n第一章 总 则\n第一条 为了保障自治权的行使，制定本条例。")
    assert chapters.issuer is None or not chapters.issuer.startswith("第")
