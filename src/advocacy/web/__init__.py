"""``advocacy serve``: the same document from a form in a web browser.

A Starlette application served by uvicorn. Nothing is stored: every page
carries the answers so far in the form itself, renders run in a few warm
worker processes (never in the request), and the answers exist only for the
request that uses them. Heavy imports (Starlette, uvicorn, pydantic,
WeasyPrint) happen here lazily, so ``advocacy --help`` stays fast.
"""

from __future__ import annotations

from advocacy.web.settings import WebSettings

__all__ = ["WebSettings", "serve"]


def serve(settings: WebSettings, *, open_browser: bool = False) -> None:
    """Run the site until Ctrl-C; ``open_browser`` opens it once it answers."""
    from advocacy.web.server import run

    run(settings, open_browser=open_browser)
