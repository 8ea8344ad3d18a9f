"""Dose notation, in one place, for every document (medication safety).

- Each language's unit comes from its entry in languages.py (en-US "50 mcg", en-GB
  "50 micrograms" in full); never "µg" or "ug". An unknown language is refused,
  not given a unit.
- A space between number and unit; no trailing zeros ("50", never "50.0");
  a leading zero below one ("0.5 mL").
- In a document the space is a no-break space (``space=NBSP``): a dose whose
  number ends one line and whose unit starts the next ("100 / micrograms")
  can be misread, and across a page break it is worse.
"""

from __future__ import annotations

from decimal import Decimal

from advocacy import languages

# The arithmetic lives with the dose plan; notation only writes the result.
from advocacy.doseplan import TEST_STRENGTH_MCG_PER_ML, volume_ml

__all__ = [
    "TEST_STRENGTH_MCG_PER_ML",
    "format_dose",
    "format_mg",
    "format_number",
    "format_strength",
    "format_volume",
    "microgram_unit",
    "volume_ml",
]

NBSP = "\u00a0"


def format_number(value: int | float | Decimal) -> str:
    """Shortest exact decimal, leading zero kept: 50 -> "50", 0.5 -> "0.5", 1.50 -> "1.5".

    Thousands get a comma (ISMP): 1000 -> "1,000".
    """
    if isinstance(value, bool):
        msg = f"not a number: {value!r}"
        raise TypeError(msg)
    # normalize() drops trailing zeros; "f" keeps 1E+3 as 1000 and 0.5 as "0.5".
    return format(Decimal(str(value)).normalize(), ",f")


def microgram_unit(lang: str) -> str:
    return languages.get(lang).microgram_unit


def format_dose(mcg: int, lang: str, space: str = " ") -> str:
    """``format_dose(25, "en-GB")`` -> ``"25 micrograms"``."""
    if isinstance(mcg, bool) or not isinstance(mcg, int):
        msg = f"doses are whole micrograms, got {mcg!r}"
        raise TypeError(msg)
    return f"{mcg}{space}{microgram_unit(lang)}"


def format_volume(mcg: int, space: str = " ") -> str:
    """``format_volume(25)`` -> ``"0.5 mL"``."""
    return f"{format_number(volume_ml(mcg))}{space}mL"


def format_strength(lang: str, mcg_per_ml: int = TEST_STRENGTH_MCG_PER_ML, space: str = " ") -> str:
    """``"50 mcg/mL"`` or ``"50 micrograms/mL"``."""
    return f"{format_number(mcg_per_ml)}{space}{microgram_unit(lang)}/mL"


def format_mg(value: float, space: str = " ") -> str:
    """Oral doses in milligrams: ``60.0`` -> ``"60 mg"``."""
    return f"{format_number(value)}{space}mg"
