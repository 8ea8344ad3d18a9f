"""Characters that must not reach a letter, a file name or the terminal.

Bidi overrides and zero-width characters can make one name display exactly
as another (an impersonation nobody could see on paper); control characters
ring bells or move a terminal's cursor. In the patient's data they are
refused, naming the field and the character; in messages they are shown as
escapes, so nothing a person typed can act on the terminal.
"""

from __future__ import annotations

import re
import unicodedata

# Tabs and line breaks are ordinary in a statement or an address.
_ALLOWED_CONTROLS = {"\n", "\t"}
# Cc: controls (NUL, BEL, ESC, C1); Cf: invisible format characters (bidi
# overrides and isolates, zero-width space and joiners, soft hyphen, BOM);
# Cs: lone surrogates, which cannot even be saved as UTF-8.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs"}

# Long enough for any real name or paragraph; short enough that layout
# stays quick (a 100,000-character word hangs it).
MAX_TEXT = 2_000
MAX_LONG_TEXT = 20_000
# Items in one list (goals, medicines, questions…).
MAX_ITEMS = 100
# All the text of one letter: about ten pages. More is a mistake, and would
# take the layout minutes.
MAX_TOTAL_TEXT = 60_000
# How much of a value a message may echo.
SHOWN = 80


def hidden_character(text: str) -> str | None:
    """The first refused character, as ``U+202E (RIGHT-TO-LEFT OVERRIDE)``, or None."""
    for char in text:
        if char in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            return describe(char)
    return None


def describe(char: str) -> str:
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "a control character")
    return f"U+{ord(char):04X} ({name})"


_CONTROL_NAMES = {
    0x00: "NUL",
    0x07: "BEL, the terminal bell",
    0x08: "BACKSPACE",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESC, which starts terminal commands",
    0x7F: "DELETE",
}


def plain_text(value: str) -> str:
    """A pydantic validator: refuse invisible and control characters, naming the first."""
    found = hidden_character(value)
    if found is not None:
        from pydantic_core import PydanticCustomError

        raise PydanticCustomError(
            "text_hidden_character",
            "contains {char}, an invisible or control character that can make text print"
            " or display as something else. Retype the text without it.",
            {"char": found},
        )
    return value


def printable(text: str) -> str:
    """``text`` safe for a terminal: refused characters as escapes (``\\x1b``, ``<U+202E>``)."""
    if hidden_character(text) is None:
        return text
    out = []
    for char in text:
        if char in _ALLOWED_CONTROLS or unicodedata.category(char) not in _REFUSED_CATEGORIES:
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"<U+{ord(char):04X}>")
    return "".join(out)


def shown(value: object, limit: int = SHOWN) -> str:
    """A value as a message may echo it: quoted if text, escaped, at most ``limit`` characters."""
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = f"{text[: limit - 1]}… ({len(str(value)):,} characters)"
    return printable(text)


# An address a letter can print and a clinic can use: one @, a dot in the
# domain, no commas or spaces (x@gmial,com is a typo, not an address).
_EMAIL = re.compile(r"^[^@\s,;:<>()]+@[^@\s,;:<>()]+\.[^\W\d_]{2,}$")
# Digits with the usual separators, an optional + and an extension.
_PHONE = re.compile(r"^\+?[\d\s().\-/]+(\s*(ext\.?|extension|x)\s*\d+)?$", re.IGNORECASE)
MIN_PHONE_DIGITS = 5


def email_shape(value: str) -> str:
    if not _EMAIL.match(value):
        from pydantic_core import PydanticCustomError

        raise PydanticCustomError(
            "email_shape",
            "{value} is not an e-mail address. Write it like name@example.org (check for a"
            " comma where a dot should be).",
            {"value": shown(value)},
        )
    return value


def phone_shape(value: str) -> str:
    digits = sum(c.isdigit() for c in value)
    if not _PHONE.match(value) or digits < MIN_PHONE_DIGITS:
        from pydantic_core import PydanticCustomError

        raise PydanticCustomError(
            "phone_shape",
            "{value} is not a phone number. Write the digits, with spaces, + or brackets"
            " if you like (for example +44 7700 900123).",
            {"value": shown(value)},
        )
    return value
