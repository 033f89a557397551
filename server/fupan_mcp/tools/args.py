"""Arguments several tools take, each declared once: the same name means the same thing in every tool."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fupan_mcp.domain.review import Audience
from fupan_mcp.i18n import Language

LanguageArg = Annotated[Language, Field(description="Output language.")]

ReportLanguageArg = Annotated[
    Language | None, Field(description="'zh' or 'en'; default: the review's own language, else 'zh'.")
]
AudienceArg = Annotated[
    Audience | None,
    Field(
        description="Who the report is for: 'reader' (management: no finding codes, paths or lint tables; the "
        "checks become open questions in the appendix) or 'author' (every finding with its code and place). "
        "Default: reader for html, author for markdown."
    ),
]
ReviewIdArg = Annotated[
    str | None,
    Field(description="A stored review (create_review) to save the input and result into."),
]

REVIEW_SCHEMA_URI = "fupan://schema/review"
REVIEW_ARG_TEXT = (
    "The review document, a JSON object: project (required), title, project_type, review_date, language, "
    "goals, metrics[{name,target,actual,unit,weight}], kpi_tree, five_whys[{problem,whys,root_cause}], "
    "swot{strengths,weaknesses,opportunities,threats,strategies}, actions[{action,owner,due}], "
    "risks[{risk,indicator,yellow_threshold,red_threshold}], timeline[{at,text}], lessons, and more. "
    "Full JSON schema: resource " + REVIEW_SCHEMA_URI + "."
)
"""How render_report and create_review describe `review`: the shape in one line, the schema once as a
resource, so tools/list does not carry the whole schema twice (issue 14)."""

MaterialPathArg = Annotated[
    str | None,
    Field(
        description="A file the server may read: under an --input-dir (default: the export directory and, "
        "for a stdio server, its working directory). Relative paths are taken under those directories."
    ),
]
MaterialSheetArg = Annotated[
    str | None, Field(description="XLSX: the sheet to read, by name; default the first (the result lists them all).")
]
