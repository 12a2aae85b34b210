"""政策问答助手: answers questions about provincial policy documents with the exact clauses cited.

Pipeline: corpus (load) → chunking → embeddings + stores (index) → retrieval → answering → api / ui (serve).
"""

from .errors import AssistantError

__all__ = ["Assistant", "AssistantError"]


def __getattr__(name: str):
    # Imported lazily so `import assistant` stays cheap for tools that only need the models or settings.
    if name == "Assistant":
        from .assistant import Assistant

        return Assistant
    raise AttributeError(name)
