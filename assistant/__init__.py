"""政策问答助手: answers questions about provincial policy documents with the exact clauses cited.

Pipeline: corpus (load) → chunking → embeddings + stores (index) → retrieval → answering → api / ui (serve).
"""

import os

# OpenMP threads (the embedding engine, FAISS) sleep while they wait instead of spinning. On a CPU shared with
# other requests or jobs, spinning threads wait for descheduled peers: one query embedding measured 198 ms p50
# against 26 ms with passive waiting on a busy 2-core machine (README, "Benchmarks"). Set before any OpenMP
# library loads; a deployment can still choose otherwise in the environment.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .errors import AssistantError  # noqa: E402

__all__ = ["Assistant", "AssistantError"]


def __getattr__(name: str):
    # Imported lazily so `import assistant` stays cheap for tools that only need the models or settings.
    if name == "Assistant":
        from .assistant import Assistant

        return Assistant
    raise AttributeError(name)
