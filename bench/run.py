"""`make bench`: speed and memory, each figure against a reference measured in the same run.

References are the model's own costs (one raw query embedding, raw embedding of the same texts), so the ratios
travel between machines. Results go to bench/results/latest.md and latest.json; targets are printed, not
asserted. Any error response from the server stops the run.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.assistant import Assistant
from assistant.chunking import chunk_document
from assistant.corpus import load_corpus, read_document
from assistant.embeddings import Embedder, get_embedder
from assistant.evaluation import Baseline, load_items
from assistant.index import _embed, build_index, context_text, embedded_sentences, load_or_build
from assistant.provinces import BY_NAME
from assistant.settings import Settings, get_settings
from assistant.text import normalise

from .common import EXTRA_CORPUS, RESULTS, own_peak_rss_mb, percentiles, process_rss_mb, ratio, timed, write_results
from .http_load import ask_once, load, running_server

log = logging.getLogger("bench")
CONCURRENCY = (1, 4, 16)


class CountingEmbedder(Embedder):
    """The configured model, counting the passages it embeds (to show what a one-document add embeds)."""

    def __init__(self, inner: Embedder):
        self.inner, self.name, self.dim, self.passages = inner, inner.name, inner.dim, 0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages += len(texts)
        return self.inner.embed_passages(texts)


def clause_texts(corpus_dir: Path, settings: Settings) -> list[str]:
    """Each clause as one text (its context and its words): the reference "embed each clause once"."""
    texts = []
    for doc in load_corpus(corpus_dir).documents:
        texts += [f"{context_text(c, doc.meta)}\n{normalise(c.text)}"
                  for c in chunk_document(doc.meta.doc_id, doc.text, settings.max_clause_chars, doc.page_lines).clauses]
    return texts


def texts_a_build_embeds(path: Path, settings: Settings) -> int:
    """What a build embeds for one document: its sentences and its distinct contexts (index.embed_clauses)."""
    doc = read_document(path)
    clauses = chunk_document(doc.meta.doc_id, doc.text, settings.max_clause_chars, doc.page_lines).clauses
    return (sum(len(embedded_sentences(c)) for c in clauses)
            + len({context_text(c, doc.meta) for c in clauses}))


def raw_embedding_seconds(embedder: Embedder, texts: list[str], label: str) -> float:
    started = time.perf_counter()
    _embed(embedder, texts, label, show_progress=True)
    return time.perf_counter() - started


def corpus_with_extra(root: Path, seed: Path) -> Path:
    """Seed documents plus ../shared/corpus-extra/ (dev and unseen): 25 documents."""
    target = root / "corpus-25"
    shutil.copytree(seed, target)
    for path in sorted(EXTRA_CORPUS.glob("*/*.txt")):
        shutil.copy(path, target / path.name)
    return target


def compare_latency(assistant: Assistant, every: int) -> dict:
    """Compare mode (one ranking over all documents) against asking once per province, on the compare
    evaluation's questions."""
    from assistant.compare_eval import load_items as load_compare_items

    topics = [item.question for item in load_compare_items()][::every]
    provinces = [p for p in dict.fromkeys(d.province for d in assistant.documents()) if p in BY_NAME]
    assistant.compare(topics[0])  # warm
    table = percentiles(timed(assistant.compare, topics, "compare"))
    per_province = percentiles(timed(lambda t: [assistant.ask(t, province=p) for p in provinces], topics,
                                     "ask 每个省份一次"))
    return {**table, "topics": len(topics), "provinces": len(provinces),
            "per_province_p50_ms": per_province["p50_ms"], "ratio": ratio(table["p50_ms"], per_province["p50_ms"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=640, help="requests in each load run, shared by its clients")
    parser.add_argument("--every", type=int, default=1, help="time every n-th evaluation question (busy machines)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    settings = get_settings()
    embedder = get_embedder(settings.embedding_backend, settings.embedding_model)
    questions = [item.question for item in load_items()][:: args.every]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    result: dict = {"questions": len(questions), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    try:
        embedder.embed_queries([questions[0]])  # warm the model
        raw_query = percentiles(timed(lambda q: embedder.embed_queries([q]), questions, "原始查询嵌入"))
        result["raw_query_embedding"] = raw_query

        # -- in-process queries: seed corpus, then seed + corpus-extra ---------------------------------
        for name, corpus_dir in (("seed_5", settings.corpus_dir),
                                 ("seed_plus_extra_25", corpus_with_extra(work, settings.corpus_dir))):
            scoped = settings if name == "seed_5" else settings.model_copy(
                update={"corpus_dir": corpus_dir, "index_dir": work / "index-25"})
            assistant = Assistant(scoped, embedder, show_progress=True)
            assistant.ask(questions[0])
            ask = percentiles(timed(assistant.ask, questions, f"ask（{name}）"))
            result[f"ask_{name}"] = {**ask, "documents": len(assistant.index.documents),
                                     "clauses": len(assistant.index.clauses),
                                     "p95_ratio": ratio(ask["p95_ms"], raw_query["p95_ms"])}
            if name == "seed_5":
                baseline = Baseline(settings, embedder, settings.index_dir)
                baseline.answer(questions[0])
                naive = percentiles(timed(baseline.answer, questions, "基线"))
                result["baseline_seed_5"] = {**naive, "p50_ratio": ratio(ask["p50_ms"], naive["p50_ms"])}
                result["compare_seed_5"] = compare_latency(assistant, args.every)

        # -- full build and one-document add against raw embedding of the same texts -----------------
        build_settings = settings.model_copy(update={"corpus_dir": work / "corpus-5",
                                                     "index_dir": work / "index-build"})
        shutil.copytree(settings.corpus_dir, build_settings.corpus_dir)
        texts = clause_texts(build_settings.corpus_dir, settings)
        raw_build = raw_embedding_seconds(embedder, texts, "原始嵌入（全部条款）")
        started = time.perf_counter()
        build_index(build_settings, embedder, show_progress=True)
        full = time.perf_counter() - started
        result["full_build"] = {"clauses": len(texts), "seconds": round(full, 2),
                                "raw_embedding_seconds": round(raw_build, 2), "ratio": ratio(full, raw_build)}
        added = sorted(EXTRA_CORPUS.glob("dev/*.txt"))[0]
        shutil.copy(added, build_settings.corpus_dir / added.name)
        add_texts = clause_texts(build_settings.corpus_dir, settings)
        doc_texts = len(add_texts) - len(texts)
        own_texts = texts_a_build_embeds(build_settings.corpus_dir / added.name, settings)
        raw_add = raw_embedding_seconds(embedder, add_texts[-doc_texts:] if doc_texts > 0 else add_texts[:1],
                                        "原始嵌入（新增文档）")
        counting = CountingEmbedder(embedder)
        started = time.perf_counter()
        load_or_build(build_settings, counting)
        add = time.perf_counter() - started
        result["one_document_add"] = {"document": added.name, "document_clauses": doc_texts,
                                      "document_texts": own_texts, "texts_embedded": counting.passages, "seconds": round(add, 2),
                                      "raw_embedding_seconds": round(raw_add, 2), "ratio": ratio(add, raw_add)}

        # -- HTTP: one client, then 1, 4 and 16 concurrent clients; the server's peak memory ----------
        with running_server({}, work / "server.log") as (url, pid):
            import httpx

            with httpx.Client() as client:
                ask_once(client, url, questions[0])
                single = percentiles(timed(lambda q: ask_once(client, url, q), questions, "HTTP /v1/ask"))
            result["http_ask"] = {**single, "p95_ratio": ratio(single["p95_ms"], raw_query["p95_ms"])}
            runs = []
            for clients in CONCURRENCY:
                log.warning("并发 %d 个客户端…", clients)
                run = load(url, questions, clients, args.requests)
                latency = percentiles(run.pop("latencies"))
                runs.append({**run, "p95_ms": latency["p95_ms"], "p50_ms": latency["p50_ms"]})
            result["concurrency"] = runs
            result["server_peak_rss_mb"] = round(process_rss_mb(pid), 1)
        result["bench_process_peak_rss_mb"] = round(own_peak_rss_mb(), 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    target = write_results("latest", result, report(result))
    print(report(result))
    print(f"结果已写入 {target} 和 {RESULTS / 'latest.json'}")


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def report(r: dict) -> str:
    q = r["raw_query_embedding"]
    single = next(run for run in r["concurrency"] if run["clients"] == 1)
    lines = [
        f"# Benchmark ({r['started']}, {r['questions']} questions)", "",
        f"Reference: one raw query embedding p50 {q['p50_ms']} ms, p95 {q['p95_ms']} ms.", "",
        "| measure | value | reference | ratio | target |", "|---|---|---|---|---|",
    ]
    for name in ("seed_5", "seed_plus_extra_25"):
        a = r[f"ask_{name}"]
        lines.append(f"| `ask` in-process, {a['documents']} docs / {a['clauses']} clauses: p50 / p95 | "
                     f"{a['p50_ms']} / {a['p95_ms']} ms | query embedding p95 {q['p95_ms']} ms | {a['p95_ratio']} | "
                     f"≤ 1.5 {_mark(a['p95_ratio'] <= 1.5)} |")
    b = r["baseline_seed_5"]
    lines.append(f"| naive baseline (LangChain splitter + FAISS), 5 docs: p50 / p95 | {b['p50_ms']} / {b['p95_ms']} ms | "
                 f"`ask` p50 {r['ask_seed_5']['p50_ms']} ms | ours / baseline {b['p50_ratio']} | — |")
    c = r["compare_seed_5"]
    lines.append(f"| `compare`, {c['topics']} topics: p50 / p95 | {c['p50_ms']} / {c['p95_ms']} ms | one `ask` per "
                 f"province ({c['provinces']}) p50 {c['per_province_p50_ms']} ms | {c['ratio']} | — |")
    h = r["http_ask"]
    lines.append(f"| `POST /v1/ask`, one client: p50 / p95 | {h['p50_ms']} / {h['p95_ms']} ms | "
                 f"query embedding p95 {q['p95_ms']} ms | {h['p95_ratio']} | — |")
    b = r["full_build"]
    lines.append(f"| full build, {b['clauses']} clauses | {b['seconds']} s | raw embedding of the clauses "
                 f"{b['raw_embedding_seconds']} s | {b['ratio']} | ≤ 1.5 {_mark(b['ratio'] <= 1.5)} |")
    d = r["one_document_add"]
    lines.append(f"| one-document add ({d['document_clauses']} clauses; {d['texts_embedded']} texts embedded, the "
                 f"document has {d['document_texts']}: sentences and headings) | {d['seconds']} s | raw embedding of "
                 f"that document {d['raw_embedding_seconds']} s | {d['ratio']} | embeds only that document "
                 f"{_mark(d['texts_embedded'] == d['document_texts'])} |")
    lines += ["", "| concurrent clients | requests | throughput (req/s) | p50 | p95 | errors |",
              "|---|---|---|---|---|---|"]
    for run in r["concurrency"]:
        lines.append(f"| {run['clients']} | {run['requests']} | {run['throughput_rps']} | {run['p50_ms']} ms | "
                     f"{run['p95_ms']} ms | {run['errors']} |")
    top = r["concurrency"][-1]
    gain = ratio(top["throughput_rps"], single["throughput_rps"])
    lines += ["", f"16 clients vs 1: throughput × {gain} (target ≥ 1.5 {_mark(gain >= 1.5)}), "
                  f"errors {top['errors']} (target 0 {_mark(top['errors'] == 0)}).",
              f"Server peak RSS: {r['server_peak_rss_mb']} MB.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
