"""Stored actions as a CSV file that Jira, Linear or GitHub imports: the columns each one reads.

Why: a review's actions are worked on in the team's tracker, not here. Each format follows what the
tracker's importer documents or reads, so the file imports without remapping:

- Jira (Atlassian, "Import data from a CSV file", support.atlassian.com/jira-cloud-administration/
  docs/import-data-from-a-csv-file/): a header row with a ``Summary`` column (required), comma
  separated, any value with commas, quotes or new lines in double quotes; a field with several
  values (``Labels``) as several columns of the same name; labels hold no spaces; dates in the
  format chosen in the import wizard (we write ``yyyy-MM-dd``: choose that format). Columns:
  Summary, Description, Issue Type, Status, Resolution, Priority (Jira's default names Highest,
  High, Medium, Low), Assignee, Due date, Labels…; the wizard maps each of them to its field.
- Linear (the importer of github.com/linear/linear, packages/import, ``LinearCsvImporter``, which
  reads Linear's own CSV export): Title, Description, Status, Priority (``No priority``, ``Urgent``,
  ``High``, ``Medium``, ``Low``), Assignee, Labels (joined by ", "), Due Date, Created, Completed.
  As in Linear's export, a text that a spreadsheet would take for a formula (starting with
  ``+ - = @``) gets a leading ``'``, which that importer strips.
- GitHub has no CSV import of its own; the documented tool is github-csv-tools
  (github.com/gavinr/github-csv-tools, ``githubCsvTools file.csv``), whose importer reads the
  columns title (required), body, labels (one cell, comma separated), milestone (a milestone
  number), assignee (a GitHub login) and state (``closed`` closes the issue). The owner becomes
  the assignee only when it could be a login; it is always named in the body. A won't-do action is
  closed with GitHub's default label ``wontfix`` (the tool sets no state reason): closed alone reads as done.

Text is UTF-8 and kept as written (Chinese included), rows end with CRLF as RFC 4180 and Excel
do. No byte order mark by default: none of the three importers asks for it, and an importer that
does not expect it reads it as part of the first header (``Summary`` would not be found);
``bom=True`` adds it for opening the file in Excel, which needs it to read UTF-8.

Masking is the caller's: the CLI masks personal data with each review's roster unless asked for
the raw text, as on every other way out of the store.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from typing import Literal, get_args

from fupan_mcp.analysis.actions import owners
from fupan_mcp.domain.stored import StoredAction
from fupan_mcp.i18n import Language, tr
from fupan_mcp.report.strings import TEXT

__all__ = ["TRACKERS", "Tracker", "tracker_csv", "tracker_table"]

Tracker = Literal["jira", "linear", "github"]
TRACKERS: tuple[Tracker, ...] = get_args(Tracker)

_JIRA_STATUS = {"open": "To Do", "in_progress": "In Progress", "done": "Done", "wont_do": "Done"}
_JIRA_RESOLUTION = {"done": "Done", "wont_do": "Won't Do"}
_JIRA_PRIORITY = {"P0": "Highest", "P1": "High", "P2": "Medium", "P3": "Low"}
_LINEAR_STATUS = {"open": "Todo", "in_progress": "In Progress", "done": "Done", "wont_do": "Canceled"}
_LINEAR_PRIORITY = {"P0": "Urgent", "P1": "High", "P2": "Medium", "P3": "Low"}
_GITHUB_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
"""A GitHub user name: letters, digits and single inner hyphens, at most 39 characters."""
_FORMULA_START = ("=", "+", "-", "@")
MAX_TITLE = 255
"""Jira's Summary holds at most 255 characters (GitHub's title 256): a longer action is cut there with
"…" and given whole at the top of the description."""
BASE_LABEL = "fupan"


def _title(action: StoredAction) -> str:
    text = " ".join(action.action.split()) if len(action.action) > MAX_TITLE else action.action
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1] + "…"


def _description(action: StoredAction, language: Language) -> str:
    """What the tracker's description holds: the whole action when the title had to be cut, where the
    action comes from, and its fields that have no column of their own, one per line."""
    lines = [action.action] if _title(action) != action.action else []
    lines += [
        tr(
            TEXT,
            "tracker.review",
            language,
            title=action.review_title,
            date=action.review_date.isoformat(),
            project=action.project,
        )
    ]
    unread = action.unread_words
    for key in ("addresses", "success_metric", "owner", "due_text", "priority_text", "status_text"):
        typed = key in ("priority_text", "status_text")
        value = unread.get(key.removesuffix("_text")) if typed else getattr(action, key)
        if isinstance(value, str) and value.strip():
            lines.append(tr(TEXT, f"tracker.{key}", language, text=value.strip()))
    for key in ("evidence", "status_reason", "ticket"):
        value = getattr(action, key, None)
        if isinstance(value, str) and value.strip():
            lines.append(tr(TEXT, f"tracker.{key}", language, text=value.strip()))
    lines.append(tr(TEXT, "tracker.id", language, id=action.id))
    return "\n".join(lines)


def _labels(action: StoredAction, *, spaces: str | None) -> list[str]:
    """fupan, the action's type and its project, each with its whitespace replaced when ``spaces``
    is given (Jira labels hold none) and without commas (GitHub and Linear split on them)."""
    labels = [BASE_LABEL]
    for value in (action.kind, action.project):
        if value and value.strip():
            text = value.strip().replace(",", " ").replace("，", " ")
            if spaces is not None:
                text = re.sub(r"\s+", spaces, text)
            if text not in labels:
                labels.append(text)
    return labels


def _assignee(action: StoredAction) -> str:
    """The one person Jira's Assignee and Linear's Assignee take: the first owner named. 'Alice, Bob' was
    written whole, a user neither importer has (the import stops at the user mapping or assigns nobody);
    every owner stays named in the description."""
    named = owners(action.owner)
    return named[0] if named else ""


def _login(action: StoredAction) -> str:
    """github-csv-tools' assignee: the first owner when it could be a login ('octocat, hubot' was left
    unassigned: the whole cell is no login)."""
    first = _assignee(action).removeprefix("@")
    return first if _GITHUB_LOGIN.fullmatch(first) else ""


def _date(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""


def _jira(actions: Sequence[StoredAction], language: Language) -> tuple[list[str], list[list[str]]]:
    labels = [_labels(a, spaces="_") for a in actions]
    width = max((len(found) for found in labels), default=1)
    header = [
        "Summary",
        "Description",
        "Issue Type",
        "Status",
        "Resolution",
        "Priority",
        "Assignee",
        "Due date",
        *["Labels"] * width,
    ]
    rows = [
        [
            _title(a),
            _description(a, language),
            "Task",
            _JIRA_STATUS[a.status],
            _JIRA_RESOLUTION.get(a.status, ""),
            _JIRA_PRIORITY.get(a.priority or "", ""),
            _assignee(a),
            _date(a.due),
            *(found + [""] * (width - len(found))),
        ]
        for a, found in zip(actions, labels, strict=True)
    ]
    return header, rows


def _no_formula(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _linear(actions: Sequence[StoredAction], language: Language) -> tuple[list[str], list[list[str]]]:
    header = ["Title", "Description", "Status", "Priority", "Assignee", "Labels", "Due Date", "Created", "Completed"]
    rows = [
        [
            _no_formula(_title(a)),
            _no_formula(_description(a, language)),
            _LINEAR_STATUS[a.status],
            _LINEAR_PRIORITY.get(a.priority or "", "No priority"),
            _assignee(a),
            ", ".join(_labels(a, spaces=None)),
            _date(a.due),
            a.created_at.isoformat(),
            a.updated_at.isoformat() if a.status == "done" else "",
        ]
        for a in actions
    ]
    return header, rows


def _github(actions: Sequence[StoredAction], language: Language) -> tuple[list[str], list[list[str]]]:
    header = ["title", "body", "labels", "assignee", "milestone", "state"]
    rows = [
        [
            _title(a),
            _description(a, language),
            ",".join([*_labels(a, spaces=None), *(["wontfix"] if a.status == "wont_do" else [])]),
            _login(a),
            "",
            "closed" if a.status in ("done", "wont_do") else "open",
        ]
        for a in actions
    ]
    return header, rows


_FORMATS: dict[Tracker, Callable[[Sequence[StoredAction], Language], tuple[list[str], list[list[str]]]]] = {
    "jira": _jira,
    "linear": _linear,
    "github": _github,
}


def tracker_table(
    actions: Sequence[StoredAction], tracker: Tracker, language: Language = "zh"
) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of ``tracker``'s CSV for these actions, in their order."""
    return _FORMATS[tracker](actions, language)


def tracker_csv(
    actions: Sequence[StoredAction], tracker: Tracker, language: Language = "zh", *, bom: bool = False
) -> str:
    """The CSV text (write it as UTF-8 with ``newline=""``): RFC 4180 quoting, CRLF rows."""
    header, rows = tracker_table(actions, tracker, language)
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + out.getvalue()
