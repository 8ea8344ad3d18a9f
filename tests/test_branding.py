"""A support group's branding: checked before anything renders, shown on every page."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from advocacy import branding, pipeline, render
from advocacy.cli import cli
from advocacy.errors import InvalidPatientError, RenderError
from tests.conftest import ROSTERS, pdf_text

GROUP = "Example HSP Support Group"


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x1f\x5f\x8b" * width)  # one row is enough to check
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)


def _org_file(folder: Path, logo: str | None = "logo.png") -> Path:
    path = folder / "org.yaml"
    lines = [f"name: {GROUP}", "website: https://hsp-group.example.org", "phone: '+1 555 0199'"]
    lines.append("message: Supporting people with HSP since 1999")
    if logo:
        lines.append(f"logo: {logo}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_org_file_logo_is_relative_to_the_file(tmp_path: Path) -> None:
    organisation = branding.load_organisation(ROSTERS / "org.yaml")
    assert organisation.name == GROUP
    assert organisation.logo == ROSTERS / "logo.svg"
    brand = branding.brand(organisation, "org.yaml")
    assert brand is not None
    assert brand.logo_url == (ROSTERS / "logo.svg").resolve().as_uri()
    # The same fields under an `organisation:` key, as in a patient file, work too.
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text('{"organisation": {"name": "Group", "logo": "x.png"}}', encoding="utf-8")
    assert branding.load_organisation(wrapped).logo == tmp_path / "x.png"


def test_org_file_problems_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text("nmae: Group\n", encoding="utf-8")
    with pytest.raises(InvalidPatientError) as caught:
        branding.load_organisation(path)
    paths = {p.path for p in caught.value.problems}
    assert paths == {"organisation.nmae", "organisation.name"}
    assert "Did you mean 'name'?" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("logo.jpg", b"\xff\xd8\xff", "is not a PNG or SVG file"),
        ("logo.png", b"GIF89a....", "is not a PNG image"),
        ("logo.png", _png(9000, 10), "is 9000 x 10 pixels"),
        ("logo.svg", b"<html><body/></html>", "outer element is not <svg>"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "is not a valid SVG"),
        (
            "logo.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'><image href='file:///etc/passwd'/></svg>",
            "refers to another file or address (file:///etc/passwd)",
        ),
        (
            "logo.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'><rect style='fill:url(http://x.example/p)'/>"
            b"</svg>",
            "refers to another file or address (http://x.example/p)",
        ),
        (
            "logo.svg",
            b"<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY a 'aaaa'>]>"
            b"<svg xmlns='http://www.w3.org/2000/svg'>&a;</svg>",
            "declares XML entities",
        ),
    ],
)
def test_logo_type_size_and_contents_are_checked(
    tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    problem = branding.logo_problem(path)
    assert problem is not None
    assert problem.path == "organisation.logo"
    assert words in problem.message
    assert problem.fix


def test_logo_missing_or_too_large(tmp_path: Path) -> None:
    missing = branding.logo_problem(tmp_path / "nope.png")
    assert missing is not None
    assert "does not exist" in missing.message
    big = tmp_path / "big.png"
    with big.open("wb") as handle:
        handle.write(_png(100, 100))
        handle.truncate(branding.MAX_LOGO_BYTES + 1)
    too_big = branding.logo_problem(big)
    assert too_big is not None
    assert "the limit is 1 MB" in too_big.message
    good = tmp_path / "good.png"
    good.write_bytes(_png(120, 40))
    assert branding.logo_problem(good) is None
    assert branding.logo_problem(ROSTERS / "logo.svg") is None


def test_renderer_may_read_the_logo_for_its_render_only(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(_png(120, 40))
    brand = branding.brand(branding.load_organisation(_org_file(tmp_path)), "org.yaml")
    assert brand is not None and brand.logo is not None
    job = pipeline.blank(brand=brand)
    renderer = render.Renderer()
    data = pipeline.render_pdf(job, renderer=renderer)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert any(
            "/XObject" in page.obj.Resources and len(page.obj.Resources.XObject)
            for page in pdf.pages
        )
    # A warm renderer serves the next document too: the logo is not left readable.
    assert not renderer.url_fetcher.allows(brand.logo)
    assert not renderer.url_fetcher.allows((tmp_path / "org.yaml").resolve())
    with pytest.raises(RenderError, match="logo.png"):
        renderer.pdf(pipeline.render_html(job), job.options)


def test_batch_shows_the_group_on_every_page(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(_png(120, 40))
    org = _org_file(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["batch", str(ROSTERS / "members.json"), "--out-dir", str(out), "--org", str(org)]
    )
    assert result.exit_code == 1  # item 2 has no diagnosis
    data = (out / "1-Ann-Able.pdf").read_bytes()
    pages = pdf_text(data)
    assert all(GROUP in text for text in pages)
    for words in ("hsp-group.example.org", "+1 555 0199", "Supporting people with HSP since 1999"):
        assert words in pages[0]
    # The group's name never pushes the member's own identification off page 1.
    assert "Ann Able" in pages[0]
    with pikepdf.open(out / "1-Ann-Able.pdf") as pdf:
        images = [
            xobject
            for xobject in pdf.pages[0].Resources.get("/XObject", {}).values()
            if xobject.get("/Subtype") == "/Image"
        ]
        assert [(int(i.Width), int(i.Height)) for i in images] == [(120, 40)]


def test_bad_logo_stops_the_batch_before_rendering(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"not a png")
    org = _org_file(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["batch", str(ROSTERS / "mixed.csv"), "--out-dir", str(out), "--org", str(org)]
    )
    assert result.exit_code == 2
    assert "organisation.logo" in result.stderr
    assert "is not a PNG image" in result.stderr
    assert not out.exists()


def test_a_row_with_a_bad_logo_fails_alone(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(_png(120, 40))
    roster = tmp_path / "members.csv"
    roster.write_text(
        "Name,Date of birth,Diagnosis,Organisation name,Organisation logo\n"
        "Ann Able,1961-02-03,HSP,Group A,logo.png\n"
        "Ben Bad,1962-03-04,HSP,Group B,missing.svg\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(cli, ["batch", str(roster), "--out-dir", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert [p.name for p in out.glob("*.pdf")] == ["2-Ann-Able.pdf"]
    assert "row 3: organisation.logo (column E):" in result.stderr
    assert "missing.svg does not exist" in result.stderr


def test_defaults_can_carry_the_organisation(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.png").write_bytes(_png(60, 20))
    defaults = tmp_path / "brand" / "defaults.yaml"
    defaults.write_text(f"organisation:\n  name: {GROUP}\n  logo: logo.png\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        cli,
        [
            "batch",
            str(ROSTERS / "members.json"),
            "--out-dir",
            str(out),
            "--defaults",
            str(defaults),
        ],
    )
    assert result.exit_code == 1
    assert GROUP in pdf_text((out / "1-Ann-Able.pdf").read_bytes())[0]


def test_blank_copies_carry_the_group(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "blank.pdf"
    result = runner.invoke(
        cli, ["blank", "--copies", "2", "-o", str(out), "--org", str(ROSTERS / "org.yaml")]
    )
    assert result.exit_code == 0, result.output
    pages = pdf_text(out.read_bytes())
    assert all(GROUP in text for text in pages)
    assert "Supporting people with HSP since 1999" in pages[0]
