"""Command line: parses arguments, calls the Python API, formats the output. Nothing else lives here."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable

from .cli_docs import add_parsers as add_docs_parsers
from .errors import AssistantError
from .models import Answer
from .text import is_english

log = logging.getLogger("assistant")

EXIT_USER_ERROR = 2


def _assistant(show_progress: bool = False):
    """The assistant over the index as it is: a corpus change waiting for `index build` is only mentioned."""
    from .assistant import Assistant
    from .cli_docs import stale_warning

    assistant = Assistant(show_progress=show_progress, stale_ok=True)
    if warning := stale_warning(assistant):
        print(warning, file=sys.stderr)
    return assistant


def _filters(args: argparse.Namespace) -> dict:
    return {"province": args.province or None, "doc_id": args.doc or None}


def format_citations(answer: Answer, english: bool = False) -> str:
    """The cited clauses under a readable answer."""
    lines = []
    if answer.citations:
        labels = ("Cited clauses:", "Possibly related clauses:") if english else ("引用条款：", "可能相关的条款：")
        lines.append(labels[0] if answer.answerable else labels[1])
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.clause_id}  《{c.title}》 {c.section}  (score {c.score:.3f})")
            lines.append(f"    {c.text[:160]}{'…' if len(c.text) > 160 else ''}")
    return "\n".join(lines)


def _questions(args: argparse.Namespace) -> Iterable[str]:
    if args.question == "-":
        for line in sys.stdin:
            if line.strip():
                yield line.strip()
    else:
        yield args.question


def cmd_ask(args: argparse.Namespace) -> int:
    assistant = _assistant()
    failed = False
    for question in _questions(args):
        if not args.json:
            _print_streamed(assistant.ask_stream(question, **_filters(args)), is_english(question))
            continue
        try:
            answer = assistant.ask(question, **_filters(args))
        except AssistantError as error:
            failed = True
            print(json.dumps({"answer": error.message, "answerable": False, "citations": [],
                              "error": error.message}, ensure_ascii=False), flush=True)
            continue
        print(json.dumps(answer.contract(), ensure_ascii=False), flush=True)
    return 1 if failed else 0


def _print_streamed(stream: Iterable[str | Answer], english: bool) -> None:
    """The answer text as it arrives, then its citations."""
    for item in stream:
        if isinstance(item, Answer):
            print("\n\n" + format_citations(item, english) if item.citations else "", flush=True)
        else:
            print(item, end="", flush=True)


def cmd_search(args: argparse.Namespace) -> int:
    hits = _assistant().search(args.query, top_k=args.top_k, **_filters(args))
    if args.json:
        print(json.dumps([{"clause_id": h.clause.clause_id, "section": h.clause.section, "score": h.score,
                           "dense_score": h.dense_score, "keyword_score": h.keyword_score,
                           "text": h.clause.text} for h in hits], ensure_ascii=False, indent=1))
        return 0
    for rank, hit in enumerate(hits, start=1):
        print(f"{rank}. {hit.score:.3f}  {hit.clause.clause_id}  {hit.clause.section}")
        print(f"   {hit.clause.text[:120]}{'…' if len(hit.clause.text) > 120 else ''}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from .answering.table_export import to_csv, to_markdown

    table = _assistant().compare(args.topic, args.province or None, args.doc or None, page=args.page)
    if args.json:
        print(json.dumps(table.model_dump(), ensure_ascii=False, indent=1))
    elif args.csv:
        sys.stdout.write(to_csv(table))
    else:
        print(to_markdown(table))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import run_cli

    return run_cli(args)


# -- feedback (UI helper) -----------------------------------------------------------------------
def cmd_feedback_export(args: argparse.Namespace) -> int:
    from .feedback import FeedbackStore

    for line in FeedbackStore.from_settings().export_jsonl():
        print(line, flush=True)
    return 0
# -- end feedback ---------------------------------------------------------------------------------


# -- keys and audit (security helper) ------------------------------------------------------------
def _key_store():
    from .access import KeyStore
    from .audit import AuditLog

    return KeyStore.from_settings(audit=AuditLog.from_settings())


def cmd_keys_create(args: argparse.Namespace) -> int:
    key, record = _key_store().create(args.name, args.role, args.collections or [])
    print(key)
    print(f"已创建密钥 {record.key_id}（{record.name}，{record.role}，集合：{'、'.join(record.collections)}）。"
          "密钥只显示这一次，请妥善保存。", file=sys.stderr)
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    for record in _key_store().records():
        if args.json:
            print(record.model_dump_json(), flush=True)
            continue
        state = f"已吊销 {record.revoked_at}" if record.revoked_at else "有效"
        print(f"{record.key_id}  {record.name}  {record.role}  {'、'.join(record.collections)}  "
              f"创建于 {record.created_at}  {state}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    for record in _key_store().revoke(args.key):
        print(f"已吊销密钥 {record.key_id}（{record.name}）。")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from .audit import AuditLog

    result = AuditLog.from_settings().verify()
    print(result.message)
    return 0 if result.ok else 1


def cmd_audit_export(args: argparse.Namespace) -> int:
    from .audit import AuditLog, parse_since

    for line in AuditLog.from_settings().export(parse_since(args.since), args.format):
        print(line, flush=True)
    return 0
# -- end keys and audit ---------------------------------------------------------------------------


# -- serve (API helper) ---------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    from .api.server import serve
    from .settings import get_settings

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    return serve(get_settings().model_copy(update=overrides), ui=not args.no_ui)
# -- end serve ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="政策问答助手：引用条款回答质量强省政策问题")
    parser.add_argument("-v", "--verbose", action="store_true", help="show progress logs")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="answer a question with cited clauses ('-' reads one question per line)")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--province", action="append", help="only this province (repeatable)")
    ask.add_argument("--doc", action="append", help="only this doc_id (repeatable)")
    ask.set_defaults(func=cmd_ask)

    search = sub.add_parser("search", help="top clauses with scores")
    search.add_argument("query")
    search.add_argument("--top-k", type=int, default=None)
    search.add_argument("--json", action="store_true")
    search.add_argument("--province", action="append")
    search.add_argument("--doc", action="append")
    search.set_defaults(func=cmd_search)

    compare = sub.add_parser("compare", help="what each province's documents say about a topic, as a table")
    compare.add_argument("topic", help="topic or question, e.g. 首席质量官制度 or 各省森林覆盖率目标分别是多少？")
    output = compare.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="the table as one JSON object")
    output.add_argument("--csv", action="store_true", help="the table as CSV (UTF-8 with BOM)")
    compare.add_argument("--province", action="append", help="only this province (repeatable)")
    compare.add_argument("--doc", action="append", help="only this doc_id (repeatable)")
    compare.add_argument("--page", type=int, default=1, help="page of a table with more rows than a page holds")
    compare.set_defaults(func=cmd_compare)

    add_docs_parsers(sub)  # `index build` and `docs …` (document management)

    evaluation = sub.add_parser("eval", help="evaluate on eval/questions.jsonl against the baseline")
    evaluation.add_argument("--split", choices=["dev", "test", "unseen", "all"], default="all",
                            help="one split, or all of them, each reported on its own")
    evaluation.add_argument("--mode", choices=["extractive", "llm"], default="extractive")
    evaluation.add_argument("--calibrate", action="store_true",
                            help="fit the evidence models and the refusal threshold on the dev split and save them")
    evaluation.add_argument("--no-baseline", action="store_true", help="skip the LangChain baseline")
    evaluation.set_defaults(func=cmd_eval)

    # -- feedback (UI helper) --
    feedback = sub.add_parser("feedback", help="answers rated in the chat UI")
    feedback_sub = feedback.add_subparsers(dest="feedback_command", required=True)
    feedback_sub.add_parser("export", help="print all feedback as JSON lines").set_defaults(func=cmd_feedback_export)
    # -- end feedback --

    # -- keys and audit (security helper) --
    keys = sub.add_parser("keys", help="API keys and chat users: role and document collections")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    create = keys_sub.add_parser("create", help="create a key; it is printed once and only its hash is stored")
    create.add_argument("--name", required=True, help="who holds it; also the chat login name")
    create.add_argument("--role", choices=["reader", "admin"], default="reader")
    create.add_argument("--collections", action="append", required=True,
                        help="collections it may read (repeatable or comma-separated; '*' = all)")
    create.set_defaults(func=cmd_keys_create)
    listing = keys_sub.add_parser("list", help="all keys, without secrets")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_keys_list)
    revoke = keys_sub.add_parser("revoke", help="revoke a key by id, or every active key of a name")
    revoke.add_argument("key", help="key id or name")
    revoke.set_defaults(func=cmd_keys_revoke)

    audit = sub.add_parser("audit", help="the tamper-evident log of questions and admin actions")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="check the hash chain; names the first bad entry").set_defaults(
        func=cmd_audit_verify)
    export = audit_sub.add_parser("export", help="print entries as JSON lines or CSV")
    export.add_argument("--since", default=None, help="date or ISO time, e.g. 2026-01-31")
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.set_defaults(func=cmd_audit_export)
    # -- end keys and audit --

    # -- serve (API helper) --
    serve = sub.add_parser("serve", help="run the server: chat UI at /, API under /v1, docs at /docs, /widget.js")
    serve.add_argument("--host", default=None, help="bind address (default: POLICYQA_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port (default: POLICYQA_PORT)")
    serve.add_argument("--no-ui", action="store_true", help="serve the API and the widget only")
    serve.set_defaults(func=cmd_serve)
    # -- end serve --

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("faiss").setLevel(logging.WARNING)
    try:
        return args.func(args)
    except AssistantError as error:
        print(f"错误：{error.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
