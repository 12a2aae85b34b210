"""Text normalisation and tokenisation shared by the keyword index, question analysis and answer selection."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

STOPWORDS = frozenset(
    "的 了 和 与 及 是 在 对 有 为 要 将 把 被 等 中 上 下 个 哪 哪些 什么 怎么 怎样 如何 多少 几 吗 呢 吧 啊 请 问 "
    "请问 一下 关于 方面 提出 提到 规定 要求 文件 政策 意见 方案 通知 省 我省 全省 其中 哪个 是否 有没有 "
    "目标 主要 具体 那 这 这个 那个 这条 哪里 谁 需要 应该 应当 可以 能 会 到 从 由 以 于 并 或 也 都 还 又 "
    "分别 各 各自 内容 情况 相关 有关 进行 开展 工作 年 达到 实现 提高 加强 推进 the a an of in to for and "
    "时候 何时 哪年 哪一年 哪天 哪一天 多久 多长时间 "  # the time asked (什么时候, 哪天, 多久): no word of an answer
    "what which how is are does do by on with about province provinces".split()
)

_PUNCT = re.compile(r"[\s\u3000，。、；：？！“”‘’（）《》【】\[\]「」『』〔〕,.;:?!\"'()<>—\-…·/%％]+")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


_CJK_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))  # Unicode ranges, not a word list


@lru_cache(maxsize=1)
def _convertible() -> frozenset[str]:
    """The characters t2s changes on their own: a text without any is left as it is, which spares the slow
    phrase-by-phrase conversion for nearly every text of a simplified corpus (most of a query's cost before)."""
    characters = "".join(chr(c) for start, end in _CJK_BLOCKS for c in range(start, end))
    return frozenset(a for a, b in zip(characters, _t2s().convert(characters)) if a != b)


def to_simplified(text: str) -> str:
    """Traditional characters to simplified (questions may be typed in either)."""
    return text if _convertible().isdisjoint(text) else _t2s().convert(text)


_FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)} | {"％": "%", "．": "."})


@lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Simplified characters, half-width digits and %, collapsed spaces: for matching only, never for quoting.
    Cached: answering one question normalises the same clauses and sentences a hundred times over."""
    return re.sub(r"\s+", " ", to_simplified(text).translate(_FULLWIDTH)).strip()


def tokenize(text: str) -> list[str]:
    """Search tokens: jieba words without stopwords and punctuation, plus numbers with their %."""
    tokens = []
    for word in jieba.lcut_for_search(normalise(text).lower()):
        word = word.strip()
        if not word or _PUNCT.fullmatch(word) or word in STOPWORDS:
            continue
        tokens.append(word)
    return tokens


# Chinese interrogatives (a closed class of the language, not of any document): a question's words are cut around
# them before segmentation: jieba glues them to a neighbour (从哪天到哪天 -> 天到) or keeps them as words (什么样,
# 哪位) that no clause holds.
_ASKING = re.compile(r"哪几|哪一?[天年月日个些位家项种类条份部次里儿]?|什么时候|什么样|为什么|什么|多少|多久|多长时间|何时|"
                     r"几月几日|几[号个种项类家批名位条次级]")


def content_terms(text: str) -> list[str]:
    """Distinct meaningful words of a question, in order (for coverage and sentence matching)."""
    seen: dict[str, None] = {}
    for word in jieba.lcut(_ASKING.sub(" ", normalise(text).lower())):
        word = word.strip()
        if len(word) < 2 and not word.isdigit():
            continue
        if word in STOPWORDS or _PUNCT.fullmatch(word):
            continue
        seen.setdefault(word, None)
    return list(seen)


def is_english(text: str) -> bool:
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return letters > 3 * max(cjk, 1) or (cjk == 0 and letters > 0)


SENTENCE_SPLIT = re.compile(r"(?<=[。！？；])|\n")
TITLE_WRAP = 120  # the most characters a title broken over lines (《…\n…》) is read across
SENTENCE_END = re.compile(r"[。！？；;.!?]")
_BRACKET_LINE = re.compile(r"[（(](?![一二三四五六七八九十\d]{1,3}[)）])[^（()）\n]{1,30}[)）]")  # not an outline mark (一)


def sentences(text: str) -> list[str]:
    """The text's sentences, verbatim. A line ending inside 《 goes on to the line that closes it: web pages
    wrap long titles (印发《关于推进…改革发展 / 的实施办法》的通知), and half a title is no sentence. A line that
    is only a bracket (（2021—2023年）, （试行）) belongs to the line above, a title's period or status."""
    bounds = [0] + [m.start() for m in SENTENCE_SPLIT.finditer(text)] + [len(text)]
    pieces = [(a, b) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        start, end = pieces[i]
        j = i
        while open_titles(text[start:end]) > 0 and j + 1 < len(pieces) and pieces[j + 1][1] - start <= TITLE_WRAP:
            j += 1
            end = pieces[j][1]
        if open_titles(text[start:end]) > 0:
            j, end = i, pieces[i][1]  # never closed: a stray 《, not a wrapped title
        if spans and _BRACKET_LINE.fullmatch(text[start:end].strip()) and not SENTENCE_END.search(
                text[spans[-1][0] : spans[-1][1]].strip()[-1:]):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        i = j + 1
    return [text[a:b].strip() for a, b in spans]


def open_titles(text: str) -> int:
    """How many 《 of the text are not closed in it."""
    return text.count("《") - text.count("》")
