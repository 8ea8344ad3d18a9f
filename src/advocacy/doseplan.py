"""The screening-trial dose plan: pure domain logic, no I/O, no wording.

From the first and the reduced dose this works out every dose the plan may
give, its volume at the test strength, when it may be given, and the times
the team observes. Templates only format what this returns; every figure
about doses is decided here, where it is tested exhaustively.

Sources (see clinical-facts.md, section 0 first): the labels give 50
micrograms in 1 mL, observation for 4-8 hours with the peak at about 4 hours,
and an upward path of 75 then 100 micrograms 24 hours apart [1][2]; the
best-practice panel gives 25 micrograms as the test dose for people who rely
on spasticity for mobility, 24 hours between boluses, and frequent heart and
breathing checks in the first 2 hours [8]. No source starts above 50 or names
a test dose below 25; a first dose below 50 climbs without ever more than
doubling the dose already given.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

# The screening strength on the label: 50 micrograms in 1 mL [1][2].
TEST_STRENGTH_MCG_PER_ML = 50
# The smallest dose the patient file accepts, and the label's highest test bolus.
MIN_DOSE_MCG = 5
MAX_DOSE_MCG = 100
# No source starts above the label's standard 50: 75 and 100 are escalation
# steps only [1][2][8].
MAX_FIRST_DOSE_MCG = 50
LABEL_STANDARD_MCG = 50
# The panel's test dose for people who rely on spasticity for mobility [8].
CONSENSUS_LOW_MCG = 25
# The first doses a source names; any other is accepted with a warning.
SOURCED_FIRST_DOSES_MCG = (CONSENSUS_LOW_MCG, LABEL_STANDARD_MCG)
# A default reduced dose is a multiple of this, so nobody draws up 0.74 mL.
REDUCED_STEP_MCG = 5
# The label's upward path when a response is less than desired: its standard
# 50, then 75 and 100. Only the steps above the dose already given are used,
# and no step more than doubles it.
LABEL_ESCALATION_MCG = (50, 75, 100)
MAX_ESCALATION_FACTOR = 2
# Between any two boluses, and never the same day [1][8].
MIN_HOURS_BETWEEN_DOSES = 24
OBSERVE_FROM_HOURS = 4
OBSERVE_TO_HOURS = 8
PEAK_HOURS = 4
# Heart and breathing often in the first 2 hours [8]: vital signs and
# sedation at least every 30 minutes until then (every 15 at first).
VITALS_MINUTES = (0, 15, 30, 60, 90, 120)
# Tone, strength and function at baseline, then hourly to the peak and two-
# hourly to 8 hours: spasticity at least twice within 4 hours [8], peak at
# about 4 (4 to 6) [1].
FUNCTION_HOURS = (0, 1, 2, 3, 4, 6, 8)
# At least this many record sheets: the first dose and two more days.
MIN_RECORD_SHEETS = 3


class Outcome(enum.Enum):
    """What the team sees after a dose; each leads somewhere different."""

    GOOD_RESPONSE = "good-response"
    # Weakness with normal alertness, breathing and blood pressure.
    TOO_MUCH_WEAKNESS = "too-much-weakness"
    TOO_LITTLE_EFFECT = "too-little-effect"
    # Drowsiness, slow or shallow breathing, low blood pressure, a seizure,
    # floppiness spreading upwards or loss of consciousness: stop, treat,
    # review [1] - never "repeat lower tomorrow" by default.
    OVERDOSE = "overdose"


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


@dataclass(frozen=True)
class TimePoint:
    minutes: int
    # Vital signs and sedation are taken at every point; tone, strength and
    # function only at the hourly ones.
    function: bool

    @property
    def baseline(self) -> bool:
        return self.minutes == 0

    @property
    def hours(self) -> Decimal:
        return Decimal(self.minutes) / 60

    @property
    def expected_peak(self) -> bool:
        return self.minutes == PEAK_HOURS * 60


@dataclass(frozen=True)
class Choice:
    """One dose a record sheet offers: the outcome that leads to it (None: any
    outcome, as the team decides) and the planned dose (None: the team
    decides it and writes it in)."""

    after: Outcome | None
    dose: PlannedDose | None


@dataclass(frozen=True)
class RecordSheet:
    """One observation record: the first dose, or a later day's choices."""

    number: int
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class DosePlan:
    first: PlannedDose
    # None: the first dose is already the consensus low dose (or lower), so a
    # lower bolus or a slow infusion is for the team to decide.
    reduced: PlannedDose | None
    # Upward steps if the first dose does too little, in order (may be empty).
    escalation: tuple[PlannedDose, ...]
    time_points: tuple[TimePoint, ...]
    strength_mcg_per_ml: int = TEST_STRENGTH_MCG_PER_ML
    min_hours_between_doses: int = MIN_HOURS_BETWEEN_DOSES
    observe_from_hours: int = OBSERVE_FROM_HOURS
    observe_to_hours: int = OBSERVE_TO_HOURS
    peak_hours: int = PEAK_HOURS
    consensus_low_mcg: int = CONSENSUS_LOW_MCG
    label_standard_mcg: int = LABEL_STANDARD_MCG
    highest_test_dose: int = MAX_DOSE_MCG

    @property
    def doses(self) -> tuple[PlannedDose, ...]:
        """Every dose the plan names, in the diagram's order."""
        reduced = () if self.reduced is None else (self.reduced,)
        return (self.first, *reduced, *self.escalation)

    @property
    def function_hours(self) -> tuple[int, ...]:
        return tuple(int(p.hours) for p in self.time_points if p.function and not p.baseline)

    @property
    def record_sheets(self) -> tuple[RecordSheet, ...]:
        """Dose 1; then B's lower dose or C's first step; then each further
        step up, or a dose the team decides. One sheet a day that a dose may
        be given, so no grid is printed for a dose that cannot follow."""
        second: list[Choice] = [Choice(Outcome.TOO_MUCH_WEAKNESS, self.reduced)]
        if self.escalation:
            second.append(Choice(Outcome.TOO_LITTLE_EFFECT, self.escalation[0]))
        sheets = [
            RecordSheet(1, (Choice(None, self.first),)),
            RecordSheet(2, tuple(second)),
        ]
        for step in self.escalation[1:]:
            sheets.append(
                RecordSheet(
                    len(sheets) + 1, (Choice(Outcome.TOO_LITTLE_EFFECT, step), Choice(None, None))
                )
            )
        if len(sheets) < MIN_RECORD_SHEETS:
            sheets.append(RecordSheet(len(sheets) + 1, (Choice(None, None),)))
        return tuple(sheets)


def blank_sheets(plans: tuple[DosePlan, ...]) -> tuple[RecordSheet, ...]:
    """Record sheets for a copy filled in by hand, where the first dose is not
    yet known: each sheet offers every plan's choices for that day (each dose
    knows the dose it follows), and a dose the team decides once."""
    count = max(len(plan.record_sheets) for plan in plans)
    sheets: list[RecordSheet] = []
    for index in range(count):
        choices: list[Choice] = []
        for plan in plans:
            if index < len(plan.record_sheets):
                for choice in plan.record_sheets[index].choices:
                    if choice not in choices and not (choice.dose is None and choice.after is None):
                        choices.append(choice)
        if index and not any(choice.dose is None for choice in choices):
            choices.append(Choice(None, None))
        sheets.append(RecordSheet(index + 1, tuple(choices)))
    return tuple(sheets)


def default_first(relies_on_leg_tone: bool | None) -> int:
    """The consensus first: 25 for someone who relies on leg tone [8], else the label's 50."""
    return CONSENSUS_LOW_MCG if relies_on_leg_tone else LABEL_STANDARD_MCG


def default_reduced(first_mcg: int) -> int | None:
    """Half the first dose, rounded down to a multiple of 5 micrograms.

    None when the first dose is already the consensus low dose or lower: no
    source names a lower test dose, so the letter leaves it to the team.
    """
    if first_mcg <= CONSENSUS_LOW_MCG:
        return None
    half = first_mcg // 2 // REDUCED_STEP_MCG * REDUCED_STEP_MCG
    return half if half >= MIN_DOSE_MCG else None


def escalation_steps(first_mcg: int) -> tuple[int, ...]:
    """The label's steps above ``first_mcg``, none more than double the dose before.

    50 -> (75, 100); 25 -> (50, 75, 100); 10 -> (20, 40, 50, 75, 100).
    """
    steps: list[int] = []
    previous = first_mcg
    while previous < MAX_DOSE_MCG:
        label_step = next(step for step in LABEL_ESCALATION_MCG if step > previous)
        previous = min(label_step, previous * MAX_ESCALATION_FACTOR)
        steps.append(previous)
    return tuple(steps)


def check_first(first_mcg: int) -> str | None:
    """Why a first dose cannot be planned, or None."""
    if first_mcg > MAX_FIRST_DOSE_MCG:
        return (
            f"{first_mcg} micrograms cannot be a first dose: 75 and 100 are escalation"
            f" steps, never a first dose; the first dose is at most {MAX_FIRST_DOSE_MCG}"
            f" (usually {CONSENSUS_LOW_MCG} or {LABEL_STANDARD_MCG})"
        )
    if first_mcg < MIN_DOSE_MCG:
        return f"the first dose must be at least {MIN_DOSE_MCG} micrograms, got {first_mcg}"
    return None


def check_reduced(first_mcg: int, reduced_mcg: int) -> str | None:
    """Why a reduced dose cannot follow ``first_mcg``, or None."""
    if reduced_mcg < MIN_DOSE_MCG:
        return f"the reduced dose must be at least {MIN_DOSE_MCG} micrograms, got {reduced_mcg}"
    if reduced_mcg >= first_mcg:
        return (
            f"the reduced dose ({reduced_mcg} micrograms) must be lower than the first"
            f" ({first_mcg} micrograms)"
        )
    return None


def build(first_mcg: int, reduced_mcg: int | None = None, *, default: bool = True) -> DosePlan:
    """The plan for a first dose and a reduced dose, both whole micrograms.

    With ``reduced_mcg`` None the default applies (``default_reduced``), unless
    ``default`` is False. Raises ValueError for a pair the plan cannot honour.
    """
    _check_whole(first_mcg, "first dose")
    problem = check_first(first_mcg)
    if problem:
        raise ValueError(problem)
    if reduced_mcg is None and default:
        reduced_mcg = default_reduced(first_mcg)
    reduced: PlannedDose | None = None
    if reduced_mcg is not None:
        _check_whole(reduced_mcg, "reduced dose")
        problem = check_reduced(first_mcg, reduced_mcg)
        if problem:
            raise ValueError(problem)
        reduced = _planned(
            DoseKind.REDUCED, reduced_mcg, Outcome.TOO_MUCH_WEAKNESS, follows=first_mcg
        )
    first = _planned(DoseKind.FIRST, first_mcg)
    escalation: list[PlannedDose] = []
    previous = first_mcg
    for step in escalation_steps(first_mcg):
        escalation.append(
            _planned(DoseKind.ESCALATION, step, Outcome.TOO_LITTLE_EFFECT, follows=previous)
        )
        previous = step
    minutes = sorted({*VITALS_MINUTES, *(hours * 60 for hours in FUNCTION_HOURS)})
    return DosePlan(
        first=first,
        reduced=reduced,
        escalation=tuple(escalation),
        time_points=tuple(
            TimePoint(m, function=m % 60 == 0 and m // 60 in FUNCTION_HOURS) for m in minutes
        ),
    )


def _planned(
    kind: DoseKind, mcg: int, after: Outcome | None = None, *, follows: int | None = None
) -> PlannedDose:
    """A dose of the plan: every dose after the first waits 24 hours, and a
    reduced one also waits for the first dose's effect to wear off."""
    return PlannedDose(
        kind=kind,
        mcg=mcg,
        volume_ml=volume_ml(mcg),
        after=after,
        follows_mcg=follows,
        min_hours_after_previous=0 if follows is None else MIN_HOURS_BETWEEN_DOSES,
        after_effect_worn_off=kind is DoseKind.REDUCED,
    )


def _check_whole(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"the {name} must be whole micrograms, got {value!r}"
        raise TypeError(msg)
