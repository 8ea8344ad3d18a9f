"""The dose plan and dose notation: pure logic, checked for every valid pair of doses."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from advocacy import doseplan, notation
from advocacy.doseplan import DoseKind, Outcome

VALID_PAIRS = [
    (first, reduced)
    for first in range(doseplan.MIN_DOSE_MCG, doseplan.MAX_DOSE_MCG + 1)
    for reduced in range(doseplan.MIN_DOSE_MCG, first)
]


def test_every_valid_pair_gives_a_sound_plan() -> None:
    assert len(VALID_PAIRS) == 4560  # 6..100 first doses, each with 5..first-1
    for first, reduced in VALID_PAIRS:
        plan = doseplan.build(first, reduced)
        context = f"first={first}, reduced={reduced}"

        assert plan.first.mcg == first, context
        assert plan.first.kind is DoseKind.FIRST
        assert plan.first.after is None
        assert plan.first.min_hours_after_previous == 0

        assert plan.reduced.mcg == reduced < first, context
        assert plan.reduced.kind is DoseKind.REDUCED
        assert plan.reduced.after is Outcome.TOO_MUCH_WEAKNESS
        assert plan.reduced.follows_mcg == first
        assert plan.reduced.min_hours_after_previous >= 24
        assert plan.reduced.after_effect_worn_off

        # The label's upward path: only steps above the first dose, never above 100.
        steps = [step.mcg for step in plan.escalation]
        assert steps == [s for s in (50, 75, 100) if s > first], context
        assert steps == sorted(set(steps))
        previous = first
        for step in plan.escalation:
            assert step.kind is DoseKind.ESCALATION
            assert step.after is Outcome.TOO_LITTLE_EFFECT
            assert step.follows_mcg == previous
            assert step.min_hours_after_previous >= 24
            assert not step.after_effect_worn_off
            previous = step.mcg
        assert plan.first_is_highest == (first == 100)

        for dose in plan.doses:
            assert 5 <= dose.mcg <= 100
            # Exact arithmetic: mL = micrograms / 50, never a float.
            assert isinstance(dose.volume_ml, Decimal)
            assert dose.volume_ml * 50 == dose.mcg
            assert (
                notation.format_volume(dose.mcg) == f"{notation.format_number(dose.volume_ml)} mL"
            )
        assert [d.number for d in plan.doses] == list(range(1, len(plan.doses) + 1))
        assert len({d.key for d in plan.doses}) == len(plan.doses)


def test_observation_time_points() -> None:
    plan = doseplan.build(50, 25)
    assert [t.hours for t in plan.time_points] == [0, 1, 2, 4, 6, 8]
    assert [t.baseline for t in plan.time_points] == [True, False, False, False, False, False]
    assert [t.hours for t in plan.time_points if t.expected_peak] == [4]
    assert (plan.observe_from_hours, plan.observe_to_hours, plan.peak_hours) == (4, 8, 4)
    assert plan.min_hours_between_doses == 24
    assert plan.strength_mcg_per_ml == 50


@pytest.mark.parametrize(
    ("first", "reduced", "escalation"),
    [
        (6, 5, (50, 75, 100)),
        (25, 12, (50, 75, 100)),
        (30, 15, (50, 75, 100)),
        (40, 20, (50, 75, 100)),
        (49, 24, (50, 75, 100)),
        (50, 25, (75, 100)),
        (51, 25, (75, 100)),
        (74, 37, (75, 100)),
        (75, 37, (100,)),
        (76, 38, (100,)),
        (99, 49, (100,)),
        (100, 50, ()),
        (100, 99, ()),
    ],
    ids=lambda v: str(v),
)
def test_edges(first: int, reduced: int, escalation: tuple[int, ...]) -> None:
    plan = doseplan.build(first, reduced)
    assert tuple(step.mcg for step in plan.escalation) == escalation
    assert [d.mcg for d in plan.doses] == [first, reduced, *escalation]


@pytest.mark.parametrize(
    ("first", "escalation"),
    [
        (25, (50, 75, 100)),
        (30, (50, 75, 100)),
        (40, (50, 75, 100)),
        (50, (75, 100)),
        (75, (100,)),
        (100, ()),
    ],
)
def test_escalation_climbs_the_label_steps_from_any_first_dose(
    first: int, escalation: tuple[int, ...]
) -> None:
    """Too little effect never jumps past the label's 50: 25 goes to 50, not to 75."""
    plan = doseplan.build(first)
    assert tuple(step.mcg for step in plan.escalation) == escalation
    assert [step.follows_mcg for step in plan.escalation] == [first, *escalation][: len(escalation)]
    assert all(step.mcg <= 100 for step in plan.escalation)


@pytest.mark.parametrize(("first", "half"), [(50, 25), (40, 20), (45, 22), (10, 5), (100, 50)])
def test_default_reduced_dose_is_half_in_whole_micrograms(first: int, half: int) -> None:
    assert doseplan.build(first).reduced.mcg == half


@pytest.mark.parametrize(
    ("first", "reduced", "error"),
    [
        (50, 50, ValueError),
        (50, 60, ValueError),
        (101, 50, ValueError),
        (50, 4, ValueError),
        (4, None, ValueError),
        (5, None, ValueError),  # no whole reduced dose fits between 5 and the 5 floor
        (5, 4, ValueError),
        (9, None, ValueError),  # half of 9 is 4, below the 5-microgram floor
        (0, None, ValueError),
        (-50, None, ValueError),
        (50.0, 25, TypeError),
        (50, 25.0, TypeError),
        (True, None, TypeError),
        ("50", 25, TypeError),
    ],
    ids=[
        "reduced-equal",
        "reduced-higher",
        "above-100",
        "reduced-below-5",
        "first-below-5",
        "first-5-no-room-for-reduced",
        "first-5-reduced-below-5",
        "half-below-5",
        "zero",
        "negative",
        "float-first",
        "float-reduced",
        "bool",
        "text",
    ],
)
def test_invalid_pairs_are_refused(first: object, reduced: object, error: type) -> None:
    with pytest.raises(error):
        doseplan.build(first, reduced)  # type: ignore[arg-type]


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
