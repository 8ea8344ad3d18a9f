"""Pictures of the pages: one PNG per page, named to sort, sized by the DPI, nothing clobbered."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader, PdfWriter

from advocacy import preview
from advocacy.cli import cli
from tests.conftest import PATIENTS

LETTER = (612, 792)
A4 = (595.28, 841.89)


@pytest.fixture
def mixed_pdf(tmp_path: Path) -> Path:
    """Eleven blank pages, Letter then A4 then landscape Letter: no rendering needed."""
    writer = PdfWriter()
    for index in range(11):
        width, height = (LETTER, A4, LETTER[::-1])[index % 3]
        writer.add_blank_page(width, height)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "doc.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def pixels(points: float, dpi: int) -> int:
    return round(points * dpi / 72)


def assert_size(path: Path, size: tuple[float, float], dpi: int) -> None:
    with Image.open(path) as image:
        assert image.format == "PNG"
        width, height = image.size
    assert abs(width - pixels(size[0], dpi)) <= 1, (path, image.size)
    assert abs(height - pixels(size[1], dpi)) <= 1, (path, image.size)


def test_every_page_of_a_pdf_named_to_sort(mixed_pdf: Path, tmp_path: Path) -> None:
    out = tmp_path / "pictures"
    written = preview.preview(mixed_pdf, out, dpi=50)
    names = [p.name for p in written]
    assert names == [f"doc-p{n:02d}.png" for n in range(1, 12)]
    assert sorted(p.name for p in out.iterdir()) == names  # a listing is in page order
    for index, path in enumerate(written):
        assert_size(path, (LETTER, A4, LETTER[::-1])[index % 3], 50)


@pytest.mark.parametrize(
    ("spec", "pages"),
    [("1-2", [1, 2]), ("3", [3]), ("10-", [10, 11]), ("-2,5", [1, 2, 5]), ("2,1-2", [1, 2])],
)
def test_pages_option(mixed_pdf: Path, tmp_path: Path, spec: str, pages: list[int]) -> None:
    written = preview.preview(mixed_pdf, tmp_path / "out", pages=spec, dpi=20)
    assert [p.name for p in written] == [f"doc-p{n:02d}.png" for n in pages]


@pytest.mark.parametrize("spec", ["0", "2-1", "x", "1-2-3", "", "1,,2"])
def test_bad_page_ranges_are_usage_errors(runner: CliRunner, mixed_pdf: Path, spec: str) -> None:
    result = runner.invoke(cli, ["preview", str(mixed_pdf), "--pages", spec])
    assert result.exit_code == 2
    assert "--pages" in result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.name for p in mixed_pdf.parent.iterdir()) == ["doc.pdf"]


def test_pages_beyond_the_end_say_how_many_there_are(mixed_pdf: Path, tmp_path: Path) -> None:
    with pytest.raises(preview.PageRangeError, match="the document has 11 pages"):
        preview.preview(mixed_pdf, tmp_path / "out", pages="11-12")
    assert not (tmp_path / "out").exists()


def test_refuses_to_overwrite_any_picture(
    runner: CliRunner, mixed_pdf: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "doc-p02.png").write_bytes(b"mine")
    result = runner.invoke(cli, ["preview", str(mixed_pdf), "-o", str(out), "--dpi", "20"])
    assert result.exit_code == 1
    assert "doc-p02.png already exists; use --force" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["doc-p02.png"]  # none written
    assert (out / "doc-p02.png").read_bytes() == b"mine"
    args = ["preview", str(mixed_pdf), "-o", str(out), "--dpi", "20", "--force"]
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(list(out.iterdir())) == 11
    assert_size(out / "doc-p02.png", A4, 20)


def test_not_a_pdf(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really")
    result = runner.invoke(cli, ["preview", str(broken)])
    assert result.exit_code == 1
    assert "broken.pdf: not a PDF that can be read" in result.stderr


def test_patient_file_rendered_with_the_render_options(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "me.yaml"
    shutil.copy(PATIENTS / "valid-minimal.yaml", source)
    result = runner.invoke(
        cli, ["preview", str(source), "--paper", "a4", "--dpi", "30"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    pictures = sorted(tmp_path.glob("me-p*.png"))
    assert result.stderr.splitlines() == [f"Wrote {p}" for p in pictures]
    # As many pictures as the PDF `render` makes has pages, each the paper's size.
    pdf = tmp_path / "me.pdf"
    args = ["render", str(source), "--paper", "a4", "-o", str(pdf)]
    assert runner.invoke(cli, args, catch_exceptions=False).exit_code == 0
    assert len(pictures) == len(PdfReader(pdf).pages) >= 1
    for picture in pictures:
        assert_size(picture, A4, 30)


def test_invalid_patient_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    shutil.copy(PATIENTS / "dose-looks-like-mg.yaml", source)
    result = runner.invoke(cli, ["preview", str(source)])
    assert result.exit_code == 2
    assert "micrograms" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_dpi_is_checked(runner: CliRunner, mixed_pdf: Path) -> None:
    assert runner.invoke(cli, ["preview", str(mixed_pdf), "--dpi", "5000"]).exit_code == 2
