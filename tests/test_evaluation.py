"""The evaluation set is sound, and the system meets its thresholds on the test split, beating the baseline."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from assistant.chunking import chunk_document
from assistant.evaluation import (
    QUESTIONS,
    THRESHOLDS,
    contains_evidence,
    evaluate,
    load_items,
)


@pytest.fixture(scope="module")
def items():
    return load_items(QUESTIONS)


def test_question_set_is_large_and_varied(items, corpus):
    assert len(items) >= 150
    assert len({i.id for i in items}) == len(items)
    assert len({i.question for i in items}) == len(items)
    kinds = Counter(i.kind for i in items)
    for kind in ("fact", "number", "list", "which_province", "compare", "paraphrase", "english", "traditional"):
        assert kinds[kind] >= 5, kind
    assert kinds["unanswerable"] >= 20 and sum(not i.answerable for i in items) >= 20
    assert {i.split for i in items} == {"dev", "test"}
    covered = {d for i in items for d in i.doc_ids}
    assert covered == set(corpus.by_id())


def test_every_evidence_span_occurs_in_its_document_and_in_one_clause(items, corpus):
    docs = corpus.by_id()
    clauses = {doc_id: chunk_document(doc_id, doc.text).clauses for doc_id, doc in docs.items()}
    for item in items:
        assert item.answerable == bool(item.evidence), item.id
        for evidence in item.evidence:
            assert evidence.doc_id in item.doc_ids, item.id
            assert evidence.text in docs[evidence.doc_id].text, (item.id, evidence.text)
            single = item.model_copy(update={"evidence": [evidence]})
            assert any(contains_evidence(c.text, single) for c in clauses[evidence.doc_id]), (item.id, evidence.text)


def test_answer_keys_come_from_the_evidence(items):
    for item in items:
        for group in item.answer_keys:
            assert any(alt in e.text for alt in group for e in item.evidence), (item.id, group)


@pytest.fixture(scope="module")
def report(assistant):
    return evaluate(split="test", progress=False, assistant=assistant)


def test_thresholds_hold_on_the_test_split(report):
    limits = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    ours = report["ours"]
    assert ours["key_accuracy"] >= limits["key_accuracy_min"], ours
    assert ours["citation_precision"] >= limits["citation_precision_min"], ours
    assert ours["refusal_accuracy"] >= limits["refusal_accuracy_min"], ours
    assert ours["false_refusal_rate"] <= limits["false_refusal_rate_max"], ours


def test_we_beat_the_langchain_baseline(report):
    limits = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    for metric in limits["beat_baseline_on"]:
        assert report["ours"][metric] > report["baseline"][metric], metric


def test_report_files_are_written(report):
    from assistant.evaluation import REPORTS

    assert (REPORTS / "test-extractive.md").read_text(encoding="utf-8").count("| key_accuracy |") == 1
    assert set(report["by_kind"]) >= {"number", "unanswerable"}
