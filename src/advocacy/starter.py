"""``advocacy init``: a commented patient file to fill in.

The file is the example in ``templates/patient.yaml``, with every value that
names a person, a place or a date replaced by a placeholder such as
``<your full name>``. ``check`` and ``render`` refuse a placeholder, naming
each field that still holds one, so the example people ("Alex Example",
"Dr Sam Neurologist") can never be printed in a real letter by mistake.
"""

from __future__ import annotations

import re
from pathlib import Path

from advocacy import output, resources
from advocacy.errors import Problem

EXAMPLE = "patient.yaml"

PLACEHOLDERS = {
    "patient.name": "<your full name>",
    "patient.preferred_name": "<what you like to be called>",
    "patient.date_of_birth": "<your date of birth, YYYY-MM-DD>",
    "patient.diagnosis": "<your diagnosis, for example hereditary spastic paraplegia (SPG4)>",
    "patient.hospital_number": "<NHS, MRN or clinic number>",
    "patient.phone": "<your phone number>",
    "patient.email": "<your e-mail address>",
    "patient.address": "<your address>",
    "appointment.clinic": "<the clinic's name>",
    "appointment.clinician": "<the consultant or nurse>",
    "appointment.date": "<the appointment date, YYYY-MM-DD>",
    "appointment.time": "<the time on your appointment letter>",
    "appointment.address": "<where the clinic is>",
    "emergency_contact.name": "<your emergency contact's name>",
    "emergency_contact.phone": "<their phone number>",
    "emergency_contact.relationship": "<partner, parent, friend…>",
    "prepared_with.name": "<who helped you, if anyone>",
    "prepared_with.organisation": "<your support group, if any>",
}
_PLACEHOLDER_TEXTS = frozenset(PLACEHOLDERS.values())
# Someone else's health, written as if it were the patient's: kept as notes
# to copy from, never as values a letter would print.
EXAMPLE_SECTIONS = frozenset({"mobility", "medication", "goals", "statement", "questions"})
_EXAMPLE_NOTE = "# An example: remove the '# ' at the start of each line, then write your own."

_FIELD = re.compile(
    r"^(?P<indent> *)(?P<key>[a-z_]+):(?P<space> +)(?P<value>[^#\n]*?)(?P<rest> +#.*)?$"
)


def example_values(data: object) -> list[Problem]:
    """Fields still holding the example's own people and places ("Alex Example",
    "Dr Sam Neurologist"), as warnings: a file copied from the examples, not from
    ``init``, would otherwise print them without a word."""
    from advocacy.loading import parse_text

    example = parse_text(example_text(), ".yaml", EXAMPLE)
    found = []
    for path in PLACEHOLDERS:
        if path in _REAL_ENOUGH:
            continue
        section, name = path.split(".")
        value = _get(data, section, name)
        mine = str(value).strip().casefold()
        if value is not None and mine == str(_get(example, section, name)).strip().casefold():
            found.append(
                Problem(
                    path,
                    f"{str(value)!r} is the example's value, not yours.",
                    "Write yours in its place, or delete the line if it is optional.",
                )
            )
    return found


# Example values a real letter may well share (a diagnosis, a date, 10:30,
# "partner"): not worth a warning.
_REAL_ENOUGH = frozenset(
    {
        "patient.diagnosis",
        "patient.date_of_birth",
        "appointment.date",
        "appointment.time",
        "emergency_contact.relationship",
    }
)


def _get(data: object, section: str, name: str) -> object:
    part = getattr(data, section, None) if not isinstance(data, dict) else data.get(section)
    if part is None:
        return None
    return part.get(name) if isinstance(part, dict) else getattr(part, name, None)


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and value.strip() in _PLACEHOLDER_TEXTS


def example_text() -> str:
    return (resources.templates_dir() / EXAMPLE).read_text(encoding="utf-8")


def starter_text() -> str:
    """The example with placeholders where it names people, places and dates, and
    the example's own words about health (mobility, medicines, goals) as notes."""
    section = ""
    lines = []
    for line in example_text().splitlines():
        top = re.match(r"^([a-z_]+):", line)
        if top:
            section = top.group(1)
            if section in EXAMPLE_SECTIONS:
                lines.append(_EXAMPLE_NOTE)
        match = _FIELD.match(line)
        if match and match["indent"]:
            placeholder = PLACEHOLDERS.get(f"{section}.{match['key']}")
            if placeholder is not None:
                rest = f" {match['rest'].lstrip()}" if match["rest"] else ""
                line = f'{match["indent"]}{match["key"]}:{match["space"]}"{placeholder}"{rest}'
        if section in EXAMPLE_SECTIONS and line.strip():
            line = f"# {line}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def write_example(path: Path, *, force: bool = False) -> None:
    output.write_atomic(path, starter_text().encode("utf-8"), force=force)


GROUP_TEMPLATE = """\
# advocacy group file
# -------------------
# A support group's branding and settings, printed on every letter it makes:
#   advocacy batch members.csv --org {name}
#   advocacy blank --copies 50 --org {name}
#
# Lines starting with # are notes. Delete any optional line you do not need.

name: "<your group's name, as it should appear on the letter>"   # REQUIRED

# A local PNG or SVG file; a relative path starts from this file's folder.
# It prints about 18 mm tall: a few hundred pixels is plenty.
# logo: logo.png

# website: https://www.example.org
# phone: "+44 20 7946 0000"
# message: Supporting people with HSP

# For every letter, unless a member's row says otherwise (--lang and --paper
# on the command line override both).
# language: en-GB          # en-US (mcg, Letter paper) or en-GB (micrograms, A4)
# paper: a4                # a4 or letter; default follows the language
"""
GROUP_PLACEHOLDER = "<your group's name, as it should appear on the letter>"
_PLACEHOLDER_TEXTS = _PLACEHOLDER_TEXTS | {GROUP_PLACEHOLDER}


def write_group(path: Path, *, force: bool = False) -> None:
    text = GROUP_TEMPLATE.format(name=path.name)
    output.write_atomic(path, text.encode("utf-8"), force=force)
