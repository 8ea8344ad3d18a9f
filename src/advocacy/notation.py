"""Dose notation, in one place, for every document (medication safety).

- en-US writes "50 mcg", en-GB writes "50 micrograms" in full; never "µg" or "ug".
- A space between number and unit; no trailing zeros ("50", never "50.0");
  a leading zero below one ("0.5 mL").
"""

from __future__ import annotations

from decimal import Decimal

# The screening strength on the label: 50 micrograms in 1 mL.
TEST_STRENGTH_MCG_PER_ML = 50

_MICROGRAM_UNIT = {"en-US": "mcg", "en-GB": "micrograms"}


def format_number(value: int | float | Decimal) -> str:
    """Shortest exact decimal: 50 -> "50", 0.5 -> "0.5", 1.50 -> "1.5"."""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        return f"{int(number)}"
    text = format(number, "f")
    return text


def microgram_unit(lang: str) -> str:
    return _MICROGRAM_UNIT.get(lang, "mcg")


def format_dose(mcg: int, lang: str) -> str:
    """``format_dose(25, "en-GB")`` -> ``"25 micrograms"``."""
    if isinstance(mcg, bool) or not isinstance(mcg, int):
        msg = f"doses are whole micrograms, got {mcg!r}"
        raise TypeError(msg)
    return f"{mcg} {microgram_unit(lang)}"


def volume_ml(mcg: int) -> Decimal:
    """Volume of the 50 micrograms/mL screening strength that holds ``mcg``."""
    return Decimal(mcg) / Decimal(TEST_STRENGTH_MCG_PER_ML)


def format_volume(mcg: int) -> str:
    """``format_volume(25)`` -> ``"0.5 mL"``."""
    return f"{format_number(volume_ml(mcg))} mL"


def format_strength(lang: str) -> str:
    """``"50 mcg/mL"`` or ``"50 micrograms/mL"``."""
    return f"{TEST_STRENGTH_MCG_PER_ML} {microgram_unit(lang)}/mL"


def format_mg(value: float) -> str:
    """Oral doses in milligrams: ``60.0`` -> ``"60 mg"``."""
    return f"{format_number(value)} mg"
