"""Whether the corpus supports an answer: a calibrated threshold on the evidence strength.

The threshold lives in refusal_threshold.json, written by `assistant eval --calibrate` from the dev split of
the evaluation set (the value that best separates answerable from unanswerable questions there).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

THRESHOLD_FILE = Path(__file__).with_name("refusal_threshold.json")


class RefusalThreshold(BaseModel):
    min_strength: float
    calibrated_on: str = ""
    dev_accuracy: float | None = None


@lru_cache(maxsize=1)
def threshold() -> RefusalThreshold:
    return RefusalThreshold.model_validate_json(THRESHOLD_FILE.read_text(encoding="utf-8"))


def save_threshold(value: RefusalThreshold) -> None:
    THRESHOLD_FILE.write_text(json.dumps(value.model_dump(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    threshold.cache_clear()


_trial_value: float | None = None


def min_strength() -> float:
    """The threshold in force: the calibrated one, or a trial value while calibrating."""
    return _trial_value if _trial_value is not None else threshold().min_strength


@contextmanager
def trial(value: float) -> Iterator[None]:
    """Use `value` for the duration of a calibration run (single-threaded use only)."""
    global _trial_value
    _trial_value = value
    try:
        yield
    finally:
        _trial_value = None
