"""The trial-request document itself, read back from the PDF (pypdf) and the HTML.

Every example in examples/ is rendered as its file asks (language, paper) and
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

from advocacy import document, i18n, pipeline, references, render, resources
from advocacy.model import Organisation, PatientFile, load_patient, validate_patient
from advocacy.options import RenderOptions
from tests.conftest import EXAMPLES, PATIENTS, pdf_text

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
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
    return pipeline.render_pdf(patient, document.options_for(patient))


def _pages(example: Path, **kw: Any) -> list[str]:
    return pdf_text(_render(example, **kw))


# --------------------------------------------------------------------------- every example


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=EXAMPLE_IDS)
def test_three_to_five_pages_on_its_own_paper_and_the_other(example: Path) -> None:
    patient = load_patient(example).data
    for paper in ("a4", "letter"):
        data = pipeline.render_pdf(patient, document.options_for(patient, paper=paper))
        assert 3 <= len(PdfReader(io.BytesIO(data)).pages) <= 5, paper


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
    assert "I ask you to:" in first
    # The three requests, in order (their numbers are list markers, drawn but not text).
    positions = [
        first.find(request)
        for request in (
            "I ask you to: Run the screening trial through an intrathecal catheter",
            "Start with",
            "repeat through the same catheter at",
            "Judge the trial on standing and walking as well as tone",
        )
    ]
    assert -1 not in positions and positions == sorted(positions), positions
    html = pipeline.render_html(patient)
    assert re.search(r'<ol class="requests">(\s*<li>.*?</li>){3}\s*</ol>', html, re.DOTALL)
    assert "Why." in first and "The US prescribing information allows" in first
    assert "The decision is yours" in first
    assert "It is not medical advice." in first
    assert re.search(r"Signature Date Read by \(care team\) Date", first)


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
    for html in (pipeline.render_html(patient), pipeline.render_blank_html(RenderOptions())):
        # About me is the patient's own words ("Tizanidine 2 mg"), printed as written;
        # the goals table's dose headings may stack their unit under the number.
        ours = html.split('<section class="about"')[0] + html.split('<section class="sources"')[1]
        ours = re.sub(r'<th scope="col" class="dose-col">.*?</th>', "", ours, flags=re.DOTALL)
        words = re.sub(r"<[^>]+>", " ", ours)
        assert not re.search(r"\d[ \t\n]+(mcg|micrograms|mL|mg)\b", words), example.name
        assert re.search("\\d\u00a0(mcg|micrograms)\\b", words)


@pytest.mark.parametrize(
    ("first", "reduced", "lang", "unit"),
    [
        (50, 25, "en-US", "mcg"),
        (40, 20, "en-US", "mcg"),
        (40, 20, "en-GB", "micrograms"),
        (30, 15, "en-GB", "micrograms"),
        (100, 50, "en-US", "mcg"),
    ],
    ids=["50-25-US", "40-20-US", "40-20-GB", "30-15-GB", "100-50-US"],
)
def test_the_doses_come_from_the_file(first: int, reduced: int, lang: str, unit: str) -> None:
    example = EXAMPLES / "patient.yaml"
    pages = _pages(example, lang=lang, first=first, reduced=reduced)
    ml = {50: "1", 25: "0.5", 40: "0.8", 20: "0.4", 30: "0.6", 15: "0.3", 100: "2"}
    assert f"Start with {first} {unit} ({ml[first]} mL)." in pages[0]
    assert f"repeat through the same catheter at {reduced} {unit} ({ml[reduced]} mL)" in pages[0]
    text = " ".join(pages)
    assert f"Dose 1: {first} {unit} ({ml[first]} mL)" in text
    assert f"Reduced dose: {reduced} {unit} ({ml[reduced]} mL)" in text
    # The label's escalation only above the first dose, and never past 100.
    # A first dose below 50 climbs through 50 first, never straight to 75.
    for step, volume in ((50, "1"), (75, "1.5"), (100, "2")):
        assert (f"Higher dose: {step} {unit} ({volume} mL)" in text) == (step > first)
    if first == 100:
        assert f"100 {unit} is the label’s highest test dose" in text


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


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=EXAMPLE_IDS)
def test_no_claim_the_fact_sheet_forbids(example: Path) -> None:
    text = " ".join(_pages(example))
    lowered = text.lower()
    for claim in (
        "always reversible",
        "same day",
        "same-day",
        "hour or two",
        "100 times",
        "1/100",
        "unverified",
        "nhs england",
        "royal college",
    ):
        assert claim not in lowered, claim
    # The screening-test paper is Boster et al., not "Saulino et al.".
    assert "Saulino et al" not in text
    assert "Boster AL" in text
    # The catheter is asked for, never claimed to be required or safer.
    assert "neither the label nor any guideline requires a catheter trial" in text
    assert "I do not claim that a catheter trial is safer" in text
    # Dollinger is a personal account, not a guideline.
    assert "not a guideline or the Foundation’s policy" in text


def test_references_carry_nothing_unverified() -> None:
    for reference in references.REFERENCES.values():
        words = reference.text + " ".join(reference.urls)
        assert "UNVERIFIED" not in words.upper(), reference.key
        assert "believed" not in words, reference.key


# --------------------------------------------------------------------------- locales


def _size(data: bytes) -> tuple[float, float]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        box = pdf.pages[0].MediaBox
        return float(box[2]), float(box[3])


def test_en_us_says_mcg_and_anesthetic_on_letter() -> None:
    data = _render(EXAMPLES / "patient.yaml", lang="en-US")
    text = " ".join(pdf_text(data))
    assert "50 mcg" in text and "micrograms" not in text
    assert "local anesthetic" in text
    assert "10-meter walk" in text
    assert "March 14, 1972" in text
    assert "Sincerely," in text and "Yours sincerely" not in text
    assert _size(data) == pytest.approx(PAGE_SIZES["letter"], abs=0.1)


def test_en_gb_says_micrograms_and_anaesthetic_on_a4() -> None:
    data = _render(EXAMPLES / "uk.yaml")
    text = " ".join(pdf_text(data))
    assert "50 micrograms" in text and "mcg" not in text
    assert "local anaesthetic" in text and "anesthetic" not in text
    assert "10-metre walk" in text and "meter" not in text
    assert "paralysed" in text and "paralyzed" not in text
    assert "2 November 1968" in text
    assert "Yours sincerely," in text
    assert "‘via spinal catheter or lumbar puncture’" in text
    assert _size(data) == pytest.approx(PAGE_SIZES["a4"], abs=0.1)


def test_paper_follows_the_option_over_the_language() -> None:
    patient = load_patient(EXAMPLES / "uk.yaml").data
    data = pipeline.render_pdf(patient, document.options_for(patient, paper="letter"))
    assert _size(data) == pytest.approx(PAGE_SIZES["letter"], abs=0.1)
    assert "micrograms" in pdf_text(data)[0]


def test_the_british_catalogue_has_no_stale_entries() -> None:
    """Every en-GB entry must still be a message in the templates, or it silently stops applying."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
    current = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            str(resources.templates_dir()),
            method_map=[("**.html", "jinja2")],
            options_map={"**.html": options},
        )
    }
    with i18n.catalogue_path("en-GB").open("rb") as handle:
        catalogue = read_po(handle)
    entries = [m for m in catalogue if m.id]
    assert entries
    for message in entries:
        assert message.id in current, f"stale en-GB entry: {message.id[:80]!r}"
        assert message.string and message.string != message.id
        # Placeholders survive translation.
        assert sorted(re.findall(r"%\(\w+\)s", message.id)) == sorted(
            re.findall(r"%\(\w+\)s", str(message.string))
        )


# --------------------------------------------------------------------------- optional data


def test_absent_optional_data_leaves_no_trace() -> None:
    patient = load_patient(EXAMPLES / "minimal.yaml").data
    html = pipeline.render_html(patient)
    assert not re.search(r"<h[1-6][^>]*>\s*</h[1-6]>", html)
    assert not re.search(r"<(dd|li|p)[^>]*>\s*</\1>", html)
    text = " ".join(_pages(EXAMPLES / "minimal.yaml"))
    for absent in (
        "None",
        "In my own words",
        "My questions for the team",
        "Emergency contact",
        "Prepared with",
        "Appointment",
        "Hospital number",
        "Oral baclofen",
        " ,",
        ",,",
        "()",
        ", .",
    ):
        assert absent not in text, absent
    assert "Dear care team," in text
    assert "I prepared this document to support a discussion" in text


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

    doc = render.default_renderer().document(pipeline.render_html(patient, options), options)
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
    patient = load_patient(EXAMPLES / "patient.yaml").data
    heights = _row_heights_mm(patient, document.options_for(patient, large_print=large or None))
    plan = document.plan_for(patient)
    assert len(heights) >= len(plan.doses) * len(plan.time_points)
    # At least 10 mm for a hand with a tremor; 13 mm with large print's bigger writing.
    assert min(heights) >= (13 if large else 10) - 0.01, min(heights)


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
    options = document.options_for(patient, paper=paper, large_print=large or None)
    doc = render.default_renderer().document(pipeline.render_html(patient, options), options)
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


def test_one_record_table_per_planned_dose() -> None:
    patient = load_patient(EXAMPLES / "patient.yaml").data
    html = pipeline.render_html(patient)
    assert html.count('<table class="obs">') == len(document.plan_for(patient).doses) == 4
    assert html.count("<thead>") == 5  # four doses and the goals


def test_a_table_that_breaks_across_pages_repeats_its_headings() -> None:
    goals = [f"Goal number {n}: walk a little further than before" for n in range(1, 41)]
    patient = _patient(EXAMPLES / "minimal.yaml", goals=goals)
    pages = pdf_text(pipeline.render_pdf(patient, document.options_for(patient)))
    with_goals = [page for page in pages if "Goal number" in page]
    assert len(with_goals) >= 2
    for page in with_goals:
        assert "Goal 50 mcg 25 mcg 75 mcg 100 mcg" in page
    # Large print: every page that holds rows of a dose table has its headings.
    large = document.options_for(patient, large_print=True)
    for page in pdf_text(pipeline.render_pdf(patient, large)):
        if re.search(r"\b[1268] h\b", page):
            assert "Clock time" in page


# --------------------------------------------------------------------------- blank copies


def test_blank_copy_has_spaces_instead_of_a_patient() -> None:
    options = RenderOptions(lang="en-GB")
    html = pipeline.render_blank_html(options, today=dt.date(2027, 1, 5))
    pages = pdf_text(render.default_renderer().pdf(html, options))
    assert 4 <= len(pages) <= 6
    for page in pages:
        assert "Name: ____" in page
    first = pages[0]
    assert "Start with 50 micrograms (1 mL) or" in first
    assert "25 micrograms (0.5 mL) or" in first
    assert "I ask you to:" in first
    text = " ".join(pages)
    assert "Dose 1: 50 micrograms (1 mL)" in text  # the diagram shows the usual doses
    # Every dose written by hand has its unit and volume printed around the spaces,
    # and the record tables leave the dose to be written in.
    assert "or micrograms ( mL)" in re.sub(r"\s+", " ", first)
    assert "Higher dose: micrograms ( mL)" in re.sub(r"\s+", " ", text)
    assert "Higher dose: 100 micrograms" not in text
    assert "Date of birth: ____" not in text
    assert "Tick if true: some stiffness in my legs holds me up" in first
    assert "None" not in text


def test_fillable_blank_copy_has_named_titled_form_fields() -> None:
    org = Organisation(name="Example Group", website="example.org", message="Hello")
    options = RenderOptions(pdf_forms=True)
    html = pipeline.render_blank_html(options, org=org, fillable=True)
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
    html = pipeline.render_html(patient, document.options_for(patient), org=org)
    data = render.default_renderer().pdf(html, document.options_for(patient))
    pages = pdf_text(data)
    assert "Together" in pages[0] and "0161 000 0000" in pages[0]
    assert all("Northern HSP Circle" in page for page in pages)


# --------------------------------------------------------------------------- what the patient said


def _with(example: Path, **sections: Any) -> list[str]:
    patient = _patient(example, **sections)
    return pdf_text(pipeline.render_pdf(patient, document.options_for(patient)))


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
MS_SENTENCE = "People with multiple sclerosis may be more sensitive"


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


@pytest.mark.parametrize(
    ("born", "warned"), [(dt.date(2022, 6, 1), True), (dt.date(2021, 12, 31), False)]
)
def test_a_child_under_four_is_warned_not_refused(born: dt.date, warned: bool) -> None:
    raw = {**_raw(EXAMPLES / "minimal.yaml")}
    raw["patient"] = {**raw["patient"], "date_of_birth": born.isoformat()}
    loaded = validate_patient(raw, "child.yaml", today=dt.date(2026, 1, 1))
    found = [w for w in loaded.warnings if w.path == "patient.date_of_birth"]
    assert bool(found) == warned
    if warned:
        assert "under 4" in found[0].message
        assert "paediatric team" in found[0].fix and "25 micrograms" in found[0].fix


def test_the_trial_is_supervised_and_the_reduced_dose_ends_the_plan() -> None:
    text = re.sub(r"\s+", " ", " ".join(_pages(EXAMPLES / "full.yaml")))
    assert "Supervised, with resuscitation equipment and trained staff at hand" in text
    assert "After the reduced dose, the team decides the next step." in text
    assert "Only if dose 1 did too little (C)" in text
    assert "Monthly Prescribing Reference-style drug summary: Gablofen" in text
    assert "described as a board member of the Spastic Paraplegia Foundation" in text
    assert "so far described with rising doses" in text
    # A dose is never used as an adjective ("a 25 mcg bolus").
    assert not re.search(r"\b\d+ (mcg|micrograms) (bolus|dose|test|screening)", text)
