"""Reading the data files people give us, in one place and within limits.

Patient files, group files, ``--defaults``, YAML/JSON rosters and standard
input all come through here, so that a FIFO cannot hang the tool, a link to
``/dev/zero`` cannot fill memory, a YAML alias bomb cannot expand, and an
encoding or syntax mistake is one sentence naming the file, the line and the fix.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from advocacy.errors import InvalidPatientError, Problem

# A filled-in patient file is a few kilobytes; a statement at its longest is
# well under 100 KB. Anything near a megabyte is not a patient file.
MAX_FILE_BYTES = 1024 * 1024
# A YAML or JSON roster of a few thousand members.
MAX_LIST_BYTES = 32 * 1024 * 1024
# Sections inside sections: a patient file is three deep, a roster list five.
MAX_DEPTH = 32
# Values after YAML aliases are expanded: a roster list of 10,000 members
# with ~60 values each. Ten nested aliases of ten reach 10**10.
MAX_NODES = 1_000_000
STDIN = "-"

_YAML_STR = "tag:yaml.org,2002:str"
_YAML_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _refuse(source: str, message: str, fix: str = "") -> InvalidPatientError:
    return InvalidPatientError(source, [Problem("", message, fix)])


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_file(path: Path, *, limit: int) -> None:
    """Refuse, before it is opened, anything but a regular file of at most ``limit`` bytes."""
    source = str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _unreadable(source, exc) from None
    _regular(info.st_mode, source)
    if info.st_size > limit:
        raise _too_large(source, limit)


def read_bytes(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file (or standard input for ``-``), at most ``limit``.

    The file's type is checked before it is opened, and again on the open
    descriptor (opened non-blocking), so a FIFO or device put in its place
    in between is refused rather than waited on or read forever.
    """
    source = str(path)
    if source == STDIN:
        data = sys.stdin.buffer.read(limit + 1) if sys.stdin is not None else b""
        source = "standard input"
    else:
        try:
            _regular(os.stat(path).st_mode, source)
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as handle:
                _regular(os.fstat(handle.fileno()).st_mode, source)
                data = handle.read(limit + 1)
        except OSError as exc:
            raise _unreadable(source, exc) from None
    if len(data) > limit:
        raise _too_large(source, limit)
    return data


def _regular(mode: int, source: str) -> None:
    if not stat.S_ISREG(mode):
        raise _refuse(source, f"is {kind_of(mode)}, not a file.", "Give the path of a saved file.")


def _unreadable(source: str, exc: OSError) -> InvalidPatientError:
    if isinstance(exc, FileNotFoundError):
        return _refuse(source, "file not found.", "Check the name and the folder.")
    if isinstance(exc, PermissionError):
        return _refuse(
            source, "you do not have permission to read it.", "Check the file's permissions."
        )
    return _refuse(source, f"cannot be read ({exc.strerror or exc}).")


def _too_large(source: str, limit: int) -> InvalidPatientError:
    return _refuse(
        source,
        f"is larger than {_size(limit)}, more than this kind of file needs.",
        "Check that it is the right file.",
    )


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MB" if count >= 1024 * 1024 else f"{count // 1024} KB"


def decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without a BOM) or UTF-16 with a BOM; anything else is named."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows Notepad's "Unicode": the BOM says which way round.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _refuse(
                source, "starts as UTF-16 text but is damaged.", "Save it again as UTF-8."
            ) from None
    else:
        if b"\x00" in data:
            raise _refuse(source, *_nul_problem(data))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise _refuse(
                source,
                f"line {line} is not UTF-8 text (byte 0x{data[exc.start]:02X}; the file is"
                " probably saved as Latin-1 or Windows-1252).",
                "Save it as UTF-8 (in most editors: Save As, Encoding: UTF-8).",
            ) from None
    if "\x00" in text:
        raise _refuse(source, *_nul_problem(text.encode("utf-8")))
    return text


def _nul_problem(data: bytes) -> tuple[str, str]:
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    if max(even, odd) > len(data) // 4:
        return (
            "is saved as UTF-16 without a byte-order mark, which cannot be read reliably.",
            "Save it as UTF-8.",
        )
    line = data[: data.index(b"\x00")].count(b"\n") + 1
    return (f"line {line} contains a NUL byte, so it is not a text file.", "Save it as UTF-8 text.")


def read_text(path: Path, *, limit: int = MAX_FILE_BYTES) -> str:
    return decode(read_bytes(path, limit=limit), str(path))


def load_data(path: Path, *, limit: int = MAX_FILE_BYTES, suffix: str | None = None) -> Any:
    """Read and parse a YAML, TOML or JSON file (standard input is YAML, which covers JSON)."""
    return load_data_with_lines(path, limit=limit, suffix=suffix)[0]


def load_data_with_lines(
    path: Path, *, limit: int = MAX_FILE_BYTES, suffix: str | None = None
) -> tuple[Any, dict[str, int]]:
    """``load_data`` and, for YAML, the line of each field (``{"patient.name": 3}``)."""
    source = str(path)
    if suffix is None:
        suffix = ".yaml" if source == STDIN else path.suffix
    lines: dict[str, int] = {}
    data = _parse(read_text(path, limit=limit), suffix, source, lines)
    return data, lines


def parse_text(text: str, suffix: str, source: str) -> Any:
    """Parse a file's text by its extension; mistakes name the line and the fix."""
    return _parse(text, suffix, source, {})


def _parse(text: str, suffix: str, source: str, lines: dict[str, int]) -> Any:
    suffix = suffix.lower()
    try:
        if suffix in {".yaml", ".yml"}:
            data = _load_yaml(text, source, lines)
        elif suffix == ".toml":
            data = _toml_loads(text)
        elif suffix == ".json":
            # Infinity and NaN are parsed, then refused with their field by check_shape.
            data = json.loads(text)
        else:
            raise _refuse(
                source,
                f"unknown file type {suffix or '(none)'!r}.",
                "Use a .yaml, .yml, .toml or .json file.",
            )
    except InvalidPatientError:
        raise
    except json.JSONDecodeError as exc:
        raise _refuse(
            source, f"line {exc.lineno}, column {exc.colno}: {exc.msg}.", "Fix the syntax there."
        ) from None
    except RecursionError:
        raise _too_deep(source) from None
    except Exception as exc:  # ruamel and tomllib raise many kinds; all mean bad syntax
        from advocacy.yamlwords import describe_syntax_error

        raise _refuse(source, *describe_syntax_error(exc, text)) from None
    check_shape(data, source)
    return data


def _too_deep(source: str) -> InvalidPatientError:
    return _refuse(
        source,
        f"has sections nested more than {MAX_DEPTH} deep; no patient file needs that.",
        "Start from `advocacy init`.",
    )


def check_shape(data: Any, source: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, whatever the format."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep(source)
        if isinstance(value, dict):
            stack += [(v, depth + 1) for v in value.values()]
        elif isinstance(value, list):
            stack += [(v, depth + 1) for v in value]


def _load_yaml(text: str, source: str, lines: dict[str, int]) -> Any:
    # YAML 1.2 on purpose: PyYAML's 1.1 reads 050 as 40 and NO as False.
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    node = yaml.compose(text)
    if node is None:
        return None
    _check_nodes(node, source)
    lines.update(_field_lines(node))
    return yaml.constructor.construct_document(node)


def _check_nodes(root: Any, source: str) -> None:
    """Count values as if aliases were expanded, without expanding them.

    A few lines of aliases-of-aliases (a "billion laughs") would otherwise
    expand to gigabytes. Dates are left as text for the schema to read, so an
    impossible one (2023-02-29) is reported at its field, like any other.
    """
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    sizes: dict[int, int] = {}
    # Iterative post-order walk: (node, depth, children done?)
    stack: list[tuple[Any, int, bool]] = [(root, 0, False)]
    open_nodes: set[int] = set()
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            children = _children(node, MappingNode, SequenceNode)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_NODES:
                raise _refuse(
                    source,
                    "uses YAML aliases (*name) that would expand to more than"
                    f" {MAX_NODES:,} values.",
                    "Write the values out, or use fewer aliases.",
                )
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            line = node.start_mark.line + 1 if node.start_mark else "?"
            raise _refuse(
                source,
                f"line {line}: a YAML alias refers to the section that contains it.",
                "Write the values out instead of the alias.",
            )
        if depth > MAX_DEPTH:
            raise _too_deep(source)
        if isinstance(node, ScalarNode):
            if node.tag == _YAML_TIMESTAMP:
                node.tag = _YAML_STR
            sizes[key] = 1
            continue
        open_nodes.add(key)
        stack.append((node, depth, True))
        stack += [(child, depth + 1, False) for child in _children(node, MappingNode, SequenceNode)]


def _field_lines(root: Any) -> dict[str, int]:
    """The line each field path starts on, for messages; each node is visited once,
    so aliases add nothing and cost nothing."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    found: dict[str, int] = {}
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(key, ScalarNode):
                    inner = f"{path}.{key.value}" if path else str(key.value)
                    found.setdefault(inner, key.start_mark.line + 1)
                    stack.append((value, inner))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                inner = f"{path}[{index + 1}]"
                found.setdefault(inner, item.start_mark.line + 1)
                stack.append((item, inner))
    return found


def _children(node: Any, mapping: type, sequence: type) -> list[Any]:
    value: Any = node.value
    if isinstance(node, mapping):
        return [part for pair in value for part in pair]
    if isinstance(node, sequence):
        return list(value)
    return []


def _toml_loads(text: str) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads(text)
