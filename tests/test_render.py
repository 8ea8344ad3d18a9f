"""The render pipeline: real PDFs, safe by construction."""

from __future__ import annotations

import io
import socket
import threading
from pathlib import Path

import pikepdf
import pytest

from advocacy import output, pipeline, render, resources
from advocacy.errors import OutputExistsError, RenderError
from advocacy.model import validate_patient
from advocacy.options import RenderOptions
from tests.conftest import PATIENTS, pdf_text


def _patient(name: str = "Sam Minimal") -> dict[str, object]:
    return {"patient": {"name": name, "date_of_birth": "1980-01-31", "diagnosis": "HSP"}}


def test_every_page_names_the_patient_and_counts_pages() -> None:
    data = pipeline.render_pdf(pipeline.from_file(PATIENTS / "valid-minimal.yaml"))
    pages = pdf_text(data)
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert "Sam Minimal" in text
        assert "January 31, 1980" in text
        assert f"Page {number} of {total}" in text


class _Listener:
    """A TCP listener on loopback that records whether anything connected."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def test_patient_text_is_data_never_markup() -> None:
    listener = _Listener()
    try:
        name = (
            '<link rel="attachment" href="file:///etc/passwd">'
            f'<img src="http://127.0.0.1:{listener.port}/x.png">{{{{ 7*7 }}}}'
        )
        patient = validate_patient(_patient(name), "inline").data
        html = pipeline.render_html(pipeline.letter(patient))
        data = pipeline.render_pdf(pipeline.letter(patient))
    finally:
        listener.close()
    assert listener.connections == 0
    assert '<link rel="attachment"' not in html
    assert "&lt;link rel=&#34;attachment&#34;" in html
    text = pdf_text(data)[0]
    assert '<link rel="attachment" href="file:///etc/passwd">' in text
    assert "{{ 7*7 }}" in text
    # Not evaluated anywhere (the listener's random port may hold "49" itself).
    assert "49" not in text.replace(str(listener.port), "")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Names" not in pdf.Root or "/EmbeddedFiles" not in pdf.Root.Names
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                assert annot.get("/Subtype") != "/FileAttachment"


def test_fetcher_allows_only_own_assets_and_data(tmp_path: Path) -> None:
    fetcher = render.make_url_fetcher()
    css = resources.styles_dir() / "print.css"
    assert fetcher.fetch(css.as_uri()).read().startswith(b"/*")
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    for url in (
        secret.as_uri(),
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.css",
        (resources.styles_dir() / ".." / ".." / "etc" / "passwd").as_uri(),
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


def test_fetcher_reads_a_file_named_explicitly(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text("<svg/>")
    fetcher = render.make_url_fetcher(extra_files=[logo])
    assert fetcher.fetch(logo.as_uri()).read() == b"<svg/>"


def test_missing_asset_fails_the_render() -> None:
    html = '<html lang="en"><body><img src="missing.png" alt="x"><p>Hi</p></body></html>'
    renderer = render.Renderer()
    with pytest.raises(RenderError, match="failed to load"):
        renderer.pdf(html, RenderOptions(pdf_variant="plain"))


def test_refused_url_fails_the_render() -> None:
    html = '<html lang="en"><body><img src="file:///etc/passwd" alt="x"></body></html>'
    with pytest.raises(RenderError):
        render.Renderer().pdf(html, RenderOptions(pdf_variant="plain"))


def test_atomic_write_never_clobbers(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    output.write_atomic(target, b"one", force=False)
    with pytest.raises(OutputExistsError):
        output.write_atomic(target, b"two", force=False)
    assert target.read_bytes() == b"one"
    output.write_atomic(target, b"three", force=True)
    assert target.read_bytes() == b"three"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_missing_font_fails_the_render() -> None:
    html = (
        '<html lang="en"><head><style>@font-face { font-family: X; src: url(nope.ttf) }'
        " p { font-family: X }</style></head><body><p>Hi</p></body></html>"
    )
    with pytest.raises(RenderError, match="cannot be loaded"):
        render.Renderer().pdf(html, RenderOptions(pdf_variant="plain"))
