"""Who may call the API: API keys (X-API-Key or Authorization: Bearer), open mode, per-client rate limit.

Open mode lets requests without a key through; by default it is on only when the server is bound to a
loopback address, so a server reachable from the network never runs open by accident.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..settings import Settings
from .errors import RateLimited, Unauthorized
from .ratelimit import SlidingWindowLimiter

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="One of POLICYQA_API_KEYS.")
_bearer = HTTPBearer(auto_error=False, description="The same API key, as OpenAI clients send it.")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Client:
    key: str | None
    address: str

    @property
    def identity(self) -> str:
        """What the rate limit counts against: the key (hashed, never kept in clear) or the address."""
        if self.key is not None:
            return "key:" + hashlib.sha256(self.key.encode()).hexdigest()[:16]
        return "addr:" + self.address


class AccessPolicy:
    def __init__(self, settings: Settings):
        self.keys = tuple(k for k in settings.api_keys if k)
        self.open = settings.open_mode if settings.open_mode is not None else is_loopback(settings.host)
        self.limiter = SlidingWindowLimiter(settings.rate_limit_per_minute)

    def _valid(self, presented: str) -> bool:
        return any(hmac.compare_digest(presented.encode(), key.encode()) for key in self.keys)

    def authenticate(self, presented: str | None, address: str) -> Client:
        if presented and self.keys:
            if not self._valid(presented):
                raise Unauthorized("API 密钥无效。")
            return Client(presented, address)
        if self.open:
            return Client(None, address)  # a key sent to a server that has none is simply ignored
        if not self.keys:
            raise Unauthorized("服务器未配置 API 密钥，且未开放匿名访问（POLICYQA_API_KEYS / POLICYQA_OPEN_MODE）。")
        raise Unauthorized("缺少 API 密钥：请在请求头 X-API-Key 中提供。")

    def check_rate(self, client: Client) -> None:
        retry_after = self.limiter.hit(client.identity)
        if retry_after is not None:
            raise RateLimited(f"请求过于频繁，请 {retry_after} 秒后再试。", retry_after)


def get_policy(request: Request) -> AccessPolicy:
    return request.app.state.policy


def authenticated_client(
    request: Request,
    policy: Annotated[AccessPolicy, Depends(get_policy)],
    api_key: Annotated[str | None, Depends(_api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Client:
    """The caller, authenticated and counted against the rate limit."""
    presented = api_key or (bearer.credentials if bearer else None)
    address = request.client.host if request.client else "unknown"
    try:
        client = policy.authenticate(presented, address)
    except Unauthorized:
        policy.check_rate(Client(None, address))  # failed attempts count against the address: no key guessing
        raise
    policy.check_rate(client)
    return client


def require_admin(policy: AccessPolicy, client: Client) -> Client:
    """The one admin check, for the API's admin routes and the UI's document management: a key whenever keys
    exist, even in open mode."""
    if policy.keys and client.key is None:
        raise Unauthorized("此操作需要 API 密钥。")
    return client


def admin_client(client: Annotated[Client, Depends(authenticated_client)],
                 policy: Annotated[AccessPolicy, Depends(get_policy)]) -> Client:
    return require_admin(policy, client)
