"""The installed package, not the source tree: build a wheel, install it in a fresh
virtual environment, and run the command from a folder with nothing else in it."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, pdf_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("advocacy-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "advocacy/templates/base.html" in names
    assert "advocacy/styles/print.css" in names
    assert any(n.startswith("advocacy/styles/fonts/") and n.endswith(".ttf") for n in names)
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir / "bin" / "advocacy"


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, check=False)


def test_installed_command_works_from_any_folder(installed: Path, tmp_path: Path) -> None:
    assert _run([str(installed), "init", "p.yaml"], tmp_path).returncode == 0
    # init's placeholders are refused until filled in.
    assert _run([str(installed), "check", "p.yaml"], tmp_path).returncode == 2
    (tmp_path / "p.yaml").write_text(
        (ROOT / "templates" / "patient.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert _run([str(installed), "check", "p.yaml"], tmp_path).returncode == 0
    result = _run([str(installed), "render", "p.yaml", "-o", "p.pdf"], tmp_path)
    assert result.returncode == 0, result.stderr
    pages = pdf_text((tmp_path / "p.pdf").read_bytes())
    assert all("Alex Example" in page for page in pages)
    first = (tmp_path / "p.pdf").read_bytes()
    again = _run([str(installed), "render", "p.yaml", "-o", "p.pdf"], tmp_path)
    assert again.returncode == 1
    assert (tmp_path / "p.pdf").read_bytes() == first


def test_installed_command_rejects_milligrams(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "patient: {name: A, date_of_birth: 1980-01-01, diagnosis: HSP}\n"
        "trial: {first_dose_mcg: 0.05}\n"
    )
    result = _run([str(installed), "check", "p.yaml"], tmp_path)
    assert result.returncode == 2
    assert "trial.first_dose_mcg" in result.stderr
    assert "micrograms" in result.stderr
    assert "Traceback" not in result.stderr
