"""Hands each hostile case the list its figures go in; tests/conftest.py prints them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import HOSTILE_FIGURES


@pytest.fixture
def figures() -> list[dict[str, Any]]:
    return HOSTILE_FIGURES
