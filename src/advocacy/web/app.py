"""The Starlette application: pages for people, a JSON API for tools.

Stateless on purpose: each page of the form carries every answer so far in
hidden fields, so the server keeps nothing between requests and a person can
take as long as they like (no session to time out). Renders go to the worker
pool; the request only waits for them.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from advocacy import branding, languages, loading, pipeline
from advocacy.errors import (
    AdvocacyError,
    Busy,
    InvalidPatientError,
    JobFailed,
    Problem,
    RosterRefused,
)
from advocacy.group import batch
from advocacy.interview.questions import language_from_environment, to_yaml, words_of
from advocacy.loading import parse_text
from advocacy.model import PatientFile
from advocacy.options import LANGUAGES, PAPERS, RenderOptions
from advocacy.web import form, jobs, rosters
from advocacy.web.guard import Guard
from advocacy.web.pages import STATIC, page
from advocacy.web.settings import WebSettings
from advocacy.web.workers import WorkerPool

log = logging.getLogger("advocacy.web")

SERVICE = "Ask for a baclofen trial through a catheter"
PATIENT_FILE_TYPES = (".yaml", ".yml", ".json", ".toml")
API_SOURCE = "request"


class Site:
    """What every handler needs: the settings, the group's branding, the workers."""

    def __init__(self, settings: WebSettings, pool: WorkerPool | None = None) -> None:
        self.settings = settings
        # As the interview does: the computer's own English (en_GB…) unless --lang says.
        self.lang = settings.lang or language_from_environment(os.environ)
        self.limits = form.Limits(settings.max_field_chars, settings.max_list_items)
        self.brand: branding.Branding | None = None
        if settings.org is not None:
            self.brand = branding.group(settings.org)[0]
        self.roster_lock = asyncio.Lock()
        self.workers = settings.workers or batch.default_jobs()
        self.pool = pool or WorkerPool(
            self.workers, settings.queue, settings.render_timeout, settings.recycle_after
        )

    @property
    def group(self) -> str:
        return self.brand.organisation.name if self.brand else ""

    def html(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("error_count", 0)
        body = page(template, service=SERVICE, group=self.group, **context)
        return HTMLResponse(body, status_code=status)


# --------------------------------------------------------------------------- the form


def _step_page(site: Site, values: form.Values, number: int, **extra: Any) -> HTMLResponse:
    step = form.STEPS[number - 1]
    errors: dict[str, Problem] = extra.pop("errors", {})
    words = form.words(values, site.lang)
    return site.html(
        "step.html",
        title=step.title,
        step=step,
        total=len(form.STEPS),
        values=values,
        hidden=_hidden(values, {f.key for f in step.fields}),
        errors=errors,
        error_count=len(errors),
        summary=[
            ("#" + f.first_input_id, _describe(f, errors[f.key]))
            for f in step.fields
            if f.key in errors
        ],
        words=words,
        describe=_describe,
        back_to_review=extra.pop("back_to_review", False),
        **extra,
    )


def _review_page(
    site: Site, values: form.Values, result: form.Result | None = None, **extra: Any
) -> HTMLResponse:
    result = result or form.check(values, site.limits, site.lang)
    rows = []
    for step in form.STEPS:
        rows.append(
            (
                step,
                [
                    (f, form.shown(f, values, site.lang), result.errors.get(f.key))
                    for f in step.fields
                ],
            )
        )
    return site.html(
        "review.html",
        title="Check your answers",
        rows=rows,
        values=values,
        hidden=_hidden(values, set()),
        result=result,
        error_count=len(result.errors) + len(result.other),
        describe=_describe,
        **extra,
    )


def _hidden(values: form.Values, shown: set[str]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in values.items() if k not in shown]


def _describe(f: form.Field, problem: Problem) -> str:
    """The model's words, after the field's label so that they read as a sentence."""
    text = words_of(problem)
    if problem.message.startswith(("is ", "has ", "should ")):
        return f"{f.label} {text}"
    return f"{f.label}: {text}"


async def start(request: Request) -> Response:
    site: Site = request.app.state.site
    return site.html("start.html", title="", max_mib=_mib(site.settings.max_body_bytes))


async def form_start(request: Request) -> Response:
    site: Site = request.app.state.site
    return _step_page(site, form.initial_values(site.lang), 1)


async def form_post(request: Request) -> Response:
    site: Site = request.app.state.site
    data = await _form(request)
    values = form.from_form(data)
    action = str(data.get("action", "next"))
    number = _int(data.get("step"), 1, len(form.STEPS))
    back_to_review = data.get("return") == "review"
    if action == "review":
        return _review_page(site, values)
    if action.startswith("goto-"):
        target = _int(action.removeprefix("goto-"), 1, len(form.STEPS))
        return _step_page(site, values, target, back_to_review=True)
    if action == "back":
        return _step_page(site, values, max(1, number - 1))
    step = form.STEPS[number - 1]
    errors = form.check(values, site.limits, site.lang).only(step)
    if errors:
        return _step_page(site, values, number, errors=errors, back_to_review=back_to_review)
    if back_to_review or number == len(form.STEPS):
        return _review_page(site, values)
    return _step_page(site, values, number + 1)


async def load(request: Request) -> Response:
    """A patient file read back into the form; it is parsed, never saved."""
    site: Site = request.app.state.site
    data = await _form(request)
    try:
        return await _load(site, data.get("file"))
    finally:
        await data.close()


async def _load(site: Site, upload: Any) -> Response:
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _start_with_error(site, "Choose a patient file to load.")
    name = upload.filename
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in PATIENT_FILE_TYPES:
        return _start_with_error(
            site, "That is not a patient file. Choose a .yaml, .json or .toml file."
        )
    raw_bytes = await upload.read()
    try:
        text = raw_bytes.decode("utf-8-sig")
        raw = parse_text(text, suffix, "the file")
    except UnicodeDecodeError:
        return _start_with_error(site, "The file is not UTF-8 text. Save it as UTF-8 and load it.")
    except InvalidPatientError as exc:
        return _start_with_error(site, words_of(exc.problems[0]))
    if not isinstance(raw, Mapping):
        return _start_with_error(site, "The file is empty or is not a patient file.")
    values, left_out = form.from_patient_data(raw, site.lang)
    return _review_page(site, values, left_out=left_out)


def _start_with_error(site: Site, message: str) -> HTMLResponse:
    return site.html(
        "start.html",
        status=400,
        title="",
        load_error=message,
        error_count=1,
        max_mib=_mib(site.settings.max_body_bytes),
    )


async def answers_file(request: Request) -> Response:
    """The answers as a patient file to keep, load here again, or use with the CLI."""
    site: Site = request.app.state.site
    values = form.from_form(await _form(request))
    text = to_yaml(form.to_answers(values, site.lang), name="patient.yaml")
    return Response(
        text.encode("utf-8"),
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": _attachment(_file_name(values, "yaml"))},
    )


async def pdf(request: Request) -> Response:
    made = await _checked_and_rendered(request, jobs.letter_pdf)
    if isinstance(made, Response):
        return made
    values, data = made
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": _attachment(_file_name(values, "pdf"))},
    )


async def preview(request: Request) -> Response:
    """The pages as pictures inside the page itself: no JavaScript, nothing stored."""
    made = await _checked_and_rendered(request, jobs.letter_pages)
    if isinstance(made, Response):
        return made
    values, pictures = made
    images = [base64.b64encode(p).decode("ascii") for p in pictures]
    site: Site = request.app.state.site
    return site.html(
        "preview.html", title="Look over your letter", images=images, hidden=list(values.items())
    )


async def _checked_and_rendered(request: Request, job: Any) -> tuple[form.Values, Any] | Response:
    """The posted answers, checked, then made by ``job`` in a worker; or the page to
    show instead: the review with its problems, or why the letter was not made."""
    site: Site = request.app.state.site
    values = form.from_form(await _form(request))
    result = form.check(values, site.limits, site.lang)
    if result.patient is None:
        return _review_page(site, values, result)
    patient = result.patient
    try:
        made = await _render(site, job, pipeline.letter(patient, brand=site.brand))
    except (Busy, JobFailed) as exc:
        return _not_made(site, values, result, exc)
    return values, made


def _not_made(
    site: Site, values: form.Values, result: form.Result, exc: Busy | JobFailed
) -> HTMLResponse:
    """The answers page again, with what went wrong: the answers are never lost."""
    response = _review_page(site, values, result, failure=str(exc))
    response.status_code = 500
    if isinstance(exc, Busy):
        response.status_code = 503
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _render(site: Site, function: Any, *args: Any) -> Any:
    return await site.pool.run(function, *args)


def _file_name(values: form.Values, suffix: str) -> str:
    name = batch.safe_name(values.get("patient.name", "").strip()) or "letter"
    return f"{name}.{suffix}" if suffix != "yaml" else f"{name}-answers.yaml"


def _attachment(name: str) -> str:
    """A download name that survives every browser: ASCII, plus the real one in UTF-8."""
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
    if ascii_name.startswith((".", "-")):
        # A name in another script: the browser shows the real one from filename*.
        ascii_name = "letter" + ascii_name
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


# --------------------------------------------------------------------------- coordinators


async def group_page(request: Request) -> Response:
    site: Site = request.app.state.site
    return _group(site)


def _group(site: Site, status: int = 200, **extra: Any) -> HTMLResponse:
    extra.setdefault("errors", {})
    extra["errors_list"] = [(f"#{key}", text) for key, text in extra["errors"].items()]
    return site.html(
        "group.html",
        status=status,
        title="For support groups",
        languages=LANGUAGES,
        papers=PAPERS,
        language_names=form.LANGUAGE_NAMES,
        lang=site.lang,
        max_rows=site.settings.max_roster_rows,
        max_mib=_mib(site.settings.max_body_bytes),
        error_count=len(extra["errors"]),
        **extra,
    )


# "US or UK", as the blank-copy form names its language choices.
_SHORT_NAMES = languages.either([entry.short_name for entry in languages.entries()])


async def blank(request: Request) -> Response:
    site: Site = request.app.state.site
    data = await _form(request)
    lang = str(data.get("lang", site.lang))
    paper = str(data.get("paper", ""))
    copies_text = str(data.get("copies", "1")).strip()
    errors = {}
    if lang not in LANGUAGES:
        errors["blank-lang"] = f"Choose {_SHORT_NAMES} English."
    if paper not in ("", *PAPERS):
        errors["blank-paper"] = "Choose a paper size."
    copies = int(copies_text) if copies_text.isdigit() else 0
    if not 1 <= copies <= 200:
        errors["blank-copies"] = "Copies must be a whole number from 1 to 200."
    if errors:
        return _group(site, 400, errors=errors)
    options = RenderOptions(
        lang=lang,  # type: ignore[arg-type]
        paper=paper or None,  # type: ignore[arg-type]
        large_print=data.get("large_print") == "yes",
    )
    job = pipeline.blank(options, brand=site.brand, fillable=data.get("fillable") == "yes")
    pdf_bytes = await _render(site, jobs.blank_pdf, job, copies, data.get("duplex") == "yes")
    return Response(
        pdf_bytes,
        media_type="application/pdf",
        headers={"Content-Disposition": _attachment("blank-copies.pdf")},
    )


async def roster_template(request: Request) -> Response:
    """An empty roster with every column, as ``advocacy batch --roster-template`` writes it."""
    from pathlib import Path

    from advocacy.group.roster import template_bytes

    kind = request.path_params["kind"]
    media = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    if kind not in media:
        raise HTTPException(404, "The roster template is a .csv or an .xlsx file.")
    name = f"roster-template.{kind}"
    return Response(
        template_bytes(Path(name)),
        media_type=media[kind],
        headers={"Content-Disposition": _attachment(name)},
    )


async def roster(request: Request) -> Response:
    """The batch engine on an uploaded roster: a ZIP of letters and the bad-rows report."""
    site: Site = request.app.state.site
    upload = await _read_roster_form(request)
    if isinstance(upload, str):
        return _group(site, 400, errors={"roster-file": upload})
    if site.roster_lock.locked():
        return _roster_busy(site)
    async with site.roster_lock:
        try:
            outcome = await asyncio.to_thread(_make_zip, site, upload, None)
        except RosterRefused as exc:
            return _group(site, 400, errors={"roster-file": str(exc)})
    if not outcome.rendered:
        return _group(
            site, 400, errors={"roster-file": "No row could be made."}, lines=outcome.problem_lines
        )
    return Response(
        outcome.zip_bytes,
        media_type="application/zip",
        headers={
            "Content-Disposition": _attachment("letters.zip"),
            "X-Rows-Rendered": str(outcome.rendered),
            "X-Rows-Failed": str(outcome.failed),
        },
    )


async def api_roster(request: Request) -> Response:
    """The same with progress, for the page's script: one JSON line per finished member,
    then the outcome (the ZIP as base64), so a long roster shows how far it has got."""
    site: Site = request.app.state.site
    upload = await _read_roster_form(request)
    if isinstance(upload, str):
        return JSONResponse({"error": upload}, 400)
    if site.roster_lock.locked():
        busy = Busy(retry_after=ROSTER_RETRY_SECONDS)
        return JSONResponse({"error": str(busy)}, 503, {"Retry-After": str(busy.retry_after)})
    loop = asyncio.get_running_loop()
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def progress(state: batch.Progress) -> None:
        event = {"done": state.done, "failed": state.failed, "total": state.total}
        loop.call_soon_threadsafe(events.put_nowait, event)

    async def run() -> None:
        async with site.roster_lock:
            try:
                outcome = await asyncio.to_thread(_make_zip, site, upload, progress)
            except RosterRefused as exc:
                await events.put({"error": str(exc)})
                return
            except Exception as exc:
                log.error("roster failed: %s", type(exc).__name__)
                await events.put({"error": "The letters could not be made."})
                return
        await events.put(
            {
                "rendered": outcome.rendered,
                "failed": outcome.failed,
                "lines": list(outcome.problem_lines),
                "zip": base64.b64encode(outcome.zip_bytes).decode("ascii")
                if outcome.rendered
                else None,
            }
        )

    async def lines() -> AsyncIterator[bytes]:
        task = asyncio.create_task(run())
        try:
            while True:
                event = await events.get()
                yield (json.dumps(event) + "\n").encode()
                if "done" not in event:
                    return
        finally:
            await task

    return StreamingResponse(lines(), media_type="application/x-ndjson")


ROSTER_RETRY_SECONDS = 30


def _roster_busy(site: Site) -> HTMLResponse:
    # One roster at a time: it already uses every worker the site has.
    busy = Busy(retry_after=ROSTER_RETRY_SECONDS)
    response = _group(site, 503, errors={"roster-file": str(busy)})
    response.headers["Retry-After"] = str(busy.retry_after)
    return response


def _make_zip(site: Site, upload: rosters.RosterUpload, progress: Any) -> rosters.RosterOutcome:
    return rosters.make_zip(
        upload,
        org=site.settings.org,
        jobs=site.workers,
        max_rows=site.settings.max_roster_rows,
        on_progress=progress,
    )


async def _read_roster_form(request: Request) -> rosters.RosterUpload | str:
    data = await _form(request)
    try:
        return await _roster_upload(data)
    finally:
        await data.close()


async def _roster_upload(data: Any) -> rosters.RosterUpload | str:
    file = data.get("roster")
    if not isinstance(file, UploadFile) or not file.filename:
        return "Choose the roster: a .csv or .xlsx file."
    if rosters.suffix_of(file.filename) not in rosters.ROSTER_TYPES:
        return "The roster must be a .csv or .xlsx file."
    group = data.get("group")
    group_name, group_data = "", b""
    if isinstance(group, UploadFile) and group.filename:
        group_name, group_data = group.filename, await group.read()
    order = data.get("date_order")
    return rosters.RosterUpload(
        name=file.filename,
        data=await file.read(),
        group_name=group_name,
        group_data=group_data,
        combined=data.get("combined") == "yes",
        date_order=order if order in ("day-first", "month-first") else None,
    )


# --------------------------------------------------------------------------- API


async def api_check(request: Request) -> Response:
    """A patient (JSON) -> its problems and warnings, each with its field path."""
    site: Site = request.app.state.site
    try:
        loaded = _api_patient(await _json(request), site)
    except InvalidPatientError as exc:
        return JSONResponse({"valid": False, "problems": _problems(exc.problems), "warnings": []})
    patient, warnings = loaded
    warnings += pipeline.check_characters(patient, API_SOURCE, strict=False)
    return JSONResponse({"valid": True, "problems": [], "warnings": _problems(warnings)})


async def api_render(request: Request) -> Response:
    """A patient (JSON) -> the PDF; invalid data -> 422 with the problems."""
    site: Site = request.app.state.site
    try:
        patient, _ = _api_patient(await _json(request), site)
    except InvalidPatientError as exc:
        return JSONResponse({"valid": False, "problems": _problems(exc.problems)}, 422)
    query = request.query_params
    overrides: dict[str, Any] = {}
    if query.get("lang") in LANGUAGES:
        overrides["lang"] = query["lang"]
    if query.get("paper") in PAPERS:
        overrides["paper"] = query["paper"]
    if query.get("large_print") in ("true", "1", "yes"):
        overrides["large_print"] = True
    job = pipeline.letter(patient, brand=site.brand, **overrides)
    data = await _render(site, jobs.letter_pdf, job)
    return Response(data, media_type="application/pdf")


async def api_field(request: Request) -> Response:
    """One field of the form checked among the others (for the check as a field is left)."""
    site: Site = request.app.state.site
    data = await _form(request)
    key = str(data.get("field", ""))
    f = form.BY_KEY.get(key)
    if f is None:
        raise HTTPException(404, "No such field.")
    values = form.from_form(data)
    problem = form.check(values, site.limits, site.lang).errors.get(key)
    return JSONResponse({"field": key, "error": _describe(f, problem) if problem else ""})


async def api_preview(request: Request) -> Response:
    """The form's answers -> the pages as PNG data URLs (for the preview shown in place)."""
    site: Site = request.app.state.site
    values = form.from_form(await _form(request))
    result = form.check(values, site.limits, site.lang)
    if result.patient is None:
        errors = {
            key: _describe(form.BY_KEY[key], problem) for key, problem in result.errors.items()
        }
        return JSONResponse({"errors": errors}, 422)
    patient = result.patient
    pictures = await _render(site, jobs.letter_pages, pipeline.letter(patient, brand=site.brand))
    return JSONResponse(
        {"pages": ["data:image/png;base64," + base64.b64encode(p).decode() for p in pictures]}
    )


async def api_openapi(request: Request) -> Response:
    from advocacy.web.openapi import schema

    return JSONResponse(schema())


def _api_patient(raw: Any, site: Site) -> tuple[PatientFile, list[Problem]]:
    """The validated patient and the model's warnings (the characters are checked
    where a job is built, or by /api/check itself)."""
    from advocacy.model import validate_patient

    if isinstance(raw, Mapping) and isinstance(raw.get("organisation"), Mapping):
        if "logo" in raw["organisation"]:
            # A path would make the server read one of its own files into the PDF.
            raise InvalidPatientError(
                API_SOURCE,
                [
                    Problem(
                        "organisation.logo",
                        "a logo file cannot be named through the web API.",
                        "Leave it out; the site's own branding is used.",
                    )
                ],
            )
    form_limits = site.limits
    too_long = [
        Problem(path, f"is {len(text):,} characters long.", "Shorten it.")
        for path, text in _strings(raw)
        if len(text) > form_limits.max_field_chars
    ]
    if too_long:
        raise InvalidPatientError(API_SOURCE, too_long)
    loaded = validate_patient(raw, API_SOURCE)
    return loaded.data, loaded.warnings


def _strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, Mapping):
        return [
            item
            for k, v in value.items()
            for item in _strings(v, f"{path}.{k}" if path else str(k))
        ]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in _strings(v, f"{path}[{i + 1}]")]
    return []


def _problems(problems: list[Problem]) -> list[dict[str, str]]:
    return [{"path": p.path, "message": p.message, "fix": p.fix} for p in problems]


async def _json(request: Request) -> Any:
    body = await request.body()
    try:
        return loading.parse_text(loading.decode(body, API_SOURCE), ".json", API_SOURCE)
    except InvalidPatientError as exc:
        # Not JSON, or JSON the reader refuses (too deep, a NUL byte): say which.
        detail = "; ".join(f"{p.message} {p.fix}".strip() for p in exc.problems)
        raise HTTPException(400, f"The request body was refused: {detail}") from None


# --------------------------------------------------------------------------- plumbing


async def _form(request: Request) -> Any:
    site: Site = request.app.state.site
    try:
        return await request.form(
            max_files=2,
            max_fields=len(form.FIELDS) + 20,
            max_part_size=site.settings.max_body_bytes,
        )
    except HTTPException:
        raise
    except Exception:
        raise HTTPException(400, "The form could not be read. Please try again.") from None


def _int(value: Any, low: int, high: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return low
    return min(max(number, low), high)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


_HTTP_WORDS = {
    400: "The request could not be read",
    404: "Page not found",
    405: "That cannot be done here",
    413: "That is too large",
    503: "The site is busy",
}


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "") or ""
    headers = dict(getattr(exc, "headers", None) or {})
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": detail or _HTTP_WORDS.get(status, "")}, status, headers)
    site: Site = request.app.state.site
    title = _HTTP_WORDS.get(status, "Something went wrong")
    response = site.html("message.html", status=status, title=title, message=detail)
    response.headers.update(headers)
    return response


async def _busy(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Busy)  # noqa: S101
    http = HTTPException(503, str(exc), headers={"Retry-After": str(exc.retry_after)})
    return await _http_error(request, http)


async def _job_failed(request: Request, exc: Exception) -> Response:
    return await _http_error(request, HTTPException(500, str(exc)))


async def _advocacy_error(request: Request, exc: Exception) -> Response:
    return await _http_error(request, HTTPException(400, str(exc)))


async def _unexpected(request: Request, exc: Exception) -> Response:
    # The type only: a message could quote a person's answers.
    log.error("unexpected %s on %s", type(exc).__name__, request.url.path)
    return await _http_error(
        request,
        HTTPException(500, "Something went wrong on our side. Your answers were not kept."),
    )


def create_app(settings: WebSettings | None = None, *, pool: WorkerPool | None = None) -> Any:
    """The ASGI application (wrapped in the guard: limits, headers, no tracebacks)."""
    site = Site(settings or WebSettings(), pool)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        site.pool.start()
        try:
            yield
        finally:
            site.pool.close()

    routes = [
        Route("/", start),
        Route("/form", form_start, methods=["GET"]),
        Route("/form", form_post, methods=["POST"]),
        Route("/load", load, methods=["POST"]),
        Route("/answers", answers_file, methods=["POST"]),
        Route("/pdf", pdf, methods=["POST"]),
        Route("/preview", preview, methods=["POST"]),
        Route("/group", group_page),
        Route("/blank", blank, methods=["POST"]),
        Route("/roster", roster, methods=["POST"]),
        Route("/roster-template.{kind}", roster_template),
        Route("/api/check", api_check, methods=["POST"]),
        Route("/api/render", api_render, methods=["POST"]),
        Route("/api/field", api_field, methods=["POST"]),
        Route("/api/preview", api_preview, methods=["POST"]),
        Route("/api/roster", api_roster, methods=["POST"]),
        Route("/api/openapi.json", api_openapi),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            HTTPException: _http_error,
            Busy: _busy,
            JobFailed: _job_failed,
            AdvocacyError: _advocacy_error,
            Exception: _unexpected,
        },
    )
    app.state.site = site
    return Guard(app, max_body=site.settings.max_body_bytes)
