"""SWOT and TOWS: internal strengths and weaknesses, external opportunities and threats, and the
strategies that pair them (methods.md §5). The checks live in `fupan_mcp.analysis.swot`."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, BeforeValidator, Field, field_validator, model_validator

from fupan_mcp.domain.common import Finding, IdStr, Language, Model, SeverityCounts, TextStr, share_as_written
from fupan_mcp.domain.items import ItemError
from fupan_mcp.limits import MAX_NAME_CHARS, MAX_SWOT_ITEMS, MAX_TEXT_CHARS

__all__ = [
    "MatrixScore",
    "Quadrant",
    "Reading",
    "Strategy",
    "StrategyLike",
    "StrategyResult",
    "StrategyType",
    "SwotFactor",
    "SwotItem",
    "SwotItemLike",
    "SwotResult",
    "TowsCell",
]

Quadrant = Literal["S", "W", "O", "T"]
StrategyType = Literal["SO", "ST", "WO", "WT"]
Reading = Literal["weak", "average", "strong"]


class SwotItem(Model):
    """One factor. Weight and rating are only needed for the IFE/EFE scores."""

    text: str = Field(
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        description="The factor, as a statement.",
        # an IFE/EFE matrix calls its rows factors, and a list of items or descriptions is written so too
        validation_alias=AliasChoices("text", "factor", "item", "description"),
    )
    id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Stable id for strategies to cite; assigned S1.., W1.., O1.., T1.. in order if empty.",
    )
    weight: Annotated[float | None, BeforeValidator(share_as_written)] = Field(
        default=None,
        allow_inf_nan=False,
        description="IFE/EFE weight, 0 (unimportant) to 1 ('15%' is 0.15); the weights of S+W, and of O+T, sum to 1.",
    )
    rating: float | None = Field(
        default=None,
        allow_inf_nan=False,
        description="IFE/EFE rating, an integer 1-4. IFE: 4 major strength, 3 minor strength, 2 minor "
        "weakness, 1 major weakness. EFE: how well the current strategy responds (4 superior, 1 poor).",
    )
    evidence: str | None = Field(default=None, max_length=MAX_TEXT_CHARS, description="Data behind the factor.")
    weight_text: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description="The weight as written when it is no number (set by the server).",
    )
    rating_text: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description="The rating as written when it is no number (set by the server).",
    )

    @model_validator(mode="before")
    @classmethod
    def _keep_unread_figures(cls, data: object) -> object:
        """A weight or rating written as a word ('高', 'high', 'A') does not refuse the whole SWOT: the
        figure stays unset, the word is kept in ``weight_text`` / ``rating_text`` and `swot` reports it for
        this factor alone (its matrix score then names the factor as lacking the figure)."""
        if not isinstance(data, dict) or not (
            isinstance(data.get("weight"), str) or isinstance(data.get("rating"), str)
        ):
            return data
        kept = dict(data)
        for name, read in (("weight", share_as_written), ("rating", _number_or_word)):
            value = kept.get(name)
            if not isinstance(value, str):
                continue
            reading = read(value)
            if not isinstance(reading, str):
                kept[name] = reading
            else:
                kept[name] = None
                if value.strip():
                    kept[f"{name}_text"] = value.strip()[:MAX_NAME_CHARS]
        return kept


_RATING_UNIT = re.compile(r"\s*(?:分|points?|pts?)\s*$", re.IGNORECASE)


def _number_or_word(value: str) -> object:
    """A rating as typed: '3', ' 4 ', '4分', '4 points' are numbers; anything else is the word itself."""
    try:
        return float(_RATING_UNIT.sub("", value))
    except ValueError:
        return value


SwotItemLike = TextStr | SwotItem
"""A factor given as plain text or as an object."""


class Strategy(Model):
    """A TOWS strategy: it pairs internal factors with external ones."""

    type: StrategyType = Field(
        description="SO: use strengths to take opportunities; ST: use strengths against threats; "
        "WO: use opportunities to overcome weaknesses; WT: defensive, reduce weaknesses and avoid threats."
    )
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="What to do.")
    uses: list[IdStr] = Field(
        default_factory=list,
        max_length=MAX_SWOT_ITEMS,
        description="Ids of the factors it builds on (S1, O2...). Empty: ids written in the text are used.",
    )

    @field_validator("type", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


StrategyLike = TextStr | Strategy
"""A strategy given as an object or as text like 'SO: ...' (the factor ids in the text are cited)."""


class SwotFactor(BaseModel):
    """A factor as placed in its quadrant."""

    id: str
    quadrant: Quadrant
    path: str = Field(description="Where it came from, e.g. 'strengths[0]'.")
    text: str
    weight: float | None = None
    rating: float | None = None
    weighted_score: float | None = Field(default=None, description="weight × rating, when both are given.")
    evidence: str | None = None


class MatrixScore(BaseModel):
    """An IFE (strengths + weaknesses) or EFE (opportunities + threats) weighted score."""

    matrix: Literal["IFE", "EFE"]
    factors: int = Field(description="Number of factors on this side.")
    weight_sum: float | None = Field(description="Sum of the weights given; null when none was given.")
    score: float | None = Field(
        description="Σ weight × rating, 1.0-4.0; null unless every factor of the side has both."
    )
    reading: Reading | None = Field(description="1.0-1.99 weak, 2.0-2.99 average, 3.0-4.0 strong (2.5 is the mean).")
    reading_label: str | None = Field(description="Localized reading.")
    missing: list[str] = Field(default_factory=list, description="Ids of factors lacking a weight or a rating.")


class StrategyResult(BaseModel):
    """A strategy as placed in the TOWS matrix, with the factors it cites."""

    index: int = Field(description="0-based position in the `strategies` input.")
    type: StrategyType
    text: str
    uses: list[str] = Field(description="Ids of the known factors it cites.")
    unknown: list[str] = Field(default_factory=list, description="Cited ids that name no factor.")
    valid: bool = Field(
        description="True when it cites at least one factor of each kind its type needs, and only those."
    )


class TowsCell(BaseModel):
    """One cell of the TOWS matrix."""

    type: StrategyType
    title: str = Field(description="Localized name of the cell.")
    strategies: list[int] = Field(description="Indexes of the strategies placed here.")
    prompt: str | None = Field(description="A localized question to fill the cell; set when it is empty.")


class SwotResult(BaseModel):
    """The checked SWOT, the TOWS scaffold, the IFE/EFE scores and the renderings."""

    language: Language
    strengths: list[SwotFactor]
    weaknesses: list[SwotFactor]
    opportunities: list[SwotFactor]
    threats: list[SwotFactor]
    strategies: list[StrategyResult]
    tows: list[TowsCell] = Field(description="The four cells, in the order SO, ST, WO, WT.")
    ife: MatrixScore
    efe: MatrixScore
    findings: list[Finding] = Field(description="Problems found, most severe first.")
    set_aside: list[ItemError] = Field(
        default_factory=list,
        description="Factors and strategies left out because their shape is wrong (an unknown field, a wrong "
        "type): each with its place and the fix, and an error finding 'item_set_aside'.",
    )
    counts: SeverityCounts = Field(description="Findings by severity.")
    passed: bool = Field(description="True when there is no finding of severity 'error'.")
