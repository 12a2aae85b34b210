"""Incremental indexing: adding one document to a built corpus against a full build of the same corpus.

The corpus is the seed corpus plus the real extra documents (../shared/corpus-extra), copied to a temporary
folder; one seed document is held back and then added through the document library, as `assistant docs add`
does. Prints both times and their ratio (the target is below 0.10). Run with `python -m bench.incremental`.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path

from assistant.embeddings import get_embedder
from assistant.index import build_index
from assistant.library import DocumentLibrary
from assistant.settings import PROJECT_ROOT, Settings

log = logging.getLogger("bench")
EXTRA = PROJECT_ROOT.parent / "shared" / "corpus-extra"
HELD_BACK = "002_4e5e56af349ea2a2.txt"  # a full-length seed document (湖南, 40 clauses)


def measure(root: Path) -> tuple[float, float, int]:
    """(full build seconds, incremental add seconds, documents after the add)."""
    corpus = root / "corpus"
    corpus.mkdir()
    for path in (PROJECT_ROOT / "corpus").iterdir():
        if path.name != HELD_BACK:
            shutil.copy(path, corpus / path.name)
    for path in sorted(EXTRA.glob("*/*.txt")):
        shutil.copy(path, corpus / path.name)
    settings = Settings(corpus_dir=corpus, index_dir=root / "index")
    embedder = get_embedder(settings.embedding_backend, settings.embedding_model)
    embedder.embed_passages(["预热"])  # model loading is not part of either build

    started = time.perf_counter()
    build_index(settings, embedder, show_progress=False, full=True)
    full = time.perf_counter() - started

    held = PROJECT_ROOT / "corpus" / HELD_BACK
    started = time.perf_counter()
    DocumentLibrary(settings).add(held.name, held.read_bytes())
    index = build_index(settings, embedder, show_progress=False)
    incremental = time.perf_counter() - started
    return full, incremental, index.manifest.documents


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory() as tmp:
        full, incremental, documents = measure(Path(tmp))
    log.info("full build of %d documents: %.1f s", documents, full)
    log.info("adding one document (incremental): %.1f s, ratio %.3f (target < 0.10)", incremental, incremental / full)


if __name__ == "__main__":
    main()
