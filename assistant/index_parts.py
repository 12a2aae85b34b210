"""One document's share of an index build, so an incremental build can keep it and recompute only the rest.

A build is a list of clauses (documents one after another) plus arrays aligned to them: one vector per clause
and a ragged block of sentence vectors per clause (`offsets[i]:offsets[i + 1]`). Splitting slices those arrays
per document; joining concatenates the slices of the kept and the new documents in corpus order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .models import Clause


@dataclass(frozen=True)
class DocumentPart:
    doc_id: str
    key: str  # document_key of what its rows were computed from
    clauses: list[Clause]
    clause_vectors: np.ndarray  # one row per clause
    sentence_vectors: np.ndarray  # the rows of all its clauses' sentences, clause after clause
    sentence_counts: np.ndarray  # sentences of each clause


def document_key(text: str, embedded_header: str, max_clause_chars: int) -> str:
    """Everything a document's clauses and vectors depend on besides the code and the model: its text, the
    metadata that goes into each embedded text, the clause size."""
    digest = hashlib.sha256()
    for piece in (embedded_header, str(max_clause_chars), text):
        digest.update(piece.encode("utf-8") + b"\0")
    return digest.hexdigest()


def split_parts(clauses: list[Clause], clause_vectors: np.ndarray, sentence_vectors: np.ndarray,
                sentence_offsets: np.ndarray, keys: dict[str, str]) -> dict[str, DocumentPart]:
    """Per-document slices of a build whose documents' clauses are contiguous (as every build writes them)."""
    spans: dict[str, list[int]] = {}
    for position, clause in enumerate(clauses):
        span = spans.setdefault(clause.doc_id, [position, position])
        if span[1] != position:
            raise ValueError(f"clauses of {clause.doc_id} are not contiguous")
        span[1] = position + 1
    parts = {}
    for doc_id, (start, end) in spans.items():
        offsets = sentence_offsets[start : end + 1]
        parts[doc_id] = DocumentPart(
            doc_id=doc_id, key=keys.get(doc_id, ""), clauses=clauses[start:end],
            clause_vectors=clause_vectors[start:end],
            sentence_vectors=sentence_vectors[offsets[0] : offsets[-1]],
            sentence_counts=np.diff(offsets))
    return parts


def join_parts(parts: list[DocumentPart], dim: int) -> tuple[list[Clause], np.ndarray, np.ndarray, np.ndarray]:
    """(clauses, clause vectors, sentence vectors, sentence offsets) of the parts, in the given order."""
    clauses = [clause for part in parts for clause in part.clauses]
    empty = np.zeros((0, dim), dtype=np.float32)
    vectors = np.vstack([empty, *(part.clause_vectors for part in parts)]).astype(np.float32, copy=False)
    sentence_vectors = np.vstack([empty, *(part.sentence_vectors for part in parts)]).astype(np.float32, copy=False)
    counts = np.concatenate([np.zeros(0, dtype=np.int64), *(part.sentence_counts for part in parts)])
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return clauses, vectors, sentence_vectors, offsets
