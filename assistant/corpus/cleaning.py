"""Strip what a copy of a government web page carries besides the document: navigation, page furniture,
metadata tables, HTML leftovers and pinyin glosses. Metadata rows are kept aside for `metadata.py`.

Everything here is general: the labels are those Chinese government sites use for their metadata tables
(索引号, 发布机构, 发文字号, 成文日期…) and page furniture (浏览次数, 字号, 打印, 关闭…), not words of one site.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# Labels of document facts in the metadata tables of government sites (general, not from one site).
TITLE_LABELS = ("文件名称", "文件标题", "标题")
ISSUER_LABELS = ("发布机构", "发文机关", "发文单位", "发布单位", "发文机构", "制发机关", "发布部门", "成文机关")
NUMBER_LABELS = ("发文字号", "发文编号", "文号")
WRITTEN_DATE_LABELS = ("成文日期", "发文日期", "签发日期", "印发日期")
PUBLISHED_DATE_LABELS = ("发布日期", "公布日期", "公开日期")
PAGE_TIME_LABELS = ("发布时间", "更新时间", "发表时间")
_OTHER_FACT_LABELS = ("信息索引号", "索引号", "统一编号", "公开方式", "公开范围", "公开形式", "有效性", "效力状态",
                      "时效性", "主题分类", "体裁分类", "组配分类", "服务对象分类", "公文种类", "文件类型", "主题词",
                      "生效日期", "废止日期", "失效日期", "登记号", "信息分类", "所属机构")
FACT_LABELS = (TITLE_LABELS + ISSUER_LABELS + NUMBER_LABELS + WRITTEN_DATE_LABELS + PUBLISHED_DATE_LABELS
               + _OTHER_FACT_LABELS)
# Page furniture: a line carrying one of these belongs to the web page, not to the document.
FURNITURE_LABELS = ("浏览次数", "访问次数", "浏览量", "访问量", "点击数", "点击量", "阅读数", "阅读量", "字体大小",
                    "字体", "字号", "信息来源", "文章来源", "责任编辑", "分享到") + PAGE_TIME_LABELS
# Labels that are everyday words too (a meeting notice says 时间：…): metadata only beside another label.
_WEAK_LABELS = ("来源", "时间", "日期", "作者", "名称", "编辑", "分类")

_STRONG = sorted(FACT_LABELS + FURNITURE_LABELS, key=len, reverse=True)
_ALL = sorted(_STRONG + list(_WEAK_LABELS), key=len, reverse=True)
_LABEL = re.compile(rf"({'|'.join(_ALL)})\s*[:：]")
_STARTS_WITH_STRONG = re.compile(rf"^(?:{'|'.join(_STRONG)})\s*[:：]")
_STARTS_WITH_WEAK = re.compile(rf"^(?:{'|'.join(_WEAK_LABELS)})\s*[:：]")
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_BULLET = re.compile(r"^[\s•·●▪◆■◇□○*\-–]+")

# Navigation ("breadcrumbs") and page controls, general across sites.
_NAVIGATION = re.compile(r"当前位置|现在的位置|所在位置|您的位置|^首页\s*[>»＞›/]|^[>»＞›]")
_CONTROLS = re.compile(r"打印本页|打印|关闭窗口|关闭本页|关闭|分享到|分享|收藏本文|收藏|加入收藏|大中小|字号|字体|"
                       r"扫一扫|手机扫码|在手机上查看|返回顶部|返回|我要纠错|纠错|上一篇|下一篇|保存本页|微信|微博")
_SYMBOLS_ONLY = re.compile(r"[\W_]*")  # no letter, digit or CJK character at all (|, ---|---, * * *)
_CODE = re.compile(r"(?=.*[A-Z])(?=.*\d)[A-Z0-9]+(?:-[A-Z0-9]+)+")  # an identifier such as CDTD00-2017-0005
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")

# A CJK character followed by its pinyin in brackets, as some mirror sites print: 當(dāng) → 當.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])[(（][a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*[)）]")


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


def strip_pinyin_glosses(text: str) -> str:
    return PINYIN_GLOSS.sub("", text)


def _pairs(line: str, page: bool) -> list[MetaRow]:
    """Every `label: value` on one line; a value runs to the next label."""
    matches = list(_LABEL.finditer(line))
    rows = []
    for match, following in zip(matches, matches[1:] + [None]):
        value = line[match.end(): following.start() if following else len(line)].strip(" \t|")
        rows.append(MetaRow(match.group(1), value, page))
    return rows


def _table_pairs(cells: list[str]) -> list[MetaRow]:
    """A markdown-like table row: label | value | label | value."""
    rows = []
    for label, value in zip(cells, cells[1:] + [""]):
        if label in _ALL:
            rows.append(MetaRow(label, value, False))
    return rows


def _is_page_line(line: str) -> bool:
    return any(label in line for label in FURNITURE_LABELS) or bool(_CLOCK.search(line))


def _is_metadata_line(bare: str) -> bool:
    if _STARTS_WITH_STRONG.match(bare):
        return True
    return bool(_STARTS_WITH_WEAK.match(bare)) and (len(_LABEL.findall(bare)) > 1 or bool(_CLOCK.search(bare)))


def _is_chrome(bare: str) -> bool:
    compact = re.sub(r"\s+", "", bare)
    if _NAVIGATION.search(compact) and len(compact) <= 100:
        return True
    if _SYMBOLS_ONLY.fullmatch(compact) or _CODE.fullmatch(compact):
        return True
    rest = _CONTROLS.sub("", compact)
    return len(compact) <= 40 and rest != compact and not re.search(r"[\w]", rest)


def _looks_like_value(bare: str) -> bool:
    """The value of a label printed alone on the line above (a bulleted metadata list)."""
    return len(bare) <= 30 and not re.search(r"[，,。；;：:]$", bare) and (bool(re.search(r"\d", bare)) or len(bare) <= 12)


def clean_text(text: str) -> CleanedText:
    """The document without page furniture; metadata rows are returned beside it, never lost."""
    text = strip_pinyin_glosses(_HTML_TAG.sub("", html.unescape(text)) if "<" in text or "&" in text else text)
    cleaned = CleanedText(text="")
    kept: list[str] = []
    pending: str | None = None  # a fact label whose value is on the next non-empty line
    for raw in text.splitlines():
        line = raw.replace("\xa0", " ").rstrip()
        bare = _BULLET.sub("", line).strip()
        if not bare:
            kept.append("")
            continue
        if pending is not None:
            label, pending = pending, None
            if _looks_like_value(bare) and not _LABEL.search(bare):
                cleaned.rows.append(MetaRow(label, bare, False))
                cleaned.removed.append(line)
                continue
        cells = [cell.strip() for cell in bare.strip("|").split("|")]
        if len(cells) > 1 and cells[0] in _ALL:
            cleaned.rows.extend(_table_pairs(cells))
        elif _is_metadata_line(bare):
            rows = _pairs(bare, _is_page_line(bare))
            cleaned.rows.extend(row for row in rows if row.value)
            if len(rows) == 1 and not rows[0].value and rows[0].label in FACT_LABELS:
                pending = rows[0].label
        elif _is_chrome(bare):
            cleaned.rows.extend(row for row in _pairs(bare, True) if row.value)
        else:
            kept.append(line)
            continue
        cleaned.removed.append(line)
    cleaned.text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return cleaned
