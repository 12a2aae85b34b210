"""Who may call the API: API keys (X-API-Key or Authorization: Bearer), open mode, per-client rate limit.

A key names a principal (access.py): keys from `assistant keys create` carry their own role and
collections; keys in POLICYQA_API_KEYS are admins of every collection, as they were before roles existed.
Open mode lets requests without a key through; by default it is on only when the server is bound to a
loopback address, so a server reachable from the network never runs open by accident. The same principals
log in to the chat (user name = the key's name, password = the key).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..access import ANONYMOUS, DEFAULT_COLLECTION, EVERY_COLLECTION, SETTINGS_KEY_PREFIX, KeyStore, Principal
from ..audit import AuditLog
from ..settings import Settings
from .errors import Forbidden, RateLimited, Unauthorized
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
    principal: Principal

    @property
    def identity(self) -> str:
        """What the rate limit counts against: the key (hashed, never kept in clear) or the address."""
        if self.key is not None:
            return "key:" + hashlib.sha256(self.key.encode()).hexdigest()[:16]
        return "addr:" + self.address


class AccessPolicy:
    def __init__(self, settings: Settings):
        self.env_keys = tuple(k for k in settings.api_keys if k)
        self.store = KeyStore.from_settings(settings, AuditLog.from_settings(settings))
        self.open = settings.open_mode if settings.open_mode is not None else is_loopback(settings.host)
        self.limiter = SlidingWindowLimiter(settings.rate_limit_per_minute)

    @property
    def keys(self) -> bool:
        """Whether any key exists (settings or key store): then the chat asks for a login."""
        return bool(self.env_keys) or self.store.has_active()

    def principal_of_key(self, presented: str) -> Principal | None:
        for number, key in enumerate(self.env_keys, start=1):
            if hmac.compare_digest(presented.encode(), key.encode()):
                return Principal(name=f"{SETTINGS_KEY_PREFIX}{number}", role="admin", collections=[EVERY_COLLECTION])
        return self.store.authenticate(presented)

    def anonymous(self) -> Principal:
        """Open mode without a key: everything on a keyless local server; once keys exist, only 公开."""
        if self.keys:
            return Principal(name=ANONYMOUS, role="reader", collections=[DEFAULT_COLLECTION])
        return Principal(name=ANONYMOUS, role="admin", collections=[EVERY_COLLECTION])

    def login(self, username: str, password: str) -> bool:
        """Gradio's login check: the password is a key whose name is the user name."""
        principal = self.principal_of_key(password)
        return principal is not None and hmac.compare_digest(principal.name.encode(), username.encode())

    def chat_principal(self, username: str | None) -> Principal | None:
        """The principal behind a chat session, checked on every call so a revoked key ends the session."""
        if username is None:
            return self.anonymous() if self.open and not self.keys else None
        if username.startswith(SETTINGS_KEY_PREFIX):
            number = username.removeprefix(SETTINGS_KEY_PREFIX)
            if number.isdigit() and 1 <= int(number) <= len(self.env_keys):
                return self.principal_of_key(self.env_keys[int(number) - 1])
            return None
        return self.store.active_user(username)

    def authenticate(self, presented: str | None, address: str) -> Client:
        keys = self.keys
        if presented and keys:
            principal = self.principal_of_key(presented)
            if principal is None:
                raise Unauthorized("API 密钥无效。")
            return Client(presented, address, principal)
        if self.open:
            return Client(None, address, self.anonymous())  # a key sent to a server that has none is ignored
        if not keys:
            raise Unauthorized("服务器未配置 API 密钥，且未开放匿名访问（POLICYQA_API_KEYS / POLICYQA_OPEN_MODE）。")
        raise Unauthorized("缺少 API 密钥：请在请求头 X-API-Key 中提供。")

    def check_rate(self, identity: str) -> None:
        retry_after = self.limiter.hit(identity)
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
        policy.check_rate("addr:" + address)  # failed attempts count against the address: no key guessing
        raise
    policy.check_rate(client.identity)
    return client


def require_admin(policy: AccessPolicy, client: Client) -> Client:
    """The one admin check, for the API's admin routes and the UI's document management: an admin principal,
    and a key whenever keys exist, even in open mode."""
    if not client.principal.is_admin or (policy.keys and client.key is None):
        if client.key is None:
            raise Unauthorized("此操作需要 API 密钥。")
        raise Forbidden("此操作需要管理员权限（admin 角色）。")
    return client


def admin_client(client: Annotated[Client, Depends(authenticated_client)],
                 policy: Annotated[AccessPolicy, Depends(get_policy)]) -> Client:
    return require_admin(policy, client)


def caller(client: Annotated[Client, Depends(authenticated_client)]) -> Principal:
    """The principal a route passes to the Python API."""
    return client.principal


CallerDep = Annotated[Principal, Depends(caller)]
AdminDep = Annotated[Client, Depends(admin_client)]
