"""`assistant docs …` and `assistant index build`: document management on the command line.

Each command calls the Python API (`Assistant.add_document` and friends) and prints the result; a change is
followed by an index update in the foreground, with a progress bar, unless `--no-index` is given.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from .errors import AssistantError
from .library import MetadataFields
from .models import DocumentMeta

_FIELDS = ("title", "province", "city", "date", "doc_number", "issuer")
_LABELS = {"doc_id": "编号", "title": "标题", "province": "省份", "city": "城市", "county": "区县", "issuer": "发文机关",
           "doc_number": "文号", "doc_type": "文种", "date": "日期", "source_file": "文件", "content_hash": "内容指纹"}


def _assistant():
    from .assistant import Assistant

    return Assistant(show_progress=True, stale_ok=True)


def _fields(args: argparse.Namespace) -> MetadataFields:
    collections = getattr(args, "collections", None)
    return MetadataFields(**{name: getattr(args, name) for name in _FIELDS},
                          collections=collections.split(",") if collections else None)


def _update(assistant, args: argparse.Namespace) -> None:
    if args.no_index:
        print("索引未更新：运行 assistant index build 后，问答才会用到这些变化。")
        return
    index = assistant.rebuild(show_progress=True)
    m = index.manifest
    print(f"索引已更新：{m.documents} 份文档，{m.clauses} 个条款（{m.reused_documents} 份沿用），用时 {m.build_seconds} 秒")


def _describe(meta: DocumentMeta) -> str:
    return f"{meta.doc_id}  《{meta.title}》（{meta.province}，{meta.date or '日期不详'}，{meta.source_file}）"


def cmd_docs_add(args: argparse.Namespace) -> int:
    fields = _fields(args)
    if len(args.files) > 1 and fields.given():
        raise AssistantError("标题、省份等元数据选项只能用于单个文件；请逐个添加，或添加后用 assistant docs edit 修改。")
    assistant = _assistant()
    added, failed = 0, False
    for path in map(Path, args.files):
        try:
            if not path.is_file():
                raise AssistantError(f"找不到文件：{path}")
            meta = assistant.add_document(path.name, path.read_bytes(), fields, background=False)
        except AssistantError as error:
            print(f"错误：{error.message}", file=sys.stderr)
            failed = True
            continue
        added += 1
        print(f"已添加：{_describe(meta)}")
        for warning in meta.warnings:
            print(f"  注意：{warning}")
    if added:
        _update(assistant, args)
    return 2 if failed else 0


def cmd_docs_replace(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise AssistantError(f"找不到文件：{path}")
    assistant = _assistant()
    meta = assistant.replace_document(args.doc_id, path.name, path.read_bytes(), background=False)
    print(f"已替换：{_describe(meta)}")
    _update(assistant, args)
    return 0


def cmd_docs_remove(args: argparse.Namespace) -> int:
    assistant = _assistant()
    meta = assistant.remove_document(args.doc_id, background=False)
    print(f"已删除：{_describe(meta)}")
    _update(assistant, args)
    return 0


def cmd_docs_edit(args: argparse.Namespace) -> int:
    assistant = _assistant()
    meta = assistant.edit_document(args.doc_id, _fields(args), background=False)
    print(f"已修改：{_describe(meta)}")
    _update(assistant, args)
    return 0


def cmd_docs_list(args: argparse.Namespace) -> int:
    assistant = _assistant()
    counts = Counter(c.doc_id for c in assistant.index.clauses)
    pending = {p.doc_id: p.change for p in assistant.index_state().pending}
    labels = {"added": "待索引（新增）", "changed": "待索引（已修改）", "removed": "待移除"}
    for meta in assistant.library.documents():
        state = labels.get(pending.get(meta.doc_id, ""), f"已索引，{counts[meta.doc_id]} 个条款")
        print(f"{_describe(meta)}  [{state}]")
        for warning in meta.warnings:
            print(f"  注意：{warning}")
    for doc_id, change in pending.items():
        if change == "removed":
            print(f"{doc_id}  [{labels[change]}]")
    return 0


def cmd_docs_show(args: argparse.Namespace) -> int:
    assistant = _assistant()
    meta = assistant.library.document(args.doc_id)
    for key, label in _LABELS.items():
        value = getattr(meta, key)
        if value:
            print(f"{label}：{value}")
    clauses = [c for c in assistant.index.clauses if c.doc_id == meta.doc_id]
    pending = {p.doc_id for p in assistant.index_state().pending}
    print(f"条款：{len(clauses)} 个" + ("（文件有变化，尚未重新编入索引）" if meta.doc_id in pending else ""))
    for warning in meta.warnings:
        print(f"注意：{warning}")
    return 0


def cmd_index_build(args: argparse.Namespace) -> int:
    from .index import build_index
    from .settings import get_settings

    index = build_index(get_settings(), show_progress=True, full=args.full)
    m = index.manifest
    print(f"索引已建立：{m.documents} 份文档（{m.reused_documents} 份沿用上次结果），{m.clauses} 个条款，"
          f"用时 {m.build_seconds} 秒（{index.directory}）")
    return 0


def stale_warning(assistant) -> str | None:
    """One line for stderr when the corpus has changes the index does not contain yet."""
    pending = assistant.index_state().pending
    if not pending:
        return None
    names = "、".join(p.doc_id for p in pending[:3]) + ("等" if len(pending) > 3 else "")
    return (f"提示：文档库有 {len(pending)} 处变化（{names}）尚未编入索引，本次按现有索引回答；"
            "运行 assistant index build 更新。")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `docs …` and `index build` on the main parser."""
    index = sub.add_parser("index", help="manage the clause index")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    build = index_sub.add_parser("build", help="update the index from corpus/ (only changed documents)")
    build.add_argument("--full", action="store_true", help="re-embed every document")
    build.set_defaults(func=cmd_index_build)

    docs = sub.add_parser("docs", help="add, replace, remove and correct documents")
    docs_sub = docs.add_subparsers(dest="docs_command", required=True)

    def with_fields(parser: argparse.ArgumentParser) -> None:
        for name in _FIELDS:
            parser.add_argument("--" + name.replace("_", "-"), dest=name, default=None)
        parser.add_argument("--collections", default=None,
                            help="comma-separated collections that may see the document, e.g. 公开,市场监管局内部")

    def with_no_index(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--no-index", action="store_true", help="change the corpus only; update the index later")

    add = docs_sub.add_parser("add", help="add documents (txt, md, docx, pdf, html)")
    add.add_argument("files", nargs="+")
    with_fields(add)
    with_no_index(add)
    add.set_defaults(func=cmd_docs_add)

    replace = docs_sub.add_parser("replace", help="new file for a document; doc_id and corrections are kept")
    replace.add_argument("doc_id")
    replace.add_argument("file")
    with_no_index(replace)
    replace.set_defaults(func=cmd_docs_replace)

    remove = docs_sub.add_parser("remove", help="remove a document and its clauses")
    remove.add_argument("doc_id")
    with_no_index(remove)
    remove.set_defaults(func=cmd_docs_remove)

    edit = docs_sub.add_parser("edit", help="correct metadata (kept across rebuilds)")
    edit.add_argument("doc_id")
    with_fields(edit)
    with_no_index(edit)
    edit.set_defaults(func=cmd_docs_edit)

    docs_sub.add_parser("list", help="documents with index state and extraction warnings").set_defaults(
        func=cmd_docs_list)
    show = docs_sub.add_parser("show", help="one document's metadata")
    show.add_argument("doc_id")
    show.set_defaults(func=cmd_docs_show)
