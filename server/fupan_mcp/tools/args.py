"""Arguments several tools take, each declared once: the same name means the same thing in every tool."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fupan_mcp.domain.common import IdStr
from fupan_mcp.domain.review import Audience, Review
from fupan_mcp.i18n import Language
from fupan_mcp.limits import MAX_NAME_CHARS, MAX_PATH_CHARS

LanguageArg = Language
"""The output language: its name and enum say all, so no description (13 tools list it, issue 14)."""

ReportLanguageArg = Annotated[Language | None, Field(description="Default: the review's own language, else zh.")]
AUDIENCE_TEXT = "reader: for management; author: every finding."
AudienceArg = Annotated[
    Audience | None,
    Field(
        description=AUDIENCE_TEXT + " Default: reader for html, author for markdown. For a reader there are no "
        "finding codes, paths or lint tables: the checks become open questions in the appendix."
    ),
]
RawArg = Annotated[bool, Field(description="Unmasked, as stored (author use).")]
ReviewIdArg = Annotated[
    IdStr | None,
    Field(description="Save the input and result into this stored review."),
]
REVIEW_KEYS = len(Review.model_fields)
"""At most this many keys in a review document or a set of its sections (`review`, `sections`)."""

REVIEW_SCHEMA_URI = "fupan://schema/review"
REVIEW_SCHEMA_NOTE = "(JSON schema: resource " + REVIEW_SCHEMA_URI + ")."
REVIEW_SHAPE = (
    "A JSON object: project (required), title, project_type, review_date, language, "
    "goals, metrics[{name,target,actual,unit,weight}], kpi_tree, five_whys[{problem,whys,root_cause}], "
    "swot{strengths,weaknesses,opportunities,threats,strategies}, actions[{action,owner,due}], "
    "risks[{risk,indicator,yellow_threshold,red_threshold}], timeline[{at,text}], lessons, and more."
)
REVIEW_ARG_TEXT = "The review document " + REVIEW_SCHEMA_NOTE + " " + REVIEW_SHAPE
REVIEW_SECTIONS_TEXT = "Sections to start with " + REVIEW_SCHEMA_NOTE + " " + REVIEW_SHAPE
"""How render_report and create_review describe `review`: the schema once as a resource, so tools/list
does not carry the whole schema twice (issue 14); the listing keeps the first sentence, which points to it,
and the full schema adds the shape in one line."""

MaterialPathArg = Annotated[
    str | None,
    Field(
        max_length=MAX_PATH_CHARS,
        description="File under an --input-dir (default: export dir; stdio: also cwd). "
        "Relative paths are taken under those directories.",
    ),
]
MaterialSheetArg = Annotated[
    str | None,
    Field(max_length=MAX_NAME_CHARS, description="XLSX sheet name; default the first. The result lists them all."),
]
