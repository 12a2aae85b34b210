"""Loaders on real files made here: Word numbering written out, PDF pages, web page main content, encodings, and
clear Chinese errors for files that cannot give text."""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from extra_documents import EXTRA, HUANGSHI, needs_extra  # pytest puts tests/ on sys.path

from assistant.chunking import chunk_document
from assistant.corpus import read_document
from assistant.corpus.docx_text import format_number
from assistant.corpus.loaders import PAGE_BREAK, load_text
from assistant.errors import CorpusError
from assistant.settings import get_settings

# -- Word files with real automatic numbering -----------------------------------------------------------

# The numbering Chinese official documents use, as Word stores it: number format + level text per level.
OFFICIAL_LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."),
                   ("decimal", "（%4）")]


def _add_numbering(document: docx.document.Document, abstract_id: int, num_ids: dict[int, dict[int, int]],
                   heading_style: str | None = None) -> None:
    """An abstract definition with OFFICIAL_LEVELS and list instances `num_id → {level: startOverride}`;
    level 0 is bound to `heading_style` the way Word binds outline numbering to 标题 1."""
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        + (f'<w:pStyle w:val="{heading_style}"/>' if heading_style and i == 0 else "")
        + f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(OFFICIAL_LEVELS))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{levels}</w:abstractNum>')
    first_num = numbering.find(abstract.tag.replace("abstractNum", "num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # the schema wants every abstractNum before the first num
    else:
        numbering.append(abstract)
    for num_id, overrides in num_ids.items():
        override_xml = "".join(f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                               for lvl, start in overrides.items())
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId '
                                   f'w:val="{abstract_id}"/>{override_xml}</w:num>'))


def _num_pr(num_id: int, level: int | None = None):
    ilvl = "" if level is None else f'<w:ilvl w:val="{level}"/>'
    return parse_xml(f'<w:numPr {nsdecls("w")}>{ilvl}<w:numId w:val="{num_id}"/></w:numPr>')


def _numbered(document, text: str, num_id: int, level: int):
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(_num_pr(num_id, level))
    return paragraph


@pytest.fixture
def numbered_docx(tmp_path: Path) -> Path:
    document = docx.Document()
    _add_numbering(document, abstract_id=90, num_ids={90: {}, 91: {2: 1}}, heading_style="Heading1")
    # Heading 1 takes its number from the style, as in Word's multilevel-list-linked-to-heading setup.
    document.styles["Heading 1"].element.get_or_add_pPr().append(_num_pr(90))
    document.add_paragraph("某省人民政府关于加快质量发展的实施意见", style="Title")
    document.add_heading("总体要求", level=1)
    _numbered(document, "指导思想。全面贯彻党的十九大精神，坚持质量第一。", 90, 1)
    _numbered(document, "主要目标。到2025年：", 90, 1)
    _numbered(document, "产品质量合格率达到95%以上。", 90, 2)
    _numbered(document, "工程项目一次性验收合格率达到99%。", 90, 2)
    _numbered(document, "其中住宅工程达到98%。", 90, 3)
    document.add_heading("重点任务", level=1)
    _numbered(document, "提升产品质量。", 90, 1)
    _numbered(document, "实施质量提升行动，加强重点产品质量攻关。", 90, 2)
    _numbered(document, "推动企业建立全面质量管理体系。", 91, 2)  # a list restarted by the author
    _numbered(document, "培育一批质量标杆企业。", 91, 2)
    table = document.add_table(rows=3, cols=2)
    for (row, col), text in {(0, 0): "任务", (0, 1): "责任单位", (1, 0): "提升产品质量",
                             (1, 1): "省市场监管局", (2, 0): "加强标准引领"}.items():
        table.cell(row, col).text = text
    table.cell(1, 1).merge(table.cell(2, 1))
    document.add_heading("附则", level=2)
    document.add_paragraph("本意见自印发之日起施行。")
    path = tmp_path / "意见.docx"
    document.save(str(path))
    return path


def test_docx_file_stores_numbers_only_as_word_numbering(numbered_docx):
    """Guards the fixture: the numbers are not in the paragraph text, so only the loader can put them back."""
    document = docx.Document(str(numbered_docx))
    with zipfile.ZipFile(numbered_docx) as archive:
        body = archive.read("word/document.xml").decode()
        numbering = archive.read("word/numbering.xml").decode()
    assert body.count("<w:numPr>") == 9
    assert 'w:val="chineseCounting"' in numbering and 'w:val="（%2）"' in numbering
    assert not any(p.text.startswith(("一、", "（一）", "1.")) for p in document.paragraphs)


def test_docx_automatic_numbering_is_written_out(numbered_docx):
    lines = load_text(numbered_docx).splitlines()
    assert lines[:12] == [
        "某省人民政府关于加快质量发展的实施意见",
        "一、总体要求",
        "（一）指导思想。全面贯彻党的十九大精神，坚持质量第一。",
        "（二）主要目标。到2025年：",
        "1.产品质量合格率达到95%以上。",
        "2.工程项目一次性验收合格率达到99%。",
        "（1）其中住宅工程达到98%。",
        "二、重点任务",
        "（一）提升产品质量。",
        "1.实施质量提升行动，加强重点产品质量攻关。",
        "1.推动企业建立全面质量管理体系。",
        "2.培育一批质量标杆企业。",
    ]


def test_docx_tables_read_row_by_row_and_headings_stay_lines(numbered_docx):
    lines = load_text(numbered_docx).splitlines()
    assert lines[12:] == [
        "任务 | 责任单位",
        "提升产品质量 | 省市场监管局",
        "加强标准引领 | 省市场监管局",  # merged down: the unit belongs to both rows
        "附则",
        "本意见自印发之日起施行。",
    ]


def test_docx_numbered_headings_reach_the_clause_heading_paths(numbered_docx):
    result = chunk_document("docx-test", load_text(numbered_docx))
    by_text = {c.text: c for c in result.clauses}
    housing = next(c for text, c in by_text.items() if "住宅工程达到98%" in text)
    assert housing.section_path[:2] == ["一、总体要求", "（二）主要目标"]
    action = next(c for text, c in by_text.items() if "质量提升行动" in text)
    assert action.section_path[:2] == ["二、重点任务", "（一）提升产品质量"]


def test_docx_list_styles_of_the_default_template_are_numbered(tmp_path):
    document = docx.Document()
    for text in ["加强计量基础建设。", "完善认证认可体系。"]:
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("供给质量水平显著提升", style="List Bullet")
    path = tmp_path / "list.docx"
    document.save(str(path))
    assert load_text(path).splitlines() == ["1.加强计量基础建设。", "2.完善认证认可体系。", "--供给质量水平显著提升"]


MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
VML = "urn:schemas-microsoft-com:vml"


def test_docx_text_boxes_and_tracked_changes_read_as_shown(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("质量工作")
    box = "<w:txbxContent><w:p><w:r><w:t>某省人民政府文件</w:t></w:r></w:p></w:txbxContent>"
    # Word stores a text box twice: as a drawing and as a VML fallback for older readers.
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")} xmlns:mc="{MC}" xmlns:wps="{WPS}" xmlns:v="{VML}"><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"))
    paragraph._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>领导小组</w:delText>'
                                  "</w:r></w:del>"))
    paragraph._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>联席会议</w:t></w:r>'
                                  "</w:ins>"))
    path = tmp_path / "box.docx"
    document.save(str(path))
    assert load_text(path).splitlines() == ["质量工作联席会议", "某省人民政府文件"]


@pytest.mark.parametrize(("n", "fmt", "expected"), [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCounting", "二十"), (105, "chineseCountingThousand", "一百零五"),
    (110, "chineseCounting", "一百一十"), (12, "chineseLegalSimplified", "壹拾贰"),
    (3, "ideographTraditional", "丙"), (4, "decimalEnclosedCircle", "④"), (3, "decimalFullWidth", "３"),
    (28, "lowerLetter", "bb"), (14, "upperRoman", "XIV"), (7, "someFutureFormat", "7"),
])
def test_word_number_formats(n, fmt, expected):
    assert format_number(n, fmt) == expected


def test_corrupt_docx_names_the_file(tmp_path):
    path = tmp_path / "损坏.docx"
    path.write_bytes(b"PK\x03\x04" + bytes(random.Random(1).randbytes(2000)))
    with pytest.raises(CorpusError, match=r"文件无法读取或已损坏：损坏\.docx"):
        load_text(path)


# -- PDF ---------------------------------------------------------------------------------------------

def _cjk_canvas(path: Path):
    """A reportlab canvas with STSong-Light, one of the CJK fonts every PDF reader has built in (nothing to
    embed, so no font file is needed here)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(str(path))


PDF_PAGES = [
    ["某省人民政府关于加快质量发展的实施意见", "一、总体要求", "（一）指导思想。全面贯彻党的十九大精神，坚持质量第一。",
     "（二）主要目标。到2025年，质量整体水平显著提升，质量发展基础更加坚实，产品质量合格率"],  # a full line
    ["达到95%以上，工程项目一次性验收合格率达到99%。", "二、重点任务", "（一）提升产品质量。实施质量提升行动。"],
    ["（二）加强标准引领。鼓励企业参与标准制定。", "三、保障措施", "各地要加强组织领导，确保任务落到实处。"],
]


def _write_pdf(path: Path, pages: list[list[str]], page_number: str = "— {n} —") -> None:
    pdf = _cjk_canvas(path)
    for number, lines in enumerate(pages, start=1):
        pdf.setFont("STSong-Light", 12)
        if number > 1:
            pdf.drawString(60, 810, "质量强省实施意见")  # running header
        for i, line in enumerate(lines):
            pdf.drawString(60, 770 - 24 * i, line)
        pdf.drawString(60, 60, "某省人民政府办公厅印发")  # running footer above the page number
        pdf.drawString(280, 40, page_number.format(n=number, total=len(pages)))
        pdf.showPage()
    pdf.save()


@pytest.mark.parametrize("page_number", ["— {n} —", "第 {n} 页 共 {total} 页", "{n}", "{n}/{total}"])
def test_pdf_pages_are_separated_by_form_feeds(tmp_path, page_number):
    path = tmp_path / "意见.pdf"
    _write_pdf(path, PDF_PAGES, page_number)
    text = load_text(path)
    pages = text.split(PAGE_BREAK)
    assert len(pages) == 3
    for page, lines in zip(pages, PDF_PAGES):
        assert [line for line in page.splitlines() if line] == lines  # page numbers and running header gone


def test_pdf_sentence_across_a_page_break_stays_one_clause(tmp_path):
    path = tmp_path / "意见.pdf"
    _write_pdf(path, PDF_PAGES)
    result = chunk_document("pdf-test", load_text(path))
    goal = next(c for c in result.clauses if c.section_path[-1] == "（二）主要目标")
    assert "产品质量合格率达到95%以上，工程项目一次性验收合格率达到99%。" in goal.text
    assert not any("—" in c.text or "质量强省实施意见" in c.text or "印发" in c.text for c in result.clauses)


def test_pdf_radical_code_points_become_ordinary_characters(tmp_path):
    """PDF fonts often map 一 / 二 / 大 to Kangxi radicals (U+2F00…): same look, but no heading or search match."""
    path = tmp_path / "radicals.pdf"
    _write_pdf(path, [["\u2f00、总体要求", "（\u2f06）主要目标。到2025年，质量\u2f24幅提升。"]])
    lines = load_text(path).splitlines()
    assert lines[:2] == ["一、总体要求", "（二）主要目标。到2025年，质量大幅提升。"]
    assert chunk_document("radicals", "\n".join(lines)).clauses[0].section_path[0] == "一、总体要求"


def test_scanned_pdf_asks_for_ocr(tmp_path):
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    scan = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(scan)
    for y in range(80, 760, 30):  # lines of "print" as a scanner sees them
        draw.rectangle((60, y, 540, y + 12), fill=30)
    path = tmp_path / "扫描件.pdf"
    pdf = _cjk_canvas(path)
    for _ in range(2):
        pdf.drawImage(ImageReader(scan), 0, 0, width=595, height=842)
        pdf.showPage()
    pdf.save()
    with pytest.raises(CorpusError, match=r"扫描件\.pdf") as error:
        load_text(path)
    assert "需要先进行文字识别（OCR）" in str(error.value)


def test_pdf_with_an_unmapped_font_asks_for_ocr(tmp_path):
    """A text layer of private-use glyph codes (a font without a Unicode map) is as good as none."""
    path = tmp_path / "乱码.pdf"
    _write_pdf(path, [["".join(chr(0xE000 + i) for i in range(start, start + 30))] for start in (0, 30)])
    with pytest.raises(CorpusError, match=r"乱码\.pdf") as error:
        load_text(path)
    assert "需要先进行文字识别（OCR）" in str(error.value)


def test_pdf_with_a_password_says_so(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "plain.pdf"
    _write_pdf(plain, PDF_PAGES)
    locked = PdfWriter(clone_from=PdfReader(plain))
    locked.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    path = tmp_path / "加密.pdf"
    locked.write(path)
    with pytest.raises(CorpusError, match=r"加密\.pdf") as error:
        load_text(path)
    assert "需要密码" in str(error.value)


def test_pdf_restricted_without_open_password_still_loads(tmp_path):
    """Government PDFs often forbid copying but open without a password: their text must still load."""
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "plain.pdf"
    _write_pdf(plain, PDF_PAGES)
    restricted = PdfWriter(clone_from=PdfReader(plain))
    restricted.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    path = tmp_path / "限制复制.pdf"
    restricted.write(path)
    assert load_text(path).split(PAGE_BREAK)[1].strip().startswith("达到95%以上")


def test_truncated_pdf_is_reported_corrupt(tmp_path):
    plain = tmp_path / "plain.pdf"
    _write_pdf(plain, PDF_PAGES)
    path = tmp_path / "截断.pdf"
    path.write_bytes(plain.read_bytes()[:300])
    with pytest.raises(CorpusError, match=r"文件无法读取或已损坏：截断\.pdf"):
        load_text(path)


# -- web pages ---------------------------------------------------------------------------------------

NAV = ["首页", "政务公开", "政策文件", "政策解读", "办事服务", "互动交流", "数据开放", "专题专栏", "机构设置"]
ARTICLE = [
    "各市（州）人民政府，省政府各部门：",
    "为深入实施质量强省战略，推动经济高质量发展，现就加快质量发展提出如下实施意见。",
    "一、总体要求",
    "（一）指导思想。全面贯彻党的十九大精神，坚持质量第一、效益优先，以提高发展质量和效益为中心。",
    "（二）主要目标。到2025年，产品质量合格率达到95%以上，工程项目一次性验收合格率达到99%。",
    "二、重点任务",
    "（一）提升产品质量。实施质量提升行动，加强重点产品质量攻关，推动企业建立全面质量管理体系。",
    "（二）加强标准引领。鼓励企业参与国际标准、国家标准和行业标准制定，培育一批团体标准。",
]
BOILERPLATE = ["某省人民政府门户网站", "当前位置", "分享到", "相关链接", "省市场监管局工作动态", "网站标识码",
               "京ICP备", "版权所有", "政策解读", "搜索"]


def _portal_page(charset: str = "utf-8") -> str:
    """A provincial portal article page: header, menu, breadcrumb, article, related links, footer."""
    nav = "".join(f'<li><a href="/c/{i}.html">{name}</a></li>' for i, name in enumerate(NAV))
    paragraphs = "".join(f"<p>{line}</p>" for line in ARTICLE)
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}">
<title>关于加快质量发展的实施意见_政策文件_某省人民政府门户网站</title><script>var menu = "首页";</script></head>
<body><div class="header"><div class="logo">某省人民政府门户网站</div><form><input name="q"><button>搜索</button></form>
</div><div class="nav"><ul>{nav}</ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政策文件</div>
<div class="main"><h1>某省人民政府关于加快质量发展的实施意见</h1>
<div class="content" id="zoom">{paragraphs}<p>某省人民政府</p><p>2024年3月1日</p></div>
<div class="share">分享到：微信 微博 打印本页 关闭窗口</div></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="/a">国务院关于质量工作的通知</a></li>
<li><a href="/b">省市场监管局工作动态</a></li></ul></div>
<div class="footer"><p>主办：某省人民政府办公厅</p><p>网站标识码：1100000001 京ICP备00000000号</p>
<p>版权所有 © 某省人民政府</p></div></body></html>"""


def test_html_keeps_title_and_article_one_paragraph_a_line(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(_portal_page(), encoding="utf-8")
    lines = load_text(path).splitlines()
    assert lines[0] == "某省人民政府关于加快质量发展的实施意见"
    assert lines[1:1 + len(ARTICLE)] == ARTICLE
    assert lines[-2:] == ["某省人民政府", "2024年3月1日"]


def test_html_navigation_and_footer_are_dropped(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(_portal_page(), encoding="utf-8")
    text = load_text(path)
    assert [word for word in BOILERPLATE if word in text] == []


def test_html_in_its_declared_gb2312_charset(tmp_path):
    path = tmp_path / "page.htm"
    path.write_bytes(_portal_page(charset="gb2312").encode("gb18030"))  # GB2312 label, GBK/GB18030 bytes
    assert load_text(path).splitlines()[1:1 + len(ARTICLE)] == ARTICLE


def test_html_whose_text_all_looks_like_boilerplate_keeps_visible_text(tmp_path):
    path = tmp_path / "notice.html"
    path.write_text("<html><body><footer><p>关于开展质量月活动的通知。</p><p>各市人民政府：请认真组织实施。</p>"
                    "</footer><script>var x = 1;</script></body></html>", encoding="utf-8")
    assert load_text(path).splitlines() == ["关于开展质量月活动的通知。", "各市人民政府：请认真组织实施。"]


@needs_extra
def test_html_metadata_box_outside_the_article_gives_number_issuer_and_date(tmp_path):
    """A portal prints 发文字号, 发文单位 and 发文日期 in a box above the article, which main-content extraction
    drops with the menus: the real huangshi page's rows, laid out that way, must still give its metadata, and a
    list of related documents after the article must not."""
    sources = (EXTRA.parent / "sources.jsonl").read_text(encoding="utf-8").splitlines()
    gold = next(row for row in map(json.loads, sources) if row["file"].endswith(HUANGSHI.name))
    lines = HUANGSHI.read_text(encoding="utf-8").splitlines()
    cells = [cell.strip() for line in lines if "|" in line and line.strip("-| ")
             for cell in line.strip().strip("|").split("|")]
    box = "".join(f"<li><span>{label}：</span><span>{value}</span></li>"
                  for label, value in zip(cells[::2], cells[1::2]) if value)
    body = "".join(f"<p>{line}</p>" for line in lines if "|" not in line and line.strip())
    nav = "".join(f'<li><a href="/c/{i}.html">{name}</a></li>' for i, name in enumerate(NAV))
    path = tmp_path / "page.html"
    path.write_text(f"""<html><head><meta charset="utf-8"><title>{gold["title"]}_政策文件</title></head><body>
<div class="nav"><ul>{nav}</ul></div><div class="xxgk"><ul>{box}</ul></div>
<div class="article"><h1>{gold["title"]}</h1>{body}</div>
<div class="related"><h3>相关文件</h3><ul><li>文件名称：关于开展质量月活动的通知 发文字号：黄政发〔2023〕9号 发布日期：2023-09-01</li>
</ul></div><div class="footer"><p>版权所有</p></div></body></html>""",
                    encoding="utf-8")
    meta = read_document(path).meta
    assert (meta.title, meta.doc_number, meta.issuer, meta.date) == (
        gold["title"], gold["doc_number"], gold["issuer"], gold["date"])
    assert load_text(path).count(gold["doc_number"]) == 1


# -- encodings ----------------------------------------------------------------------------------------

def _dev_texts() -> list[tuple[str, str]]:
    if not EXTRA.is_dir():
        pytest.skip(f"real documents not found at {EXTRA}")
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(EXTRA.glob("*.txt"))]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16", "utf-16-be"])
def test_real_documents_decode_in_common_encodings(tmp_path, encoding):
    """Every dev document, written as Chinese offices save text: GB18030/GBK, UTF-8 with BOM, UTF-16."""
    for name, text in _dev_texts():
        raw = text.encode(encoding)
        if encoding == "utf-16-be":
            raw = b"\xfe\xff" + raw
        path = tmp_path / name
        path.write_bytes(raw)
        assert load_text(path) == text, f"{name} in {encoding}"


def test_gbk_file_decodes(tmp_path):
    text = "\n".join(ARTICLE)
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    assert load_text(path) == text


def test_big5_traditional_file_decodes(tmp_path):
    """A Taiwan- or Hong Kong-style Big5 file: the dev documents in traditional characters (OpenCC), every line
    that Big5 can hold."""
    import opencc

    to_traditional = opencc.OpenCC("s2t")
    big5_lines = []
    for _, text in _dev_texts():
        for line in to_traditional.convert(text).splitlines():
            try:
                line.encode("big5")
            except UnicodeEncodeError:
                continue
            big5_lines.append(line)
    traditional = "\n".join(big5_lines)
    assert len(traditional) > 1000
    path = tmp_path / "big5.txt"
    path.write_bytes(traditional.encode("big5"))
    assert load_text(path) == traditional


@pytest.mark.parametrize("raw", [
    random.Random(7).randbytes(4000),
    bytes(range(256)) * 8,
], ids=["random-bytes", "all-byte-values"])
def test_binary_data_in_a_txt_file_is_refused(tmp_path, raw):
    path = tmp_path / "数据.txt"
    path.write_bytes(raw)
    with pytest.raises(CorpusError, match=r"数据\.txt") as error:
        load_text(path)
    assert "编码" in str(error.value) or "乱码" in str(error.value)


# -- bad input ----------------------------------------------------------------------------------------

def test_empty_file_is_refused_by_name(tmp_path):
    path = tmp_path / "空白.txt"
    path.write_bytes(b"")
    with pytest.raises(CorpusError, match=r"文件是空的：空白\.txt"):
        load_text(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(CorpusError, match=r"找不到文件或无权读取：不存在\.txt"):
        load_text(tmp_path / "不存在.txt")


def test_unsupported_type_lists_the_supported_ones(tmp_path):
    path = tmp_path / "表格.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(CorpusError, match=r"不支持的文件格式：表格\.xls.*\.docx"):
        load_text(path)


def test_oversize_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "大文件.txt"
    path.write_text("一、总体要求\n" * 2000, encoding="utf-8")
    with pytest.raises(CorpusError, match=r"文件过大.*大文件\.txt"):
        load_text(path, max_bytes=10_000)
    assert load_text(path, max_bytes=100_000).startswith("一、总体要求")


def test_size_limit_comes_from_the_setting(tmp_path, monkeypatch):
    path = tmp_path / "大文件.txt"
    path.write_text("一、总体要求\n" * 2000, encoding="utf-8")
    monkeypatch.setenv("POLICYQA_MAX_DOCUMENT_BYTES", "10000")
    get_settings.cache_clear()
    try:
        with pytest.raises(CorpusError, match="文件过大"):
            load_text(path)
    finally:
        monkeypatch.delenv("POLICYQA_MAX_DOCUMENT_BYTES")
        get_settings.cache_clear()
    assert get_settings().max_document_bytes == 20_000_000


def test_old_word_or_password_protected_docx_says_how_to_fix_it(tmp_path):
    path = tmp_path / "旧版.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))  # an OLE compound file, as Word 97 writes
    with pytest.raises(CorpusError, match=r"另存为不加密的 \.docx.*旧版\.docx"):
        load_text(path)


def test_docx_renamed_from_another_format_is_reported(tmp_path):
    path = tmp_path / "改名.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")
    path.write_bytes(buffer.getvalue())
    with pytest.raises(CorpusError, match=r"文件无法读取或已损坏：改名\.docx"):
        load_text(path)
