"""China's provincial-level regions and the ways a question may name them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    name: str  # short Chinese name as used in the manifest, e.g. 云南
    full: str  # e.g. 云南省
    english: str
    abbreviation: str | None = None  # e.g. 滇


PROVINCES: tuple[Province, ...] = (
    Province("北京", "北京市", "Beijing", None),
    Province("天津", "天津市", "Tianjin", None),
    Province("上海", "上海市", "Shanghai", "沪"),
    Province("重庆", "重庆市", "Chongqing", "渝"),
    Province("河北", "河北省", "Hebei", "冀"),
    Province("山西", "山西省", "Shanxi", "晋"),
    Province("辽宁", "辽宁省", "Liaoning", None),
    Province("吉林", "吉林省", "Jilin", None),
    Province("黑龙江", "黑龙江省", "Heilongjiang", None),
    Province("江苏", "江苏省", "Jiangsu", None),
    Province("浙江", "浙江省", "Zhejiang", "浙"),
    Province("安徽", "安徽省", "Anhui", "皖"),
    Province("福建", "福建省", "Fujian", "闽"),
    Province("江西", "江西省", "Jiangxi", "赣"),
    Province("山东", "山东省", "Shandong", "鲁"),
    Province("河南", "河南省", "Henan", "豫"),
    Province("湖北", "湖北省", "Hubei", "鄂"),
    Province("湖南", "湖南省", "Hunan", "湘"),
    Province("广东", "广东省", "Guangdong", "粤"),
    Province("海南", "海南省", "Hainan", "琼"),
    Province("四川", "四川省", "Sichuan", "川"),
    Province("贵州", "贵州省", "Guizhou", "黔"),
    Province("云南", "云南省", "Yunnan", "滇"),
    Province("陕西", "陕西省", "Shaanxi", None),
    Province("甘肃", "甘肃省", "Gansu", None),
    Province("青海", "青海省", "Qinghai", "青"),
    Province("台湾", "台湾省", "Taiwan", None),
    Province("内蒙古", "内蒙古自治区", "Inner Mongolia", None),
    Province("广西", "广西壮族自治区", "Guangxi", "桂"),
    Province("西藏", "西藏自治区", "Tibet", None),
    Province("宁夏", "宁夏回族自治区", "Ningxia", None),
    Province("新疆", "新疆维吾尔自治区", "Xinjiang", None),
    Province("香港", "香港特别行政区", "Hong Kong", None),
    Province("澳门", "澳门特别行政区", "Macao", None),
)

BY_NAME = {p.name: p for p in PROVINCES}

# Single-character abbreviations are common characters (青年, 川流, 湘西): every province's counts only next
# to 、, 省 or another abbreviation, as in 「湘、川两省」 or 「滇省」. Abbreviations that are everyday words
# (新, 宁, 京, 苏…) are not listed at all.
_ABBREVIATION_CONTEXT = "、省两"


def _abbreviation_pattern(abbreviation: str) -> re.Pattern[str]:
    others = "".join(p.abbreviation for p in PROVINCES if p.abbreviation)
    side = f"[{re.escape(_ABBREVIATION_CONTEXT + others)}]"
    return re.compile(f"(?:(?<={side}){abbreviation}|{abbreviation}(?={side}))")


_PATTERNS: list[tuple[Province, re.Pattern[str]]] = []
for _p in PROVINCES:
    alternatives = [re.escape(_p.name), re.escape(_p.full)]
    _PATTERNS.append((_p, re.compile("|".join(alternatives))))
    _PATTERNS.append((_p, re.compile(rf"\b{re.escape(_p.english)}\b", re.IGNORECASE)))
    if _p.abbreviation:
        _PATTERNS.append((_p, _abbreviation_pattern(_p.abbreviation)))


def find_provinces(text: str) -> list[str]:
    """Province names mentioned in `text`, in order of first mention (simplified Chinese expected)."""
    found: dict[str, int] = {}
    # Full names first, so that 四川 does not also count as the abbreviation 川.
    masked = text
    for province, pattern in _PATTERNS:
        for match in pattern.finditer(masked):
            found.setdefault(province.name, match.start())
            found[province.name] = min(found[province.name], match.start())
            masked = masked[: match.start()] + "\0" * (match.end() - match.start()) + masked[match.end() :]
    return sorted(found, key=found.__getitem__)


def province_named(value: str) -> str | None:
    """The province a filter value names exactly: 湖南, 湖南省, Hunan or 湘."""
    value = value.strip()
    for p in PROVINCES:
        if value in (p.name, p.full, p.abbreviation) or value.lower() == p.english.lower():
            return p.name
    return None
