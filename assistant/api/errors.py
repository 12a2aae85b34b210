"""HTTP errors: every failure leaves the server as {"error": {"code", "message", "type", "param"}} with a
Chinese message: OpenAI's error shape, so OpenAI SDKs raise their usual exception classes (`type` and `param`
follow OpenAI; `code` stays our stable code).

Domain errors (AssistantError and the API's own subclasses below) carry their status; FastAPI's validation
errors and Starlette's HTTP errors are translated; anything else is logged here and answered with a generic 500
by `UnhandledErrors`, so stack traces never reach clients and the connection stays usable.
"""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from ..errors import AssistantError
from .asgi import HttpMiddleware, ResponseTracker

log = logging.getLogger(__name__)

INTERNAL_MESSAGE = "服务器内部错误，请稍后再试。"

_STATUS_MESSAGES = {
    400: ("bad_request", "请求有误。"),
    401: ("unauthorized", "需要有效的 API 密钥。"),
    403: ("forbidden", "没有访问权限。"),
    404: ("not_found", "请求的地址不存在。"),
    405: ("method_not_allowed", "该地址不支持此请求方法。"),
    406: ("not_acceptable", "无法提供所请求的内容格式。"),
    413: ("payload_too_large", "请求体过大。"),
    415: ("unsupported_media_type", "请求体须为 JSON（Content-Type: application/json）。"),
    429: ("rate_limited", "请求过于频繁，请稍后再试。"),
}


class Unauthorized(AssistantError):
    http_status = 401


class Forbidden(AssistantError):
    """A valid key whose role does not allow the call."""

    http_status = 403


class RateLimited(AssistantError):
    http_status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Conflict(AssistantError):
    http_status = 409


class UnsupportedParameter(AssistantError):
    """A request feature this server does not implement (n > 1, tools, images): refused, never silently dropped."""

    def __init__(self, message: str, param: str):
        super().__init__(message)
        self.param = param


class ModelNotFound(AssistantError):
    """A model id other than ours: OpenAI's 404 `model_not_found`."""

    http_status = 404

    def __init__(self, message: str, param: str = "model"):
        super().__init__(message)
        self.param = param


def error_type(status: int) -> str:
    """OpenAI's error `type` for a status."""
    if status >= 500:
        return "server_error"
    return {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}.get(
        status, "invalid_request_error")


def error_code(error: AssistantError) -> str:
    """InvalidQuestion → invalid_question: the class name is the stable code."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


def error_body(status: int, code: str, message: str, *, param: str | None = None,
               details: list[dict[str, str]] | None = None) -> dict:
    body: dict = {"code": code, "message": message, "type": error_type(status), "param": param}
    if details:
        body["details"] = details
    return {"error": body}


def error_response(status: int, code: str, message: str, *, param: str | None = None,
                   details: list[dict[str, str]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, param=param, details=details), status_code=status,
                        headers=headers)


def error_payload(error: Exception) -> dict:
    """The error object for channels that cannot change the status any more (a stream already started)."""
    if isinstance(error, AssistantError):
        return error_body(error.http_status, error_code(error), error.message,
                          param=getattr(error, "param", None))
    return error_body(500, "internal_error", INTERNAL_MESSAGE)


# -- validation errors ------------------------------------------------------------------------------

_TYPE_MESSAGES = {
    "missing": "缺少必填字段",
    "string_type": "应为字符串",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为布尔值",
    "bool_parsing": "应为布尔值",
    "list_type": "应为数组",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "literal_error": "取值不在允许范围内",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "too_short": "内容过少",
    "too_long": "内容过多或过长",
    "string_too_long": "字符串过长",
    "string_too_short": "字符串过短",
    "union_tag_invalid": "类型不正确",
    "string_unicode": "含有无效字符",
}


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "请求体"


def validation_details(error: RequestValidationError | ValidationError) -> tuple[str, str, list[dict[str, str]]]:
    """(code, message, details) for a request FastAPI (or the Gradio API, with the same models) could not
    parse or validate."""
    details: list[dict[str, str]] = []
    for item in error.errors():
        kind = item.get("type", "")
        if kind == "json_invalid":
            return "invalid_json", "请求体不是有效的 JSON。", []
        field = _field(tuple(item.get("loc", ())))
        message = _TYPE_MESSAGES.get(kind, "格式不正确")
        if {"field": field, "message": message} not in details:
            details.append({"field": field, "message": message})
    summary = "；".join(f"{d['field']}：{d['message']}" for d in details[:5])
    return "invalid_request", f"请求参数有误：{summary}。", details


# -- handlers ---------------------------------------------------------------------------------------

async def _assistant_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, AssistantError)
    status = getattr(error, "http_status", 400)
    if status >= 500:
        log.error("%s on %s %s: %s", type(error).__name__, request.method, request.url.path, error.message)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else None
    return error_response(status, error_code(error), error.message, param=getattr(error, "param", None),
                          headers=headers)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    code, message, details = validation_details(error)
    return error_response(400 if code == "invalid_json" else 422, code, message, details=details,
                          param=details[0]["field"] if details else None)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code, message = _STATUS_MESSAGES.get(error.status_code, ("http_error", "请求无法处理。"))
    message = getattr(error, "message", None) or message
    if error.status_code >= 500:
        code, message = "internal_error", INTERNAL_MESSAGE
    return error_response(error.status_code, code, message, headers=getattr(error, "headers", None))


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    log.error("Unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return error_response(500, "internal_error", INTERNAL_MESSAGE)


class UnhandledErrors(HttpMiddleware):
    """Turns unexpected exceptions into the generic 500 here, instead of letting them reach the server.

    Starlette's own last-resort handler answers too, but re-raises, and uvicorn then drops the connection
    under a keep-alive client. A failure after the response has started can only be logged.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracker = ResponseTracker(send)
        try:
            await self.app(scope, receive, tracker)
        except Exception as error:
            log.error("Unhandled error on %s %s", scope.get("method"), scope.get("path"), exc_info=error)
            if not tracker.started:
                await error_response(500, "internal_error", INTERNAL_MESSAGE)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AssistantError, _assistant_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
