"""Request body size limit for the API paths, answered with the usual JSON error (413)."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .asgi import ResponseTracker
from .errors import error_response

DRAIN_LIMIT = 4 * 1024 * 1024  # over-long bodies up to this size are read and discarded before the 413
UPLOAD_OVERHEAD = 64_000  # multipart boundaries and form fields around an uploaded file


class BodyTooLarge(HTTPException):
    """An HTTPException, so that FastAPI passes it through while reading the body instead of turning it into 400."""

    def __init__(self, limit: int):
        super().__init__(status_code=413)
        self.message = f"请求体过大，上限为 {limit} 字节。"


class BodySizeLimit:
    """Refuses bodies over `limit` bytes under `prefix`: at once by Content-Length, else while reading.
    Paths under a key of `uploads` (document uploads) get that larger limit instead."""

    def __init__(self, app: ASGIApp, limit: int, prefix: str = "/v1/", uploads: dict[str, int] | None = None):
        self.app = app
        self.limit = limit
        self.prefix = prefix
        self.uploads = uploads or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        limit = next((size for path, size in self.uploads.items() if scope["path"].startswith(path)), self.limit)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            drained = int(declared) <= DRAIN_LIMIT and await _drain(receive, 0)
            await self._reject(scope, receive, send, limit, keep_alive=drained)
            return

        received = 0
        tracker = ResponseTracker(send)

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if message.get("more_body", False):
                        await _drain(receive, received)
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, limited_receive, tracker)
        except BodyTooLarge:
            if tracker.started:
                raise
            await self._reject(scope, receive, send, limit, keep_alive=False)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, limit: int, *, keep_alive: bool) -> None:
        response = error_response(413, "payload_too_large", BodyTooLarge(limit).message,
                                  headers=None if keep_alive else {"Connection": "close"})
        await response(scope, receive, send)


async def _drain(receive: Receive, already: int) -> bool:
    """Read and discard the rest of a refused body, so the client gets to read the 413 instead of a connection
    reset while it is still sending; True if the whole body was read."""
    total = already
    while total <= DRAIN_LIMIT:
        message = await receive()
        if message["type"] != "http.request":
            return False
        total += len(message.get("body", b""))
        if not message.get("more_body", False):
            return True
    return False
