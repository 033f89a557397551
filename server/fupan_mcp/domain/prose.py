"""What `analysis.prose` returns: sentences of a review that disagree with the figures computed from it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from fupan_mcp.domain.common import Finding

__all__ = ["ClaimKind", "ProseCheck", "ProseFinding", "ProseQuantity"]

ClaimKind = Literal["status", "actual", "change", "change_pp", "attainment_rate"]
"""What a sentence claims about a metric: its status, its value, its change (relative or in
percentage points) against the baseline, or its attainment rate."""

ProseQuantity = Literal["status", "figure"]


class ProseFinding(Finding):
    """A sentence that states a status or a figure for a metric that the computation contradicts."""

    field: str = Field(
        description="Where the sentence is: 'conclusion', 'qualitative_results[1]', 'problems[0].detail'."
    )
    sentence: str = Field(description="The sentence as written.")
    metric: str = Field(description="The metric's name as given in `metrics`.")
    metric_index: int = Field(description="Position of the metric in `metrics`.")
    claim: ClaimKind
    stated: str = Field(description="What the sentence says: the status words or the figure as written.")
    computed: str = Field(description="What was computed, in words or as a figure in the sentence's unit.")
    stated_value: float | None = Field(default=None, description="The stated figure, in the sentence's unit.")
    computed_value: float | None = Field(default=None, description="The computed figure, in the same unit.")


class ProseCheck(BaseModel):
    """The review's prose checked against compute_attainment."""

    findings: list[ProseFinding] = Field(default_factory=list)
    sentences: int = Field(description="Sentences read.")
    claims: int = Field(description="Claims about a metric found (status words and figures), agreeing or not.")
