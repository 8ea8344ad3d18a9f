"""A support group's branding: its name, logo, website, phone and a one-line message.

The logo is the only file a document reads that the user named: it must be a
local PNG or SVG of a sensible size, it is checked here before anything
renders, and the renderer may read exactly that one path (``Job.files``),
for that one render only, and nothing beside it. An SVG that would pull in
other files or web addresses is refused, because the renderer would refuse
them anyway, on every page, with a less helpful message.
"""

from __future__ import annotations

import os
import re
import stat
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from advocacy.errors import BrandingError, InvalidPatientError, Problem
from advocacy.loading import kind_of, load_data, read_bytes
from advocacy.model import DocumentSettings, Organisation, anchor_logo
from advocacy.textcheck import printable
from advocacy.validation import early_problems, problems_from_validation_error

# A logo prints about 18 mm tall: a few hundred pixels is plenty, and every
# member's PDF carries a copy, so a large file makes every PDF large.
MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_PIXELS = 6000
MAX_LOGO_AREA = 16_000_000
# Elements an SVG would draw once every <use> is expanded: nested <use> of
# <use> multiplies like a "billion laughs" without a single entity.
MAX_SVG_ELEMENTS = 20_000
LOGO_TYPES = (".png", ".svg")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_CSS_URL = re.compile(r"""url\(\s*['"]?\s*([^'")\s]*)""", re.IGNORECASE)


@dataclass(frozen=True)
class Branding:
    """An organisation whose logo (if any) has been checked and may be read."""

    organisation: Organisation
    logo: Path | None = None

    @property
    def logo_url(self) -> str | None:
        return self.logo.as_uri() if self.logo else None


# What a group may set once for all its letters, besides its branding.
GROUP_SETTINGS = ("language", "paper")


def load_organisation(path: Path) -> Organisation:
    """Read ``--org FILE``: the organisation's fields, bare or under ``organisation:``.

    A relative logo path is relative to the file, so the file and its logo can
    be kept together and used from any folder.
    """
    return load_group(path)[0]


def load_group(path: Path) -> tuple[Organisation, dict[str, str]]:
    """``--org FILE``'s organisation and the settings it gives every letter
    (``language: en-GB``, ``paper: a4``), as a patient file's ``document:`` holds them."""
    source = str(path)
    raw = load_data(path)
    if isinstance(raw, Mapping) and set(raw) == {"organisation"}:
        raw = raw["organisation"]
    if not isinstance(raw, Mapping):
        raise InvalidPatientError(
            source,
            [Problem("", "is not a set of fields.", "Write name:, logo:, website:, phone:.")],
        )
    settings = {k: raw[k] for k in GROUP_SETTINGS if k in raw}
    organisation = validate_organisation(
        {k: v for k, v in raw.items() if k not in GROUP_SETTINGS}, source, base=path.parent
    )
    try:
        checked = DocumentSettings.model_validate(settings)
    except ValidationError as exc:
        raise InvalidPatientError(
            source, problems_from_validation_error(exc, DocumentSettings)
        ) from None
    return organisation, checked.model_dump(include=set(settings), exclude_none=True)


def with_logo_from(data: dict[str, Any], base: Path) -> dict[str, Any]:
    """A patient record whose organisation's relative logo path is made absolute from ``base``."""
    anchored: dict[str, Any] = anchor_logo(data, base)
    return anchored


def validate_organisation(raw: Mapping[str, Any], source: str, *, base: Path) -> Organisation:
    data = with_logo_from({"organisation": dict(raw)}, base)["organisation"]
    early, data = early_problems(data, Organisation)  # a placeholder from `init --org`
    try:
        organisation = Organisation.model_validate(data)
    except ValidationError as exc:
        said = {p.path for p in early}
        late = problems_from_validation_error(exc, Organisation)
        problems = early + [p for p in late if p.path not in said]
    else:
        if not early:
            return organisation
        problems = early
    raise InvalidPatientError(
        source,
        [Problem(f"organisation.{p.path}".rstrip("."), p.message, p.fix) for p in problems],
    )


def group(path: Path) -> tuple[Branding, dict[str, str]]:
    """A group's ``--org FILE``, read and its logo checked: the branding for
    every letter and the settings it gives them (``language``, ``paper``)."""
    organisation, settings = load_group(path)
    return _checked(organisation, str(path)), settings


def brand(organisation: Organisation | None, source: str = "") -> Branding | None:
    """Check the organisation's logo; raises BrandingError naming the file and the fix."""
    return None if organisation is None else _checked(organisation, source)


def _checked(organisation: Organisation, source: str) -> Branding:
    if organisation.logo is None:
        return Branding(organisation)
    problem = logo_problem(organisation.logo)
    if problem is not None:
        where = f"{source}: " if source else ""
        msg = f"{where}{problem}"
        raise BrandingError(msg)
    return Branding(organisation, organisation.logo.resolve())


def logo_problem(path: Path) -> Problem | None:
    """What is wrong with a logo file, or None if it can be printed."""
    field = "organisation.logo"
    shown = str(path)
    suffix = path.suffix.lower()
    if suffix not in LOGO_TYPES:
        return Problem(
            field, f"{shown} is not a PNG or SVG file.", "Save the logo as .png or .svg."
        )
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return Problem(
            field,
            f"{shown} does not exist.",
            "Check the path; a relative path starts from the file that names the logo.",
        )
    except OSError as exc:
        return Problem(field, f"{shown} cannot be read ({exc.strerror or exc}).")
    except ValueError:  # a NUL in the path: no file can have that name
        return Problem(field, f"{printable(shown)} is not a file name (it has a NUL character).")
    if not stat.S_ISREG(info.st_mode):
        return Problem(
            field,
            f"{shown} is {kind_of(info.st_mode)}, not an image file.",
            "Give the logo's file.",
        )
    try:
        size = info.st_size
        if size > MAX_LOGO_BYTES:
            return Problem(
                field,
                f"{shown} is {size / 1024 / 1024:.1f} MB; the limit is"
                f" {MAX_LOGO_BYTES // 1024 // 1024} MB.",
                "It prints about 18 mm tall: save a smaller copy (a few hundred pixels is plenty).",
            )
        data = read_bytes(path, limit=MAX_LOGO_BYTES)
    except InvalidPatientError as exc:
        return Problem(field, f"{shown}: {exc.problems[0].message}")
    except OSError as exc:
        return Problem(field, f"{shown} cannot be read ({exc.strerror or exc}).")
    detail = _png_problem(data) if suffix == ".png" else _svg_problem(data)
    if detail:
        return Problem(field, f"{shown} {detail}", "Export the logo again as PNG or SVG.")
    return None


def _png_problem(data: bytes) -> str:
    if not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return "is not a PNG image (its contents are something else)."
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_LOGO_PIXELS and 0 < height <= MAX_LOGO_PIXELS):
        return f"is {width} x {height} pixels; keep it within {MAX_LOGO_PIXELS} pixels a side."
    if width * height > MAX_LOGO_AREA:
        # A small file can unpack to gigabytes of pixels (a decompression bomb).
        return (
            f"is {width} x {height} pixels ({width * height / 1e6:.0f} million); keep it under"
            f" {MAX_LOGO_AREA // 1_000_000} million pixels."
        )
    return ""


def _drawn_elements(root: Any) -> int:
    """Elements drawn with every ``<use>`` expanded, counted without expanding; a
    ``<use>`` that (through others) refers to itself counts as too many."""
    by_id = {e.attrib["id"]: e for e in root.iter() if "id" in e.attrib}
    sizes: dict[int, int] = {}
    too_many = MAX_SVG_ELEMENTS + 1

    def size(element: Any, open_ids: frozenset[int]) -> int:
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in open_ids or len(open_ids) > 50:
            return too_many
        inner = open_ids | {key}
        total = 1 + sum(size(child, inner) for child in element)
        if element.tag == f"{_SVG_NAMESPACE}use":
            target = element.attrib.get("href") or element.attrib.get(_XLINK_HREF, "")
            if target.startswith("#") and target[1:] in by_id:
                total += size(by_id[target[1:]], inner)
        sizes[key] = min(total, too_many)
        return sizes[key]

    return size(root, frozenset())


def _svg_problem(data: bytes) -> str:
    import xml.etree.ElementTree as ET  # noqa: S405 - only the standard parser, no entities allowed

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "is not an SVG image (it is not UTF-8 text)."
    if "<!ENTITY" in text:
        return "declares XML entities, which a logo never needs."
    try:
        root = ET.fromstring(text)  # noqa: S314 - entities refused above; size limited
    except ET.ParseError as exc:
        return f"is not a valid SVG image ({exc})."
    if root.tag != f"{_SVG_NAMESPACE}svg":
        return "is not an SVG image (its outer element is not <svg>)."
    if _drawn_elements(root) > MAX_SVG_ELEMENTS:
        return (
            f"would draw more than {MAX_SVG_ELEMENTS:,} shapes once its <use> copies are"
            " expanded (or a <use> refers to itself)."
        )
    for element in root.iter():
        targets: list[str] = []
        for name, value in element.attrib.items():
            if name in {"href", _XLINK_HREF}:
                targets.append(value.strip())
            else:
                targets += _CSS_URL.findall(value)
        styles = [element.attrib.get("style", "")]
        if element.tag == f"{_SVG_NAMESPACE}style" and element.text:
            styles.append(element.text)
        if any("\\" in style for style in styles):
            # url(\66ile:...) is a file: link the check above cannot see.
            return "uses CSS escapes (a backslash in a style), which a logo never needs."
        if element.tag == f"{_SVG_NAMESPACE}style" and element.text:
            if "@import" in element.text:
                return "imports a stylesheet; a logo must be self-contained."
            targets += _CSS_URL.findall(element.text)
        for target in targets:
            if target and not target.startswith(("#", "data:")):
                return (
                    f"refers to another file or address ({target[:60]}); a logo must be"
                    " self-contained (images embedded, no links)."
                )
    return ""
