"""The one place that knows where templates/ and styles/ live.

In a wheel they sit inside the package (``advocacy/templates``); in a source
checkout (editable install or tests) they are the top-level folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _root() -> Path:
    if (_PACKAGE / "templates").is_dir():
        return _PACKAGE
    checkout = _PACKAGE.parent.parent
    if (checkout / "templates").is_dir():
        return checkout
    msg = f"advocacy's templates are missing from {_PACKAGE}; reinstall the package."
    raise RuntimeError(msg)


def templates_dir() -> Path:
    return _root() / "templates"


def styles_dir() -> Path:
    return _root() / "styles"


def fonts_dir() -> Path:
    return styles_dir() / "fonts"


def asset_roots() -> tuple[Path, ...]:
    """Folders the renderer may read from; nothing outside them is ever fetched."""
    return (templates_dir().resolve(), styles_dir().resolve())
