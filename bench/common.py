"""What every benchmark shares: percentiles, memory, timing loops and the results folder."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from tqdm import tqdm

RESULTS = Path(__file__).resolve().parent / "results"
EXTRA_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus-extra"


def percentiles(seconds: list[float]) -> dict[str, float]:
    values = np.asarray(seconds) * 1e3
    return {"p50_ms": round(float(np.percentile(values, 50)), 2), "p95_ms": round(float(np.percentile(values, 95)), 2),
            "n": len(values)}


def timed(fn: Callable[[str], object], inputs: Iterable[str], label: str) -> list[float]:
    """Wall time of `fn` on each input, with a progress bar."""
    inputs = list(inputs)
    times = []
    for value in tqdm(inputs, desc=label, unit="次"):
        started = time.perf_counter()
        fn(value)
        times.append(time.perf_counter() - started)
    return times


def own_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_rss_mb(pid: int, field: str = "VmHWM") -> float:
    """Resident memory of another process from /proc: VmHWM is its peak, VmRSS its current value."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not found for process {pid}")


def directory_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def write_results(name: str, data: dict, markdown: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    target = RESULTS / f"{name}.md"
    target.write_text(markdown, encoding="utf-8")
    return target


def ratio(ours: float, reference: float) -> float:
    return round(ours / reference, 2) if reference > 0 else float("inf")
