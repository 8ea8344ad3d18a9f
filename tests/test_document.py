"""The trial-request document itself, read back from the PDF (pypdf) and the HTML.

Every example in examples/, and the starter, is rendered as its file asks (language, paper) and
checked the way a reader would: the patient on every page, the requests on
page 1, the doses from the file written safely, every citation resolving to
the reference list, nothing the fact sheet forbids.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import cache
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader

from advocacy import context, i18n, pipeline, render
from advocacy.branding import Branding
from advocacy.model import Organisation, PatientFile, load_patient, validate_patient
from advocacy.options import RenderOptions
from tests.conftest import EXAMPLE_FILES, EXAMPLES, PATIENTS, STARTER, pdf_text

EXAMPLE_IDS = [e.stem for e in EXAMPLE_FILES]
PAGE_SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
MM = 72 / 25.4  # PDF points per millimetre


@cache
def _raw(example: Path) -> dict[str, Any]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    return dict(yaml.load(example.read_text(encoding="utf-8")))


def _patient(example: Path, **changes: Any) -> PatientFile:
    """An example, optionally with whole sections replaced (``trial={...}``)."""
    raw = {**_raw(example), **changes}
    return validate_patient(raw, str(example), today=dt.date(2026, 1, 1)).data


@cache
def _render(example: Path, lang: str | None = None, first: int = 0, reduced: int = 0) -> bytes:
    changes: dict[str, Any] = {}
    if first:
        changes["trial"] = {"first_dose_mcg": first, "reduced_dose_mcg": reduced}
    if lang:
        changes["document"] = {**_raw(example).get("document", {}), "language": lang}
    patient = _patient(example, **changes)
    return pipeline.render_pdf(pipeline.letter(patient))


def _pages(example: Path, **kw: Any) -> list[str]:
    return pdf_text(_render(example, **kw))


# --------------------------------------------------------------------------- every example


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=EXAMPLE_IDS)
def test_page_count_on_its_own_paper_and_the_other(example: Path) -> None:
    """Letter, checklist, plan, three record sheets, goals and About me, sources."""
    patient = load_patient(example).data
    for paper in ("a4", "letter"):
        data = pipeline.render_pdf(pipeline.letter(patient, paper=paper))
        assert 7 <= len(PdfReader(io.BytesIO(data)).pages) <= 10, paper


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=EXAMPLE_IDS)
def test_name_and_date_of_birth_on_every_page(example: Path) -> None:
    patient = load_patient(example).data
    born = i18n.format_date(patient.patient.date_of_birth, patient.document.language)
    pages = _pages(example)
    for number, text in enumerate(pages, start=1):
        assert patient.patient.name in text, number
        assert f"Date of birth: {born}" in text, number
        assert f"Page {number} of {len(pages)}" in text


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=EXAMPLE_IDS)
def test_page_one_alone_says_who_what_and_why(example: Path) -> None:
    patient = load_patient(example).data
    first = _pages(example)[0]
    assert patient.patient.name in first
    assert patient.patient.diagnosis in first
    assert "Request for an intrathecal baclofen screening trial through a catheter" in first
    assert "It is not medical advice." in first
    # The decision comes before the asks; the asks are requests, in order.
    positions = [
        first.find(request)
        for request in (
            "The decision is yours",
            "I would be grateful if you would consider:",
            "A trial through an intrathecal catheter",
            "A first dose of",
            "If dose 1 is too strong, a retry at a lower dose.",
            "A trial judged on what matters to",
            "A slow continuous infusion through the catheter",
            "Overdose is different.",
            "Why.",
            "The US labels allow",
        )
    ]
    assert -1 not in positions and positions == sorted(positions), positions
    html = pipeline.render_html(pipeline.letter(patient))
    assert re.search(r'<ol class="requests">(\s*<li>.*?</li>){5}\s*</ol>', html, re.DOTALL)
    assert "I ask you to" not in first


def test_the_text_layer_reads_in_order() -> None:
    """The title comes first and the signature after the letter, in the PDF's own text."""
    first, second = _pages(EXAMPLES / "full.yaml")[:2]
    title = first.find("Request for an intrathecal baclofen screening trial")
    assert 0 <= title < first.find("Dear Dr. Rivera,") < first.find("Why.")
    signed = (first + " " + second).find("Signature")
    assert signed > (first + " " + second).find("Neither the labels nor any guideline")


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=EXAMPLE_IDS)
def test_doses_are_written_safely(example: Path) -> None:
    text = " ".join(_pages(example))
    assert not re.search(r"µg|μg|\bug\b", text)
    # No trailing zero before a unit ("50.0 mcg"), no bare leading dot (".5 mL"),
    # and never a number run into its unit ("50mcg").
    assert not re.search(r"\d\.0+\s*(mcg|micrograms?|mL|mg)\b", text)
    assert not re.search(r"(?<![\d\w])\.\d+\s*(mL|mg)\b", text)
    assert not re.search(r"\d(mcg|micrograms|mL)\b", text)
    # Number and unit are joined by a no-break space, so no line or page break
    # can part them ("100" at the end of one line, "micrograms" on the next).
    patient = load_patient(example).data
    for html in (
        pipeline.render_html(pipeline.letter(patient)),
        pipeline.render_html(pipeline.blank(RenderOptions())),
    ):
        # About me and the checklist quote the patient's own words
        # ("Tizanidine 2 mg"), printed as written.
        ours = re.sub(
            r'<section class="(about|checklist-section)".*?</section>', "", html, flags=re.DOTALL
        )
        words = re.sub(r"<[^>]+>", " ", ours)
        assert not re.search(r"\d[ \t\n]+(mcg|micrograms|mL|mg)\b", words), example.name
        assert re.search("\\d\u00a0(mcg|micrograms)\\b", words)
    # Every volume with its strength: "0.5 mL of 50 mcg/mL", never "0.5 mL" alone
    # (maintenance strengths of 500 to 2,000 mcg/mL exist).
    unit = "micrograms" if patient.document.language == "en-GB" else "mcg"
    assert not re.search(r"\d\s?mL(?!\s?of\s)", text), example.name
    assert f"mL of 50 {unit}/mL" in text


@pytest.mark.parametrize(
    ("first", "reduced", "lang", "unit", "escalation"),
    [
        (50, 25, "en-US", "mcg", (75, 100)),
        (40, 20, "en-US", "mcg", (50, 75, 100)),
        (40, 20, "en-GB", "micrograms", (50, 75, 100)),
        (30, 15, "en-GB", "micrograms", (50, 75, 100)),
        (25, 0, "en-US", "mcg", (50, 75, 100)),
    ],
    ids=["50-25-US", "40-20-US", "40-20-GB", "30-15-GB", "25-team-US"],
)
def test_the_doses_come_from_the_file(
    first: int, reduced: int, lang: str, unit: str, escalation: tuple[int, ...]
) -> None:
    example = STARTER
    pages = _pages(example, lang=lang, first=first, reduced=reduced or None)
    ml = {50: "1", 25: "0.5", 40: "0.8", 20: "0.4", 30: "0.6", 15: "0.3", 75: "1.5", 100: "2"}

    def with_volume(mcg: int) -> str:
        return f"{mcg} {unit} ({ml[mcg]} mL of 50 {unit}/mL)"

    assert f"A first dose of {with_volume(first)}" in pages[0]
    text = " ".join(pages)
    if reduced:
        assert f"give {with_volume(reduced)} through the same catheter" in pages[0]
        assert f"Then {with_volume(reduced)} through the same catheter" in text
    else:
        # From 25, a lower dose is the team's: a lower bolus or a slow infusion.
        assert (
            "give a lower bolus or a slow continuous infusion through the same catheter"
            in (pages[0])
        )
        assert f"After B at {first} {unit}, as the team decides" in text
    assert f"Dose 1: {with_volume(first)}" in text
    for step in escalation:
        assert with_volume(step) in text
    # Every record sheet offers its doses with volume and strength.
    assert f"After C at {first} {unit}: {with_volume(escalation[0])}" in text


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=EXAMPLE_IDS)
def test_every_citation_is_in_the_reference_list_in_order(example: Path) -> None:
    text = " ".join(_pages(example))
    body, _, listed = text.rpartition("References ")
    assert body and listed
    cited: list[int] = []
    for group in re.findall(r"\[(\d+(?:[,–]\d+)*)\]", body):
        for part in group.split(","):
            low, _, high = part.partition("–")
            cited += range(int(low), int(high or low) + 1)
    assert cited
    first_seen = list(dict.fromkeys(cited))
    # Vancouver: sources are numbered in the order they are first cited.
    assert first_seen == list(range(1, len(first_seen) + 1))
    for number in first_seen:
        assert re.search(rf"(?:^|\s){number}\. \S", listed), number
    # ... and the list holds nothing that is not cited.
    assert not re.search(rf"(?:^|\s){len(first_seen) + 1}\. [A-Z]", listed)


# --------------------------------------------------------------------------- locales


def _size(data: bytes) -> tuple[float, float]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        box = pdf.pages[0].MediaBox
        return float(box[2]), float(box[3])


def test_en_us_says_mcg_on_letter() -> None:
    data = _render(STARTER, lang="en-US")
    text = " ".join(pdf_text(data))
    assert "25 mcg" in text and "micrograms" not in text
    assert "“via spinal catheter or lumbar puncture”" in text
    assert "March 14, 1972" in text
    assert "Sincerely," in text and "Yours sincerely" not in text
    assert _size(data) == pytest.approx(PAGE_SIZES["letter"], abs=0.1)


def test_en_gb_says_micrograms_on_a4() -> None:
    data = _render(EXAMPLES / "uk.yaml")
    text = " ".join(pdf_text(data))
    assert "25 micrograms" in text and "mcg" not in text
    assert "2 November 1968" in text
    assert "Yours sincerely," in text
    assert "‘via spinal catheter or lumbar puncture’" in text
    assert "NHS NUMBER 943 476 5919" in text  # the label is set in capitals
    assert "Dear Dr Shah," in text
    assert _size(data) == pytest.approx(PAGE_SIZES["a4"], abs=0.1)


def test_a_child_in_the_uk_is_placed_in_theatre() -> None:
    raw = _raw(EXAMPLES / "child-cp.yaml")
    text = " ".join(
        _with(EXAMPLES / "child-cp.yaml", document={**raw["document"], "language": "en-GB"})
    )
    assert "in theatre under general anaesthetic" in text
    assert "anesthesia" not in text


def test_paper_follows_the_option_over_the_language() -> None:
    patient = load_patient(EXAMPLES / "uk.yaml").data
    data = pipeline.render_pdf(pipeline.letter(patient, paper="letter"))
    assert _size(data) == pytest.approx(PAGE_SIZES["letter"], abs=0.1)
    assert "micrograms" in pdf_text(data)[0]


# --------------------------------------------------------------------------- optional data


def test_absent_optional_data_leaves_no_trace() -> None:
    patient = load_patient(EXAMPLES / "minimal.yaml").data
    html = pipeline.render_html(pipeline.letter(patient))
    assert not re.search(r"<h[1-6][^>]*>\s*</h[1-6]>", html)
    assert not re.search(r"<(dd|li|p)[^>]*>\s*</\1>", html)
    text = " ".join(_pages(EXAMPLES / "minimal.yaml"))
    for absent in (
        "None",
        "In my own words",
        "Questions for the team",
        "Emergency contact",
        "Prepared with",
        "Appointment",
        "mg a day",
        " ,",
        ",,",
        "()",
        ", .",
    ):
        assert absent not in text, absent
    assert "Dear care team," in text
    assert "I prepared this document to support a discussion" in text
    # No number in the letter; the record sheets leave a space for the team's.
    assert "Hospital number" not in _pages(EXAMPLES / "minimal.yaml")[0]


def test_full_example_shows_everything_once() -> None:
    text = " ".join(_pages(EXAMPLES / "full.yaml"))
    squeezed = text.replace(" ", "")
    assert "ZoëØdegård-Núñez" in squeezed
    for item in (
        "Tizanidine 2 mg at night",
        "Omeprazole 20 mg daily",
        "sulfa drugs (rash); adhesive tape (skin irritation)",
        "Marco Núñez (husband), +1 555 0199",
        "Climb the three steps into my house holding the rail",
        "Who will assess my walking during the trial, and at what times?",
        "Springfield HSP Support Group",
        "springfieldhsp.example.org",
        "with help from Marco Núñez, Springfield HSP Support Group",
        "80 mg a day",
    ):
        assert item.replace(" ", "") in squeezed, item


# --------------------------------------------------------------------------- the record sheet


def _row_heights_mm(patient: PatientFile, options: RenderOptions) -> list[float]:
    """Heights of the rows to write in (record and goals tables), as laid out."""
    from weasyprint.formatting_structure import boxes

    doc = render.default_renderer().document(
        pipeline.render_html(pipeline.letter(patient, options)), options
    )
    heights: list[float] = []

    def walk(box: Any, writing_table: bool = False, body: bool = False) -> None:
        tag = getattr(box, "element_tag", None)
        if tag == "table":
            classes = set((box.element.get("class") or "").split())
            writing_table = bool({"obs", "goals"} & classes)
        body = body or (writing_table and tag == "tbody")
        if writing_table and body and isinstance(box, boxes.TableRowBox):
            # Layout is in CSS px: 1 px = 0.75 pt.
            heights.append(box.height * 0.75 / MM)
        for child in getattr(box, "children", None) or []:
            walk(child, writing_table, body)

    for page in doc.pages:
        walk(page._page_box)
    return heights


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-print"])
def test_record_rows_leave_room_for_a_shaky_hand(large: bool) -> None:
    patient = load_patient(STARTER).data
    heights = _row_heights_mm(patient, context.options_for(patient, large_print=large or None))
    plan = context.plan_for(patient)
    if large:
        # Large print holds the goals table; the staff's sheets are in the standard copy.
        assert heights and min(heights) >= 13 - 0.01, heights
        return
    assert len(heights) >= len(plan.record_sheets) * len(plan.time_points)
    # Letter paper: 8 mm where tone, strength and function are written, 6 mm
    # for the first 2 hours' vital signs (numbers), 10 mm for the patient's goals.
    assert min(heights) >= 6 - 0.01, min(heights)
    assert sorted(heights)[len(heights) // 2] >= 8 - 0.01


@pytest.mark.parametrize("source", ["full.yaml", "uk.yaml", "long-words.yaml"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-print"])
def test_nothing_runs_past_the_right_margin(source: str, paper: str, large: bool) -> None:
    """Every box stays inside the text block: the record tables once ran past
    A4's right margin, and a long e-mail address past large print's, where a
    hole punch or a printer's edge takes it."""
    from weasyprint.formatting_structure import boxes

    patient = load_patient(
        PATIENTS / source if source.startswith("long") else EXAMPLES / source
    ).data
    options = context.options_for(patient, paper=paper, large_print=large or None)
    doc = render.default_renderer().document(
        pipeline.render_html(pipeline.letter(patient, options)), options
    )
    overflowing: list[str] = []

    def walk(box: Any, right: float) -> None:
        tag = getattr(box, "element_tag", None)
        classes = (box.element.get("class") or "") if box.element is not None else ""
        # Not painted, so never in the way: line boxes (which may end in a
        # space past the edge), whitespace, and the diagram's outcome row, wider
        # by its own border spacing that its margins take back (its boxes are
        # checked below it).
        visible = (
            not isinstance(box, boxes.LineBox)
            and "flow-branches" not in classes
            and (getattr(box, "text", "x") or "").strip()
        )
        if visible and hasattr(box, "border_box_x") and box.width is not None:
            if box.border_box_x() + box.border_width() > right + 0.5:  # CSS px
                overflowing.append(f"{tag}.{classes}")
        for child in getattr(box, "children", None) or []:
            walk(child, right)

    for page in doc.pages:
        root = page._page_box.children[0]  # the <html> box; margin boxes follow it
        walk(root, root.content_box_x() + root.width)
    assert not overflowing, sorted(set(overflowing))


def test_three_record_sheets_that_a_nurse_can_run_the_day_from() -> None:
    patient = load_patient(EXAMPLES / "full.yaml").data
    html = pipeline.render_html(pipeline.letter(patient))
    # The panel's 25 first: B's lower dose is the team's, C climbs 50, 75, 100.
    assert html.count('<table class="obs obs-walks">') == 4
    text = re.sub(r"\s+", " ", " ".join(_pages(EXAMPLES / "full.yaml")))
    for words in (
        "Record sheet 1 of 4",
        "Record sheet 4 of 4",
        "Before the trial: a checklist for the team",
        "Anticoagulants or antiplatelets",
        "Oral baclofen on trial days",
        "Takes 80 mg a day.",
        "In the file: Tizanidine 2 mg at night",
        "Penn 0–4",
        "15 min",
        "1.5 h",
        "4 h, peak",
        "The peak is expected at about 4 hours (4 to 6)",
        "Prescriber, signature",
        "Last oral baclofen (time)",
        "Catheter placed: date, time, by whom, level, tip level",
        "Batch, expiry (1)",
        "Batch, expiry (2)",
        "Excess discarded (mL)",
        "Injected over (min)",
        "Dead space (mL)",
        "Given by, checked by",
        "Back to baseline at",
        "Stop and call the doctor at limits the team sets before dose 1",
        "urinary retention",
        "D, signs of overdose: stop, treat, review",
        "B, too much weakness (alertness, breathing and blood pressure unchanged)",
        "Goals, with levels set before the trial",
        "Met if (agreed before dose 1)",
        "the clinic’s own records and protocols govern",
    ):
        assert words in text, words


@pytest.mark.parametrize(
    ("walking", "walk_tests"),
    [("with-aids", True), ("does-not-walk", False), ("mostly-wheelchair", False)],
)
def test_the_measures_follow_what_the_patient_can_do(walking: str, walk_tests: bool) -> None:
    raw = _raw(EXAMPLES / "minimal.yaml")
    text = re.sub(
        r"\s+", " ", " ".join(_with(EXAMPLES / "minimal.yaml", mobility={"walking": walking}))
    )
    assert ("10 m walk" in text) == walk_tests
    assert ("TUG" in text) == walk_tests
    assert ("too weak to stand or walk" in text.lower()) == walk_tests
    assert "Penn 0–4" in text
    if walking == "does-not-walk":
        assert "spasms, pain, sitting, transfers and care" in text
        assert "walking" not in text.split("About")[0].lower().replace("walking tests", ""), raw


def test_a_table_that_breaks_across_pages_repeats_its_headings() -> None:
    goals = [f"Goal number {n}: walk a little further than before" for n in range(1, 41)]
    patient = _patient(EXAMPLES / "minimal.yaml", goals=goals)
    pages = pdf_text(pipeline.render_pdf(pipeline.letter(patient)))
    with_goals = [page for page in pages if "Goal number" in page]
    assert len(with_goals) >= 2
    for page in with_goals:
        assert "Goal Met if (agreed before dose 1) Dose 1 Dose 2 Dose 3" in page


# --------------------------------------------------------------------------- blank copies


def test_blank_copy_has_spaces_instead_of_a_patient() -> None:
    options = RenderOptions(lang="en-GB")
    html = pipeline.render_html(pipeline.blank(options, today=dt.date(2027, 1, 5)))
    pages = pdf_text(render.default_renderer().pdf(html, options))
    assert 9 <= len(pages) <= 12
    for page in pages:
        assert "Name: ____" in page
    first = pages[0]
    assert "A first dose of 25 micrograms (0.5 mL of 50 micrograms/mL) if the box below" in first
    assert "otherwise 50 micrograms (1 mL of 50 micrograms/mL)" in first
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert (
        "Dose 1: 25 micrograms (0.5 mL of 50 micrograms/mL) or 50 micrograms"
        " (1 mL of 50 micrograms/mL), as the letter asks" in text
    )
    # A dose written by hand has its unit, volume and strength printed around the spaces.
    assert "micrograms ( mL of 50 micrograms/mL)" in text
    assert "Date of birth: ____" not in text
    assert "Tick if true: some stiffness in my legs holds me up" in first
    assert "None" not in text


def test_fillable_blank_copy_has_named_titled_form_fields() -> None:
    org = Organisation(name="Example Group", website="example.org", message="Hello")
    options = RenderOptions(pdf_forms=True)
    html = pipeline.render_html(pipeline.blank(options, brand=Branding(org), fillable=True))
    fields = re.findall(r"<(input|textarea)\b[^>]*>", html)
    assert len(fields) >= 20
    for tag in re.finditer(r"<(?:input|textarea)\b[^>]*>", html):
        assert re.search(r'\btitle="[^"]+"', tag.group()), tag.group()
        assert re.search(r'\bname="[^"]+"', tag.group()), tag.group()
    names = re.findall(r'<(?:input|textarea)\b[^>]*\bname="([^"]+)"', html)
    assert len(names) == len(set(names))
    data = render.default_renderer().pdf(html, options)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.Root.AcroForm.Fields) == len(names)
    first = pdf_text(data)[0]
    assert "Example Group" in first and "Hello" in first


def test_organisation_band_and_footer() -> None:
    org = Organisation(name="Northern HSP Circle", phone="0161 000 0000", message="Together")
    patient = load_patient(EXAMPLES / "minimal.yaml").data
    html = pipeline.render_html(pipeline.letter(patient, brand=Branding(org)))
    data = render.default_renderer().pdf(html, context.options_for(patient))
    pages = pdf_text(data)
    assert "Together" in pages[0] and "0161 000 0000" in pages[0]
    assert all("Northern HSP Circle" in page for page in pages)


# --------------------------------------------------------------------------- what the patient said


def _with(example: Path, **sections: Any) -> list[str]:
    patient = _patient(example, **sections)
    return pdf_text(pipeline.render_pdf(pipeline.letter(patient)))


RELIES = "Some stiffness in my legs holds me up: I rely on it to stand and walk."
NEUTRAL = "A dose that is too strong can leave a person too weak to stand or walk for hours"


@pytest.mark.parametrize(
    ("relies", "mine", "neutral"),
    [(True, True, False), (None, False, True), (False, False, False)],
    ids=["said-yes", "not-said", "said-no"],
)
def test_the_letter_never_puts_reliance_on_tone_in_the_patients_mouth(
    relies: bool | None, mine: bool, neutral: bool
) -> None:
    mobility = {"summary": "I walk with a stick."}
    if relies is not None:
        mobility["relies_on_leg_tone_to_stand"] = relies  # type: ignore[assignment]
    first = re.sub(r"\s+", " ", _with(EXAMPLES / "minimal.yaml", mobility=mobility)[0])
    assert (RELIES in first) == mine
    assert (NEUTRAL in first) == neutral


def test_minimal_example_does_not_claim_reliance_on_tone() -> None:
    first = re.sub(r"\s+", " ", _pages(EXAMPLES / "minimal.yaml")[0])
    assert RELIES not in first
    assert NEUTRAL in first


HSP_SENTENCE = "seems to require particularly low doses"
MS_SENTENCE = "people with multiple sclerosis may be more sensitive"


@pytest.mark.parametrize(
    ("diagnosis", "hsp", "ms"),
    [
        ("Hereditary spastic paraplegia (SPG4)", True, False),
        ("hereditary spastic paraparesis", True, False),
        ("SPG7", True, False),
        ("FSP", True, False),
        ("hsp", True, False),
        ("Multiple sclerosis (secondary progressive)", False, True),
        ("SPMS", False, True),
        ("Cerebral palsy (spastic diplegia)", False, False),
        ("Spinal cord injury, T10", False, False),
    ],
)
def test_background_speaks_to_the_diagnosis(diagnosis: str, hsp: bool, ms: bool) -> None:
    raw = _raw(EXAMPLES / "minimal.yaml")
    text = re.sub(
        r"\s+",
        " ",
        " ".join(
            _with(EXAMPLES / "minimal.yaml", patient={**raw["patient"], "diagnosis": diagnosis})
        ),
    )
    assert (HSP_SENTENCE in text) == hsp
    assert (MS_SENTENCE in text) == ms
    assert ("Ridley B" in text) == ms
    assert ("Dressler D" in text) == hsp


def test_the_trial_is_supervised_and_overdose_is_its_own_branch() -> None:
    text = re.sub(r"\s+", " ", " ".join(_pages(EXAMPLES / "full.yaml")))
    assert "Supervised, with resuscitation equipment and trained staff at hand" in text
    assert "with alertness, breathing and blood pressure unchanged from before the dose" in text
    assert "withdrawing 30 to 40 mL of spinal fluid may be considered" in text
    assert "have been used in some services" in text
    # Dr Dollinger's account fits a letter that starts at 50 and retries at 25.
    assert "Dollinger" not in text
    minimal = re.sub(r"\s+", " ", " ".join(_pages(EXAMPLES / "minimal.yaml")))
    assert "described as a board member of the Spastic Paraplegia Foundation" in minimal
    # A dose is never used as an adjective ("a 25 mcg bolus").
    assert not re.search(r"\b\d+ (mcg|micrograms) (bolus|dose|test|screening)", text)


def test_a_parent_writes_for_a_child_in_the_third_person() -> None:
    pages = _pages(EXAMPLES / "child-cp.yaml")
    text = re.sub(r"\s+", " ", " ".join(pages))
    letter = text.split("Before the trial: a checklist")[0]
    assert "I am writing as Maya’s parent" in letter
    assert "needs my consent and, as far as Maya can give it, Maya’s own agreement" in letter
    assert "Ada Okonkwo-Reyes parent of Maya Okonkwo-Reyes" in letter
    # No first person for the child, no assumed local anaesthetic.
    for mine in ("my legs", "I rely", "my appointment", "my trial", "About me", "local anesthetic"):
        assert mine not in text, mine
    assert "About Maya" in text
    assert "Weight 24.5 kg" in text
    assert "Dollinger" not in text
    assert "A first dose of 25 mcg (0.5 mL of 50 mcg/mL)" in pages[0]


def test_a_wheelchair_user_gets_no_walking_measures() -> None:
    text = re.sub(r"\s+", " ", " ".join(_pages(EXAMPLES / "sci-wheelchair.yaml")))
    for walking in ("10 m walk", "TUG", "too weak to stand or walk", "standing and walking kept"):
        assert walking not in text, walking
    assert "spasms, pain, sitting, transfers and care" in text
    assert "Spinal cord injury at T6 or above: a plan for autonomic dysreflexia" in text
    assert "or above mmHg" in text  # an upper blood pressure limit on every sheet
    assert "autonomic dysreflexia" in text.split("Record sheet 1")[1]
    assert "Level T4: at or above T6." in text
    assert "Dear Mr Grant," in text
    assert "A first dose of 50 micrograms (1 mL of 50 micrograms/mL)" in text


def test_large_print_leaves_the_staff_forms_to_the_standard_copy(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from advocacy.cli import cli

    out = tmp_path / "letter.pdf"
    result = CliRunner().invoke(
        cli,
        ["render", str(EXAMPLES / "uk.yaml"), "--large-print", "--standard-copy", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    large = " ".join(pdf_text(out.read_bytes()))
    standard = " ".join(pdf_text((tmp_path / "letter-standard.pdf").read_bytes()))
    assert f"Wrote {tmp_path / 'letter-standard.pdf'}" in result.stderr
    # The patient's reading copy: the letter, plan, goals and sources at 16 pt.
    assert "Harriet Clarke" in large.split("Page 1 of")[0]  # the identity block on page 1
    assert "For the care team:" in large
    assert "Record sheet 1" not in large and "Before the trial: a checklist" not in large
    # The team's copy has the forms.
    assert "Record sheet 1" in standard and "Before the trial: a checklist" in standard
    # Without --standard-copy nothing else is written; an existing copy is never replaced.
    again = CliRunner().invoke(
        cli,
        ["render", str(EXAMPLES / "uk.yaml"), "--large-print", "--standard-copy", "-o", str(out)],
    )
    assert again.exit_code != 0
