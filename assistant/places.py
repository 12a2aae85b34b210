"""Cities and counties named in a question, from jionlp's gazetteer of China's administrative divisions.

Provinces are recognised by `provinces.py` (the 34 provincial-level units, with English names); this module
adds the prefecture- and county-level places, so that 「黄石市…」 or 「洞头区…」 reaches the documents whose
extracted metadata names that city or county, and a city the corpus lacks is refused with that reason.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from types import ModuleType

import jieba

log = logging.getLogger(__name__)

# Administrative suffixes that a question may leave out (黄石 for 黄石市); general, not corpus-specific.
_SUFFIXES = "市|地区|盟|自治州|州|自治县|县|区|旗"
_SUFFIX = re.compile(rf"(?:{_SUFFIXES})$")
# The place's own organs, which jieba may keep in the name's word (深圳市政府, 杭州市委, 海淀区政府): any place's.
_OWN_ORGAN = re.compile(rf"(?:{_SUFFIXES})?(?:人民政府|政府|党委|委|人大|政协)")
MIN_ALIAS_CHARS = 2
MIN_COUNTY_STEM_CHARS = 3
# A district named by one character (城区, 郊区, 矿区, 东区: several cities have one) is a word for a part of any
# city (各城区政府, 郊区农村), not a place on its own.
_PART_OF_A_CITY = re.compile(r"[\u4e00-\u9fff]区")


@dataclass(frozen=True)
class Place:
    province: str  # short name as in provinces.py: 湖北
    city: str | None  # 黄石市
    county: str | None  # 洞头区

    @property
    def name(self) -> str:
        return self.county or self.city or self.province


def short_province(full: str) -> str:
    """湖北省 → 湖北, 广西壮族自治区 → 广西, 上海市 → 上海 (names as provinces.py uses them)."""
    from .provinces import PROVINCES

    return next((p.name for p in PROVINCES if full in (p.full, p.name)), full)


def short_names(name: str, alias: str | None) -> list[str]:
    """An ethnic autonomous unit's names as people write them: jionlp's short name, and that name with the
    unit's level: 石柱土家族自治县 (石柱) → 石柱县, 湘西土家族苗族自治州 (湘西) → 湘西州."""
    level = re.search(r"自治(县|州|旗)$", name)
    if not level or not isinstance(alias, str) or not alias:
        return []  # other units' short names include words (工业园, 保税区): their stems serve
    return [alias] if alias.endswith(level.group(1)) else [alias, alias + level.group(1)]


def stem(name: str) -> str:
    """The name without its administrative suffix, as people often write it: 黄石市 → 黄石."""
    core = _SUFFIX.sub("", name)
    return core if len(core) >= MIN_ALIAS_CHARS else name


@lru_cache(maxsize=1)
def load_jionlp() -> ModuleType:
    """jionlp, imported on first use (it is slow to import) without the banner it prints on stdout."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp
    return jionlp


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, Place]:
    """Surface form → place, for every prefecture-level city and county (full names; city stems and
    jionlp's city aliases such as 湘西 too).
    County stems of two characters are left out: many are everyday words (和平, 城关, 新华); longer ones are
    names (二连浩特, 公主岭)."""
    from .provinces import PROVINCES

    # A province's own name is the province (海南, 吉林), never the city or prefecture that shares it.
    surfaces: dict[str, Place] = {n: Place("", None, None) for p in PROVINCES for n in (p.name, p.full)}
    for province_full, cities in load_jionlp().china_location_loader(detail=False).items():
        province = short_province(province_full)
        for city, counties in cities.items():
            if city.startswith("_"):
                continue
            city_place = Place(province, None if city == province_full else city, None)
            if city_place.city:
                aliases = counties.get("_alias") or [] if isinstance(counties, dict) else []
                named = [aliases] if isinstance(aliases, str) else aliases
                for surface in [city, stem(city), *named, *(n for a in named for n in short_names(city, a))]:
                    if len(surface) >= MIN_ALIAS_CHARS:
                        surfaces.setdefault(surface, city_place)
            for county in counties if isinstance(counties, dict) else {}:
                if county.startswith("_"):
                    continue
                alias = counties[county].get("_alias") if isinstance(counties[county], dict) else None
                for surface in (county, stem(county), *short_names(county, alias)):
                    if (len(surface) >= MIN_COUNTY_STEM_CHARS or surface == county) \
                            and not _PART_OF_A_CITY.fullmatch(surface):
                        surfaces.setdefault(surface, Place(province, city_place.city, county))
    return {surface: place for surface, place in surfaces.items() if place.province}


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    names = sorted(_gazetteer(), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))


def find_places(text: str) -> list[Place]:
    """Cities and counties mentioned in `text` (simplified Chinese), in order of first mention."""
    return list(dict.fromkeys(place_mentions(text)))


_DATE_PART = re.compile(r"\d\s*[年月日]")


def place_mentions(text: str) -> list[Place]:
    """Every mention of a city or county in `text`, in order. A name counts where it starts a word of the text
    (jieba's segmentation) and the word goes on with at most an administrative suffix (湘西自治州): 河源 in
    「江河源」杯, 大连 in 扩大连锁 and 范县 in 示范县 are no places."""
    matches = list(_pattern().finditer(text))
    if not matches:
        return []
    ends = list(accumulate(len(word) for word in jieba.lcut(text)))
    # A date ends a word however jieba glues on (2020年静海区 -> 年静 / 海区): a name may start right after it.
    starts = {0, *ends, *(m.end() for m in _DATE_PART.finditer(text))}
    found = []
    for match in matches:
        word_end = ends[bisect_left(ends, match.end())]
        rest = text[match.end() : word_end]
        # jieba reads 青岛市委 as 青岛 / 市委 and 扬州市政府 as 扬州 / 市政府: the suffix may open the next word
        suffix = _SUFFIX.search(match.group(0))
        absorbed = bool(suffix) and match.end() - len(suffix.group(0)) in starts
        own_word = not rest or _SUFFIX.fullmatch(rest) or _OWN_ORGAN.fullmatch(rest)
        if match.start() in starts and (own_word or absorbed):
            found.append(_gazetteer()[match.group(0)])
    return found


@lru_cache(maxsize=1)
def _surfaces_by_place() -> dict[Place, list[str]]:
    by_place: dict[Place, list[str]] = {}
    for surface, place in _gazetteer().items():
        by_place.setdefault(place, []).append(surface)
    return by_place


@lru_cache(maxsize=4096)
def romanised(place: Place) -> frozenset[str]:
    """A place's names as English text writes them: the pinyin, without tones and run together, of each name
    the gazetteer knows for it (湘西土家族苗族自治州 and its alias 湘西 → xiangxi; 公主岭市 → gongzhuling)."""
    names = {place.name, stem(place.name), *_surfaces_by_place().get(place, [])}
    return frozenset(_pinyin(name) for name in names if len(name) >= MIN_ALIAS_CHARS) - {""}


@lru_cache(maxsize=4096)
def _pinyin(name: str) -> str:
    plain = unicodedata.normalize("NFKD", "".join(load_jionlp().pinyin(stem(name))))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalpha()).lower()


def find_romanised(text: str, places: dict[str, list[Place]]) -> list[Place]:
    """The places of `places` (romanised name → places) that an English `text` names: Xiangxi's, Gongzhuling."""
    # Pinyin's apostrophe parts syllables within one name (Ji'an, Xi'an, Yan'an): it opens one starting a, o or e.
    words = set(re.findall(r"[a-z]+", re.sub(r"(?<=[a-z])['’](?=[aoe])", "", text.lower())))
    return [place for name, named in places.items() if name in words for place in named]
