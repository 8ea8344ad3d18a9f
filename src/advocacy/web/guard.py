"""The outermost layer: size limits, security headers, and no traceback for anyone.

Pure ASGI, so it sees every response, including Starlette's own errors, and
every byte of every request body before any parser does.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

log = logging.getLogger("advocacy.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Everything from this site, nothing from anywhere else; no framing (clickjacking);
# pictures may be data: URLs (the page previews are embedded in the page).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
# Pages carry people's answers: no browser or proxy may keep a copy.
NO_STORE = b"no-store"
STATIC_CACHE = b"public, max-age=3600"


def too_large(limit: int) -> HTTPException:
    mib = f"{limit / (1024 * 1024):g} MB"
    return HTTPException(
        413, f"What was sent is larger than the {mib} this site accepts. Send something smaller."
    )


class Guard:
    def __init__(self, app: Any, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        static = str(scope.get("path", "")).startswith("/static/")
        limit = self.max_body
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(limit)
            return message

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in SECURITY_HEADERS and k.lower() != b"cache-control"
                ]
                headers += list(SECURITY_HEADERS.items())
                headers.append((b"cache-control", STATIC_CACHE if static else NO_STORE))
                message["headers"] = headers
            await send(message)

        declared = _content_length(scope)
        if declared is not None and declared > limit:
            # Refused before a byte of the body is read.
            await self.app(scope, _refuse(limit), secured_send)
            return
        try:
            await self.app(scope, limited_receive, secured_send)
        except Exception as exc:
            # Starlette has already answered (its error page); say only what kind
            # of error it was: a message could quote someone's answers.
            log.error("request failed: %s", type(exc).__name__)
            if not started:
                await secured_send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                    }
                )
                await send({"type": "http.response.body", "body": b"Something went wrong."})


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _refuse(limit: int) -> Receive:
    async def receive() -> Message:
        raise too_large(limit)

    return receive
