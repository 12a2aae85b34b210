"""`make bench-keyword`: our keyword index (jieba + bm25s) against Milvus full-text search on the same corpus.

The README chooses bm25s over Milvus' BM25 function; this gives the numbers behind that choice. Both index the
same texts (`keyword_text` of clauses synthesised from the real seed as in `bench.scale`) and answer the
evaluation questions: Milvus through pymilvus on milvus-lite (a VARCHAR field with the jieba analyzer, a BM25
function to a sparse vector field, SPARSE_INVERTED_INDEX), searched with the raw question text as its docs
show. Reported: build time, query latency and how often the two top-10 lists agree.
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.evaluation import load_items
from assistant.index import document_groups, keyword_text, load_or_build
from assistant.settings import get_settings
from assistant.stores.keyword import KeywordIndex
from assistant.text import tokenize

from .common import percentiles, write_results
from .scale import synthesise

TOP = 10  # the lists compared
CANDIDATES = 40  # what retrieval asks the keyword index for
INSERT_BATCH = 2_000
MILVUS_ANALYZER = {"tokenizer": "jieba"}  # Milvus' Chinese analyzer; milvus-lite rejects {"type": "chinese"}
COLLECTION = "keyword_bench"


def milvus_collection(client, texts: list[str]) -> None:
    """A collection whose BM25 function turns each inserted text into a sparse vector, as the Milvus docs show."""
    from pymilvus import DataType, Function, FunctionType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=65_535, enable_analyzer=True,
                     analyzer_params=MILVUS_ANALYZER)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="text_bm25", function_type=FunctionType.BM25, input_field_names=["text"],
                                 output_field_names=["sparse"]))
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    client.create_collection(COLLECTION, schema=schema, index_params=index_params)
    with tqdm(total=len(texts), desc="Milvus 写入", unit="条") as bar:
        for start in range(0, len(texts), INSERT_BATCH):
            batch = texts[start : start + INSERT_BATCH]
            client.insert(COLLECTION, [{"id": start + i, "text": t} for i, t in enumerate(batch)])
            bar.update(len(batch))
    client.flush(COLLECTION)
    client.load_collection(COLLECTION)


def milvus_search(client, question: str) -> list[int]:
    hits = client.search(COLLECTION, data=[question], anns_field="sparse", limit=TOP, output_fields=["id"],
                         search_params={"metric_type": "BM25"})[0]
    return [int(hit["id"]) for hit in hits]


def timed_search(search, questions: list[str], label: str) -> tuple[list[float], list[list[int]]]:
    """Wall time and top-10 positions of each question, after one warm-up query."""
    search(questions[0])
    times, tops = [], []
    for question in tqdm(questions, desc=label, unit="问"):
        started = time.perf_counter()
        tops.append(search(question))
        times.append(time.perf_counter() - started)
    return times, tops


def agreement(ours: list[list[int]], theirs: list[list[int]]) -> dict[str, float]:
    """Mean share of the two top-10 lists that they have in common, and how often the first hit is the same."""
    shared = [len(set(a) & set(b)) / max(len(a), len(b)) for a, b in zip(ours, theirs) if a or b]
    same_first = [bool(a and b and a[0] == b[0]) for a, b in zip(ours, theirs) if a or b]
    return {"top10_overlap": round(float(np.mean(shared)), 3), "top1_same": round(float(np.mean(same_first)), 3),
            "identical_top10_sets": round(float(np.mean([s == 1.0 for s in shared])), 3), "n": len(shared)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clauses", type=int, default=20_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    from pymilvus import MilvusClient

    seed = load_or_build(get_settings())
    documents, clauses, _ = synthesise(seed, args.clauses, random.Random(14))
    metas = {d.doc_id: d for d in documents}
    texts = [keyword_text(c, metas[c.doc_id]) for c in clauses]
    questions = [item.question for item in load_items()]

    started = time.perf_counter()
    keywords = KeywordIndex.build(texts, document_groups(documents, clauses))
    bm25s_build = time.perf_counter() - started
    bm25s_times, bm25s_tops = timed_search(lambda q: keywords.search(q, CANDIDATES)[0][:TOP].tolist(), questions,
                                           "bm25s 检索")

    work = Path(tempfile.mkdtemp(prefix="keyword-"))
    client = MilvusClient(uri=str(work / "milvus.db"))
    try:
        started = time.perf_counter()
        milvus_collection(client, texts)
        milvus_build = time.perf_counter() - started
        milvus_times, milvus_tops = timed_search(lambda q: milvus_search(client, q), questions, "Milvus 检索")
        # The same search given our query tokens (normalised, stopwords out): how much of the disagreement is
        # the question's tokenisation rather than the scoring.
        _, token_tops = timed_search(lambda q: milvus_search(client, " ".join(tokenize(q))), questions,
                                     "Milvus 检索（我们的分词）")
    finally:
        client.close()
        shutil.rmtree(work, ignore_errors=True)

    result = {
        "clauses": len(clauses), "documents": len(documents), "questions": len(questions),
        "milvus_lite_version": version("milvus-lite"), "pymilvus_version": version("pymilvus"),
        "milvus_analyzer": MILVUS_ANALYZER,
        "bm25s": {"build_seconds": round(bm25s_build, 1), "search": percentiles(bm25s_times)},
        "milvus_lite": {"build_seconds": round(milvus_build, 1), "search": percentiles(milvus_times)},
        "agreement": agreement(bm25s_tops, milvus_tops),
        "agreement_given_our_query_tokens": agreement(bm25s_tops, token_tops),
    }
    target = write_results("keyword", result, keyword_report(result))
    print(keyword_report(result))
    print(f"结果已写入 {target}")


def keyword_report(r: dict) -> str:
    ours, theirs, agree, tokens = r["bm25s"], r["milvus_lite"], r["agreement"], r["agreement_given_our_query_tokens"]
    return "\n".join([
        f"# Keyword search: bm25s against Milvus full-text search, {r['clauses']:,} clauses in "
        f"{r['documents']:,} documents", "",
        f"Same synthesised corpus (as `make bench-scale`), same indexed texts, all {r['questions']} evaluation "
        f"questions. Ours: `KeywordIndex` (jieba with our normalisation and stopwords, bm25s, candidate-only "
        f"scoring, top {CANDIDATES}). Milvus: milvus-lite {r['milvus_lite_version']} (pure Python, in-process) "
        f"through pymilvus {r['pymilvus_version']}, analyzer `{r['milvus_analyzer']}`, BM25 function, "
        f"SPARSE_INVERTED_INDEX, searched with the raw question text.", "",
        "| measure | bm25s (ours) | Milvus full-text search (milvus-lite) |", "|---|---|---|",
        f"| build / insert + flush + load | {ours['build_seconds']} s | {theirs['build_seconds']} s |",
        f"| query p50 / p95 | {ours['search']['p50_ms']} / {ours['search']['p95_ms']} ms | "
        f"{theirs['search']['p50_ms']} / {theirs['search']['p95_ms']} ms |", "",
        f"Agreement of the top {TOP} over {agree['n']} questions: mean overlap {agree['top10_overlap']}, same first "
        f"hit {agree['top1_same']}, identical top-{TOP} sets {agree['identical_top10_sets']}. Milvus given our query "
        f"tokens (normalised, stopwords removed) instead of the raw question: mean overlap {tokens['top10_overlap']}, "
        f"same first hit {tokens['top1_same']}, identical sets {tokens['identical_top10_sets']}.", ""])


if __name__ == "__main__":
    main()
