"""``advocacy blank``: copies to fill in by hand, for a support group's meeting.

The document is rendered once and its pages are repeated: every copy shares
the first copy's fonts and page contents, so 1,000 copies cost about as much
as one plus a millisecond each, and the file stays small. A single copy is
the rendered PDF itself, tags and all (the accessible version); repeated
copies make a print file. With ``fillable`` each copy's form fields get their
own names (``copy2_name``), so filling in one copy never fills in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advocacy import branding, output, pdfedit, pipeline
from advocacy.errors import BlankUsageError
from advocacy.options import RenderOptions

STDOUT = Path("-")
MAX_COPIES = 10_000
# Form fields are copied (not shared) so that each copy can be filled in on
# its own; past this many the file would be large for no real use.
MAX_FILLABLE_COPIES = 200


@dataclass(frozen=True)
class BlankResult:
    path: Path | None
    copies: int
    pages_per_copy: int
    pages: int


def make_blank(
    target: Path,
    *,
    copies: int = 1,
    fillable: bool = False,
    duplex: bool = False,
    org: Path | None = None,
    force: bool = False,
    **overrides: Any,
) -> BlankResult:
    """Render the blank document once, repeat it ``copies`` times, write it atomically."""
    if not 1 <= copies <= MAX_COPIES:
        msg = f"--copies must be between 1 and {MAX_COPIES}."
        raise BlankUsageError(msg)
    if fillable and copies > MAX_FILLABLE_COPIES:
        msg = (
            f"--fillable makes each copy's form fields its own; make at most"
            f" {MAX_FILLABLE_COPIES} fillable copies (or share one copy as a file)."
        )
        raise BlankUsageError(msg)
    to_stdout = target == STDOUT
    if to_stdout:
        output.check_stdout(binary=True)
    else:
        output.check_writable(target, force=force)
    brand = None
    values: dict[str, Any] = {}
    if org is not None:
        brand, document = branding.group(org)
        # The group's language and paper, unless --lang or --paper say otherwise.
        values = {"lang": document.get("language"), "paper": document.get("paper")}
    values.update({k: v for k, v in overrides.items() if v is not None})
    options = RenderOptions(**{k: v for k, v in values.items() if v is not None})
    one = pipeline.render(pipeline.blank(options, brand=brand, fillable=fillable))
    data = pdfedit.repeat_pages(one.data, copies, duplex=duplex, fillable=fillable)
    pages, per_copy = pdfedit.count_pages(data), one.pages or 0
    if to_stdout:
        output.write_stdout(data)
        return BlankResult(None, copies, per_copy, pages)
    output.write_atomic(target, data, force=force)
    return BlankResult(target, copies, per_copy, pages)
