"""The dose plan and dose notation: pure logic, checked for every valid pair of doses."""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import pairwise

import pytest

from advocacy import doseplan, notation
from advocacy.doseplan import DoseKind, Outcome

VALID_PAIRS = [
    (first, reduced)
    for first in range(doseplan.MIN_DOSE_MCG, doseplan.MAX_FIRST_DOSE_MCG + 1)
    for reduced in (None, *range(doseplan.MIN_DOSE_MCG, first))
]


def test_every_valid_pair_gives_a_sound_plan() -> None:
    # 5..50 first doses, each with no reduced dose or 5..first-1.
    assert len(VALID_PAIRS) == sum(first - 4 for first in range(5, 51))
    for first, reduced in VALID_PAIRS:
        plan = doseplan.build(first, reduced, default=False)
        context = f"first={first}, reduced={reduced}"

        assert plan.first.mcg == first, context
        assert plan.first.kind is DoseKind.FIRST
        assert plan.first.after is None
        assert plan.first.min_hours_after_previous == 0

        if reduced is None:
            assert plan.reduced is None, context
        else:
            assert plan.reduced is not None
            assert plan.reduced.mcg == reduced < first, context
            assert plan.reduced.kind is DoseKind.REDUCED
            assert plan.reduced.after is Outcome.TOO_MUCH_WEAKNESS
            assert plan.reduced.follows_mcg == first
            assert plan.reduced.min_hours_after_previous >= 24
            assert plan.reduced.after_effect_worn_off

        # Up to the label's highest, never more than doubling, through 50 and 75.
        steps = [step.mcg for step in plan.escalation]
        assert steps[-1] == 100, context
        assert {50, 75, 100} - {first} <= set(steps), context
        previous = first
        for step in plan.escalation:
            assert step.follows_mcg == previous, context
            assert previous < step.mcg <= 2 * previous, context
            assert step.after is Outcome.TOO_LITTLE_EFFECT
            assert step.min_hours_after_previous >= 24
            assert step.volume_ml == Decimal(step.mcg) / 50
            previous = step.mcg

        # A sheet for each day a dose may be given (at least three); every
        # planned dose the sheets offer is in the plan.
        sheets = plan.record_sheets
        count = max(3, len(plan.escalation) + 1)
        assert [sheet.number for sheet in sheets] == list(range(1, count + 1)), context
        offered = [c.dose for sheet in sheets for c in sheet.choices if c.dose is not None]
        assert all(dose in plan.doses for dose in offered), context
        # Sheet 2 always offers B's retry, planned or left to the team.
        assert sheets[1].choices[0].after is Outcome.TOO_MUCH_WEAKNESS
        assert sheets[1].choices[0].dose is plan.reduced


def test_observation_time_points() -> None:
    plan = doseplan.build(50)
    minutes = [p.minutes for p in plan.time_points]
    # Vital signs every 15 to 30 minutes for the first 2 hours [8].
    first_two_hours = [m for m in minutes if m <= 120]
    assert first_two_hours == [0, 15, 30, 60, 90, 120]
    assert max(b - a for a, b in pairwise(first_two_hours)) <= 30
    # Tone, strength and function at baseline and about 1, 2, 4 (peak), 6 and 8 hours.
    assert [p.minutes for p in plan.time_points if p.function] == [0, 60, 120, 180, 240, 360, 480]
    assert plan.function_hours == (1, 2, 3, 4, 6, 8)
    assert [p.minutes for p in plan.time_points if p.expected_peak] == [240]
    assert plan.time_points[0].baseline


@pytest.mark.parametrize(
    ("first", "reduced", "escalation"),
    [
        (50, 25, (75, 100)),  # the case this project was made for
        (25, None, (50, 75, 100)),  # the consensus first: the team decides a lower dose
        (40, 20, (50, 75, 100)),
        (30, 15, (50, 75, 100)),
        (20, None, (40, 50, 75, 100)),
        (10, None, (20, 40, 50, 75, 100)),  # never straight from 10 to 50
        (5, None, (10, 20, 40, 50, 75, 100)),
    ],
)
def test_defaults_and_escalation(
    first: int, reduced: int | None, escalation: tuple[int, ...]
) -> None:
    plan = doseplan.build(first)
    assert (plan.reduced.mcg if plan.reduced else None) == reduced
    assert tuple(step.mcg for step in plan.escalation) == escalation


@pytest.mark.parametrize(
    ("first", "half"),
    [(50, 25), (45, 20), (40, 20), (35, 15), (30, 15), (26, 10), (25, None), (10, None), (5, None)],
)
def test_default_reduced_dose_is_half_rounded_down_to_five(first: int, half: int | None) -> None:
    assert doseplan.default_reduced(first) == half
    if half is not None:
        # Never a value the plan itself would refuse.
        assert doseplan.check_reduced(first, half) is None


def test_default_first_dose_follows_the_consensus() -> None:
    assert doseplan.default_first(True) == 25
    assert doseplan.default_first(False) == 50
    assert doseplan.default_first(None) == 50


@pytest.mark.parametrize(
    ("first", "reduced", "error"),
    [
        (75, None, ValueError),  # 75 and 100 are escalation steps, never a first dose
        (100, 50, ValueError),
        (51, 25, ValueError),
        (4, None, ValueError),
        (50, 50, ValueError),
        (50, 60, ValueError),
        (50, 4, ValueError),
        (50.0, 25, TypeError),
        (50, 25.0, TypeError),
        (True, None, TypeError),
    ],
)
def test_invalid_pairs_are_refused(first: object, reduced: object, error: type) -> None:
    with pytest.raises(error):
        doseplan.build(first, reduced)  # type: ignore[arg-type]


def test_a_first_dose_above_50_says_why() -> None:
    message = doseplan.check_first(75)
    assert message is not None
    assert "75 and 100 are escalation steps, never a first dose" in message


@pytest.mark.parametrize(
    ("mcg", "ml"),
    [(25, "0.5"), (50, "1"), (75, "1.5"), (100, "2"), (5, "0.1"), (20, "0.4"), (33, "0.66")],
)
def test_volume_at_the_test_strength(mcg: int, ml: str) -> None:
    assert doseplan.volume_ml(mcg) == Decimal(ml)
    assert notation.format_volume(mcg) == f"{ml} mL"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en-US", "25 mcg"), ("en-GB", "25 micrograms")],
)
def test_dose_notation(lang: str, expected: str) -> None:
    assert notation.format_dose(25, lang) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (50, "50"),
        (50.0, "50"),
        (Decimal("50.00"), "50"),
        (0.5, "0.5"),
        (Decimal("0.50"), "0.5"),
        (1.5, "1.5"),
        (1000, "1,000"),
        (12.5, "12.5"),
    ],
)
def test_numbers_have_no_trailing_zero_and_keep_the_leading_one(value: object, text: str) -> None:
    assert notation.format_number(value) == text  # type: ignore[arg-type]


def test_every_written_dose_is_safe() -> None:
    """No µg/ug, a space before the unit, no trailing zero, a leading zero below one."""
    unsafe = re.compile(r"µg|μg|\bug\b|\d(mcg|micrograms|mL|mg)\b|\d\.0+\b|(?<![\d])\.\d")
    for lang in ("en-US", "en-GB"):
        for mcg in range(1, 101):
            for text in (
                notation.format_dose(mcg, lang),
                notation.format_volume(mcg),
                notation.format_strength(lang),
                notation.format_mg(mcg / 2),
            ):
                assert not unsafe.search(text), text


@pytest.mark.parametrize("bad", [25.0, Decimal(25), True, "25"])
def test_doses_must_be_whole_micrograms(bad: object) -> None:
    with pytest.raises(TypeError):
        notation.format_dose(bad, "en-US")  # type: ignore[arg-type]
