"""Pick the sentences that answer a question from the retrieved clauses, and measure how well they match.

The match features (term coverage, best sentence, dense similarity) also drive the refusal decision, whose
thresholds are calibrated on the evaluation set's dev split (see refusal.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..models import SearchHit
from ..provinces import PROVINCES
from ..question import FULL_DATE, QuestionAnalysis
from ..text import content_terms, normalise, sentences

_QUANTITY = re.compile(r"多少|几|比例|比率|百分|率|%|数量|哪一年|哪年|何时|什么时候|how much|how many|percentage|rate|"
                       r"what share|target|which year|when", re.IGNORECASE)
_LIST = re.compile(r"哪些|有哪|包括|包含|几项|几个方面|列举|哪[几两一二三四五六七八九十]+[个项条类大方]|what are|list",
                   re.IGNORECASE)
_DUTY_QUESTION = re.compile(r"责任单位|哪些单位|哪些部门|负责|牵头|responsible|in charge", re.IGNORECASE)
_DUTY_NOTE = re.compile(r"^（责任单位")
_PLACE_WORDS = {w for p in PROVINCES for w in (p.name, p.full, p.english.lower())}
_YEAR_WORD = re.compile(r"^20\d{2}年?$")
MAX_QUOTES = 3
SEMANTIC_FLOOR = 0.85  # cosine of unrelated sentences with the default model (multilingual-e5-small)
CANDIDATES = 5


@dataclass
class Evidence:
    hit: SearchHit
    quotes: list[str]
    sentence_match: float  # weighted share of the question's terms in the best sentence
    coverage: float  # weighted share of the question's terms anywhere in the clause
    semantic: float = 0.0  # cosine of the question to the closest sentence of the clause
    siblings: list[SearchHit] = field(default_factory=list)  # other items of a list, cited too

    @property
    def strength(self) -> float:
        """How well the clause supports an answer: words shared with the question, and closeness in meaning
        of its best sentence (cosines of unrelated text sit near SEMANTIC_FLOOR with the default model).
        The refusal threshold on this value is calibrated on the evaluation set's dev split."""
        return 0.4 * self.coverage + 0.2 * self.sentence_match + 4.0 * (self.semantic - SEMANTIC_FLOOR)


IDF_SAMPLE = 5_000  # clause texts an IDF is counted over: all of a small corpus, an even sample of a large one


class TermWeights:
    """Inverse document frequency of question terms over the clause texts (substring match, as Chinese has
    no spaces): rare terms such as 一次性验收合格率 count more than 质量. Above IDF_SAMPLE clauses the count runs
    over an evenly spaced sample, so a new term costs the same at 200,000 clauses as at 5,000."""

    def __init__(self, texts: list[str]):
        self._texts = [normalise(t) for t in texts[:: max(1, len(texts) // IDF_SAMPLE)]]
        self._n = len(self._texts)
        self._cache: dict[str, float] = {}

    def weight(self, term: str) -> float:
        if term not in self._cache:
            df = sum(term in text for text in self._texts)
            self._cache[term] = math.log(1 + (self._n + 1) / (df + 0.5))
        return self._cache[term]


def question_terms(analysis: QuestionAnalysis) -> list[str]:
    return [t for t in content_terms(analysis.topic_text)
            if t not in _PLACE_WORDS and not _YEAR_WORD.match(t) and not t.isascii()]


def _bigrams(term: str) -> set[str]:
    return {term[i : i + 2] for i in range(len(term) - 1)} or {term}


def term_match(terms: list[str], weights: TermWeights, text: str) -> float:
    """Weighted share of `terms` found in `text`; a term found only in part (its bigrams) counts half."""
    if not terms:
        return 0.0
    text = normalise(text)
    total = found = 0.0
    for term in terms:
        w = weights.weight(term)
        total += w
        if term in text:
            found += w
        else:
            grams = _bigrams(term)
            found += 0.5 * w * sum(g in text for g in grams) / len(grams)
    return found / total


def _sentence_score(sentence: str, terms: list[str], weights: TermWeights, analysis: QuestionAnalysis) -> float:
    score = term_match(terms, weights, sentence)
    if analysis.asks_issue_date and FULL_DATE.search(sentence):
        score += 0.6
    if _QUANTITY.search(analysis.search_text) and re.search(r"\d", sentence):
        score += 0.15
    if analysis.years and any(str(y) in sentence for y in analysis.years):
        score += 0.1
    return score


SentenceSimilarity = Callable[[SearchHit], np.ndarray]  # question-to-sentence cosine for one clause
SEMANTIC_WEIGHT = 0.6


def select(analysis: QuestionAnalysis, hits: list[SearchHit], weights: TermWeights,
           candidates: int = CANDIDATES, similarity: SentenceSimilarity | None = None) -> Evidence | None:
    """The best-supported clause among the first `candidates` hits, with the sentences to quote.

    `similarity` (question-to-sentence cosine from the embedding model) adds meaning where words cannot
    match, as for English questions over Chinese text. The signature and attachment lines (#end) only
    answer questions about when a document was issued."""
    terms = question_terms(analysis)
    pool = [h for h in hits if analysis.asks_issue_date or not h.clause.clause_id.endswith("#end")][:candidates]
    split = [sentences(hit.clause.text) for hit in pool]
    raw = [np.asarray(similarity(hit), dtype=np.float64) if similarity else np.zeros(len(group))
           for hit, group in zip(pool, split)]
    bonuses = _semantic_bonus(raw)
    wants_duty = _DUTY_QUESTION.search(analysis.search_text) is not None
    best: tuple[float, Evidence] | None = None
    for rank, (hit, group, bonus) in enumerate(zip(pool, split, bonuses)):
        if not group:
            continue
        lexical = [_sentence_score(s, terms, weights, analysis) for s in group]
        scored = [(s, lexical[i] + float(bonus[i])) for i, s in enumerate(group)]
        top_sentence = max(score for _, score in scored)
        coverage = term_match(terms, weights, f"{hit.clause.section} {hit.clause.text}")
        if analysis.asks_issue_date and FULL_DATE.search(hit.clause.text):
            coverage = max(coverage, 0.8)  # the document is identified; its date is what was asked
        evidence = Evidence(hit=hit, quotes=_quotes(scored, wants_duty), sentence_match=min(max(lexical), 1.0),
                            coverage=coverage, semantic=float(raw[rank].max()))
        rank_prior = 1.0 - 0.08 * rank
        value = (0.45 * coverage + 0.35 * min(top_sentence, 1.2) + 0.2 * hit.score) * rank_prior
        if best is None or value > best[0]:
            best = (value, evidence)
    if best is None:
        return None
    evidence = best[1]
    if _LIST.search(analysis.search_text) and not wants_duty and not analysis.multi:
        evidence.siblings = _list_siblings(evidence.hit, hits, terms, weights)
        if evidence.siblings:
            items = sorted([evidence.hit, *evidence.siblings], key=lambda h: h.clause.order)
            evidence.quotes = [h.clause.text.split("。")[0] + "。" for h in items]
    return evidence


def _semantic_bonus(raw: list[np.ndarray]) -> list[np.ndarray]:
    """Up to SEMANTIC_WEIGHT for the sentences closest in meaning, scaled across all of this question's
    candidate sentences (one array per clause, like `raw`)."""
    everything = np.concatenate(raw) if raw else np.zeros(0)
    if len(everything) == 0 or float(everything.max() - everything.min()) < 1e-6:
        return [np.zeros(len(r)) for r in raw]
    low, span = float(everything.min()), float(everything.max() - everything.min())
    return [SEMANTIC_WEIGHT * (r - low) / span for r in raw]


def _quotes(scored: list[tuple[str, float]], wants_duty: bool) -> list[str]:
    """The best sentence, plus close runners-up, in reading order; a bare heading pulls in what follows it,
    and a question about who is responsible always gets the clause's 责任单位 note."""
    order = sorted(range(len(scored)), key=lambda i: -scored[i][1])
    top = scored[order[0]][1]
    chosen = {order[0]}
    for i in order[1:MAX_QUOTES]:
        if scored[i][1] >= max(0.6 * top, 0.3):
            chosen.add(i)
    first = order[0]
    if len(scored[first][0]) < 16 and first + 1 < len(scored):
        chosen.add(first + 1)
    quotes = [scored[i][0] for i in sorted(chosen)][:MAX_QUOTES]
    duty = next((s for s, _ in scored if _DUTY_NOTE.match(s)), None)
    if wants_duty and duty and duty not in quotes:
        quotes.append(duty)
    return quotes


def _item_number(clause_id: str) -> str:
    return clause_id.rsplit(".", 1)[-1]


def _list_siblings(hit: SearchHit, hits: list[SearchHit], terms: list[str], weights: TermWeights
                   ) -> list[SearchHit]:
    """The other items under the same heading, when the question asks for the list itself: always for
    bullets (基本原则, 工作方针…), and for numbered items when the question matches their common heading
    (「三大战略是哪三个」) better than the item found."""
    clause = hit.clause
    if "." not in clause.clause_id.split("#", 1)[1] or "~" in clause.clause_id:
        return []
    parent = clause.clause_id.rsplit(".", 1)[0]
    bullet = _item_number(clause.clause_id).startswith("b")
    if not bullet and (len(clause.section_path) < 2 or term_match(terms, weights, clause.section_path[-2])
                       <= term_match(terms, weights, clause.section_path[-1])):
        return []
    return [h for h in hits if h is not hit and "~" not in h.clause.clause_id and h.clause.doc_id == clause.doc_id
            and h.clause.clause_id.rsplit(".", 1)[0] == parent
            and _item_number(h.clause.clause_id).startswith("b") == bullet]
