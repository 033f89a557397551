"""The README's main command: a real stdio session that assembles a full review from sample data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("sample", "language", "figure"),
    [
        ("b2b_mvp", "zh", "924"),
        ("erp_wms", "en", "39.3"),
        ("bfcm_campaign", "en", "74.2%"),
        ("shakespeare_outage", "en", "1 h 36 min"),
    ],
)
def test_demo_writes_the_report_in_markdown_and_html(tmp_path: Path, sample: str, language: str, figure: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "fupan_mcp", "demo", "--sample", sample, "--language", language, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    markdown = tmp_path / f"{sample}.{language}.report.md"
    html = tmp_path / f"{sample}.{language}.report.html"
    assert str(markdown) in run.stdout and str(html) in run.stdout
    assert figure in markdown.read_text(encoding="utf-8")
    assert html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert "13800138000" not in markdown.read_text(encoding="utf-8")
