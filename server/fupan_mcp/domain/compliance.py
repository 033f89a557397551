"""Tone and privacy check: what `check_compliance` takes and returns (methods.md §8)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from fupan_mcp.domain.common import Finding, Language, Model
from fupan_mcp.limits import MAX_ACTIONS, MAX_NAME_CHARS, MAX_TEXT_CHARS

__all__ = [
    "MAX_COMPLIANCE_FIELDS",
    "MAX_COMPLIANCE_TEXT_CHARS",
    "MAX_ROSTER",
    "MIN_NAME_CHARS",
    "ComplianceCounts",
    "ComplianceResult",
    "PiiHit",
    "PiiKind",
    "Roster",
    "RosterEntry",
    "ToneFinding",
]

PiiKind = Literal[
    "resident_id",
    "bank_card",
    "mobile",
    "landline",
    "phone",
    "passport",
    "email",
    "im_account",
    "vehicle_plate",
    "address",
    "name",
]

# A whole rendered review may be checked as one string, so `text` gets more room than one field.
MAX_COMPLIANCE_TEXT_CHARS = 10 * MAX_TEXT_CHARS
MAX_COMPLIANCE_FIELDS = MAX_ACTIONS
MAX_ROSTER = 1_000


class RosterEntry(Model):
    """A person whose name must not appear in the report; replaced by the role or a placeholder."""

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS, description="The name as written in the text.")
    role: str | None = Field(
        default=None, max_length=MAX_NAME_CHARS, description="Shown instead of the name, e.g. '产品经理'."
    )
    aliases: list[Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]] = Field(
        default_factory=list,
        max_length=20,
        description="Other spellings of the same person ('小张', 'Bob'); masked with the same label.",
    )

    @model_validator(mode="before")
    @classmethod
    def _plain_name(cls, data: object) -> object:
        """A roster given as plain names (["张伟", "李娜"]) is read as entries with no role."""
        return {"name": data} if isinstance(data, str) else data

    @property
    def too_short(self) -> list[tuple[str, str]]:
        """(field, spelling) of the spellings too short to look for (one character: '王' would mask every
        王 in the text); they are left out of the masking and reported, the others are used."""
        spellings = [("name", self.name), *((f"aliases[{i}]", alias) for i, alias in enumerate(self.aliases))]
        return [(field, text) for field, text in spellings if len(text.strip()) < MIN_NAME_CHARS]


MIN_NAME_CHARS = 2
"""The shortest spelling of a person the masking looks for."""


Roster = Annotated[list[RosterEntry], Field(max_length=MAX_ROSTER)]
"""The people of a tool's `roster` argument (check_timeline, check_compliance, audit_review)."""


class PiiHit(BaseModel):
    """One piece of personal data. Never carries the raw value, only a masked preview."""

    kind: PiiKind
    path: str | None = Field(default=None, description="Field path when `fields` were checked.")
    start: int = Field(description="Offset of the first character in the original string.")
    end: int = Field(description="Offset one past the last character in the original string.")
    masked: str = Field(description="Masked preview: 138****8000, 110105********002X, a***@example.com, 成员A.")


class ToneFinding(Finding):
    """A blaming, loaded or absolute phrase, with where it is and a neutral rewrite hint."""

    start: int = Field(description="Offset of the phrase in the original string.")
    end: int = Field(description="Offset one past the phrase.")
    excerpt: str = Field(description="The phrase, with any roster name or personal data already masked.")
    hint: str = Field(description="Localized rewrite hint.")


class ComplianceCounts(BaseModel):
    pii: int = 0
    pii_by_kind: dict[str, int] = Field(default_factory=dict)
    tone: int = 0
    tone_by_severity: dict[str, int] = Field(default_factory=dict)
    tone_by_code: dict[str, int] = Field(default_factory=dict)
    fields_checked: int = 0


class ComplianceResult(BaseModel):
    pii: list[PiiHit] = Field(default_factory=list)
    tone: list[ToneFinding] = Field(default_factory=list)
    masked_text: str | None = Field(default=None, description="Set when `text` was given and mask is true.")
    masked_fields: dict[str, str] | None = Field(
        default=None, description="Set when `fields` were given and mask is true."
    )
    counts: ComplianceCounts
    findings: list[Finding] = Field(
        default_factory=list, description="Fields that could not be checked (no text), each with its path."
    )
    listed_limit: int | None = Field(
        default=None,
        description="Set when more findings were found than listed: `pii` and `tone` hold the first N each; "
        "`counts` cover all of them.",
    )
    language: Language = Field(default="zh", description="Language of the messages and hints.")
