"""The 文件库 tab's administration panel: upload with progress, parse status per document, metadata corrections
and removal with confirmation. Every action needs an administrator key (the API's admin check); callbacks only
call the Python API (`Assistant.add_document` and friends) and render what it returns."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr

from ..errors import AssistantError
from ..library import MetadataFields

if TYPE_CHECKING:
    from ..assistant import Assistant

_FIELDS = (("title", "标题"), ("province", "省份"), ("city", "城市"), ("date", "日期（如 2023-03-03）"),
           ("doc_number", "文号"), ("issuer", "发文机关"))
LOCKED = "<div class='pq-empty'>输入管理员密钥后显示文件状态。</div>"
_CHANGES = {"added": "待编入索引（新增）", "changed": "待重新编入索引", "removed": "待从索引移除"}


def _admin_error(assistant: Assistant, key: str) -> str | None:
    """None when `key` grants administrator rights; else the message to show."""
    from ..api.security import AccessPolicy, require_admin

    policy = AccessPolicy(assistant.settings)
    try:
        require_admin(policy, policy.authenticate(key.strip() or None, "ui"))
    except AssistantError as error:
        return f"需要管理员密钥：{error.message}"
    return None


def status_html(assistant: Assistant) -> str:
    """Index state, then one row per document of the corpus: clauses in the index, pending change, warnings."""
    state = assistant.index_state()
    counts: dict[str, int] = {}
    for clause in assistant.index.clauses:
        counts[clause.doc_id] = counts.get(clause.doc_id, 0) + 1
    pending = {p.doc_id: p.change for p in state.pending}
    try:
        documents = assistant.library.documents()
    except AssistantError as error:
        return f"<div class='pq-notice'>{html.escape(error.message)}</div>"
    headline = "索引正在后台更新，问答暂按现有索引进行。" if state.state == "building" else (
        f"有 {len(state.pending)} 处变化尚未编入索引。" if state.pending else "索引已是最新。")
    if state.last_error:
        headline += f" 上次更新失败：{state.last_error}"
    rows = []
    for meta in documents:
        status = _CHANGES.get(pending.get(meta.doc_id, ""), f"已编入索引，{counts.get(meta.doc_id, 0)} 个条款")
        warnings = "；".join(meta.warnings) or "—"
        rows.append(f"<tr><td>{html.escape(meta.doc_id)}</td><td class='pq-doc-title'>{html.escape(meta.title)}</td>"
                    f"<td>{html.escape(meta.date or '未注明')}</td><td>{html.escape(status)}</td>"
                    f"<td>{html.escape(warnings)}</td></tr>")
    rows += [f"<tr><td>{html.escape(doc_id)}</td><td colspan='2'></td><td>{_CHANGES['removed']}</td><td>—</td></tr>"
             for doc_id, change in pending.items() if change == "removed"]
    return (f"<div class='pq-admin-state' data-state='{state.state}'>{html.escape(headline)}</div>"
            "<table class='pq-table'><thead><tr><th>编号</th><th>文件名称</th><th>日期</th><th>解析状态</th>"
            f"<th>提取提示</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _choices(assistant: Assistant) -> list[tuple[str, str]]:
    try:
        return [(f"{m.title}（{m.doc_id}）", m.doc_id) for m in assistant.library.documents()]
    except AssistantError:
        return []


def library_admin(assistant: Assistant) -> None:
    """Add the panel to the Blocks being built (inside the 文件库 tab)."""

    def refresh(key: str):
        """The panel's contents for an administrator; nothing of the corpus for anyone else."""
        if _admin_error(assistant, key):
            return LOCKED, gr.update(choices=[]), gr.update(choices=[])
        choices = _choices(assistant)
        return status_html(assistant), gr.update(choices=choices), gr.update(choices=choices)

    def poll(key: str, shown: str):
        """Re-render only when the index state changed (an update started, finished or has new work)."""
        if _admin_error(assistant, key):
            return (gr.skip(), shown) if shown == LOCKED else (LOCKED, LOCKED)
        state = assistant.index_state()
        current = f"{state.state}|{assistant.index.directory}|{[p.file for p in state.pending]}|{state.last_error}"
        return (gr.skip(), shown) if current == shown else (status_html(assistant), current)

    def upload(key: str, files: list[str] | None, *values: str, progress=gr.Progress()):
        if error := _admin_error(assistant, key):
            return error, *refresh(key)
        if not files:
            return "请先选择要上传的文件。", *refresh(key)
        fields = MetadataFields(**dict(zip([name for name, _ in _FIELDS], values)))
        if len(files) > 1 and fields.given():
            return "标题、省份等信息只能随单个文件填写；请逐个上传，或上传后在下方修改。", *refresh(key)
        lines = []
        for done, path in enumerate(files):
            name = Path(path).name
            progress((done, len(files)), desc=f"正在解析 {name}")
            try:
                meta = assistant.add_document(name, Path(path).read_bytes(), fields)
                lines.append(f"已添加：{meta.doc_id}《{meta.title}》")
            except AssistantError as failure:
                lines.append(f"未添加 {name}：{failure.message}")
        progress((len(files), len(files)), desc="已提交，索引在后台更新")
        return "\n".join(lines), *refresh(key)

    def edit(key: str, doc_id: str | None, *values: str):
        if error := _admin_error(assistant, key):
            return error, *refresh(key)
        if not doc_id:
            return "请先选择要修改的文件。", *refresh(key)
        try:
            meta = assistant.edit_document(doc_id, MetadataFields(**dict(zip([n for n, _ in _FIELDS], values))))
        except AssistantError as failure:
            return failure.message, *refresh(key)
        return f"已修改：{meta.doc_id}《{meta.title}》，索引在后台更新。", *refresh(key)

    def remove(key: str, doc_id: str | None, confirmed: bool):
        if error := _admin_error(assistant, key):
            return error, *refresh(key), gr.skip()
        if not doc_id:
            return "请先选择要删除的文件。", *refresh(key), gr.skip()
        if not confirmed:
            return "请先勾选「确认删除」。", *refresh(key), gr.skip()
        try:
            meta = assistant.remove_document(doc_id)
        except AssistantError as failure:
            return failure.message, *refresh(key), False
        return f"已删除：{meta.doc_id}《{meta.title}》，其条款将随后台更新移出索引。", *refresh(key), False

    with gr.Accordion("文件管理（管理员）", open=False, elem_id="pq-admin"):
        key = gr.Textbox(label="管理员密钥", type="password", elem_id="pq-admin-key",
                         placeholder="与 API 的管理员密钥相同")
        status = gr.HTML(LOCKED, elem_id="pq-admin-status")
        message = gr.Textbox(label="操作结果", interactive=False, lines=2, elem_id="pq-admin-message")
        with gr.Row():
            files = gr.File(label="上传文件（txt、md、docx、pdf、html）", file_count="multiple", type="filepath",
                            elem_id="pq-admin-files")
            with gr.Column():
                upload_fields = [gr.Textbox(label=label, elem_id=f"pq-admin-{name}") for name, label in _FIELDS]
        upload_button = gr.Button("上传并解析", variant="primary", elem_id="pq-admin-upload")
        with gr.Row():
            edit_pick = gr.Dropdown(choices=[], label="修改信息的文件", elem_id="pq-admin-edit-pick")
            edit_fields = [gr.Textbox(label=label, elem_id=f"pq-admin-edit-{name}") for name, label in _FIELDS]
        edit_button = gr.Button("保存修改", elem_id="pq-admin-save")
        with gr.Row():
            remove_pick = gr.Dropdown(choices=[], label="删除的文件", elem_id="pq-admin-remove-pick")
            confirm = gr.Checkbox(label="确认删除（文件及其条款将从知识库移除）", elem_id="pq-admin-confirm")
            remove_button = gr.Button("删除", variant="stop", elem_id="pq-admin-remove")
        refresh_button = gr.Button("刷新状态", size="sm", elem_id="pq-admin-refresh")
        timer = gr.Timer(2.0)
        shown = gr.State(LOCKED)

    outputs = [message, status, edit_pick, remove_pick]
    private = "private"  # internal callbacks: not part of the documented Gradio API
    upload_button.click(upload, [key, files, *upload_fields], outputs, concurrency_limit=1, api_visibility=private)
    edit_button.click(edit, [key, edit_pick, *edit_fields], outputs, concurrency_limit=1, api_visibility=private)
    remove_button.click(remove, [key, remove_pick, confirm], [*outputs, confirm], concurrency_limit=1,
                        api_visibility=private)
    refresh_button.click(refresh, key, outputs[1:], queue=False, api_visibility=private)
    key.submit(refresh, key, outputs[1:], queue=False, api_visibility=private)
    timer.tick(poll, [key, shown], [status, shown], queue=False, show_progress="hidden", api_visibility=private)
