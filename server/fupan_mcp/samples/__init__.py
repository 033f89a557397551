"""Bundled example reviews (JSON), rebuilt from the facts and figures of real-world projects: three Chinese
project reviews, an English incident postmortem (the SRE book's example) and an English campaign review."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SAMPLES = ("erp_wms", "b2b_mvp", "midyear_campaign", "shakespeare_outage", "bfcm_campaign")


def load_sample(name: str) -> dict[str, Any]:
    """The review document of one bundled sample, as parsed JSON."""
    if name not in SAMPLES:
        raise KeyError(f"unknown sample {name!r}; choose one of {', '.join(SAMPLES)}")
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


METRICS_SHEET = "metrics.xlsx"
"""The samples' metrics as a workbook people keep: a title row, a merged two-row header, percents
formatted as such, one sheet per sample (see `METRIC_SHEETS`). The demo imports it with import_metrics."""
METRIC_SHEETS: dict[str, str] = {"b2b_mvp": "B2B SaaS MVP", "midyear_campaign": "年中大促", "erp_wms": "ERP+WMS 上线"}


def metrics_sheet_bytes() -> bytes:
    """The bundled metrics workbook."""
    return resources.files(__package__).joinpath(METRICS_SHEET).read_bytes()
