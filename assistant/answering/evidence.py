"""Pick the clause and the sentences that answer a question, with the fitted models of refusal.py.

Every candidate clause is described by general features (how much of the question, and of its most specific
terms, the clause holds; closeness in meaning; retrieval ranks; whether a number or year of the asked kind is
there). The ranker picks the clause to cite; the answerable model, from that clause and the clause model's
probabilities, says whether to cite it or refuse. The sentence model picks what to quote.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache

import jieba
import numpy as np

from ..chunking import without_outline_marks
from ..corpus.metadata import DATE, DOC_NUMBER, DOC_TYPES
from ..crosslingual import phrase_share
from ..models import FACT_ONLY_KINDS, Clause, SearchHit
from ..provinces import PROVINCES
from ..question import ASKS_NUMBER, FULL_DATE, QuestionAnalysis
from ..synonyms import synonyms
from ..text import content_terms, normalise, sentences
from .refusal import EvidenceModels, LinearModel, models

# General wording of questions that ask for an amount, a list or who is responsible (any policy text).
# English words match whole words only: "rate" is no amount asked in "strategy" or "incorporated". "when" asks a
# time only as an interrogative, before its verb ("when should", "by when is"), not in "name it when it calls for".
_WHEN = r"\bwhen\s+(?:is|was|are|were|do|does|did|should|must|will|shall|can|could|would|has|have|had)\b"
_QUANTITY = re.compile(rf"多少|(?<![哪那这第])几|比例|比率|百分|率(?![先领])|%|数量|金额|哪一年|哪年|何时|什么时候|时间|期限|"
                       r"\b(?:how much|how many|percentage|rates?|what share|targets?|which year|amounts?|numbers?)\b"
                       rf"|{_WHEN}", re.IGNORECASE)
_LIST = re.compile(r"哪些|有哪|包括|包含|几项|几个方面|列举|哪[几两一二三四五六七八九十]+[个项条类大方]|\b(?:what are|list)\b",
                   re.IGNORECASE)
_DUTY_QUESTION = re.compile(r"责任单位|(哪个|哪些|哪家|什么|何)(部门|单位|机构)|负责(?!制)|牵头|"
                            r"\b(?:responsible|in charge|which (?:department|agency|body))\b", re.IGNORECASE)
# General Chinese measure words and units (any document, any topic): the unit an amount is asked in.
_UNITS = ("万元|亿元|元|个|项|家|人|名|位|次|起|年|天|日|月|所|条|座|件|亩|公顷|公里|千米|米|吨|户|批|处|类|种|部|台|辆|"
          "套|张|份|篇|场|轮|期|届|支|只|床|倍|小时|分钟|学时|课时|级|周岁|岁")
# Units that answer for one another: the measure words of people (多少人 → 300名) and of age (多少周岁 → 60岁).
_SAME_UNITS = {"人": "人|名|位", "名": "人|名|位", "位": "人|名|位", "岁": "周?岁", "周岁": "周?岁"}
# 哪几个/第几次: a list, an ordinal; 那几个: those. 多少万人 / 几亿吨: the magnitude belongs to the unit asked.
_ASKED_UNIT = re.compile(rf"(?<![哪第那这])(?:多少|几)((?:万|亿)?(?:{_UNITS})|钱)")
# Words for a sum of money (any document): 多少奖金, 每年安排多少财政资金, 奖励多少, 补贴标准是多少 ask an amount in 元.
_MONEY = "钱|奖金|资金|经费|补贴|补助|奖励|资助|费用|金额"
_ASKED_MONEY = re.compile(rf"(?<![哪第])多少[\u4e00-\u9fff]{{0,6}}?(?:{_MONEY})|(?:{_MONEY})[\u4e00-\u9fff]{{0,3}}多少")
# A question asking when (not how much or how many): a year or a date answers it as a number.
_ASKS_TIME = re.compile(rf"哪一年|哪年|何时|什么时候|时间|期限|{_WHEN}|\b(?:which|what) year\b", re.IGNORECASE)
_ASKS_AMOUNT = re.compile(r"多少|几成|百分之几|how much|how many|\bwhat\b", re.IGNORECASE)
# Words of a rate, share or level (any document): asked "how much", they are answered in %. So is growth or a fall
# (增长多少, 增速, 降幅), but not the level reached (增长到多少). 率先 (first to) and 率领 (to lead) are no rates.
_RATE_WORD = re.compile(r"率(?![先领])|比例|比重|占比|百分|满意度|权重|增长(?![到至])|增速|增幅|下降(?![到至])|降幅|"
                        r"\b(percent|percentage|proportion|share|rate)\b", re.IGNORECASE)
# A count: digits or numerals, then any magnitude (5万, 十二, 三千); a bare magnitude counts nothing (每千名老年人).
_NUMERAL = r"(?:[\d.]+|[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*)[百千万亿]*"
# A number stated: digits, or Chinese numerals counting something (两个, 十大, 三成); not an ordinal (第一个) or the
# 一 of a word (统一部署, 进一步, 唯一, 同一批).
_STATED_NUMBER = re.compile(rf"\d|(?<![第统进唯同])[零〇一二两三四五六七八九十百千万亿]+(?:{_UNITS}|成|大)")
# Who leads (由谁担任组长, 哪位领导牵头) is answered by an official's post: the titles of Chinese officials at every
# level of government, and the general wording for a leader (主要负责人, 分管…领导).
_LEADER_QUESTION = re.compile(r"哪位|由谁(?:[^，。？?]{0,8}?(?:作|做)(?:的|了|报告)|担任|任|兼任|向|作|主持)|"
                              r"谁(?:担任|任|来任|作)|(?:组长|主任)是谁|"
                              r"\bwho (?:heads|chairs|leads|gave|delivered|presented)\b", re.IGNORECASE)
# An official's post, or a post and the official's name, as a report or speech prints its speaker on a line of its
# own (某区区长 张三, 某市人大常委会副主任 李四; normalised, a line ends at a space): asked 由哪位区长作报告, the post the
# question names says nothing.
_LEADER = re.compile(r"[\u4e00-\u9fff、]{0,8}?(?:长|主任|书记|主席|委员)[ \t\u3000]+[\u4e00-\u9fff]{2,4}(?=\s|$)"
                     r"|(?:省|市|区|县|州|盟|旗|乡|镇)(?:长|委书记)|主席|书记|秘书长|[厅局部]长|[委办]主任|主要负责人|"
                     r"负责同志|主要领导|分管[\u4e00-\u9fff]{0,6}领导", re.MULTILINE)
# What a question asks for, and what a value of that kind looks like, for any document: a date (or a month's end or
# part, 6月底, a quarter or half of the year: 第一季度, 上半年), a year, a phone number, an e-mail address, a document
# number (文号, as metadata extraction reads it), a public body (the suffixes of Chinese government bodies at every
# level; 办 not where it starts the words 办理/办法/办事/办好; the state-owned groups and companies, courts, customs,
# bank branches and fire and police brigades that task lists make responsible too).
_A_DATE = re.compile(rf"{DATE.pattern}|\d{{1,2}}月\d{{1,2}}日|\d{{1,2}}月(?:底|末|份|上旬|中旬|下旬)|年底|年末|"
                     r"第?[一二三四1-4]季度|[上下]半年|"
                     r"自(?:公布|发布|印发|颁布)之日起")  # a time counted from publication: 自公布之日起30日后施行
_A_YEAR = re.compile(r"(19|20)\d{2}\s*年|[〇零一二三四五六七八九]{4}年")
# How often (多久召开一次, 多长时间督查一次, how often) is answered by a period that repeats: 每年, 每两周, 每季度, 一年两次,
# 月开展一次 (any document; 定期 says that it repeats, not how often; 2023年开展一次 is a year, not a period).
_ASKS_FREQUENCY = re.compile(r"(?:多久|多长时间)[^，。？?]{0,8}?一次|每隔多[久长]|频次|频率|\bhow (?:often|frequently)\b|"
                             r"每[一二两三四五六\d半]?个?(?:年度?|季度?|月|旬|周|天)还是每",
                             re.IGNORECASE)
_A_FREQUENCY = re.compile(r"每(?:隔)?(?:[一二两三四五六七八九十半\d]+)?个?(?:年度?|季度?|月|旬|周|星期|天|日)|"
                          r"(?:一|每)(?:年|季度?|月|周)[一二两三四五六\d]+次|"
                          r"(?<![\d〇零一二三四五六七八九十])(?:年|季度?|月|旬|周)[\u4e00-\u9fff]{0,4}?[一二两三四五六\d]次")
# A body's name by its suffix, or an enumeration of sectors or bodies ending in 部门/单位/机构, with 、, 和 or 及 and
# with or without 等 (发改、经委、质监等部门; 银行、保险和担保机构).
_A_BODY = re.compile(r"[\u4e00-\u9fff]{2,10}?(人民政府|政府|委员会|办公室|[局厅委办](?![理法事好])|中心|指挥部|领导小组|"
                     r"(?:管理|行政|主管)部门|集团|公司|法院|检察院|海关|[支分]行|[总支大]队)"
                     r"|[\u4e00-\u9fff]{1,8}(?:、[\u4e00-\u9fff]{1,8})*(?:、|和|及)[\u4e00-\u9fff]{1,8}?等?(?:部门|单位|机构)")
# Whom a document is addressed to (主送): in any official document, the line after the title that lists bodies (or
# 各…) up to a colon (各乡镇人民政府，市政府各部门：), at the start of a line or sentence (a copied page may run its
# lines together), the text often run on after it. It is said of the document itself: no subject to read before it.
_ASKS_ADDRESSEES = re.compile(rf"(?:{'|'.join(DOC_TYPES)}|文件)[^，。？?]{{0,8}}?(?:发|发送|印发|下发|转发)给了?(?:谁|哪)|主送|"
                              r"\baddress(?:ed|ees?)\b|\bsent to\b", re.IGNORECASE)
_ADDRESSEES = re.compile(r"(?:^|(?<=[。；;:：]))\s*(?=各|[^\n。；;:：]*[、，,])[^\n。；;:：]{0,100}?(?:政府|部门|单位|机构|委员会|管委会|[局厅委办])"
                         r"[^\n。；;:：]{0,60}[:：]", re.MULTILINE)
_ASKED_VALUES = (
    (_ASKS_ADDRESSEES, _ADDRESSEES),
    (_ASKS_FREQUENCY, _A_FREQUENCY),
    (re.compile(rf"哪天|哪一天|何时|什么时候|什么时间|时限|日期|截止|几月几日|{_WHEN}|\b(?:what date|deadline)\b", re.IGNORECASE),
     _A_DATE),
    (re.compile(r"哪一年|哪年|何年|which year|what year", re.IGNORECASE), _A_YEAR),
    (re.compile(r"电话|传真|热线|号码|\b(?:phone|fax|hotline)\b", re.IGNORECASE), re.compile(r"\d{3,4}-\d{7,8}|\d{5,}")),
    (re.compile(r"邮箱|电子邮件|e-?mail", re.IGNORECASE), re.compile(r"[\w.-]+@[\w-]+\.[\w.]+", re.ASCII)),
    (ASKS_NUMBER, DOC_NUMBER),
    (_LEADER_QUESTION, _LEADER),
    (_DUTY_QUESTION, _A_BODY),
)
# What happens at a time may follow it (自2011年2月1日起施行): value_context reads a time's phrase after it too.
_SUBJECT_AFTER = {_A_DATE, _A_YEAR, _A_FREQUENCY, _LEADER}
_PLACE_WORDS = {w for p in PROVINCES for w in (p.name, p.full, p.english.lower())}
_YEAR_WORD = re.compile(r"^(19|20)\d{2}年?$")
MAX_QUOTES = 3
# A clause this short is quoted whole: its other sentences cost little to read and often hold part of the answer
# (chosen on dev: keys quoted from the right clause 0.878 -> 0.889, 11 more characters per answer).
WHOLE_CLAUSE_CHARS = 200
CANDIDATES = 5


class _FeatureRow:
    """Named features in a fixed order: the order of the fitted coefficients."""

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def row(self) -> list[float]:
        return [float(v) for v in vars(self).values()]  # field order; astuple would deep-copy


@dataclass
class ClauseFeatures(_FeatureRow):
    """What the clause model sees; names and order are those of the fitted coefficients."""

    coverage: float  # weighted share of the question's terms in the clause and its headings
    ask_coverage: float  # the same for the terms of the question's last phrase, what it asks after its premises
    sentence_match: float  # the same, in the clause's best sentence
    focus: float  # share of the question's most specific terms found verbatim in the clause
    semantic: float  # cosine of the question to the closest sentence of the clause
    semantic_gap: float  # how far that cosine is below the best of all candidates (0 for the best)
    fused: float  # retrieval score (reciprocal-rank fusion, scaled to 0…1)
    dense: float  # cosine of the question to the clause
    keyword: float  # bm25 score of the clause, relative to the best of the retrieved (Retriever.rank)
    rank_inverse: float  # 1 / (1 + retrieval rank)
    english_rank: float  # rank_inverse for an English question (its words meet the text only through a dictionary)
    number_gap: float  # 1 when an amount is asked and the clause states no number
    year_gap: float  # 1 when the question names years and the clause mentions none of them
    other_years: float  # 1 when the clause speaks of other years than those asked about (Retriever.other_years)
    other_level: float  # 1 when the question names only a province and a city or county issued the clause's document
    unit_gap: float  # 1 when the question asks an amount in a unit (asked_unit) and the clause states none in it
    value_gap: float  # 1 when the question asks a value of a kind (asked_value) and the clause states none
    english: float  # 1 for English questions, where word overlap cannot help
    states_fact: float  # 1 when the question asks a fact of the document (文号, issuer, date) and the clause prints it
    opening: float  # 1 for the document's opening (title, addressees, preamble): it mentions much and settles little


@dataclass
class SentenceFeatures(_FeatureRow):
    lexical: float  # weighted share of the question's terms in the sentence
    ask_lexical: float  # the same for the terms of the question's last phrase (asked_terms)
    focus: float  # share of the most specific terms in the sentence
    semantic: float  # cosine of the question to the sentence
    semantic_gap: float  # below the clause's closest sentence
    number: float  # 1 when an amount is asked and the sentence has a number
    unit: float  # 1 when the sentence states a number in the asked unit
    value: float  # 1 when the sentence holds a value of the kind asked (asked_value)
    year: float  # 1 when the sentence names an asked year
    date: float  # 1 when the issue date is asked and the sentence holds a full date
    states_fact: float  # 1 when the sentence prints the document fact asked for
    short: float  # 1 for a heading-like fragment under 16 characters
    title: float  # 1 when the sentence is or holds its document's title (title line, signature): it names, not answers
    novelty: float  # share of the sentence's words the question does not hold: one that only restates it answers nothing


@dataclass
class Candidate:
    hit: SearchHit
    rank: int
    features: ClauseFeatures
    sentences: list[str]
    sentence_features: list[SentenceFeatures]
    value_context: float  # value_context() of the clause: is a stated value of the asked kind about what was asked


# Clause features that tell one question's candidates apart but do not say whether the corpus answers: the
# `answerable` model does not see them (only through the clause model's probability). Seen directly, `opening`
# learnt the seed documents' openings: fitted on the seed questions, it refused 18 % of the answerable questions
# on the other dev documents, against 3 % without it (area under the refusal curve 0.836 and 0.837).
# `keyword` (the clause's bm25 score) tells the ranker a clause holding the question's words from a long one on the
# document's general subject that retrieval put first; `english_rank` lets it trust retrieval's order for English
# questions, whose words meet the text only through a dictionary. Held-out dev, 12 fold seeds: right clause chosen
# 0.923 -> 0.932 (English 0.87 either way). For the refusal, `coverage` already says how much of the question a
# clause holds.
RANKING_ONLY = ("opening", "keyword", "english_rank")


def answerable_row(candidate: Candidate, probabilities: np.ndarray, sentence_model: LinearModel) -> list[float]:
    """What the `answerable` model sees: the chosen clause's features, how sure and how contested the choice
    was, how well its best sentence states an answer (holds the question's specific terms, a number in the
    asked unit, a value of the asked kind), and whether a stated value is about what was asked."""
    ordered = np.sort(probabilities)[::-1]
    sentence_p = sentence_model.probability(np.array([f.row() for f in candidate.sentence_features]))
    best = int(np.argmax(sentence_p))
    clause = [v for name, v in zip(ClauseFeatures.names(), candidate.features.row()) if name not in RANKING_ONLY]
    return [*clause, float(ordered[0]), float(ordered[0] - (ordered[1] if len(ordered) > 1 else 0.0)),
            float(sentence_p[best]), candidate.sentence_features[best].focus, candidate.sentence_features[best].unit,
            candidate.sentence_features[best].value, candidate.value_context]


def answerable_names() -> list[str]:
    return [*(n for n in ClauseFeatures.names() if n not in RANKING_ONLY), "clause_probability", "clause_margin",
            "sentence_probability", "sentence_focus", "sentence_unit", "sentence_value", "value_context"]


# Which way each `answerable` feature may move P(answerable), whatever the corpus: more of the question found,
# a closer meaning, a surer choice can only help (+1); a missing number, unit, value or year, or a clause about
# other years or another level of government, can only hurt (-1); `english` (a language, not evidence) may go
# either way (0). The fit keeps each weight on its side (refusal.fit_directed).
_ANSWERABLE_DIRECTIONS = {
    "coverage": 1, "ask_coverage": 1, "sentence_match": 1, "focus": 1, "semantic": 1, "semantic_gap": -1, "fused": 1,
    "dense": 1, "rank_inverse": 1, "number_gap": -1, "year_gap": -1, "other_years": -1, "other_level": -1,
    "unit_gap": -1, "value_gap": -1, "english": 0, "states_fact": 1, "clause_probability": 1, "clause_margin": 1,
    "sentence_probability": 1, "sentence_focus": 1, "sentence_unit": 1, "sentence_value": 1, "value_context": 1,
}


def answerable_directions() -> list[int]:
    """The direction of each of answerable_names(), in that order."""
    return [_ANSWERABLE_DIRECTIONS[name] for name in answerable_names()]


@dataclass
class Evidence:
    hit: SearchHit
    quotes: list[str]
    probability: float  # P(the corpus answers the question), from the answerable model
    features: ClauseFeatures  # of the chosen clause (compare mode reads its coverage and meaning)
    siblings: list[SearchHit] = field(default_factory=list)  # other items of a list, cited too


IDF_SAMPLE = 5_000  # clause texts an IDF is counted over: all of a small corpus, an even sample of a large one


class TermWeights:
    """Inverse document frequency of question terms over the clause texts (substring match, as Chinese has
    no spaces): rare terms such as 一次性验收合格率 count more than 质量. Above IDF_SAMPLE clauses the count runs
    over an evenly spaced sample, so a new term costs the same at 200,000 clauses as at 5,000."""

    def __init__(self, texts: list[str]):
        self._texts = [normalise(t) for t in texts[:: max(1, len(texts) // IDF_SAMPLE)]]
        self._n = len(self._texts)
        self._counts: dict[str, int] = {}

    def _count(self, term: str) -> int:
        if term not in self._counts:
            self._counts[term] = sum(term in text for text in self._texts)
        return self._counts[term]

    def weight(self, term: str) -> float:
        return math.log(1 + (self._n + 1) / (self._count(term) + 0.5))

    def unused(self, term: str) -> bool:
        """No clause (of the sample) holds `term`: the documents say it, if at all, in other words."""
        return self._count(term) == 0


def asked_unit(text: str) -> str | None:
    """The unit a question asks an amount in (多少万元 → 万元, 多少钱 → 元, 几个 → 个), or "%" when it asks a
    rate (合格率达到多少): a clause that states no number in that unit cannot answer it."""
    match = _ASKED_UNIT.search(text)
    if match:
        return "元" if match.group(1) == "钱" else match.group(1)
    if _ASKS_AMOUNT.search(text) and _RATE_WORD.search(text):  # 补贴比例是多少: a share of the money
        return "%"
    return "元" if _ASKED_MONEY.search(text) else None


@lru_cache(maxsize=64)
def amount_pattern(unit: str) -> re.Pattern:
    """A number in `unit` as a text states it (10万元, 三个, 98%, 百分之五), rounded too (7600多名, 300余人);
    people are counted in 人, 名 or 位 alike, ages in 岁 or 周岁 (_SAME_UNITS)."""
    if unit == "%":
        return re.compile(r"\d\s*%|百分之")
    units = _SAME_UNITS.get(unit, re.escape(unit))
    return re.compile(rf"{_NUMERAL} ?(?:多|余)?(?:{units})")  # 168 个: copied pages space numbers apart


# Digits that date or number a text rather than count (any document): a date, a year (到2025年, 2023—2025年),
# a month (6月底), a 文号. Asked how much or how many, 「到2025年，质量整体水平进一步提高」 states no answer.
_TIME_OR_NUMBERING = re.compile(rf"{DATE.pattern}|{DOC_NUMBER.pattern}|"
                                r"(?<!\d)(?:19|20)\d{2}\s*(?:年|(?=[—–\-~至到]\s*(?:19|20)\d{2}\s*年))|[〇零一二三四五六七八九]{4}年|"
                                r"(?<!\d)\d{1,2}\s*月(?:\s*\d{1,2}\s*日|底|末|份|上旬|中旬|下旬)?")


# Digits inside a name (PM2.5, G20, COVID-19: Latin letters, then digits) name a thing, they count nothing.
_NAMED_DIGITS = re.compile(r"[A-Za-z]+-?\d+(?:\.\d+)?")


def states_number(text: str, times_count: bool = True) -> bool:
    """`text` (normalised) states a number: in digits, or in Chinese numerals that count (两个试点, 三成); with
    `times_count` False, dates, years and 文号 are not numbers stated; digits in a name (PM2.5) and the outline
    mark opening a line (1.加快…) never are."""
    text = _NAMED_DIGITS.sub(" ", without_outline_marks(text))
    return _STATED_NUMBER.search(text if times_count else _TIME_OR_NUMBERING.sub(" ", text)) is not None


def states_amount(unit: str, text: str) -> bool:
    """`text` (normalised) states a number in `unit`: after the number, or as a table row or heading prints it,
    once in brackets after the measure (全员劳动生产率(万元/人) | 21, 单位：万元) with the numbers bare."""
    if amount_pattern(unit).search(text):
        return True
    label = unit_label(unit).search(text)
    return label is not None and re.search(r"\d", text[: label.start()] + text[label.end() :]) is not None


@lru_cache(maxsize=64)
def unit_label(unit: str) -> re.Pattern:
    """`unit` printed as a label: in brackets after what is measured, (万元/人) or （%）, or after 单位：."""
    units = _SAME_UNITS.get(unit, re.escape(unit))
    return re.compile(rf"[（(]\s*(?:{units})\s*(?:/\s*[\u4e00-\u9fff]{{1,3}}\s*)?[)）]|单位\s*[:：]\s*(?:{units})")


VALUE_CONTEXT_CHARS = 30  # how far before a value its subject is looked for; chosen by cross-validation on dev
# A value's subject is in its own phrase: 「…符合率不断提高，城镇新建建筑绿色建筑占比达到100%」 states 100% of 绿色建筑占比.
_PHRASE_END = re.compile(r"[，,；;。]")
_SENTENCE_END = re.compile(r"[。；;]")


ABBREVIATION_CHARS = 3  # longer terms are compounds of words (工程质量), not abbreviations: 工程和服务质量 is no 工程质量


@lru_cache(maxsize=4096)
def _abbreviation_pattern(term: str) -> re.Pattern:
    gap = rf"[^\W\d]{{0,{2 * len(term)}}}?"
    return re.compile(gap.join(re.escape(c) for c in term))


def abbreviated(term: str, text: str) -> bool:
    """Whether `text` spells out the abbreviation `term`: its characters in order within one word run of at most
    three times its length (人代会 in 人民代表大会, 非遗 in 非物质文化遗产, 低保 in 最低生活保障, 州政府 in 州人民政府).
    Chinese abbreviates by keeping characters of the full form, in any document. Read for a value's subject
    only: counted in coverage and sentence matching too, it made held-out dev worse (full-pipeline key 0.891 ->
    0.885), as 市长 is also spelled by 市圈重要增长."""
    if not 2 <= len(term) <= ABBREVIATION_CHARS or not all("\u4e00" <= c <= "\u9fff" for c in term):
        return False
    return any(len(m.group()) <= 3 * len(term) for m in _abbreviation_pattern(term).finditer(text))


def value_context(asked: list[re.Pattern], terms: list[str], text: str, question: str = "") -> float:
    """How much of the question the words just before a value of the asked kind hold (the best such value in
    `text`, normalised), within the value's own phrase. Asked about 工业固废综合利用率, “工业固废综合利用率达到75%”
    speaks of it and “空气质量达标率达到83%” of something else; a term the words spell out in full counts
    (人代会: 在某区第九届人民代表大会上). 1.0 when the question asks for no such value, 0.0
    when the text states none; values the `question` itself names (states_value) do not count."""
    grams = {term[i : i + 2] for term in terms for i in range(len(term) - 1)}
    if not asked or not grams or (_ADDRESSEES in asked and _ADDRESSEES.search(text)):
        return 1.0
    # A match's own words count: a body's takes in up to ten characters before its suffix (办公室设在县农业农村局),
    # often the words that say what it is named for (held-out dev: refusal at 5 % false refusals 0.832 -> 0.843).
    windows = [_subject_before(text, m.start()) + m.group()
               + (_phrase_after(text, m.end()) if p in _SUBJECT_AFTER else "")
               for p in asked for m in p.finditer(text) if not _named_in(m.group(), question)]
    return max((len(_grams_in(terms, grams, w)) / len(grams) for w in windows), default=0.0)


def _grams_in(terms: list[str], grams: set[str], window: str) -> set[str]:
    """The question's character pairs a value's window holds, those of a term it spells out in full included."""
    spelled = {term[i : i + 2] for term in terms if abbreviated(term, window) for i in range(len(term) - 1)}
    return {g for g in grams if g in window} | spelled


# The labels of a task's duty statement in any work plan (牵头单位：省财政厅；责任单位：…).
_DUTY_LABEL = re.compile(r"(?:牵头|责任|配合|主责|协办|主办|参与)(?:单位|部门)[:：]")


# A quoted title right before a value: 《某省人民政府关于…的意见》（某政发〔2020〕3号）.
_CITED_TITLE_CHARS = 100  # how far back it is looked for: 80 characters of title, its 《》 and a bracket
_CITED_TITLE = re.compile(r"《[^《》]{1,80}》\s*[（(]?\s*$")


# A change stated with no subject of its own (实现地区生产总值186亿元，增长5.2%) is that of the phrase before: general
# Chinese grammar, any document.
_BARE_CHANGE = re.compile(r"(?:同比|比上年|较上年|年均|分别)?(?:增长|下降|提高|减少|增加|降低|上升)")


def _subject_before(text: str, start: int) -> str:
    """The words before a value within its phrase; for a value in a task's duty statement (牵头单位：X；…，6月底完成)
    the task itself (the text's first sentence, or its heading) is what the value is about."""
    cited = _CITED_TITLE.search(text, max(0, start - _CITED_TITLE_CHARS), start)
    window = cited.start() if cited else start  # a cited document's 文号 is about its title, however long
    phrases = _PHRASE_END.split(text[max(0, window - VALUE_CONTEXT_CHARS) : start])
    before = phrases[-1]
    if len(phrases) > 1 and _BARE_CHANGE.match(before.strip()):
        before = f"{phrases[-2]}，{before}"
    if _DUTY_LABEL.search(text[:start].rsplit("。", 1)[-1]) or _in_body_note(text, start):
        before = sentences(text)[0] + before
    return before


# A bracket holding only bodies, closing a task: (省工信厅、省财政厅) says who does it, as a labelled note does.
_BODY_NOTE = re.compile(rf"(?:{_A_BODY.pattern})(?:\s*[、，,；;]\s*(?:{_A_BODY.pattern}))*")


def _in_body_note(text: str, start: int) -> bool:
    opening = max(text.rfind("（", 0, start), text.rfind("(", 0, start))
    closing = min((i for i in (text.find("）", start), text.find(")", start)) if i >= 0), default=-1)
    if opening < 0 or closing < 0 or re.search(r"[)）]", text[opening:start]):
        return False
    return _BODY_NOTE.fullmatch(text[opening + 1 : closing].strip()) is not None


def _phrase_after(text: str, end: int) -> str:
    """The words after a time, to the end of its sentence (within VALUE_CONTEXT_CHARS): what happens then
    (自2011年2月1日起施行, 到2025年，数字化转型取得显著成效, 6月底前，积极与某县对接，联合启动…研究工作)."""
    return _SENTENCE_END.split(text[end : end + VALUE_CONTEXT_CHARS])[0]


def states_value(value: re.Pattern, text: str, question: str) -> bool:
    """Whether `text` holds a value of the asked kind that the question does not already name: asked which body
    the 标准化主管部门 is, a sentence naming only (强化)标准化主管部门 answers nothing. A match may start before
    the name (a body's pattern takes the words before its suffix), so its endings count too."""
    return any(not _named_in(match.group(), question) for match in value.finditer(text))


def _named_in(found: str, question: str) -> bool:
    return any(found[start:] in question for start in range(max(1, len(found) - 3)))


def asked_value(text: str) -> re.Pattern | None:
    """What a value of the kind the question asks for looks like (a date, a year, a phone number, an e-mail
    address, a 文号, a public body for 哪个部门/牵头/负责, an official's post for 由谁担任/哪位领导), or None when it
    asks for none of these."""
    return next((value for asks, value in _ASKED_VALUES if asks.search(text)), None)


def question_terms(analysis: QuestionAnalysis) -> list[str]:
    """Content words of the question, without the words that only name its scope (places, years)."""
    return list(_topic_terms(analysis.topic_text))


_PHRASE_BREAK = re.compile(r"[，,；;：:]")


def asked_terms(analysis: QuestionAnalysis) -> list[str]:
    """The content words of the question's last phrase: 「…提出开展企业质量信用评价，企业质量信用等级分为几级？」
    restates a clause, then asks what it may leave out. All the question's words when its last phrase has none."""
    return list(_topic_terms(_PHRASE_BREAK.split(analysis.topic_text.rstrip(" ？?。"))[-1])) or question_terms(analysis)


# A phrase the question quotes (“大质量”, 「放管服」) is a name: jieba would split it (大 / 质量) and lose what sets it apart.
_QUOTED = re.compile(r"[“\"「『‘]([\u4e00-\u9fff]{2,10})[”\"」』’]")


@lru_cache(maxsize=1024)
def _topic_terms(topic_text: str) -> tuple[str, ...]:
    # Cached: compare mode describes hundreds of clauses for one question.
    words = content_terms(topic_text)
    quoted = [q for q in _QUOTED.findall(topic_text) if q not in words]
    return tuple(t for t in [*quoted, *words]
                 if t not in _PLACE_WORDS and not _YEAR_WORD.match(t) and not t.isascii())


def focus_terms(terms: list[str], weights: TermWeights) -> list[str]:
    """The question's most specific terms: those at least as rare as its median term."""
    if not terms:
        return []
    values = [weights.weight(t) for t in terms]
    median = float(np.median(values))
    return [t for t, w in zip(terms, values) if w >= median]


def _bigrams(term: str) -> set[str]:
    return {term[i : i + 2] for i in range(len(term) - 1)} or {term}


@lru_cache(maxsize=8192)
def _word_bounds(text: str) -> frozenset[int]:
    """Where jieba's words (and the shorter words inside them) start and end in `text`."""
    return frozenset(i for _, start, end in jieba.tokenize(text, mode="search") for i in (start, end))


def holds_word(term: str, text: str) -> bool:
    """`term` is in `text` as a word, not across two (质量奖 is in 省长质量奖 but not in 质量奖励制度; 市长 not in
    城市长期): Chinese has no spaces, and a substring that splits the text's words means something else."""
    start = text.find(term)
    if start < 0:
        return False
    bounds = _word_bounds(text)
    while start >= 0:
        if start in bounds and start + len(term) in bounds:
            return True
        start = text.find(term, start + 1)
    return False


# What a term found only in part earns: all its character pairs, or a word of its thesaurus group (synonyms.py) in
# its place.
PARTIAL_CREDIT = 0.5


def term_match(terms: list[str], weights: TermWeights, text: str) -> float:
    """Weighted share of `terms` found in `text`; a term found only in part (its bigrams) counts in part, and so
    does a term no clause uses (a colloquial word: 准时 where documents write 正点) whose synonym `text` holds.
    Synonyms of words the documents do use only blurred them (打算 → 准备, 大家 → 专家). Held-out dev, 3 fold seeds:
    key 0.884 -> 0.892, false refusals 0.050 -> 0.047, refusal 0.852 -> 0.851; with synonyms of every word, key
    0.893 but refusal 0.847."""
    if not terms:
        return 0.0
    text = normalise(text)
    total = found = 0.0
    for term in terms:
        w = weights.weight(term)
        total += w
        if holds_word(term, text):
            found += w
        elif weights.unused(term) and any(other in text for other in synonyms(term)):
            found += PARTIAL_CREDIT * w
        else:
            grams = _bigrams(term)
            found += PARTIAL_CREDIT * w * sum(g in text for g in grams) / len(grams)
    return found / total


def _novelty(sentence: str, question: str) -> float:
    """Share of `sentence`'s words that `question` does not hold (both normalised)."""
    words = _sentence_words(sentence)
    return sum(w not in question for w in words) / len(words) if words else 0.0


@lru_cache(maxsize=16384)
def _sentence_words(sentence: str) -> tuple[str, ...]:
    # Cached: the same sentences come up for question after question on a document.
    return tuple(content_terms(sentence))


def _share(terms: list[str], text: str) -> float:
    text = normalise(text)
    return sum(holds_word(t, text) for t in terms) / len(terms) if terms else 0.0


SentenceSimilarity = Callable[[SearchHit], np.ndarray]  # question-to-sentence cosine for one clause
ClauseCheck = Callable[[Clause], bool]  # a question-specific test of a clause (Retriever.fact_check, other_years)


def candidates(analysis: QuestionAnalysis, hits: list[SearchHit], weights: TermWeights,
               similarity: SentenceSimilarity | None = None, limit: int = CANDIDATES,
               fact_check: ClauseCheck | None = None, year_check: ClauseCheck | None = None,
               level_check: ClauseCheck | None = None, title_check: ClauseCheck | None = None) -> list[Candidate]:
    """The first `limit` hits (and bm25's first, wherever fusion put it) described for the models. Signature and
    attachment lines only answer questions about when a document was issued."""
    terms = question_terms(analysis)
    asked_words = asked_terms(analysis)
    focus = focus_terms(terms, weights)
    # What the question says in Chinese words: an English question's through the dictionary (crosslingual.py).
    asked_text = " ".join(w for phrase in analysis.translations for w in phrase) if analysis.translations \
        else normalise(analysis.text).lower()
    # A place the documents only list (南安市 among 泉州's units) picks the sentence that lists it.
    listed = analysis.listed_places
    sentence_terms = terms + [n for n in listed if n not in terms]
    listed_phrase = [listed] if listed else []
    asks_amount = bool(_QUANTITY.search(analysis.text))
    unit = asked_unit(analysis.text)
    value = asked_value(analysis.text)
    # Dates, years and 文号 are numbers stated when the question asks for one of them (文号是多少, 几月几日).
    numbering_asked = bool(_ASKS_TIME.search(analysis.text)) or value in (_A_DATE, _A_YEAR, DOC_NUMBER)
    asked = [p for p in (amount_pattern(unit) if unit else None, value) if p is not None]
    years = [str(y) for y in analysis.years]
    usable = [h for h in hits if (analysis.asks_fact or h.clause.kind not in FACT_ONLY_KINDS)
              and not (analysis.asks_signed_date and h.clause.kind == "page") and not _bare_heading(h.clause)]
    pool = usable[:limit]
    # The clause holding most of the question's words (bm25's first) is always a candidate, however far fusion
    # put it: the other rankings' votes can bury the one clause that names the asked thing (省长质量奖).
    keyword_best = next((h for h in usable if h.keyword_score >= 1.0), None)
    if keyword_best is not None and keyword_best not in pool:
        pool.append(keyword_best)
    split = [sentences(hit.clause.text) for hit in pool]
    cosines = [np.asarray(similarity(hit), dtype=np.float64) if similarity else np.zeros(len(group))
               for hit, group in zip(pool, split)]
    best_cosine = max((float(c.max()) for c in cosines if len(c)), default=0.0)
    out = []
    for rank, (hit, group, cosine) in enumerate(zip(pool, split, cosines)):
        if not group:
            continue
        clause_text = hit.clause.text
        flat = normalise(clause_text)
        # A heading's note holds values for all it heads: 一、强化科技创新（区科技局牵头）.
        headed = normalise(f"{hit.clause.section}\n{clause_text}")
        plain = [normalise(s) for s in group]
        lexical = [term_match(terms, weights, s) for s in group]
        # Most questions are one phrase: their asked words are all their words, already matched.
        ask_lexical = lexical if asked_words == terms else [term_match(asked_words, weights, s) for s in group]
        # An English question's words meet a sentence through the dictionary's Chinese words: for choosing the
        # sentence only (dev: keys quoted from the right clause, English 0.875 -> 0.913); fed to the clause
        # models they refused more answerable English questions.
        if analysis.translations:
            sentence_lexical = [phrase_share(analysis.translations + listed_phrase, s) for s in plain]
        else:
            sentence_lexical = [term_match(sentence_terms, weights, s) for s in group] if listed else lexical
        top = float(cosine.max())
        states = bool(fact_check) and fact_check(hit.clause)
        features = ClauseFeatures(
            coverage=term_match(terms, weights, f"{hit.clause.section} {clause_text}"),
            ask_coverage=term_match(asked_words, weights, f"{hit.clause.section} {clause_text}"),
            sentence_match=max(lexical), focus=_share(focus, f"{hit.clause.section} {clause_text}"),
            semantic=top, semantic_gap=best_cosine - top, fused=hit.score, dense=hit.dense_score,
            keyword=hit.keyword_score, rank_inverse=1.0 / (1 + rank),
            english_rank=float(analysis.english) / (1 + rank),
            number_gap=float(asks_amount and not states_number(flat, numbering_asked)),
            # A clause printing the asked fact of its document (its 文号, its page's 来源) states it whatever years
            # its dates name (更新时间:2021/03/29 on the page of a 2020 report).
            year_gap=float(not states and bool(years) and not any(y in clause_text for y in years)),
            other_years=float(not states and bool(year_check) and year_check(hit.clause)),
            other_level=float(bool(level_check) and level_check(hit.clause)),
            unit_gap=float(unit is not None and not states_amount(unit, flat)),
            value_gap=float(value is not None and not states_value(value, headed, analysis.text)),
            english=float(analysis.english),
            states_fact=float(states),
            opening=float(hit.clause.kind == "preamble"))
        pieces = [hit.clause.model_copy(update={"text": s}) for s in group]  # each sentence as a clause, for the checks
        sentence_features = [SentenceFeatures(
            lexical=sentence_lexical[i], ask_lexical=ask_lexical[i], focus=_share(focus, s), semantic=float(cosine[i]),
            semantic_gap=top - float(cosine[i]),
            number=float(asks_amount and states_number(plain[i], numbering_asked)),
            unit=float(unit is not None and states_amount(unit, plain[i])),
            value=float(value is not None and states_value(value, plain[i], analysis.text)),
            year=float(any(y in s for y in years)),
            date=float(analysis.asks_issue_date and bool(FULL_DATE.search(plain[i]))),
            short=float(len(s) < 16),
            states_fact=float(bool(fact_check) and fact_check(pieces[i])),
            title=float(bool(title_check) and title_check(pieces[i])),
            novelty=_novelty(plain[i], asked_text))
            for i, s in enumerate(group)]
        # A clause printing the document's own date or 文号 asked for states it of the document: no subject to read.
        # A value must be about what the question asks, not about the premise it restates (工程质量抽查符合率达到98%，
        # 服务质量满意度要达到多少): its subject is read against the question's last phrase.
        context = 1.0 if states else value_context(asked, asked_words, headed, analysis.text)
        out.append(Candidate(hit, rank, features, group, sentence_features, context))
    return out


def _bare_heading(clause: Clause) -> bool:
    """A clause that is only its heading (6.3 响应启动: a table of contents, or a page cut after the heading)
    says what a part is about, not what it says: it answers nothing."""
    text = clause.text.strip()
    return bool(clause.section_path) and text == clause.section_path[-1].strip() and not re.search(r"[，,。；;：:]", text)


def select(analysis: QuestionAnalysis, hits: list[SearchHit], weights: TermWeights,
           similarity: SentenceSimilarity | None = None, fact_check: ClauseCheck | None = None,
           year_check: ClauseCheck | None = None, level_check: ClauseCheck | None = None,
           title_check: ClauseCheck | None = None, fitted: EvidenceModels | None = None) -> Evidence | None:
    """The candidate clause most likely to answer, with the sentences to quote (None without candidates)."""
    fitted = fitted or models()
    found = candidates(analysis, hits, weights, similarity, fact_check=fact_check, year_check=year_check,
                       level_check=level_check, title_check=title_check)
    if not found:
        return None
    rows = np.array([c.features.row() for c in found])
    probabilities = fitted.clause.probability(rows)
    best = found[int(np.argmax(fitted.ranker.score(rows)))]
    if analysis.asks_fact == "page":
        # What a site records of a document (索引号, its posting time) only its page lines print: they answer.
        best = next((c for c in found if c.features.states_fact), best)
    answerable = fitted.answerable.probability(np.array([answerable_row(best, probabilities, fitted.sentence)]))
    evidence = Evidence(hit=best.hit, quotes=_quotes(best, fitted, analysis), probability=float(answerable[0]),
                        features=best.features)
    wants_duty = _DUTY_QUESTION.search(analysis.text) is not None
    if _LIST.search(analysis.text) and not wants_duty and not analysis.multi:
        terms = question_terms(analysis)
        evidence.siblings = _list_siblings(best.hit, hits, terms, weights)
        if evidence.siblings:
            items = sorted([best.hit, *evidence.siblings], key=lambda h: h.clause.order)
            evidence.quotes = [_first_sentence(h.clause.text) for h in items]
    return evidence


def _first_sentence(text: str) -> str:
    """A list item's first sentence, as printed (a heading alone has no full stop to add)."""
    head, stop, _ = text.partition("。")
    return head + stop


def whole_parts(evidence: Evidence, referenced: list[SearchHit], probability: float = 1.0) -> Evidence:
    """The answer to a question that points at numbered parts (第五条是怎么规定的): the parts themselves, sure to
    answer (unless `probability` says otherwise) since the document has them. One article is quoted whole (all
    its pieces when it was split); a chapter or part lists each of its clauses by its first sentence."""
    items = sorted(referenced, key=lambda hit: hit.clause.order)
    whole = all(hit.clause.outline == items[0].clause.outline for hit in items)
    quotes = [hit.clause.text if whole else _first_sentence(hit.clause.text) for hit in items]
    return replace(evidence, hit=items[0], quotes=quotes, probability=probability, siblings=items[1:])


def _quotes(candidate: Candidate, fitted: EvidenceModels, analysis: QuestionAnalysis) -> list[str]:
    """The sentence most likely to state the answer, plus any other the sentence model rates likely, in
    reading order; a bare heading pulls in what follows it, a question about the document's date, 文号 or
    issuer gets the sentence printing it, and one about who is responsible the clause's 责任单位 note or the
    sentence of its duty labels (牵头单位：…；责任单位：…)."""
    group = candidate.sentences
    if len(candidate.hit.clause.text) <= WHOLE_CLAUSE_CHARS:
        quotes = list(group)
    else:
        p = fitted.sentence.probability(np.array([f.row() for f in candidate.sentence_features]))
        order = list(np.argsort(-p, kind="stable"))
        chosen = {int(order[0])} | {int(i) for i in order[1:MAX_QUOTES] if p[i] >= 0.5}
        first = int(order[0])
        if candidate.sentence_features[first].short and first + 1 < len(group):
            chosen.add(first + 1)
        quotes = [group[i] for i in sorted(chosen)][:MAX_QUOTES]
    # Asked for the document's own date, 文号 or issuer, the answer must print it: a sentence about issuing it
    # (现将《…》印发给你们) says much of the question and nothing of the date.
    stating = [s for s, f in zip(group, candidate.sentence_features) if f.states_fact]
    if stating and not any(s in stating for s in quotes):
        quotes = [s for s in group if s in quotes or s == stating[0]]
    duty = candidate.hit.clause.duty
    if _DUTY_QUESTION.search(analysis.text):
        note = next((s for s in group if (duty and duty in s) or _DUTY_LABEL.search(normalise(s))), None)
        if note and note not in quotes:
            quotes.append(note)
    return quotes


def _list_siblings(hit: SearchHit, hits: list[SearchHit], terms: list[str], weights: TermWeights
                   ) -> list[SearchHit]:
    """The other items under the same heading, when the question asks for the list itself: always for
    bullets (基本原则, 工作方针…), and for numbered items when the question matches their common heading
    (「三大战略是哪三个」) better than the item found, unless that item holds every specific term of the
    question (it lists the answer itself: 「支持发展哪些玻璃产品」)."""
    clause = hit.clause
    if clause.parent_id is None or clause.part > 1 or clause.kind not in ("bullet", "item", "subitem", "section"):
        return []
    bullet = clause.kind == "bullet"
    if not bullet and (len(clause.section_path) < 2 or term_match(terms, weights, clause.section_path[-2])
                       <= term_match(terms, weights, clause.section_path[-1])):
        return []
    focus = focus_terms(terms, weights)
    if not bullet and focus and all(term in normalise(clause.text) for term in focus):
        return []
    return [h for h in hits if h is not hit and h.clause.part == 1 and h.clause.doc_id == clause.doc_id
            and h.clause.parent_id == clause.parent_id and (h.clause.kind == "bullet") == bullet]
