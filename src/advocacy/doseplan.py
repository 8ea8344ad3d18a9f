"""The screening-trial dose plan: pure domain logic, no I/O, no wording.

From the first and the reduced dose this works out every dose the plan may
give, its volume at the test strength, when it may be given, and the times
the team observes. Templates only format what this returns; every figure
about doses is decided here, where it is tested exhaustively.

Sources (see clinical-facts.md): the label gives 50 micrograms in 1 mL,
observation for 4-8 hours with the peak at about 4 hours, and an upward path
of 75 then 100 micrograms 24 hours apart [1][3]; a first dose below the
standard 50 climbs through 50 first, so no step more than doubles the dose
already given. The best-practice panel asks
for at least 24 hours between boluses and 25 micrograms for people who rely
on spasticity for mobility [8].
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

# The screening strength on the label: 50 micrograms in 1 mL.
TEST_STRENGTH_MCG_PER_ML = 50
# The smallest dose the patient file accepts, and the label's highest test bolus.
MIN_DOSE_MCG = 5
MAX_DOSE_MCG = 100
# The label's upward path when a response is less than desired: its standard
# 50, then 75 and 100. Only the steps above the first dose are used, so a first
# dose of 25 goes to 50 next, never straight to 75.
LABEL_ESCALATION_MCG = (50, 75, 100)
# Between any two boluses, and never the same day.
MIN_HOURS_BETWEEN_DOSES = 24
OBSERVE_FROM_HOURS = 4
OBSERVE_TO_HOURS = 8
PEAK_HOURS = 4
# Baseline before the dose, then about 1, 2, 4, 6 and 8 hours after it.
OBSERVATION_HOURS = (0, 1, 2, 4, 6, 8)


class Outcome(enum.Enum):
    """What the team sees after a dose; each leads somewhere different."""

    GOOD_RESPONSE = "good-response"
    TOO_MUCH_WEAKNESS = "too-much-weakness"
    TOO_LITTLE_EFFECT = "too-little-effect"


class DoseKind(enum.Enum):
    FIRST = "first"
    REDUCED = "reduced"
    ESCALATION = "escalation"


def volume_ml(mcg: int) -> Decimal:
    """mL of the 50 micrograms/mL test strength holding ``mcg``: 25 -> 0.5.

    Exact, never a float: the volume is printed, and 0.1 + 0.2 must not leak.
    """
    _check_whole(mcg, "dose")
    return Decimal(mcg) / Decimal(TEST_STRENGTH_MCG_PER_ML)


@dataclass(frozen=True)
class PlannedDose:
    """One bolus the plan may give, always through the same catheter."""

    number: int  # position in the plan's record sheet: 1, 2, 3...
    kind: DoseKind
    mcg: int
    volume_ml: Decimal
    # The outcome of the previous dose that leads to this one (None: dose 1).
    after: Outcome | None
    # The dose this follows (None: dose 1) and the least time after it.
    follows_mcg: int | None
    min_hours_after_previous: int
    # A reduced dose also waits for the first dose's effect to wear off.
    after_effect_worn_off: bool

    @property
    def key(self) -> str:
        """Stable and unique within a plan (HTML ids, form-field names)."""
        return f"dose-{self.number}-{self.mcg}"


@dataclass(frozen=True)
class TimePoint:
    hours: int

    @property
    def baseline(self) -> bool:
        return self.hours == 0

    @property
    def expected_peak(self) -> bool:
        return self.hours == PEAK_HOURS


@dataclass(frozen=True)
class DosePlan:
    first: PlannedDose
    reduced: PlannedDose
    # Upward steps if the first dose does too little, in order (may be empty).
    escalation: tuple[PlannedDose, ...]
    time_points: tuple[TimePoint, ...]
    strength_mcg_per_ml: int = TEST_STRENGTH_MCG_PER_ML
    min_hours_between_doses: int = MIN_HOURS_BETWEEN_DOSES
    observe_from_hours: int = OBSERVE_FROM_HOURS
    observe_to_hours: int = OBSERVE_TO_HOURS
    peak_hours: int = PEAK_HOURS

    @property
    def doses(self) -> tuple[PlannedDose, ...]:
        """Every dose the plan may give, in record-sheet order."""
        return (self.first, self.reduced, *self.escalation)

    @property
    def highest_test_dose(self) -> int:
        return MAX_DOSE_MCG

    @property
    def first_is_highest(self) -> bool:
        """No escalation is possible: the first dose is already the label's highest."""
        return not self.escalation


def default_reduced(first_mcg: int) -> int:
    """Half the first dose, in whole micrograms (the model's default)."""
    return first_mcg // 2


def build(first_mcg: int, reduced_mcg: int | None = None) -> DosePlan:
    """The plan for a first dose and a reduced dose, both whole micrograms.

    Raises ValueError for a pair the plan cannot honour: outside 5-100
    micrograms, or a reduced dose that is not lower than the first.
    """
    _check_whole(first_mcg, "first dose")
    if reduced_mcg is None:
        reduced_mcg = default_reduced(first_mcg)
    _check_whole(reduced_mcg, "reduced dose")
    for name, value in (("first dose", first_mcg), ("reduced dose", reduced_mcg)):
        if not MIN_DOSE_MCG <= value <= MAX_DOSE_MCG:
            msg = f"the {name} must be {MIN_DOSE_MCG} to {MAX_DOSE_MCG} micrograms, got {value}"
            raise ValueError(msg)
    if reduced_mcg >= first_mcg:
        msg = (
            f"the reduced dose ({reduced_mcg} micrograms) must be lower than the first"
            f" ({first_mcg} micrograms)"
        )
        raise ValueError(msg)

    first = PlannedDose(
        number=1,
        kind=DoseKind.FIRST,
        mcg=first_mcg,
        volume_ml=volume_ml(first_mcg),
        after=None,
        follows_mcg=None,
        min_hours_after_previous=0,
        after_effect_worn_off=False,
    )
    reduced = PlannedDose(
        number=2,
        kind=DoseKind.REDUCED,
        mcg=reduced_mcg,
        volume_ml=volume_ml(reduced_mcg),
        after=Outcome.TOO_MUCH_WEAKNESS,
        follows_mcg=first_mcg,
        min_hours_after_previous=MIN_HOURS_BETWEEN_DOSES,
        after_effect_worn_off=True,
    )
    escalation: list[PlannedDose] = []
    previous = first_mcg
    for step in LABEL_ESCALATION_MCG:
        # Only steps above the dose already given: never down, never above 100.
        if step <= previous or step > MAX_DOSE_MCG:
            continue
        escalation.append(
            PlannedDose(
                number=3 + len(escalation),
                kind=DoseKind.ESCALATION,
                mcg=step,
                volume_ml=volume_ml(step),
                after=Outcome.TOO_LITTLE_EFFECT,
                follows_mcg=previous,
                min_hours_after_previous=MIN_HOURS_BETWEEN_DOSES,
                after_effect_worn_off=False,
            )
        )
        previous = step
    return DosePlan(
        first=first,
        reduced=reduced,
        escalation=tuple(escalation),
        time_points=tuple(TimePoint(hours) for hours in OBSERVATION_HOURS),
    )


def _check_whole(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"the {name} must be whole micrograms, got {value!r}"
        raise TypeError(msg)
