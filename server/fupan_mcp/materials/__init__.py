"""Materials as they come: spreadsheets, tracker exports and review documents, read by the server.

- `tables`: bytes of a CSV, TSV or XLSX file into sheets of typed cells (numbers, percents as the sheet
  formats them, dates, text), merged cells filled, formulas read as their cached values.
- `headers`: finding the header row (below a title row, over one or two rows) and the columns by their
  names in Chinese or English.
- `metrics`: a table of metrics into compute_attainment's input; `trackers`: a Jira, Linear or GitHub
  export into action items and risks.
- `documents`: markdown or .docx into headings, paragraphs and tables; `audit`: a written review checked
  against the recomputation, the project type's checklist, and the tone and privacy rules.
- `files`: the one module that touches the file system, with the safety rules (allowed directories,
  no escape through `..` or symlinks, size limits, encrypted and corrupt files refused clearly).

Everything but `files` is pure: bytes or text in, models out. Errors a caller can fix are `InputError`.
"""
