"""Small ASGI helpers shared by the middlewares."""

from __future__ import annotations

from starlette.types import Message, Send


class ResponseTracker:
    """Wraps `send` and remembers whether the response has started: after that, no error response fits."""

    def __init__(self, send: Send):
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)
