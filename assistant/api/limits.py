"""Request body size limit for the API paths, answered with the usual JSON error (413)."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response


class BodyTooLarge(HTTPException):
    """An HTTPException, so that FastAPI passes it through while reading the body instead of turning it into 400."""

    def __init__(self, limit: int):
        super().__init__(status_code=413)
        self.message = f"请求体过大，上限为 {limit} 字节。"


class BodySizeLimit:
    """Refuses bodies over `limit` bytes under `prefix`: at once by Content-Length, else while reading."""

    def __init__(self, app: ASGIApp, limit: int, prefix: str = "/v1/"):
        self.app = app
        self.limit = limit
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._reject(scope, receive, send)
            return

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, "payload_too_large", BodyTooLarge(self.limit).message,
                                  headers={"Connection": "close"})
        await response(scope, receive, send)
