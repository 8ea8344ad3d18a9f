"""HTML and PDF rendering: the only module that imports Jinja and WeasyPrint.

Safety rules enforced here:

- one Jinja environment, autoescaped, ``StrictUndefined``: patient text is data,
  never markup, and a missing value fails instead of printing blank;
- one URL fetcher for every HTML and CSS object: ``data:`` URLs, and ``file:``
  URLs inside the project's own assets (plus files the user named explicitly);
  nothing else, no redirects, never the network;
- WeasyPrint's log is part of the result: a stylesheet, font or image that
  fails to load fails the render instead of giving a silently unstyled PDF.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2

from advocacy import resources
from advocacy.errors import RenderError
from advocacy.options import RenderOptions

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

log = logging.getLogger(__name__)

# Fontconfig reads this when WeasyPrint is first imported: point it at a
# configuration that knows only the bundled fonts, so no system font can ever
# end up in a PDF and the output is the same on every machine.
_FONTCONFIG_FILE = "fonts.conf"


# --------------------------------------------------------------------------- Jinja


@cache
def environment() -> jinja2.Environment:
    from advocacy import filters

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.templates_dir())),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.filters.update(filters.PLAIN)
    for name, function in filters.BY_LANGUAGE.items():
        env.filters[name] = _with_language(function)
    return env


def _with_language(function: Callable[[Any, str], str]) -> Callable[..., str]:
    @jinja2.pass_context
    def apply(context: Any, value: Any) -> str:
        return function(value, context["lang"])

    return apply


def render_html(template: str, context: dict[str, Any]) -> str:
    """Render ``template`` with finished values; every missing name is an error."""
    env = environment()
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateError as exc:
        msg = f"template {template!r} could not be rendered: {exc}"
        raise RenderError(msg) from exc


# --------------------------------------------------------------------------- fetching


def _url_fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        """Serve ``data:`` URLs and files inside the allowed folders, nothing else."""

        def __init__(self, roots: Sequence[Path], files: Sequence[Path] = ()) -> None:
            super().__init__(
                allowed_protocols=("data", "file"),
                allow_redirects=False,
                fail_on_errors=False,
                timeout=1,
            )
            self.roots = tuple(root.resolve() for root in roots)
            self.files = frozenset(path.resolve() for path in files)

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                msg = f"refused to fetch {url!r}: only the project's own assets are read"
                raise ValueError(msg)
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            if not self.allows(path):
                msg = f"refused to read {path}: outside the project's assets"
                raise ValueError(msg)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

        def allows(self, path: Path) -> bool:
            return path in self.files or any(path.is_relative_to(root) for root in self.roots)

    return AssetFetcher


def make_url_fetcher(extra_files: Iterable[Path] = (), extra_roots: Iterable[Path] = ()) -> Any:
    cls = _url_fetcher_class()
    return cls((*resources.asset_roots(), *extra_roots), tuple(extra_files))


# --------------------------------------------------------------------------- logs


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# These WeasyPrint warnings mean an asset is missing: the PDF would look wrong.
_FATAL_WARNINGS = ("cannot be loaded", "Failed to load")


@contextmanager
def _weasyprint_log() -> Iterator[_Collector]:
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    logger.addHandler(collector)
    # WeasyPrint adds its own stderr handler only for its CLI; keep the
    # library's records from reaching the user's terminal twice.
    previous = logger.propagate
    logger.propagate = False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.propagate = previous


def _check_log(collector: _Collector) -> None:
    fatal = [
        r
        for r in collector.records
        if r.levelno >= logging.ERROR or any(m in r.getMessage() for m in _FATAL_WARNINGS)
    ]
    for record in collector.records:
        if record not in fatal:
            log.debug("weasyprint: %s", record.getMessage())
    if fatal:
        details = "; ".join(sorted({r.getMessage() for r in fatal}))
        msg = f"the PDF was not written because an asset failed to load: {details}"
        raise RenderError(msg)


# --------------------------------------------------------------------------- PDF


def _import_weasyprint() -> Any:
    # Must happen before WeasyPrint's first import, which initialises Fontconfig.
    os.environ["FONTCONFIG_FILE"] = str(resources.fonts_dir() / _FONTCONFIG_FILE)
    # fontTools stamps the current time into fonts it subsets (when HarfBuzz's
    # subsetter is missing); a fixed epoch keeps the same input giving the same bytes.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    import weasyprint

    return weasyprint


def weasyprint_versions() -> dict[str, str]:
    """WeasyPrint's and Pango's versions, for ``--version``."""
    weasyprint = _import_weasyprint()
    from weasyprint.text.ffi import pango

    # Pango encodes its version as one integer: 1.50.12 is 15012.
    number = int(pango.pango_version())
    version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    return {"WeasyPrint": str(weasyprint.__version__), "Pango": version}


class Renderer:
    """A warm renderer: one FontConfiguration, pre-parsed stylesheets, one image cache.

    Creating a ``FontConfiguration`` per document leaks native memory, so a
    process keeps one renderer and reuses it for every document.
    """

    def __init__(self, extra_files: Iterable[Path] = ()) -> None:
        weasyprint = _import_weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
        self.font_config: FontConfiguration = FontConfiguration()
        self.url_fetcher = make_url_fetcher(extra_files)
        self._stylesheets: dict[tuple[str, ...], list[CSS]] = {}
        self._image_cache: dict[str, Any] = {}

    @contextmanager
    def _allowing(self, files: Iterable[Path]) -> Iterator[None]:
        """Let this one render read the files the user named (an organisation's
        checked logo): a warm renderer serves many documents, and one group's
        logo must not stay readable for the next."""
        before = self.url_fetcher.files
        allowed = {path.resolve() for path in files}
        self.url_fetcher.files = before | allowed
        try:
            yield
        finally:
            self.url_fetcher.files = before
            # WeasyPrint 70 caches images by URL and would serve the logo
            # to a later render without asking the fetcher.
            for path in allowed - before:
                self._image_cache.pop(path.as_uri(), None)

    def stylesheets(self, options: RenderOptions) -> list[CSS]:
        names = options.stylesheet_names()
        key = (*names, options.page_css())
        if key not in self._stylesheets:
            css = self._weasyprint.CSS
            sheets = []
            for name in names:
                path = resources.styles_dir() / name
                if not path.is_file():
                    msg = f"stylesheet {name} is missing from {path.parent}; reinstall advocacy."
                    raise RenderError(msg)
                sheets.append(
                    css(
                        filename=str(path),
                        url_fetcher=self.url_fetcher,
                        font_config=self.font_config,
                    )
                )
            sheets.append(
                css(
                    string=options.page_css(),
                    url_fetcher=self.url_fetcher,
                    font_config=self.font_config,
                )
            )
            self._stylesheets[key] = sheets
        return self._stylesheets[key]

    def document(self, html: str, options: RenderOptions, files: Iterable[Path] = ()) -> Any:
        """Lay out ``html`` (not yet written); raises RenderError on missing assets.

        ``files`` are the user's own files this document may read (a logo).
        """
        with self._allowing(files), _weasyprint_log() as collector:
            try:
                document = self._weasyprint.HTML(
                    string=html,
                    base_url=resources.templates_dir().as_uri() + "/",
                    url_fetcher=self.url_fetcher,
                ).render(
                    font_config=self.font_config,
                    stylesheets=self.stylesheets(options),
                    cache=self._image_cache,
                    **options.pdf_options(),
                )
            except RenderError:
                raise
            except Exception as exc:
                msg = f"the PDF could not be laid out: {type(exc).__name__}: {exc}"
                raise RenderError(msg) from exc
        _check_log(collector)
        return document

    def pdf(self, html: str, options: RenderOptions, files: Iterable[Path] = ()) -> bytes:
        """Render ``html`` to PDF bytes; raises RenderError and writes nothing on failure."""
        document = self.document(html, options, files)
        return self.write(document, options, identifier=html)

    def write(self, document: Any, options: RenderOptions, identifier: str) -> bytes:
        with _weasyprint_log() as collector:
            # A fixed identifier derived from the content: same input, same bytes.
            pdf_id = hashlib.sha256(identifier.encode()).hexdigest()[:32].encode()
            data = document.write_pdf(pdf_identifier=pdf_id, **options.pdf_options())
        _check_log(collector)
        if not isinstance(data, bytes):  # pragma: no cover - write_pdf(None) returns bytes
            msg = "WeasyPrint returned no PDF."
            raise RenderError(msg)
        if options.pdf_options().get("pdf_tags"):
            from advocacy import pdfedit

            data = pdfedit.finish_tagged_pdf(data)
        return data


@cache
def default_renderer() -> Renderer:
    return Renderer()
