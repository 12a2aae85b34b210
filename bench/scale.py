"""`make bench-scale`: the index at ≥ 200,000 clauses on one CPU box.

The corpus is synthesised from the real seed clauses: each synthetic document is a real document moved to
another province (and, for some, a real city of that province) and another year, with sentences recombined
across clauses. Embedding 200,000 texts for real would take hours on 2 cores, so a sample is embedded for
real and the other vectors are composed from real ones (the template clause's vector, moved from its
province's direction to the new one's, plus a share of the donor clause's vector); the report gives the
cosine between composed and real vectors on the sample. Everything else (FAISS IVF, bm25s, the files, loading,
retrieval, answering) is the real code.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.corpus import corpus_fingerprint
from assistant.embeddings import Embedder, get_embedder
from assistant.embeddings.base import normalise
from assistant.evaluation import load_items
from assistant.index import (
    FORMAT_VERSION, ClauseIndex, IndexManifest, _new_build_directory, _write, document_groups, embed_clauses,
    keyword_text, load_or_build, pipeline_version,
)
from assistant.models import Clause, DocumentMeta
from assistant.provinces import PROVINCES
from assistant.settings import get_settings
from assistant.stores import create_store
from assistant.stores.keyword import KeywordIndex
from assistant.text import sentences

from .common import EXTRA_CORPUS, directory_mb, percentiles, process_rss_mb, write_results

log = logging.getLogger("bench.scale")
_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")
PROVINCE_SHIFT = 0.35  # how far a composed vector moves from the template's province towards the new one
DONOR_SHARE = 0.25  # share of the recombined sentence's clause in the composed vector


def real_cities() -> list[tuple[str, str]]:
    """(province, city) pairs named by the real extra documents' metadata."""
    rows = [json.loads(line) for line in (EXTRA_CORPUS / "sources.jsonl").read_text("utf-8").splitlines() if line]
    return sorted({(r["province"], r["city"]) for r in rows if r.get("city") and r.get("province")})


def synthesise(seed: ClauseIndex, target: int, rng: random.Random):
    """Documents, clauses and, per clause, (template position, donor position, old province, new province)."""
    by_doc = {d.doc_id: [i for i, c in enumerate(seed.clauses) if c.doc_id == d.doc_id] for d in seed.documents}
    names = {p.name: p for p in PROVINCES}
    issuers = [(p.name, None) for p in PROVINCES] + real_cities()
    documents: list[DocumentMeta] = []
    clauses: list[Clause] = []
    recipe: list[tuple[int, int, str, str]] = []
    bar = tqdm(total=target, desc="合成条款", unit="条")
    while len(clauses) < target:
        template = seed.documents[len(documents) % len(seed.documents)]
        province, city = issuers[rng.randrange(len(issuers))]
        old, new = names[template.province], names[province]
        shift = rng.randrange(-8, 4)
        doc_id = f"syn{len(documents):05d}"

        def move(text: str) -> str:
            text = text.replace(old.full, new.full).replace(old.name, new.name)
            if city:
                text = text.replace(new.full, f"{new.full}{city}", 1)
            return _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)

        documents.append(template.model_copy(update={
            "doc_id": doc_id, "title": move(template.title), "province": province, "city": city,
            "date": move(template.date) if template.date else None, "source_file": f"{doc_id}.txt"}))
        for position in by_doc[template.doc_id]:
            source = seed.clauses[position]
            donor = rng.randrange(len(seed.clauses))
            extra = seed.clauses[donor].text.split("。")[0]
            text = move(source.text) + ("" if rng.random() < 0.5 else f"{extra}。")
            clauses.append(source.model_copy(update={
                "clause_id": source.clause_id.replace(source.doc_id, doc_id, 1), "doc_id": doc_id, "text": text,
                "parent_id": source.parent_id.replace(source.doc_id, doc_id, 1) if source.parent_id else None}))
            recipe.append((position, donor, template.province, province))
        bar.update(len(by_doc[template.doc_id]))
    bar.close()
    return documents, clauses, recipe


def compose(seed_vectors: np.ndarray, province_vectors: dict[str, np.ndarray], recipe, rng: np.random.Generator
            ) -> np.ndarray:
    template = np.array([r[0] for r in recipe])
    donor = np.array([r[1] for r in recipe])
    old = np.stack([province_vectors[r[2]] for r in recipe])
    new = np.stack([province_vectors[r[3]] for r in recipe])
    vectors = (seed_vectors[template] + PROVINCE_SHIFT * (new - old) + DONOR_SHARE * seed_vectors[donor]
               + rng.normal(0, 0.01, size=(len(recipe), seed_vectors.shape[1])))
    return normalise(vectors)


class TimedEmbedder(Embedder):
    """The real model, with the time spent embedding queries, so retrieval can be timed without it."""

    def __init__(self, inner: Embedder):
        self.inner, self.name, self.dim, self.query_seconds = inner, inner.name, inner.dim, 0.0
        self.calls: list[float] = []  # each embedding of one question: the reference, timed in the same moments

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        vectors = self.inner.embed_queries(texts)
        self.calls.append(time.perf_counter() - started)
        self.query_seconds += self.calls[-1]
        return vectors

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise RuntimeError("the scale probe must never rebuild the index")


def probe(index_dir: Path, corpus_dir: Path, out: Path, ann_threshold: int) -> None:
    """Child process: what a server pays at start (load time, memory) and per question (without the query
    embedding)."""
    from assistant.assistant import Assistant

    settings = get_settings().model_copy(update={"index_dir": index_dir, "corpus_dir": corpus_dir,
                                                 "ann_threshold": ann_threshold})
    embedder = TimedEmbedder(get_embedder(settings.embedding_backend, settings.embedding_model))
    embedder.embed_queries(["预热"])
    started = time.perf_counter()
    assistant = Assistant(settings, embedder)
    load_seconds = time.perf_counter() - started
    rss_loaded = process_rss_mb(os.getpid(), "VmRSS")
    questions = [item.question for item in load_items()][::4]  # a quarter of the set: the run stays bounded
    assistant.ask(questions[0])
    embedder.calls.clear()
    rank, ask, tables = [], [], []
    for question in tqdm(questions, desc="检索", unit="问"):
        embedder.query_seconds = 0.0
        started = time.perf_counter()
        answer = assistant.ask(question)
        # Comparison questions are answered with a table row per document in scope (thousands here): timed apart.
        (ask if answer.table is None else tables).append(time.perf_counter() - started - embedder.query_seconds)
        embedder.query_seconds = 0.0
        started = time.perf_counter()
        assistant.search(question, top_k=12)  # the question's vector is cached by now
        rank.append(time.perf_counter() - started - embedder.query_seconds)
    keywords = assistant.index.keywords
    keyword_times = []
    for question in questions:
        started = time.perf_counter()
        keywords.search(question, 40)
        keyword_times.append(time.perf_counter() - started)
    out.write_text(json.dumps({
        "load_seconds": round(load_seconds, 2), "rss_after_load_mb": round(rss_loaded, 1),
        "peak_rss_mb": round(process_rss_mb(os.getpid()), 1), "search_excluding_embedding": percentiles(rank),
        "ask_excluding_embedding": percentiles(ask), "keyword_search": percentiles(keyword_times),
        "table_excluding_embedding": percentiles(tables) if tables else None,
        "query_embedding": percentiles(embedder.calls),
        "vector_kind": getattr(assistant.index.vectors, "kind", "?")}), encoding="utf-8")


def recall_at_10(store, vectors: np.ndarray, queries: np.ndarray, allowed_groups=None, groups=None) -> float:
    found = []
    for query in queries:
        exact_scores = vectors @ query
        if allowed_groups is not None:
            exact_scores = np.where(np.isin(groups, allowed_groups), exact_scores, -np.inf)
        exact = set(np.argpartition(-exact_scores, 10)[:10])
        positions, _ = store.search(query, 10, allowed_groups)
        found.append(len(exact & set(positions)) / 10)
    return round(float(np.mean(found)), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clauses", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=50, help="synthetic clauses embedded for real")
    parser.add_argument("--probe", nargs=3, metavar=("INDEX", "CORPUS", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--ann-threshold", type=int, default=get_settings().ann_threshold, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if args.probe:
        probe(Path(args.probe[0]), Path(args.probe[1]), Path(args.probe[2]), args.ann_threshold)
        return
    settings = get_settings()
    embedder = get_embedder(settings.embedding_backend, settings.embedding_model)
    seed = load_or_build(settings, embedder)
    matrix = seed.vectors.index.reconstruct_n(0, len(seed.clauses))  # the seed index is a small FAISS one
    rng = random.Random(14)
    started = time.perf_counter()
    documents, clauses, recipe = synthesise(seed, args.clauses, rng)
    synth_seconds = time.perf_counter() - started
    metas = {d.doc_id: d for d in documents}

    province_vectors = dict(zip([p.name for p in PROVINCES],
                                embedder.embed_passages([f"{p.full}人民政府 {p.full}" for p in PROVINCES])))
    vectors = compose(matrix, province_vectors, recipe, np.random.default_rng(14))
    sample = np.array(sorted(rng.sample(range(len(clauses)), args.sample)))
    started = time.perf_counter()
    real, _, _ = embed_clauses(embedder, [clauses[i] for i in sample], metas, show_progress=True)
    per_text = (time.perf_counter() - started) / len(sample)  # what a build pays per clause (sentences, context)
    fidelity = float(np.mean(np.sum(real * vectors[sample], axis=1)))
    vectors[sample] = real

    work = Path(tempfile.mkdtemp(prefix="scale-"))
    try:
        corpus_dir = work / "corpus"
        corpus_dir.mkdir()
        index_settings = settings.model_copy(update={"index_dir": work / "index", "corpus_dir": corpus_dir})
        groups = document_groups(documents, clauses)
        started = time.perf_counter()
        store = create_store(index_settings, vectors.shape[1], len(vectors))
        store.add(vectors, groups)  # one addition, as build_index does: an IVF store fits its cells on it
        vector_seconds = time.perf_counter() - started
        started = time.perf_counter()
        keywords = KeywordIndex.build([keyword_text(c, metas[c.doc_id]) for c in
                                       tqdm(clauses, desc="关键词索引", unit="条")], groups)
        keyword_seconds = time.perf_counter() - started
        manifest = IndexManifest(
            format_version=FORMAT_VERSION, pipeline_version=pipeline_version(), embedding_model=embedder.name,
            dimension=vectors.shape[1], corpus_fingerprint=corpus_fingerprint(corpus_dir),
            max_clause_chars=settings.max_clause_chars, documents=len(documents), clauses=len(clauses),
            built_at=time.strftime("%Y-%m-%dT%H:%M:%S"), build_seconds=0.0)
        # Sentence vectors, composed too: each sentence gets its clause's vector (memory and load as for real).
        counts = np.array([len(sentences(c.text)) for c in clauses])
        sentence_vectors = np.repeat(vectors.astype(np.float16), counts, axis=0)
        directory = _new_build_directory(index_settings.index_dir)
        index = ClauseIndex(manifest, documents, clauses, store, keywords, directory, sentence_vectors,
                            np.cumsum(np.concatenate([[0], counts])))
        started = time.perf_counter()
        _write(index_settings.index_dir, index, vectors)
        write_seconds = time.perf_counter() - started
        size_mb = directory_mb(directory)

        questions = [item.question for item in load_items()][::2]  # half the set: the run stays bounded
        query_times, queries = [], []
        for question in tqdm(questions, desc="查询嵌入", unit="问"):
            started = time.perf_counter()
            queries.append(embedder.embed_queries([question])[0])
            query_times.append(time.perf_counter() - started)
        queries = np.stack(queries)
        half = np.arange(0, len(documents), 2)  # a scope of half the documents: filtered graph search
        recall = recall_at_10(store, vectors, queries)
        recall_half = recall_at_10(store, vectors, queries[:30], half, groups)
        del index, store, keywords, clauses, documents, recipe, vectors, sentence_vectors

        out = work / "probe.json"
        subprocess.run([sys.executable, "-m", "bench.scale", "--probe", str(index_settings.index_dir),
                        str(corpus_dir), str(out)], check=True, timeout=900)
        probed = json.loads(out.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    raw_query = percentiles(query_times)
    result = {
        "clauses": manifest.clauses, "documents": manifest.documents, "synthesis_seconds": round(synth_seconds, 1),
        "real_sample": args.sample, "composed_vs_real_cosine": round(fidelity, 3),
        "embedding_seconds_per_text": round(per_text, 3),
        "estimated_embedding_seconds": round(per_text * manifest.clauses),
        "build_seconds": {"vectors": round(vector_seconds, 1), "keywords": round(keyword_seconds, 1),
                          "write": round(write_seconds, 1)},
        "index_mb_on_disk": round(size_mb, 1), "recall_at_10": recall, "recall_at_10_half_scope": recall_half,
        "raw_query_embedding": raw_query, "embedding_100_clauses_seconds": round(per_text * 100, 1), **probed,
    }
    target = write_results("scale", result, scale_report(result))
    print(scale_report(result))
    print(f"结果已写入 {target}")


def scale_report(r: dict) -> str:
    q = r["query_embedding"]["p95_ms"]
    search, ask, table = r["search_excluding_embedding"], r["ask_excluding_embedding"], r["table_excluding_embedding"]
    mark = lambda ok: "✅" if ok else "❌"  # noqa: E731
    return "\n".join([
        f"# Scale run: {r['clauses']:,} clauses in {r['documents']:,} documents", "",
        f"Synthesised from the real seed clauses (other provinces, real cities, other years, sentences "
        f"recombined). {r['real_sample']} clauses embedded for real; the rest composed from real vectors "
        f"(cosine composed vs real on the sample: {r['composed_vs_real_cosine']}). Vector index: "
        f"{r['vector_kind']}.", "",
        "| measure | value | target |", "|---|---|---|",
        f"| build: vector index / keyword index / files | {r['build_seconds']['vectors']} / "
        f"{r['build_seconds']['keywords']} / {r['build_seconds']['write']} s | — |",
        f"| embedding all clauses (estimated from the real sample: {r['embedding_seconds_per_text']} s/text) | "
        f"{r['estimated_embedding_seconds']:,} s | — |",
        f"| index size on disk | {r['index_mb_on_disk']} MB | — |",
        f"| load time at start | {r['load_seconds']} s | < embedding 100 clauses ({r['embedding_100_clauses_seconds']} s)"
        f" {mark(r['load_seconds'] < r['embedding_100_clauses_seconds'])} |",
        f"| RSS after load / peak (model included) | {r['rss_after_load_mb']} / {r['peak_rss_mb']} MB | "
        f"≤ 2048 MB {mark(r['peak_rss_mb'] <= 2048)} |",
        f"| search p50 / p95, excluding the query embedding | {search['p50_ms']} / {search['p95_ms']} ms | — |",
        f"| ask p50 / p95 ({ask['n']} questions answered from clauses), excluding the query embedding | "
        f"{ask['p50_ms']} / {ask['p95_ms']} ms | — |",
        f"| ask p95 + one query embedding p95, over one query embedding p95 ({q} ms, timed in the same process "
        f"during the same questions) | {round((ask['p95_ms'] + q) / q, 2)} | ≤ 3 {mark((ask['p95_ms'] + q) / q <= 3)} |",
        *([f"| comparison questions answered with a table ({table['n']}; one row per document in scope) p50 / p95, "
           f"excluding the query embedding | {table['p50_ms']} / {table['p95_ms']} ms | — |"] if table else []),
        f"| keyword search (bm25s, candidate-only) p50 / p95 | {r['keyword_search']['p50_ms']} / "
        f"{r['keyword_search']['p95_ms']} ms | — |",
        f"| ANN recall@10 vs exact, whole corpus | {r['recall_at_10']} | ≥ 0.95 {mark(r['recall_at_10'] >= 0.95)} |",
        f"| ANN recall@10 vs exact, scope of half the documents | {r['recall_at_10_half_scope']} | ≥ 0.95 "
        f"{mark(r['recall_at_10_half_scope'] >= 0.95)} |", ""])


if __name__ == "__main__":
    main()
