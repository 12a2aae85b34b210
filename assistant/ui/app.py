"""The Gradio chat UI: questions with streamed, cited answers; scope filters; the document library; feedback.

Callbacks only translate between widgets and the Python API (`Assistant.ask`, `FeedbackStore`) and hand
results to `formatting`; they hold no retrieval or answering logic. Each callback asks `principal_of` who is
logged in (Gradio's login, mapped to the API's principals by the server) and passes that principal on, so
the chat shows only the documents of the user's collections; without a principal nothing is answered.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from ..access import LOCAL, Principal
from ..errors import AssistantError
from ..feedback import FeedbackStore
from ..models import Answer, DocumentMeta
from . import compare_view
from . import formatting as fmt
from .api import register_api
from .library_admin import library_admin

if TYPE_CHECKING:
    from ..assistant import Assistant

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
TITLE = "政策问答助手"
EXAMPLES = (
    "湖南省到2020年工程项目一次性验收合格率要达到多少？",
    "云南省三年行动方案对计量工作有什么要求？",
    "湖南和四川分别对标准化工作提出了什么要求？",
    "青海省到2015年森林覆盖率要达到多少？",
)
PLACEHOLDER = (
    "<div class='pq-welcome'><div class='pq-welcome-title'>请输入您要查询的政策问题</div>"
    "<div>回答逐字摘录自已收录的政策文件，并标注文件名称和条款位置；可以接着追问，例如「那四川呢？」"
    "「2025年的目标呢？」「这条由哪些单位负责？」。</div></div>"
)
STREAM_CHUNK = 6  # characters per streamed piece of an extractive answer
NO_PRINCIPAL = "请先登录：您的会话已失效或密钥已被吊销。"


@dataclass
class Turn:
    """One answered question, kept beside its chat message for follow-ups, copying and feedback."""

    question: str
    answer: Answer

    @property
    def understood_as(self) -> str:
        return self.answer.rewritten_question or self.question


def _history(turns: list[Turn | None]) -> list[dict]:
    """OpenAI-style history of the answered questions, as understood (so follow-ups can chain)."""
    messages: list[dict] = []
    for turn in turns:
        if turn is not None:
            messages += [{"role": "user", "content": turn.understood_as},
                         {"role": "assistant", "content": turn.answer.answer}]
    return messages


def _stream(assistant: Assistant, question: str, **kwargs: Any) -> Iterator[str | Answer]:
    """Pieces of the answer text, then the complete Answer; `ask_stream` is used where the API offers it."""
    ask_stream = getattr(assistant, "ask_stream", None)
    if callable(ask_stream):
        yield from ask_stream(question, **kwargs)
        return
    answer = assistant.ask(question, **kwargs)
    for end in range(STREAM_CHUNK, len(answer.answer), STREAM_CHUNK):
        yield answer.answer[end - STREAM_CHUNK:end]
    yield answer


def _read(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def build_ui(assistant: Assistant | None, error_message: str | None = None, *,
             feedback: FeedbackStore | None = None, stream_delay: float = 0.012,
             principal_of: Callable[[str | None], Principal | None] = lambda _user: LOCAL) -> gr.Blocks:
    """The whole UI; with `assistant=None` (index missing or broken) it shows `error_message` in a banner.
    `principal_of(user name or None)` says who a session is; the page is built for the anonymous caller
    (nothing, where a login is needed) and filled in for the logged-in user when it loads."""
    if assistant is None and not error_message:
        error_message = "索引未加载。"
    store = feedback or FeedbackStore.from_settings(assistant.settings if assistant else None)

    def who(request: gr.Request | None) -> Principal | None:
        return principal_of(getattr(request, "username", None))

    def documents_for(principal: Principal | None) -> list[DocumentMeta]:
        return assistant.documents(principal=principal) if assistant and principal else []

    def document_choices(principal: Principal | None, provinces: list[str] | None = None) -> list[tuple[str, str]]:
        return [(d.title, d.doc_id) for d in documents_for(principal) if not provinces or d.province in provinces]

    documents = documents_for(principal_of(None))

    # -- callbacks --------------------------------------------------------------------------------
    def respond(message: str, chat: list[dict], turns: list[Turn | None], provinces: list[str],
                doc_ids: list[str], request: gr.Request):
        if not message or not message.strip():
            yield gr.skip(), gr.skip(), gr.skip()
            return
        chat = [*chat, {"role": "user", "content": fmt.question_html(message)}]
        turns = [*turns, None]
        principal = who(request)
        if assistant is None or principal is None:
            notice = f"知识库暂不可用：{error_message}" if assistant is None else NO_PRINCIPAL
            chat.append({"role": "assistant", "content": fmt.notice_html(notice)})
            yield chat, turns + [None], ""
            return
        chat.append({"role": "assistant", "content": fmt.streaming_html("")})
        yield chat, turns, ""
        text, answer = "", None
        try:
            for piece in _stream(assistant, message, province=provinces or None, doc_id=doc_ids or None,
                                 history=_history(turns), principal=principal):
                if isinstance(piece, Answer):
                    answer = piece
                    break
                text += piece
                chat[-1] = {"role": "assistant", "content": fmt.streaming_html(text)}
                yield chat, turns, ""
                time.sleep(stream_delay)
        except AssistantError as error:
            chat[-1] = {"role": "assistant", "content": fmt.notice_html(error.message)}
            yield chat, turns + [None], ""
            return
        except Exception:  # the page must survive any failure of one question
            log.exception("answering failed")
            failure = fmt.notice_html("系统处理该问题时出错，请稍后重试或换一种问法。")
            chat[-1] = {"role": "assistant", "content": failure}
            yield chat, turns + [None], ""
            return
        if answer is None:
            answer = Answer(answer=text, answerable=bool(text), citations=[])
        turn = Turn(question=message.strip(), answer=answer)
        chat[-1] = {"role": "assistant",
                    "content": fmt.answer_html(turn.question, answer,
                                               {d.doc_id: d for d in documents_for(principal)}, len(chat) - 1)}
        yield chat, turns + [turn], ""

    def rate(turns: list[Turn | None], rated: dict[int, int], data: gr.LikeData, request: gr.Request):
        index = data.index if isinstance(data.index, int) else data.index[0]
        turn = turns[index] if 0 <= index < len(turns) else None
        if turn is None or data.liked not in (True, False) or who(request) is None:
            return rated, gr.skip(), gr.skip(), gr.skip()
        rating = "up" if data.liked else "down"
        try:
            if index in rated:
                store.set_rating(rated[index], rating)
            else:
                rated = {**rated, index: store.add(rating, turn.question, turn.answer)}
        except Exception:  # feedback must never break the chat
            log.exception("feedback not stored")
            gr.Warning("评价未能保存，请稍后重试。")
            return rated, gr.skip(), gr.skip(), gr.skip()
        label = "👍 有用" if data.liked else "👎 无用"
        status = f"已记录您对该回答的评价：{label}。如有补充说明（可选），请填写后提交。"
        return rated, rated[index], gr.update(visible=True), status

    def comment(text: str, feedback_id: int | None, request: gr.Request):
        if feedback_id is None or not text.strip() or who(request) is None:
            return gr.skip(), gr.skip(), gr.skip()
        try:
            store.set_comment(feedback_id, text)
        except AssistantError as error:
            return gr.skip(), gr.skip(), error.message
        return "", gr.update(visible=False), "已提交补充说明，感谢反馈。"

    def clear():
        return [], [], {}, None, gr.update(visible=False), ""

    def narrow_documents(provinces: list[str], chosen: list[str], request: gr.Request):
        choices = document_choices(who(request), provinces)
        allowed = {doc_id for _, doc_id in choices}
        return gr.update(choices=choices, value=[d for d in chosen or [] if d in allowed])

    def compare_topic(topic: str, provinces: list[str], page: float | None, request: gr.Request):
        hidden = gr.DownloadButton(visible=False)
        principal = who(request)
        if assistant is None or principal is None:
            return fmt.notice_html(f"知识库暂不可用：{error_message}"), None, "", hidden, hidden
        try:
            table = assistant.compare(topic, provinces or None, page=int(page or 1), principal=principal)
        except AssistantError as error:
            return fmt.notice_html(error.message), None, "", hidden, hidden
        csv_path, md_path = compare_view.export_files(table)
        return (compare_view.summary_html(table), compare_view.frame(table),
                compare_view.cards_html(table, {d.doc_id: d for d in documents_for(principal)}),
                gr.DownloadButton(value=str(csv_path), visible=True),
                gr.DownloadButton(value=str(md_path), visible=True))

    def tree_html(principal: Principal | None, doc_id: str | None) -> str:
        if not assistant or not doc_id or principal is None:
            return fmt.clause_tree_html(None, [])
        try:
            return fmt.clause_tree_html(assistant.document(doc_id, principal=principal),
                                        assistant.clauses(doc_id, principal=principal))
        except AssistantError as error:
            return fmt.notice_html(error.message)

    def show_document(doc_id: str | None, request: gr.Request):
        return tree_html(who(request), doc_id)

    def library(principal: Principal | None) -> tuple[str, str]:
        """The header line and the documents table for what `principal` may read."""
        docs = documents_for(principal)
        counts = {d.doc_id: len(assistant.clauses(d.doc_id, principal=principal)) for d in docs} if docs else {}
        return fmt.header_html(docs), fmt.documents_table_html(docs, counts)

    def personalise(request: gr.Request):
        """Fill the page for the logged-in user: their documents only."""
        principal = who(request)
        docs = documents_for(principal)
        first = docs[0].doc_id if docs else None
        header, table = library(principal)
        return (header, gr.update(choices=list(dict.fromkeys(d.province for d in docs)), value=[],
                                  interactive=bool(docs)),
                gr.update(choices=document_choices(principal), value=[], interactive=bool(docs)), table,
                gr.update(choices=document_choices(principal), value=first, interactive=bool(docs)),
                tree_html(principal, first))

    # -- layout -----------------------------------------------------------------------------------
    with gr.Blocks(title=TITLE, analytics_enabled=False) as ui:
        gr.HTML(f"<style>{_read('ui.css')}</style>", js_on_load=_read("ui.js"), elem_id="pq-top", padding=False)
        header_text, table_text = library(principal_of(None))
        header = gr.HTML(header_text, elem_id="pq-head", padding=False)
        if error_message:
            gr.HTML(fmt.banner_html(error_message), elem_id="pq-banner")
        turns = gr.State([])
        rated = gr.State({})
        feedback_id = gr.State(None)
        with gr.Tabs(elem_id="pq-tabs"):
            with gr.Tab("政策问答", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=1, min_width=260, elem_id="pq-side"):
                        gr.HTML("<div class='pq-side-title'>检索范围</div>"
                                "<div class='pq-side-hint'>不选择时，按问题中提到的省份和文件自动确定范围。</div>")
                        province = gr.Dropdown(
                            choices=list(dict.fromkeys(d.province for d in documents)), value=[],
                            multiselect=True, label="省份", elem_id="pq-province", interactive=bool(documents))
                        docs = gr.Dropdown(choices=document_choices(principal_of(None)), value=[], multiselect=True,
                                           label="文件",
                                           elem_id="pq-docs", interactive=bool(documents))
                        gr.HTML("<div class='pq-side-title'>示例问题</div>")
                        example_buttons = [gr.Button(q, size="sm", elem_classes=["pq-example"]) for q in EXAMPLES]
                    with gr.Column(scale=3, min_width=480):
                        chatbot = gr.Chatbot(
                            value=[], height=640, show_label=False, elem_id="pq-chat", placeholder=PLACEHOLDER,
                            feedback_options=("Like", "Dislike"), latex_delimiters=[], buttons=[],
                            group_consecutive_messages=False, layout="bubble", autoscroll=True)
                        with gr.Row(elem_id="pq-input-row"):
                            message = gr.Textbox(
                                placeholder="请输入问题，例如：湖南省到2020年工程项目一次性验收合格率要达到多少？",
                                show_label=False, lines=1, max_lines=5, scale=8, elem_id="pq-input",
                                interactive=assistant is not None, autofocus=True)
                            send = gr.Button("提问", variant="primary", scale=1, min_width=90, elem_id="pq-send",
                                             interactive=assistant is not None)
                            reset = gr.Button("清空对话", scale=1, min_width=90, elem_id="pq-clear")
                        with gr.Row(visible=False, elem_id="pq-feedback") as feedback_row:
                            feedback_comment = gr.Textbox(show_label=False, scale=8, max_lines=3,
                                                          placeholder="补充说明（可选）：例如引用不准确、答案不完整……",
                                                          elem_id="pq-feedback-comment")
                            feedback_send = gr.Button("提交说明", scale=1, min_width=90, elem_id="pq-feedback-send")
                        feedback_status = gr.Markdown("", elem_id="pq-feedback-status")
            with gr.Tab("对比", id="compare"):
                gr.HTML("<div class='pq-side-hint'>输入一个主题或对比问题（如「首席质量官制度」「各省森林覆盖率目标分别是多少？」），"
                        "逐份文件列出相关规定并注明出处；文件未涉及该主题时标明「未涉及」。点击表头可排序。</div>")
                with gr.Row(equal_height=True):
                    compare_input = gr.Textbox(placeholder="对比主题，例如：首席质量官制度", show_label=False, scale=6,
                                               elem_id="pq-compare-topic", interactive=assistant is not None)
                    compare_provinces = gr.Dropdown(
                        choices=list(dict.fromkeys(d.province for d in documents)), value=[], multiselect=True,
                        label="省份（不选则全部）", scale=3, elem_id="pq-compare-province", interactive=bool(documents))
                    compare_page = gr.Number(value=1, minimum=1, precision=0, label="页码", scale=1, min_width=80,
                                             elem_id="pq-compare-page")
                    compare_run = gr.Button("对比", variant="primary", scale=1, min_width=90, elem_id="pq-compare-run",
                                            interactive=assistant is not None)
                compare_summary = gr.HTML("", elem_id="pq-compare-summary")
                compare_frame = gr.Dataframe(value=None, interactive=False, wrap=True, elem_id="pq-compare-table",
                                             show_label=False)
                with gr.Row():
                    compare_csv = gr.DownloadButton("下载 CSV", visible=False, elem_id="pq-compare-csv")
                    compare_md = gr.DownloadButton("下载 Markdown", visible=False, elem_id="pq-compare-md")
                compare_cards = gr.HTML("", elem_id="pq-compare-cards")
            with gr.Tab("文件库", id="documents"):
                table = gr.HTML(table_text, elem_id="pq-doc-table")
                first = documents[0].doc_id if documents else None
                doc_pick = gr.Dropdown(choices=document_choices(principal_of(None)), value=first,
                                       label="选择文件浏览条款", elem_id="pq-doc-pick", interactive=bool(documents))
                tree = gr.HTML(tree_html(principal_of(None), first), elem_id="pq-tree")
                if assistant is not None:
                    library_admin(assistant)  # upload, parse status, corrections, removal (administrators)
        gr.HTML(fmt.footer_html(), elem_id="pq-footer")

        # -- events: internal to the page, so private; scripts use the endpoints of `register_api` --------
        private = "private"
        ask_inputs = [message, chatbot, turns, province, docs]
        ask_outputs = [chatbot, turns, message]
        message.submit(respond, ask_inputs, ask_outputs, concurrency_limit=4, api_visibility=private)
        send.click(respond, ask_inputs, ask_outputs, concurrency_limit=4, api_visibility=private)
        for button, question in zip(example_buttons, EXAMPLES):
            button.click(lambda q=question: q, None, message, queue=False, api_visibility=private).then(
                respond, ask_inputs, ask_outputs, concurrency_limit=4, api_visibility=private)
        cleared = [chatbot, turns, rated, feedback_id, feedback_row, feedback_status]
        reset.click(clear, None, cleared, queue=False, api_visibility=private)
        chatbot.clear(clear, None, cleared, queue=False, api_visibility=private)
        chatbot.like(rate, [turns, rated], [rated, feedback_id, feedback_row, feedback_status],
                     api_visibility=private)
        feedback_send.click(comment, [feedback_comment, feedback_id],
                            [feedback_comment, feedback_row, feedback_status], api_visibility=private)
        feedback_comment.submit(comment, [feedback_comment, feedback_id],
                                [feedback_comment, feedback_row, feedback_status], api_visibility=private)
        province.change(narrow_documents, [province, docs], docs, queue=False, api_visibility=private)
        doc_pick.change(show_document, doc_pick, tree, queue=False, api_visibility=private)
        ui.load(personalise, None, [header, province, docs, table, doc_pick, tree], queue=False,
                api_visibility=private)
        compare_inputs = [compare_input, compare_provinces, compare_page]
        compare_outputs = [compare_summary, compare_frame, compare_cards, compare_csv, compare_md]
        compare_run.click(compare_topic, compare_inputs, compare_outputs, concurrency_limit=4, api_visibility=private)
        compare_input.submit(compare_topic, compare_inputs, compare_outputs, concurrency_limit=4,
                             api_visibility=private)
        register_api(assistant, error_message, principal_of)
    return ui
