"""Dependencies shared by the routers: the loaded Assistant and the error responses every route may give."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from ..assistant import Assistant
from ..errors import IndexUnavailable
from .schemas import ErrorBody


def get_assistant(request: Request) -> Assistant:
    assistant = request.app.state.assistant
    if assistant is None:
        raise IndexUnavailable(not_ready_message(request))
    return assistant


def not_ready_message(request: Request) -> str:
    return getattr(request.app.state, "load_error", None) or "索引尚未加载完成，请稍后再试。"


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for error statuses, all with the one error body."""
    descriptions = {400: "请求有误（空问题、问题过长、未知的省份或文档、无效 JSON）", 401: "缺少或无效的 API 密钥",
                    403: "密钥的角色不允许此操作", 404: "文档或条款不存在",
                    409: "操作正在进行，或与现有文档冲突（重复文档、删除最后一份文档）",
                    413: "请求体或文件过大", 422: "参数类型或取值不符合要求",
                    429: "请求过于频繁", 500: "服务器内部错误", 503: "索引尚未就绪"}
    return {s: {"model": ErrorBody, "description": descriptions.get(s, "错误")} for s in statuses}
