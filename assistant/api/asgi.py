"""Small ASGI helpers shared by the middlewares."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ResponseTracker:
    """Wraps `send` and remembers whether the response has started: after that, no error response fits."""

    def __init__(self, send: Send):
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


class HttpMiddleware:
    """ASGI middleware that acts on HTTP requests only; lifespan and websocket traffic pass straight through."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError
