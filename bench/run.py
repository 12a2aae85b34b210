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
    log.info("resident memory: %.0f MB before load, %.0f MB after the index is loaded (+%.0f MB)", before,
             after_load, after_load - before)


if __name__ == "__main__":
    main()
