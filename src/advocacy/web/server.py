"""Serving the application with uvicorn: quiet about people, loud about problems."""

from __future__ import annotations

import socket
import threading
import time
import webbrowser

import uvicorn

from advocacy.errors import PortInUse
from advocacy.web.app import create_app
from advocacy.web.settings import WebSettings


def run(settings: WebSettings, *, open_browser: bool = False) -> None:
    check_port(settings.host, settings.port)
    app = create_app(settings)
    host = settings.host
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - names it only
    url = f"http://{shown}:{settings.port}/"
    if open_browser:
        threading.Thread(
            target=_open_when_ready, args=(shown, settings.port, url), daemon=True
        ).start()
    print(f"advocacy: the form is at {url}  (Ctrl-C to stop)", flush=True)  # noqa: T201
    uvicorn.run(
        app,
        host=host,
        port=settings.port,
        # The access log would write every address asked for; the form's
        # answers travel in POST bodies, never in addresses, but nothing about
        # the people using the site needs to be kept at all.
        access_log=False,
        log_level="warning",
        server_header=False,
        # Behind a group's HTTPS reverse proxy: trust its X-Forwarded-* only
        # from the same machine.
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        # Connections beyond this get 503 from uvicorn itself; renders are
        # bounded separately by the worker pool's queue.
        limit_concurrency=100,
        timeout_graceful_shutdown=10,
    )


def check_port(host: str, port: int) -> None:
    """Say so in words, before anything starts, when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by the last run is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise PortInUse(host, port) from None


def _open_when_ready(host: str, port: int, url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    webbrowser.open(url)
