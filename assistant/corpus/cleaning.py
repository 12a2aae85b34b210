"""Strip what a copy of a government web page carries besides the document: navigation, page furniture,
HTML leftovers and pinyin glosses. Metadata rows are read for `metadata.py`; those stating the issuer, 文号 or
a date of the document (written, published, in force) stay in the text too, since officials ask about them.

Everything here is general: the labels are those Chinese government sites use for their metadata tables
(索引号, 发布机构, 发文字号, 成文日期…) and page furniture (浏览次数, 字号, 打印, 关闭…), not words of one site.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ..text import to_simplified

# Labels of document facts in the metadata tables of government sites and law databases (general, not from one
# site); 【发布文号】-style brackets and traditional characters are read too.
TITLE_LABELS = ("文件名称", "文件标题", "发文标题", "信息名称", "信息标题", "原标题", "标题", "名称")  # 原标题: a repost's original title
ISSUER_LABELS = ("发布机构", "发文机关", "发文单位", "发布单位", "发文机构", "制发机关", "发布部门", "发文部门",
                 "成文机关", "颁布单位", "颁布部门", "颁布机关", "制定机关")
NUMBER_LABELS = ("发文字号", "发文编号", "发布文号", "发文文号", "文件编号", "文号")
WRITTEN_DATE_LABELS = ("成文日期", "发文日期", "发文时间", "签发日期", "印发日期", "颁布日期", "颁布时间", "印发时间", "签发时间")
PUBLISHED_DATE_LABELS = ("发布日期", "公布日期", "公开日期")
EFFECTIVE_DATE_LABELS = ("实施日期", "施行日期", "执行日期", "生效日期", "实施时间", "施行时间")  # when a regulation takes effect
PAGE_TIME_LABELS = ("发布时间", "更新时间", "发表时间")
SOURCE_LABELS = ("信息来源", "文章来源", "来源")  # the page's source: the issuer, when nothing better names it
_OTHER_FACT_LABELS = ("信息索引号", "索引号", "统一编号", "公开方式", "公开范围", "公开形式", "有效性", "效力状态",
                      "效力级别", "时效性", "主题分类", "体裁分类", "组配分类", "服务对象分类", "公文种类", "文件类型",
                      "所属类别", "法规类别", "主题词", "废止日期", "失效日期", "废止时间", "生效时间",
                      "登记号", "信息分类", "所属机构", "文件来源")
PAGE_FACT_LABELS = _OTHER_FACT_LABELS + SOURCE_LABELS  # what a site records of a document, beside its dates
DATE_LABELS = WRITTEN_DATE_LABELS + PUBLISHED_DATE_LABELS + PAGE_TIME_LABELS + ("日期",)  # a row dating the page
_WRITTEN = frozenset(WRITTEN_DATE_LABELS)  # a date the document was written on, even with a site's clock time
_DOCUMENT_FACTS = frozenset(ISSUER_LABELS + NUMBER_LABELS + WRITTEN_DATE_LABELS + PUBLISHED_DATE_LABELS
                            + EFFECTIVE_DATE_LABELS)
FACT_LABELS = (TITLE_LABELS + ISSUER_LABELS + NUMBER_LABELS + WRITTEN_DATE_LABELS + PUBLISHED_DATE_LABELS
               + EFFECTIVE_DATE_LABELS + _OTHER_FACT_LABELS)
# Page furniture: a line carrying one of these belongs to the web page, not to the document.
# A site's clock (今天是 2019年10月31日 星期三) says when the page was viewed or cached: it dates nothing.
CLOCK_LABELS = ("今天是", "当前时间", "当前日期")
FURNITURE_LABELS = ("浏览次数", "访问次数", "浏览量", "访问量", "点击数", "点击量", "阅读数", "阅读量", "字体大小",
                    "字体", "字号", "信息来源", "文章来源", "责任编辑", "分享到") + CLOCK_LABELS + PAGE_TIME_LABELS
# Labels that are everyday words too (a meeting notice says 时间：…): metadata only beside another label.
_WEAK_LABELS = ("来源", "时间", "日期", "作者", "编辑", "分类")



def _spaced(labels: tuple[str, ...]) -> str:
    """Labels as sites print them, often spread out to align a table: 标　　题, 索 引 号."""
    return "|".join("[ \t\u3000]*".join(label) for label in sorted(labels, key=len, reverse=True))


_STRONG = _spaced(FACT_LABELS + FURNITURE_LABELS)
_WEAK = _spaced(_WEAK_LABELS)
_ALL = frozenset(FACT_LABELS + FURNITURE_LABELS + _WEAK_LABELS)
# 索引号：… / 【发布文号】… / 成文日期 2023-06-26 (a strong label may stand before a space instead of a colon, or
# alone on its line above its value, as a table copied cell by cell prints it); any other bracketed word
# ([联合发文单位]) is a label too, so that it ends the value before it.
_LABEL = re.compile(rf"[【\[]({_STRONG}|{_WEAK}|[\u4e00-\u9fff]{{2,8}})[】\]]\s*[:：]?|({_STRONG})(?:\s*[:：]|\s+(?=\S)|\s*$)"
                    rf"|({_WEAK})\s*[:：]")
_LABEL_BEFORE = re.compile(rf"(?:{_STRONG})$")
_STARTS_WITH_STRONG = re.compile(rf"^(?:[【\[](?:{_STRONG}|{_WEAK})[】\]]|(?:{_STRONG})(?:\s*[:：]|\s+\S|\s*$))")
_STARTS_WITH_WEAK = re.compile(rf"^(?:{_WEAK})\s*[:：]")
# A web page's posting time: a numeric date with a clock time (2024-05-11 10:23), or such a date alone on a line.
_TIMESTAMP = re.compile(r"(?:19|20)\d{2}([-/.])\d{1,2}\1\d{1,2}\s*\d{1,2}:\d{2}")
_LEADING_DATE = re.compile(r"(?:19|20)\d{2}(?:([-/.])\d{1,2}\1\d{1,2}|年\d{1,2}月\d{1,2}日)")
_DATE_ONLY = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_WEEKDAY = r"(?:\s*(?:星期|周)[一二三四五六日天])?"
_HEAD_DATE = re.compile(rf"(?:19|20)\d{{2}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日{_WEEKDAY}"
                        r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")
_ANY_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
_BARE_DATE = re.compile(rf"(?:19|20)\d{{2}}([-/.])\d{{1,2}}\1\d{{1,2}}{_WEEKDAY}(?:\s*\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?")
BULLET = re.compile(r"^[\s•·●▪◆■◇□○*\-–]+")  # a list mark before a line

# Navigation ("breadcrumbs") and page controls, general across sites.
_NAVIGATION = re.compile(r"当前的?位置|现在的位置|所在的?位置|您的位置|首页\s*[>»＞›]|^首页\s*[/\-—|]|^[>»＞›]")
_SPACED_BREADCRUMB = re.compile(r"首页\s+\S")  # 首页 政策解读 关于…: a site's path parted by spaces
_CONTROLS = re.compile(r"设为首页|收藏本站|打印本页|打印|关闭窗口|关闭本页|关闭|分享到|分享|收藏本文|收藏|加入收藏|大中小|字号|字体|"
                       r"扫一扫|手机扫码|在手机上查看|返回顶部|返回|我要纠错|纠错|上一篇|下一篇|保存本页|微信|微博|"
                       r"点击此处下载|点击下载|下载地址|下载本文|"
                       r"导航菜单|网站导航|导航|菜单|搜索|"
                       r"无障碍|长辈版|关怀版|适老版|繁体|简体")  # the last: the accessibility and script toggles of sites
_SYMBOLS_ONLY = re.compile(r"[\W_]*")  # no letter, digit or CJK character at all (|, ---|---, * * *)
_PAGE_NUMBER = re.compile(r"[-—–－]+\d{1,4}[-—–－]+")  # a printed page number copied with the text: —1—, - 2 -
_CODE = re.compile(r"(?=.*[A-Z])(?=.*\d)[A-Z0-9]+(?:-[A-Z0-9]+)+")  # an identifier such as CDTD00-2017-0005
_SCRIPT_LEFTOVER = re.compile(r"[{};=]")  # a line of script or style code with no Chinese in it
_CJK = re.compile(r"[\u3400-\u9fff]")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_HTML_BREAK = re.compile(r"<br\s*/?>|</?(?:p|div|tr|li|ul|ol|table|h[1-6])(?:\s[^<>]*)?>", re.IGNORECASE)
_HTML_CELL = re.compile(r"</t[dh]>", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")  # zero-width characters and soft hyphens
# Characters an encoding could not hold come out as "?": a page saved through one that lacks the full-width space
# starts its paragraphs with ?? and pads its signature with a run of them. Such a run is spacing, not text.
_LOST_SPACING = re.compile(r"^\?{2,}|\?{3,}", re.MULTILINE)

# A CJK character followed by its pinyin in brackets, as some mirror sites print: 當(dāng) → 當. Tone marks may
# be precomposed (ā) or combining (a + U+0304), letters may be the IPA-style ɑ and ɡ of pinyin fonts, or a tone
# digit may follow (dang1). A gloss needs a tone; in a text glossed throughout, unmarked ones (的(de), or a site
# that prints no tones at all) go as well.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTER = rf"a-zü{_TONED}ɑɡ\u0300-\u036f"
PINYIN_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]\s*"
                          rf"(?=[{_PINYIN_LETTER}]*(?:[{_TONED}\u0300-\u036f]|[1-5]))[{_PINYIN_LETTER}]+[1-5]?\s*[)）]")
_NEUTRAL_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])[(（]\s*(?:[bpmfdtnlgkhjqxrzcsywɡ]|zh|ch|sh)?"
                            r"(?=[aeiouüvɑ])[iuüv]?[aeoɑ]{0,2}[iuoü]?(?:n|ng|nɡ|r)?[1-5]?\s*[)）]")


@dataclass(frozen=True)
class MetaRow:
    """One label: value pair read from a removed line; `page` when the line was page furniture."""

    label: str
    value: str
    page: bool


@dataclass
class CleanedText:
    text: str  # the document itself, lines verbatim, ready for chunking
    rows: list[MetaRow] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # Removed lines, verbatim, that date or describe the page (发布时间：…, 索引号：…, 来源：…): furniture, but asked about.
    page_lines: list[str] = field(default_factory=list)


def strip_pinyin_glosses(text: str) -> str:
    """Toned glosses always; unmarked ones when the text is glossed throughout (several of either kind)."""
    glossed, toned = PINYIN_GLOSS.subn("", text)
    plain = len(_NEUTRAL_GLOSS.findall(glossed))
    return _NEUTRAL_GLOSS.sub("", glossed) if toned >= 3 or plain >= 5 else glossed


def _pairs(key: str, line: str, page: bool) -> list[MetaRow]:
    """Every `label: value` on one line (found in `key`, its simplified form); a value runs to the next label."""
    spans = [_compound(key, match) for match in _LABEL.finditer(key)]
    rows = [MetaRow("日期", line[: spans[0][0]].strip(), True)] if spans and spans[0][0] else []
    for (_, end, name), following in zip(spans, spans[1:] + [None]):
        value = line[end: following[0] if following else len(line)].strip(" \t|")
        rows.append(MetaRow(name, value, page))
    return rows


def _compound(key: str, match: re.Match[str]) -> tuple[int, int, str]:
    """A label's span and name. A label glued to one before it (信息分类名称: the 信息分类's name) names a row of
    the first: a label with no value of its own is no row."""
    name = _label_name(next(label for label in match.groups() if label))
    if glued := _LABEL_BEFORE.search(key, 0, match.start()):
        return glued.start(), match.end(), _label_name(glued.group(0))
    return match.start(), match.end(), name


def _label_name(printed: str) -> str:
    return re.sub(r"[\s:：]", "", printed)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"\||\t", line.strip().strip("|"))]


def _table_pairs(key: str, line: str) -> list[MetaRow]:
    """A table row copied from a page: label | value | label | value (or tab-separated)."""
    labels, values = _cells(key), _cells(line)
    return [MetaRow(_label_name(label), value, False)
            for label, value in zip(labels, values[1:] + [""]) if _label_name(label) in _ALL]


def _is_page_line(line: str) -> bool:
    labels = {_label_name(next(label for label in match.groups() if label)) for match in _LABEL.finditer(line)}
    return (bool(labels & set(FURNITURE_LABELS + SOURCE_LABELS)) or bool(_TIMESTAMP.search(line))
            or line.startswith(("日期", "时间")))


def _is_metadata_line(bare: str) -> bool:
    """A line of labels: one that starts with a document-fact or furniture label, a weak label (来源, 时间…)
    beside another label or a page timestamp, a 日期 or 时间 holding nothing but a numeric date, or a short
    line of furniture led by the posting date (2023-03-10 来源：…)."""
    if _STARTS_WITH_STRONG.match(bare):
        return True
    if weak := _STARTS_WITH_WEAK.match(bare):
        value = bare[weak.end():].strip()
        return (len(_LABEL.findall(bare)) > 1 or bool(_TIMESTAMP.search(bare)) or bool(_BARE_DATE.fullmatch(value))
                or (bare.startswith("日期") and _DATE_ONLY.fullmatch(value) is not None))
    return len(bare) <= 100 and bool(_LEADING_DATE.match(bare)) and _is_page_line(bare) and bool(_LABEL.search(bare))


def _is_chrome(bare: str) -> bool:
    compact = re.sub(r"\s+", "", bare)
    if (_NAVIGATION.search(compact) or _SPACED_BREADCRUMB.match(bare)) and len(compact) <= 100:
        return True
    if _SYMBOLS_ONLY.fullmatch(compact) or _CODE.fullmatch(compact):
        return True
    if not _CJK.search(compact) and _SCRIPT_LEFTOVER.search(compact):
        return True
    rest = _CONTROLS.sub("", compact)
    return len(compact) <= 40 and rest != compact and not re.search(r"[\w]", rest)


def _states_facts(rows: list[MetaRow]) -> bool:
    """A metadata row that states a fact of the document (文号, 成文日期, 发布机构…) stays in the text too:
    officials ask about it and answers must quote it. Rows of page furniture alone go."""
    return (any(row.value and row.label in _DOCUMENT_FACTS for row in rows)
            and not any(row.label in FURNITURE_LABELS or (_TIMESTAMP.search(row.value) and row.label not in _WRITTEN)
                        for row in rows))


def _tells_of_page(rows: list[MetaRow]) -> bool:
    """A row that dates the page, or states what a government site records of the document (索引号, 主题分类,
    有效性, 来源…): officials ask about them though they are not the document's text."""
    return any((row.label in DATE_LABELS and _ANY_DATE.search(row.value))
               or (row.label in PAGE_FACT_LABELS and re.search(r"\w", row.value)) for row in rows)


def _looks_like_value(bare: str) -> bool:
    """The value of a label printed alone on the line above (a bulleted metadata list)."""
    return len(bare) <= 30 and not re.search(r"[，,。；;：:]$", bare) and (bool(re.search(r"\d", bare)) or len(bare) <= 12)


def _strip_html(text: str) -> str:
    """Tags left in a copied page: line-breaking ones become line breaks, table cells tabs, the rest go."""
    if "<" in text:
        text = _HTML_TAG.sub("", _HTML_CELL.sub("\t", _HTML_BREAK.sub("\n", text)))
    return html.unescape(text) if "&" in text else text


def _matchable(bare: str) -> str:
    """What the patterns read: simplified characters, when conversion keeps the length (values are sliced from
    it); short lines only, since a long line is always body text."""
    if len(bare) > 200:
        return ""
    simplified = to_simplified(bare)
    return simplified if len(simplified) == len(bare) else bare


def _unmarked(line: str) -> str:
    """The line without a list mark, or without the outer bars of a table row that opens with one
    (| 索引号:… | |: label and value in one cell)."""
    bare = BULLET.sub("", line).strip()
    return bare.strip("|").strip() if bare.startswith("|") else bare


def metadata_lines(lines: list[str]) -> list[str]:
    """The lines among `lines` that state a fact of the document under a label (文号、发布机构、成文日期…), as a
    table row or as `label: value`: a page's metadata box, which main-content extraction drops."""
    found = []
    for line in lines:
        key = _matchable(_unmarked(line))
        cells = _cells(key)
        if len(cells) > 1 and _label_name(cells[0]) in _ALL:
            rows = _table_pairs(key, key)
        elif key and _is_metadata_line(key):
            rows = _pairs(key, key, False)
        else:
            continue
        if any(row.value and row.label in _DOCUMENT_FACTS for row in rows):
            found.append(line)
    return found


def clean_text(text: str) -> CleanedText:
    """The document without page furniture; metadata rows are returned beside it, never lost."""
    text = strip_pinyin_glosses(_INVISIBLE.sub("", _strip_html(text)))
    text = _LOST_SPACING.sub(lambda run: " " * len(run.group()), text)
    cleaned = CleanedText(text="")
    kept: list[str] = []
    pending: tuple[str, str] | None = None  # a fact label whose value is on the next non-empty line, and its line
    in_body = False  # a date alone on a line above the first sentence is the page's; below it, a signature
    for raw in text.splitlines():
        line = raw.replace("\xa0", " ").rstrip()
        if not line.lstrip().startswith("|"):  # a bar closing the last cell of a table copied without its opening
            line = line.removesuffix("|").rstrip()  # one (某市人民政府办公室 2012年10月20日 |)
        bare = _unmarked(line)
        key = _matchable(bare)
        if not bare:
            kept.append("")
            continue
        if _PAGE_NUMBER.fullmatch(re.sub(r"\s+", "", line)):
            cleaned.removed.append(line)
            continue
        if pending is not None:
            (label, label_line), pending = pending, None
            if key and _looks_like_value(key) and not _LABEL.match(key):
                row = MetaRow(label, bare, False)
                cleaned.rows.append(row)
                # A document fact printed over two lines stays, as one line, unless a line above printed it.
                if _states_facts([row]) and not any(bare in earlier for earlier in kept):
                    kept.append(f"{label_line} {bare}")
                else:
                    cleaned.removed.append(line)
                    if _tells_of_page([row]):
                        cleaned.page_lines.append(f"{label_line} {bare}")
                continue
        cells = _cells(key)
        if len(cells) > 1 and _label_name(cells[0]) in _ALL:
            rows = _table_pairs(key, bare)
            cleaned.rows.extend(rows)
            if _states_facts(rows):
                kept.append(line)
                continue
        elif key and (_BARE_DATE.fullmatch(key.strip("[]【】（）() ")) or (not in_body and _HEAD_DATE.fullmatch(key))):
            rows = [MetaRow("日期", bare, True)]  # an unlabelled date under a page heading
            cleaned.rows.extend(rows)
        elif key and _is_metadata_line(key):
            rows = _pairs(key, bare, _is_page_line(key))
            cleaned.rows.extend(row for row in rows if row.value)
            if len(rows) == 1 and not rows[0].value and rows[0].label in FACT_LABELS:
                pending = rows[0].label, bare
            if _states_facts(rows):
                kept.append(line)
                continue
        elif key and _is_chrome(key):
            rows = [row for row in _pairs(key, bare, True) if row.value]
            cleaned.rows.extend(rows)
        else:
            kept.append(line)
            in_body = in_body or "。" in bare or len(bare) > 60
            continue
        cleaned.removed.append(line)
        if _tells_of_page(rows):
            cleaned.page_lines.append(bare)
    kept = _without_menus(kept, cleaned.removed)
    cleaned.text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return cleaned


def _without_menus(lines: list[str], removed: list[str]) -> list[str]:
    """A site's menu copied above the document: four or more different one-word lines (首页, 政务公开, 政策文件…)
    in a row (blank lines aside) before the first sentence."""
    menu = re.compile(r"[\u3400-\u9fff]{1,8}")
    drop: set[int] = set()
    run: list[int] = []
    for position, line in enumerate(lines + ["。"]):  # the sentinel ends the last run
        text = line.strip()
        if not text:
            continue
        if menu.fullmatch(text):
            run.append(position)
            continue
        if len(run) >= 4 and len({lines[i].strip() for i in run}) == len(run):  # a title repeated is no menu
            drop.update(run)
        run = []
        if "。" in text or len(text) > 60:
            break
    removed += [lines[i] for i in sorted(drop)]
    return [line for i, line in enumerate(lines) if i not in drop]
