"""``advocacy serve`` over HTTP: the form, the API, the limits, the headers, the queue.

One application (one warm render worker) serves the whole module; tests that
need their own limits or pool build a small app of their own.
"""

from __future__ import annotations

import ast
import asyncio
import html
import json
import logging
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from advocacy.errors import Busy, InvalidPatientError, JobFailed, PortInUse
from advocacy.interview.questions import QUESTIONS, words_of
from advocacy.model import validate_patient
from advocacy.web import form
from advocacy.web.app import create_app
from advocacy.web.settings import WebSettings
from advocacy.web.workers import WorkerPool
from tests import web_jobs
from tests.conftest import ROOT, pdf_text

ANN = {
    "document.language": "en-GB",
    "patient.name": "Ann Example",
    "patient.date_of_birth": "14 March 1972",
    "patient.diagnosis": "hereditary spastic paraplegia (SPG4)",
    "mobility.relies_on_leg_tone_to_stand": "yes",
    "goals": "Stand up from a chair\r\nWalk to the shop",
    "appointment.clinic": "Spasticity Service, Example Hospital",
    "trial.first_dose_mcg": "50",
    "trial.reduced_dose_mcg": "25",
}
HOSTILE = '<script>alert(1)</script> {{ 7*7 }} <link href="file:///etc/passwd">'


@pytest.fixture(scope="module")
def client() -> Any:
    app = create_app(WebSettings(workers=1, queue=4))
    with TestClient(app) as test_client:
        yield test_client


def _post(client: TestClient, path: str, data: dict[str, str], **extra: str) -> Any:
    return client.post(path, data={**data, **extra})


def _summary_links(page: str) -> list[tuple[str, str]]:
    box = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [
        (href, html.unescape(text))
        for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', box)
    ]


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize("path", ["/", "/form", "/group", "/no-such-page"])
def test_security_headers_on_every_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert "http" not in csp  # no third-party origin, not even this site's by name
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "server" not in {k.lower() for k in response.headers}


def test_patient_data_responses_are_never_cached(client: TestClient) -> None:
    for path in ("/form", "/answers"):
        response = _post(client, path, ANN, action="review")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"


def test_every_asset_comes_from_the_package(client: TestClient) -> None:
    pages = [client.get(p).text for p in ("/", "/form", "/group")]
    pages.append(_post(client, "/form", ANN, action="review").text)
    for page in pages:
        urls = re.findall(r'(?:src|href|action)="([^"#]+)', page)
        assert urls
        for url in urls:
            assert url.startswith("/"), url
            assert not url.startswith("//"), url
    for asset in ("/static/site.css", "/static/site.js"):
        response = client.get(asset)
        assert response.status_code == 200
        assert response.headers["cache-control"].startswith("public")


# --------------------------------------------------------------------------- the form


def test_the_form_asks_every_interview_question(client: TestClient) -> None:
    seen = ""
    for step in form.STEPS:
        seen += _post(client, "/form", {}, action=f"goto-{step.number}").text
    for question in QUESTIONS:
        assert html.escape(question.text, quote=True) in seen, question.key


def test_fields_whose_values_the_model_lists_become_radios() -> None:
    from advocacy.interview.questions import Question

    assert form.literal_choices(("document", "paper")) == ("a4", "letter")
    assert form.literal_choices(("patient", "name")) == ()
    # A question the interview adds later, asked as text, about a listed field.
    question = Question(("document", "paper"), "Paper", "Which paper?", "Why.", kind="text")
    field = form._from_question(question)
    assert field.kind == "choice"
    assert field.choices == (("a4", "A4"), ("letter", "Letter"), ("", "Not given"))
    assert form._choice_words("without-aids") == "Without aids"


@pytest.mark.parametrize(
    ("answers", "first", "half"),
    [
        ({}, "50 mcg", "25 mcg"),
        ({"mobility.relies_on_leg_tone_to_stand": "yes"}, "25 mcg", "none: the team decides"),
        ({"trial.first_dose_mcg": "40"}, "40 mcg", "20 mcg"),
        ({"trial.first_dose_mcg": "25"}, "25 mcg", "none: the team decides"),
        ({"trial.first_dose_mcg": "0.05"}, "50 mcg", "25 mcg"),  # refused later, not halved
    ],
)
def test_the_form_words_doses_as_the_interview_and_the_dose_plan_do(
    answers: dict[str, str], first: str, half: str
) -> None:
    words = form.words(answers, "en-US")
    assert (words["first"], words["half"]) == (first, half)
    assert form.words({**answers, "document.language": "en-GB"}, "en-US")["unit"] == "micrograms"


def test_a_mistake_is_named_at_the_top_and_by_its_field(client: TestClient) -> None:
    data = {"patient.name": "Ann Example", "patient.date_of_birth": "1972-02-30"}
    page = _post(client, "/form", data, step="2", action="next").text
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Error: About you" in page
    links = _summary_links(page)
    hrefs = [href for href, _ in links]
    assert hrefs == ["#f-patient-date-of-birth", "#f-patient-diagnosis"]
    # The same words `advocacy check` uses for the missing diagnosis.
    with pytest.raises(InvalidPatientError) as raised:
        validate_patient({"patient": {"name": "A", "date_of_birth": "1972-03-01"}}, "x")
    check_words = words_of(raised.value.problems[0])
    assert any(check_words in text for _, text in links)
    # Beside the field, tied to it for screen readers.
    field = re.search(r'<input[^>]+id="f-patient-date-of-birth"[^>]*>', page)
    assert field is not None
    assert 'aria-describedby="f-patient-date-of-birth-hint f-patient-date-of-birth-error"' in (
        field.group(0)
    )
    assert 'aria-invalid="true"' in field.group(0)
    assert 'id="f-patient-date-of-birth-error"' in page
    assert "not a day on the calendar" in page
    # The answers so far are kept.
    assert 'value="Ann Example"' in page


def test_a_date_that_could_be_misread_is_refused(client: TestClient) -> None:
    data = {**ANN, "patient.date_of_birth": "04/03/1972"}
    page = _post(client, "/form", data, step="2", action="next").text
    assert "could be" in html.unescape(page)
    assert "Write the month as a word" in page


def test_continue_goes_to_the_next_part_and_keeps_every_answer(client: TestClient) -> None:
    page = _post(client, "/form", ANN, step="2", action="next").text
    assert "Part 3 of 9" in page
    for key, value in ANN.items():
        assert f'name="{key}" value="{html.escape(value.replace(chr(13), ""))}"' in page or (
            f'name="{key}"' in page
        )
    assert 'value="Ann Example"' in page


def test_check_your_answers_offers_every_change_and_the_download(client: TestClient) -> None:
    page = _post(client, "/form", ANN, step="9", action="next").text
    assert '<h1 class="heading-l">Check your answers</h1>' in page
    assert "Download PDF" in page
    assert page.count(">Change<") == len(form.FIELDS)
    assert "14 March 1972" in page  # shown as the letter will print it
    assert "50 micrograms" in page


def test_change_goes_back_to_the_part_then_returns_to_the_answers(client: TestClient) -> None:
    page = _post(client, "/form", ANN, action="goto-2").text
    assert "Part 2 of 9" in page
    assert 'name="return" value="review"' in page
    assert 'value="back"' not in page  # the only way from here is back to the answers
    back = _post(client, "/form", ANN, step="2", action="next", **{"return": "review"}).text
    assert "Check your answers" in back


def test_hostile_text_is_shown_literally(client: TestClient) -> None:
    data = {**ANN, "statement": HOSTILE, "patient.name": HOSTILE}
    page = _post(client, "/form", data, action="review").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in page
    assert '<link href="file:' not in page


@pytest.mark.render
def test_download_pdf_holds_the_details(client: TestClient) -> None:
    response = _post(client, "/pdf", ANN)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="Ann-Example.pdf"' in response.headers["content-disposition"]
    text = " ".join(pdf_text(response.content))
    assert "Ann Example" in text
    assert "14 March 1972" in text
    assert "Walk to the shop" in text


@pytest.mark.render
def test_paper_and_large_print_options_reach_the_pdf(client: TestClient) -> None:
    import io

    from pypdf import PdfReader

    def pdf(**options: str) -> Any:
        response = _post(client, "/pdf", {**ANN, "document.language": "en-US", **options})
        assert response.status_code == 200
        return PdfReader(io.BytesIO(response.content))

    usual, a4 = pdf(), pdf(**{"document.paper": "a4"})
    large = pdf(**{"document.large_print": "yes"})
    assert round(float(usual.pages[0].mediabox.width)) == 612  # Letter, the US default
    assert round(float(a4.pages[0].mediabox.width)) == 595
    assert len(large.pages) > len(usual.pages)


def test_characters_the_fonts_cannot_print_are_pointed_out(client: TestClient) -> None:
    page = _post(client, "/form", {**ANN, "statement": "我的腿很僵硬"}, action="review").text
    assert "Please check" in page
    assert "statement" in page


def test_download_names_survive_any_script() -> None:
    from advocacy.web.app import _attachment

    assert _attachment("Ann-Example.pdf").startswith('attachment; filename="Ann-Example.pdf"')
    assert 'filename="letter.pdf"' in _attachment("王芳.pdf")
    assert "filename*=UTF-8''%E7%8E%8B%E8%8A%B3.pdf" in _attachment("王芳.pdf")
    assert 'filename="letter-answers.yaml"' in _attachment("王芳-answers.yaml")


def test_download_with_a_problem_shows_the_answers_again(client: TestClient) -> None:
    data = {**ANN, "trial.first_dose_mcg": "0.05"}
    page = _post(client, "/pdf", data)
    assert page.headers["content-type"].startswith("text/html")
    assert "looks like milligrams" in page.text
    assert ("#row-f-trial-first-dose-mcg", pytest.approx) != ()
    assert _summary_links(page.text)[0][0] == "#row-f-trial-first-dose-mcg"


@pytest.mark.render
def test_page_previews_work_without_javascript(client: TestClient) -> None:
    page = _post(client, "/preview", ANN).text
    pictures = re.findall(r'<img src="data:image/png;base64,', page)
    assert len(pictures) >= 3
    assert 'alt="Page 1 of' in page


@pytest.mark.render
def test_preview_api_gives_the_pages_or_the_problems(client: TestClient) -> None:
    body = client.post("/api/preview", data=ANN).json()
    assert len(body["pages"]) >= 3
    assert body["pages"][0].startswith("data:image/png;base64,iVBOR")
    bad = client.post("/api/preview", data={**ANN, "patient.name": ""})
    assert bad.status_code == 422
    assert bad.json()["errors"]["patient.name"].startswith("Full name is required")


def test_answers_saved_as_a_file_load_back(client: TestClient) -> None:
    saved = _post(client, "/answers", {**ANN, "statement": HOSTILE})
    assert saved.status_code == 200
    assert 'filename="Ann-Example-answers.yaml"' in saved.headers["content-disposition"]
    assert "patient:" in saved.text
    loaded = client.post("/load", files={"file": ("mine.yaml", saved.content, "application/yaml")})
    assert loaded.status_code == 200
    assert "Check your answers" in loaded.text
    assert "Ann Example" in loaded.text
    assert "Walk to the shop" in loaded.text
    assert "&lt;script&gt;" in loaded.text


def test_a_loaded_file_with_parts_the_form_does_not_use_says_so(client: TestClient) -> None:
    raw = {
        "patient": {"name": "Ann", "date_of_birth": "1972-03-14", "diagnosis": "MS"},
        "organisation": {"name": "G", "logo": "/etc/passwd"},
    }
    loaded = client.post("/load", files={"file": ("p.json", json.dumps(raw), "application/json")})
    assert "organisation.logo" in loaded.text
    assert "will not be in the letter" in loaded.text


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("notes.txt", b"hello", "not a patient file"),
        ("p.yaml", b"\xff\xfe\x00bad", "not UTF-8"),
        ("p.yaml", b"patient: [unclosed", "line 1, column 10"),
        ("p.yaml", b"- a list", "not a patient file"),
    ],
)
def test_a_bad_file_to_load_is_explained(
    client: TestClient, name: str, content: bytes, words: str
) -> None:
    response = client.post("/load", files={"file": (name, content, "text/plain")})
    assert response.status_code == 400
    assert words in response.text
    assert 'href="#load-file"' in response.text


# --------------------------------------------------------------------------- limits


def test_a_request_over_the_size_limit_is_refused_clearly() -> None:
    app = create_app(WebSettings(workers=1, max_body_bytes=2000), pool=_NoPool())
    with TestClient(app) as small:
        response = small.post("/form", data={"statement": "x" * 5000})
        assert response.status_code == 413
        assert "larger than the" in response.text
        api = small.post("/api/check", content=b"{" + b" " * 5000 + b"}")
        assert api.status_code == 413
        assert "larger than the" in api.json()["error"]


def test_uploads_stay_in_memory() -> None:
    # Starlette keeps an uploaded file in memory up to its spooling size and
    # writes the rest to a temporary file; the body limit keeps every upload below it.
    from starlette.formparsers import MultiPartParser

    assert WebSettings().max_body_bytes <= MultiPartParser.spool_max_size


def test_a_field_over_its_length_limit_is_named(client: TestClient) -> None:
    page = _post(client, "/form", {**ANN, "patient.name": "A" * 3000}, step="2").text
    assert "Full name is 3,000 characters long. Shorten it to 2,000 characters" in (
        html.unescape(page)
    )
    lines = "\n".join(f"goal {n}" for n in range(60))
    page = _post(client, "/form", {**ANN, "goals": lines}, step="5").text
    assert "more than the 50 this form takes" in page


# --------------------------------------------------------------------------- API


def test_api_check_lists_problems_with_field_paths(client: TestClient) -> None:
    raw = {"patient": {"name": "Ann", "date_of_birth": "1972-03-14"}, "trial": {"first": 1}}
    body = client.post("/api/check", json=raw).json()
    assert body["valid"] is False
    paths = [p["path"] for p in body["problems"]]
    assert paths == ["patient.diagnosis", "trial.first"]
    # Word for word what `advocacy check` says.
    with pytest.raises(InvalidPatientError) as raised:
        validate_patient(raw, "x")
    assert [(p["message"], p["fix"]) for p in body["problems"]] == [
        (p.message, p.fix) for p in raised.value.problems
    ]
    good = {"patient": {"name": "Ann", "date_of_birth": "1972-03-14", "diagnosis": "MS"}}
    good["medication"] = {"oral_baclofen_mg_per_day": 90}  # type: ignore[dict-item]
    body = client.post("/api/check", json=good).json()
    assert body["valid"] is True
    assert body["warnings"][0]["path"] == "medication.oral_baclofen_mg_per_day"


def test_api_refuses_a_logo_path_and_bad_json(client: TestClient) -> None:
    raw = {
        "patient": {"name": "A", "date_of_birth": "1972-03-14", "diagnosis": "MS"},
        "organisation": {"name": "G", "logo": "/etc/hostname.png"},
    }
    body = client.post("/api/render", json=raw)
    assert body.status_code == 422
    assert body.json()["problems"][0]["path"] == "organisation.logo"
    bad = client.post("/api/check", content=b"not json")
    assert bad.status_code == 400
    assert bad.json() == {
        "error": "The request body was refused: line 1, column 1: Expecting value. Fix the"
        " syntax there."
    }
    deep = client.post("/api/check", content=b"[" * 100 + b"]" * 100)
    assert deep.status_code == 400
    assert "nested more than 32 deep" in deep.json()["error"]


@pytest.mark.render
def test_api_render_returns_the_pdf(client: TestClient) -> None:
    raw = {"patient": {"name": "Bo Example", "date_of_birth": "1980-01-02", "diagnosis": "MS"}}
    response = client.post("/api/render?lang=en-GB&paper=a4", json=raw)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "Bo Example" in " ".join(pdf_text(response.content))


def test_openapi_schema_comes_from_the_model(client: TestClient) -> None:
    from advocacy.model import PatientFile

    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {"/api/check", "/api/render"}
    schemas = spec["components"]["schemas"]
    assert set(schemas["PatientFile"]["properties"]) == set(PatientFile.model_fields)
    refs = re.findall(r'"\$ref": "([^"]+)"', json.dumps(spec))
    for ref in refs:
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


def test_api_field_check_uses_the_same_words(client: TestClient) -> None:
    data = {**ANN, "trial.first_dose_mcg": "50 mg", "field": "trial.first_dose_mcg"}
    body = client.post("/api/field", data=data).json()
    assert "is in milligrams" in body["error"]
    data["trial.first_dose_mcg"] = "50"
    assert client.post("/api/field", data=data).json()["error"] == ""


# --------------------------------------------------------------------------- the queue


class _NoPool:
    """A pool whose every render is refused, as a full queue refuses it."""

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    async def run(self, *_: Any) -> Any:
        raise Busy(retry_after=5)


def test_a_full_queue_answers_503_with_retry_after_and_keeps_the_answers() -> None:
    app = create_app(WebSettings(), pool=_NoPool())  # type: ignore[arg-type]
    with TestClient(app) as busy:
        page = busy.post("/pdf", data=ANN)
        assert page.status_code == 503
        assert page.headers["retry-after"] == "5"
        assert "busy" in page.text
        assert 'value="Ann Example"' in page.text  # nothing lost
        raw = {"patient": {"name": "A", "date_of_birth": "1972-03-14", "diagnosis": "MS"}}
        api = busy.post("/api/render", json=raw)
        assert api.status_code == 503
        assert api.headers["retry-after"] == "5"


def test_the_pool_refuses_beyond_its_queue_and_serves_the_rest() -> None:
    async def scenario() -> list[Any]:
        pool = WorkerPool(size=1, queue=1, timeout=30)
        pool.start()
        try:
            jobs = [pool.run(web_jobs.nap, 1.0) for _ in range(4)]
            return await asyncio.gather(*jobs, return_exceptions=True)
        finally:
            pool.close()

    results = asyncio.run(scenario())
    assert results.count("rested") == 2
    assert sum(isinstance(r, Busy) for r in results) == 2


def test_a_crash_or_a_timeout_fails_only_its_own_job() -> None:
    async def scenario() -> tuple[Any, ...]:
        # A fresh worker's start-up counts against its first job: on a busy
        # 2-core machine (tests in parallel) that alone can take seconds.
        pool = WorkerPool(size=1, queue=4, timeout=10)
        pool.start()
        try:
            crashed = await asyncio.gather(pool.run(web_jobs.crash), return_exceptions=True)
            after_crash = await pool.run(web_jobs.echo, "still here")
            slow = await asyncio.gather(pool.run(web_jobs.nap, 30), return_exceptions=True)
            after_timeout = await pool.run(web_jobs.echo, "and here")
            failed = await asyncio.gather(pool.run(web_jobs.fail), return_exceptions=True)
            return crashed[0], after_crash, slow[0], after_timeout, failed[0]
        finally:
            pool.close()

    crashed, after_crash, slow, after_timeout, failed = asyncio.run(scenario())
    assert isinstance(crashed, JobFailed) and "stopped unexpectedly" in str(crashed)
    assert after_crash == "still here"
    assert isinstance(slow, JobFailed) and "longer than 10 seconds" in str(slow)
    assert after_timeout == "and here"
    assert isinstance(failed, JobFailed) and "secret" not in str(failed)


def test_workers_are_replaced_after_their_quota() -> None:
    async def scenario() -> list[int]:
        pool = WorkerPool(size=1, queue=4, timeout=30, recycle_after=2)
        pool.start()
        try:
            return [await pool.run(web_jobs.pid) for _ in range(5)]
        finally:
            pool.close()

    pids = asyncio.run(scenario())
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]


# --------------------------------------------------------------------------- privacy


@pytest.mark.render
def test_nothing_is_left_in_the_temp_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    app = create_app(WebSettings(workers=1))
    with TestClient(app) as own:
        assert own.post("/pdf", data=ANN).status_code == 200
        saved = _post(own, "/answers", ANN).content
        own.post("/load", files={"file": ("p.yaml", saved, "application/yaml")})
        roster = b"patient.name,patient.date_of_birth,patient.diagnosis\nA,1972-03-14,MS\n"
        assert own.post("/roster", files={"roster": ("r.csv", roster, "text/csv")}).is_success
        assert own.post("/api/roster", files={"roster": ("r.csv", roster, "text/csv")}).is_success
        assert own.post("/preview", data=ANN).is_success
        assert own.post("/blank", data={"lang": "en-GB", "copies": "2"}).is_success
    assert list(temp.iterdir()) == []


def test_no_answer_reaches_the_log(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    name = "Zebediah Quuxworth"
    _post(client, "/form", {**ANN, "patient.name": name}, step="2")
    _post(client, "/pdf", {**ANN, "patient.name": name, "trial.first_dose_mcg": "x"})
    client.post("/api/check", json={"patient": {"name": name}})
    assert name not in caplog.text


def test_an_unexpected_error_shows_a_page_and_logs_only_its_kind(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from advocacy.web import app as web_app

    def broken(*_: Any, **__: Any) -> Any:
        msg = "Zebediah Quuxworth's answers"
        raise RuntimeError(msg)

    monkeypatch.setattr(web_app.form, "check", broken)
    app = create_app(WebSettings(), pool=_NoPool())  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as failing:
        response = failing.post("/pdf", data=ANN)
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "Traceback" not in response.text
    assert "Zebediah" not in response.text
    assert "Zebediah" not in caplog.text
    assert "RuntimeError" in caplog.text


def test_the_server_keeps_no_access_log(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from advocacy.web import server

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs))
    server.run(WebSettings(port=0))  # any free port: uvicorn itself is not started
    assert seen["access_log"] is False
    assert seen["host"] == "127.0.0.1"
    assert seen["server_header"] is False


# --------------------------------------------------------------------------- the command


def test_a_port_in_use_is_said_in_words() -> None:
    import socket

    from advocacy.web import server

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse, match=f"port {port} on 127.0.0.1 is in use"):
            server.run(WebSettings(port=port))


def test_open_waits_for_the_server_then_opens_the_browser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket
    import webbrowser

    from advocacy.web import server

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        server._open_when_ready("127.0.0.1", port, f"http://127.0.0.1:{port}/")
    assert opened == [f"http://127.0.0.1:{port}/"]


def test_help_stays_light() -> None:
    code = (
        "import sys; from advocacy.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'starlette', 'uvicorn', 'multipart', 'python_multipart', 'weasyprint',"
        " 'pydantic', 'jinja2'} & {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip().endswith("[]")


def test_serve_has_help(runner: Any) -> None:
    from advocacy.cli import cli

    result = runner.invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--open" in result.output
    assert "--org" in result.output


def test_the_web_package_keeps_its_layers() -> None:
    for path in sorted((ROOT / "src" / "advocacy" / "web").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        assert not names & {"weasyprint", "click"}, path.name
        if path.name != "pages.py":
            assert "jinja2" not in names, path.name


# --------------------------------------------------------------------------- coordinators

ROSTER = (
    "patient.name,patient.date_of_birth,patient.diagnosis,trial.first_dose_mcg\n"
    "Ann Example,1972-03-14,HSP,50\n"
    "Bad Dose,1980-01-01,MS,0.05\n"
)


@pytest.mark.render
def test_a_roster_gives_a_zip_of_letters_and_the_bad_rows(client: TestClient) -> None:
    import io
    import zipfile

    response = client.post(
        "/roster",
        files={"roster": ("members.csv", ROSTER.encode(), "text/csv")},
        data={"combined": "yes"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = sorted(archive.namelist())
        assert names == ["all-members.pdf", "bad-rows.csv", "letters/2-Ann-Example.pdf"]
        report = archive.read("bad-rows.csv").decode("utf-8-sig")
        letter = archive.read("letters/2-Ann-Example.pdf")
    assert "trial.first_dose_mcg" in report
    assert "looks like milligrams" in report
    assert "Ann Example" in " ".join(pdf_text(letter))


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({}, "Choose the roster"),
        ({"roster": ("m.txt", b"x", "text/plain")}, "must be a .csv or .xlsx"),
        ({"roster": ("m.csv", b"nonsense,header\n1,2\n", "text/csv")}, "m.csv: the first row"),
        (
            {
                "roster": ("m.csv", ROSTER.encode(), "text/csv"),
                "group": ("g.yaml", b"organisation:\n  name: G\n  logo: /etc/x.png\n", "t/y"),
            },
            "logo file cannot be named",
        ),
    ],
)
def test_a_roster_that_cannot_be_used_is_explained(
    client: TestClient, files: dict[str, Any], words: str
) -> None:
    response = client.post("/roster", files=files or {"x": ("", b"", "text/plain")})
    assert response.status_code == 400
    assert words in html.unescape(response.text)
    assert 'href="#roster-file"' in response.text
    assert "/tmp" not in response.text


def test_too_many_roster_rows_are_refused() -> None:
    rows = "".join(f"M{n},1972-03-14,HSP,50\n" for n in range(6))
    app = create_app(WebSettings(max_roster_rows=5), pool=_NoPool())  # type: ignore[arg-type]
    with TestClient(app) as small:
        response = small.post(
            "/roster", files={"roster": ("m.csv", (ROSTER + rows).encode(), "text/csv")}
        )
    assert response.status_code == 400
    assert "at most 5" in response.text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_roster_template_downloads(client: TestClient, kind: str) -> None:
    import io

    from openpyxl import load_workbook

    from advocacy.group.roster import header_row

    response = client.get(f"/roster-template.{kind}")
    assert response.status_code == 200
    if kind == "csv":
        first = response.content.decode("utf-8-sig").splitlines()[0]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        first = ",".join(str(c.value) for c in next(sheet.iter_rows(max_row=1)))
    assert first.split(",")[:3] == header_row()[:3]
    assert f'filename="roster-template.{kind}"' in response.headers["content-disposition"]
    assert client.get("/roster-template.exe").status_code == 404


@pytest.mark.render
def test_a_group_site_brands_every_letter_and_blank_copy() -> None:
    from tests.conftest import FIXTURES

    org = FIXTURES / "rosters" / "org.yaml"
    app = create_app(WebSettings(workers=1, org=org))
    with TestClient(app) as branded:
        assert "Offered by" in branded.get("/").text
        letter = _post(branded, "/pdf", ANN)
        blank = branded.post("/blank", data={"lang": "en-US", "copies": "1"})
    name = _org_name(org)
    assert name in " ".join(pdf_text(letter.content))
    assert name in " ".join(pdf_text(blank.content))


def _org_name(path: Path) -> str:
    from advocacy.branding import load_organisation

    return load_organisation(path).name


@pytest.mark.render
def test_blank_copies_come_with_the_chosen_options(client: TestClient) -> None:
    response = client.post("/blank", data={"lang": "en-GB", "copies": "2", "paper": "a4"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    bad = client.post("/blank", data={"lang": "fr", "copies": "0"})
    assert bad.status_code == 400
    assert "Copies must be a whole number" in bad.text


def test_a_request_that_goes_away_does_not_hand_on_a_busy_worker() -> None:
    async def scenario() -> list[Any]:
        pool = WorkerPool(size=1, queue=4, timeout=30)
        pool.start()
        try:
            abandoned = asyncio.ensure_future(pool.run(web_jobs.nap, 1.0))
            await asyncio.sleep(0.2)
            abandoned.cancel()
            # The next job waits for the worker to finish the abandoned nap.
            return [await pool.run(web_jobs.echo, "mine"), await pool.run(web_jobs.echo, "next")]
        finally:
            pool.close()

    assert asyncio.run(scenario()) == ["mine", "next"]


@pytest.mark.render
def test_the_roster_api_reports_progress_then_the_zip(client: TestClient) -> None:
    import base64
    import io
    import zipfile

    rows = ROSTER + "Cy Example,1990-05-06,CP,50\n"
    response = client.post("/api/roster", files={"roster": ("m.csv", rows.encode(), "text/csv")})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    events = [json.loads(line) for line in response.text.splitlines()]
    progress, outcome = events[:-1], events[-1]
    assert [e["done"] for e in progress] == [1, 2, 3]
    assert {e["total"] for e in progress} == {3}
    assert outcome["rendered"] == 2
    assert outcome["failed"] == 1
    assert "trial.first_dose_mcg" in outcome["lines"][0]
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(outcome["zip"]))) as archive:
        assert len([n for n in archive.namelist() if n.startswith("letters/")]) == 2
    refused = client.post("/api/roster", files={"roster": ("m.txt", b"x", "text/plain")})
    assert refused.status_code == 400
    assert refused.json() == {"error": "The roster must be a .csv or .xlsx file."}
