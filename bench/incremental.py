"""Incremental indexing: adding one document to a built corpus against a full build of the same corpus.

The corpus is the seed corpus plus the real extra documents (../shared/corpus-extra), copied to a temporary
folder. Two documents are held back, the median-sized and the largest, then added one after the other through
the document library (as `assistant docs add` does), each followed by an index update. The cost of an update
follows the added document's share of the corpus text (what gets embedded), so each line prints that share
beside the time ratio (the issue's target: below 0.10 of a full build for one document of a 35-document corpus).
Run with `python -m bench.incremental`.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path

from assistant.corpus import corpus_files
from assistant.embeddings import get_embedder
from assistant.index import build_index
from assistant.library import DocumentLibrary
from assistant.settings import PROJECT_ROOT, Settings

log = logging.getLogger("bench")
EXTRA = PROJECT_ROOT.parent / "shared" / "corpus-extra"


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("assistant").setLevel(logging.WARNING)
    sources = corpus_files(PROJECT_ROOT / "corpus") + sorted(EXTRA.glob("*/*.txt"))
    by_size = sorted(sources, key=lambda p: p.stat().st_size)
    held_back = [by_size[len(by_size) // 2], by_size[-1]]  # a typical document, then the largest
    total_bytes = sum(p.stat().st_size for p in sources)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        shutil.copy(PROJECT_ROOT / "corpus" / "manifest.yaml", corpus / "manifest.yaml")
        for path in sources:
            if path not in held_back:
                shutil.copy(path, corpus / path.name)
        settings = Settings(corpus_dir=corpus, index_dir=Path(tmp) / "index")
        embedder = get_embedder(settings.embedding_backend, settings.embedding_model)
        embedder.embed_passages(["预热"])  # model loading is part of neither build

        started = time.perf_counter()
        index = build_index(settings, embedder, show_progress=False, full=True)
        full = time.perf_counter() - started
        log.info("full build: %d documents, %d clauses, %.1f s", index.manifest.documents, index.manifest.clauses, full)
        for label, path in zip(("median-sized", "largest"), held_back):
            started = time.perf_counter()
            DocumentLibrary(settings).add(path.name, path.read_bytes())
            index = build_index(settings, embedder, show_progress=False)
            seconds = time.perf_counter() - started
            log.info("adding the %s document (%s, %.1f%% of the corpus text): %.1f s, ratio to the full build %.3f",
                     label, path.name, path.stat().st_size / total_bytes * 100, seconds, seconds / full)


if __name__ == "__main__":
    main()
