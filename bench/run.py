"""Speed and memory of the assistant against the naive baseline, measured in the same run.

Prints ratios (ours / baseline), never absolute pass/fail timings: machines differ, ratios travel.
Run with `make bench`.
"""

from __future__ import annotations

import logging
import resource
import statistics
import time

from assistant.assistant import Assistant
from assistant.evaluation import Baseline, load_items
from assistant.provinces import BY_NAME
from assistant.settings import get_settings

log = logging.getLogger("bench")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn, questions: list[str]) -> list[float]:
    times = []
    for question in questions:
        started = time.perf_counter()
        fn(question)
        times.append(time.perf_counter() - started)
    return times


def _timed_cold(assistant: Assistant, fn, questions: list[str]) -> list[float]:
    """Like _timed, but each question's vector is computed inside the timing: the retriever keeps the last
    question's vector, so another query is searched first, untimed."""
    times = []
    for question in questions:
        assistant.search("质量工作")
        times += _timed(fn, [question])
    return times


def compare_latency(assistant: Assistant) -> None:
    """Compare mode (one ranking over all documents) against asking once per province, on the compare
    evaluation's questions over the whole corpus."""
    from assistant.compare_eval import load_items as load_compare_items

    topics = [item.question for item in load_compare_items()]
    provinces = [p for p in dict.fromkeys(d.province for d in assistant.documents()) if p in BY_NAME]
    assistant.compare(topics[0])  # warm
    table = _timed_cold(assistant, assistant.compare, topics)
    per_province = _timed_cold(assistant, lambda t: [assistant.ask(t, province=p) for p in provinces], topics)
    p50, p95 = statistics.median(table), sorted(table)[int(len(table) * 0.95)]
    log.info("compare latency (%d topics, %d documents): p50 %.1f ms, p95 %.1f ms; one ask per province "
             "(%d): p50 %.1f ms, ratio %.2f", len(topics), len(assistant.documents()), p50 * 1e3, p95 * 1e3,
             len(provinces), statistics.median(per_province) * 1e3, p50 / statistics.median(per_province))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    questions = [item.question for item in load_items()]
    before = _rss_mb()
    assistant = Assistant()
    after_load = _rss_mb()
    baseline = Baseline(get_settings(), assistant.embedder, get_settings().index_dir)
    baseline.answer(questions[0])  # warm both
    assistant.ask(questions[0])

    ours = _timed(assistant.ask, questions)
    theirs = _timed(baseline.answer, questions)
    p50_ours, p50_theirs = statistics.median(ours), statistics.median(theirs)
    p95_ours = sorted(ours)[int(len(ours) * 0.95)]
    p95_theirs = sorted(theirs)[int(len(theirs) * 0.95)]
    log.info("questions: %d", len(questions))
    log.info("latency p50: ours %.1f ms, baseline %.1f ms, ratio %.2f", p50_ours * 1e3, p50_theirs * 1e3,
             p50_ours / p50_theirs)
    log.info("latency p95: ours %.1f ms, baseline %.1f ms, ratio %.2f", p95_ours * 1e3, p95_theirs * 1e3,
             p95_ours / p95_theirs)
    compare_latency(assistant)
    log.info("resident memory: %.0f MB before load, %.0f MB after the index is loaded (+%.0f MB)", before,
             after_load, after_load - before)


if __name__ == "__main__":
    main()
