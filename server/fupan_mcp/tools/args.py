"""Arguments several tools take, each declared once: the same name means the same thing in every tool."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fupan_mcp.domain.review import Audience
from fupan_mcp.i18n import Language

LanguageArg = Language
"""The output language: no description, the name and the values (zh, en) say it all (issue 14)."""

ReportLanguageArg = Annotated[
    Language | None, Field(description="'zh' or 'en'; default: the review's own language, else 'zh'.")
]
AUDIENCE_TEXT = "reader (for management, no codes) or author (every finding, its place)."
AudienceArg = Annotated[
    Audience | None,
    Field(
        description=AUDIENCE_TEXT + " Default: reader for html, author for markdown. For readers the checks "
        "become open questions in the appendix."
    ),
]
RawArg = Annotated[bool, Field(description="Unmasked stored text (author use); default: personal data masked.")]
ReviewIdArg = Annotated[
    str | None,
    Field(description="Stored review (create_review) to save input and result into."),
]

REVIEW_SCHEMA_URI = "fupan://schema/review"
REVIEW_SHAPE = (
    "A JSON object: project (required), title, "
    "project_type, review_date, language, goals, metrics[{name,target,actual,unit,weight}], kpi_tree, "
    "five_whys[{problem,whys,root_cause}], swot{strengths,weaknesses,opportunities,threats,strategies}, "
    "actions[{action,owner,due}], risks[{risk,indicator,yellow_threshold,red_threshold}], timeline[{at,text}], "
    "lessons, and more."
)
REVIEW_ARG_TEXT = "The review document (schema: " + REVIEW_SCHEMA_URI + "). " + REVIEW_SHAPE
REVIEW_SECTIONS_TEXT = "Sections to start with (schema: " + REVIEW_SCHEMA_URI + "). " + REVIEW_SHAPE
"""How render_report and create_review describe `review`: the shape in one line, the schema once as a
resource, so tools/list does not carry the whole schema twice (issue 14)."""

MaterialPathArg = Annotated[
    str | None,
    Field(
        description="A file under an --input-dir (default: the export dir; for stdio also the cwd). "
        "Relative paths are taken under those directories."
    ),
]
MaterialSheetArg = Annotated[
    str | None, Field(description="XLSX sheet name; default the first (the result lists them all).")
]
