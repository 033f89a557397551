"""The localized strings of the materials readers (errors, cell problems, notes, audit findings)."""

from __future__ import annotations

from fupan_mcp.i18n import Table

TEXT: Table = {
    "unknown_project_type": {
        "zh": "未知的项目类型“{value}”，可选：{known}",
        "en": "unknown project type '{value}'; choose one of {known}",
    },
    # --- reading files
    "err.encrypted": {
        "zh": "文件已加密（受密码保护的 Office 文件），无法读取：请另存为未加密的副本再导入",
        "en": "the file is encrypted (a password-protected Office file); save an unencrypted copy and import that",
    },
    "err.legacy_office": {
        "zh": "这是旧版 Office 二进制格式（.xls/.doc），无法读取：请另存为 .xlsx 或 .docx",
        "en": "this is a legacy binary Office file (.xls/.doc); save it as .xlsx or .docx",
    },
    "err.corrupt": {
        "zh": "文件已损坏或不是有效的 {kind} 文件：{reason}",
        "en": "the file is corrupt or not a valid {kind} file: {reason}",
    },
    "err.too_large": {
        "zh": "文件过大（{size} 字节），上限为 {limit} 字节",
        "en": "the file is too large ({size} bytes); the limit is {limit} bytes",
    },
    "err.unpacked_too_large": {
        "zh": "文件解压后过大（{size} 字节），上限为 {limit} 字节",
        "en": "the file unpacks to too much data ({size} bytes); the limit is {limit} bytes",
    },
    "err.encoding": {
        "zh": "无法识别文本编码（试过 UTF-8、UTF-16、GB18030）",
        "en": "the text encoding is not recognised (tried UTF-8, UTF-16, GB18030)",
    },
    "err.format": {
        "zh": "无法判断文件格式：请用 format 指定 {choices} 之一",
        "en": "cannot tell the file format; give format as one of {choices}",
    },
    "err.format_mismatch": {
        "zh": "内容不是 {format} 文件（{reason}）",
        "en": "the content is not a {format} file ({reason})",
    },
    "err.no_sheet": {
        "zh": "没有名为 {name!r} 的工作表；可选：{sheets}",
        "en": "no sheet named {name!r}; the sheets are: {sheets}",
    },
    "err.no_header": {
        "zh": "前 {rows} 行中找不到表头：需要 {needed} 等列名",
        "en": "no header found in the first {rows} rows: expected column names such as {needed}",
    },
    "err.no_header_single_column": {
        "zh": "前 {rows} 行中找不到表头：表头行只读出一列。{why}需要 {needed} 等列名",
        "en": "no header found in the first {rows} rows: the header line reads as one column. {why}"
        "Expected column names such as {needed}",
    },
    "why.list": {
        "zh": "内容像是一行一项的列表，不是表格：这里读的是带表头的表格（一行列名，每列一个字段）。"
        "请整理成表格，或把整篇文档交给 audit_review 检查其中的条目。",
        "en": "The content looks like a list, one item a line, not a table: a table with a header row (one "
        "column a field) is read here. Lay it out as a table, or give the whole document to audit_review. ",
    },
    "why.fullwidth_comma": {
        "zh": "各列似乎以全角逗号“，”分隔：请改用半角逗号或制表符（全角逗号也可能是千位分隔符，无法可靠拆分）。",
        "en": "The columns seem separated by full-width commas '，': use ',' or tabs instead (a full-width comma "
        "may also group thousands, so it cannot be split reliably). ",
    },
    "why.single_blanks": {
        "zh": "各列似乎只以单个空格分隔（从网页或 PDF 复制）：请用制表符、逗号或至少两个空格分列，"
        "或直接粘贴 markdown 表格。",
        "en": "The columns seem separated by single blanks (copied from a web page or a PDF): separate them by "
        "tabs, commas or two or more blanks, or paste a markdown table. ",
    },
    "err.empty": {"zh": "表格没有任何数据", "en": "the table holds no data"},
    "err.too_many_rows": {
        "zh": "数据行过多（{rows} 行），上限为 {limit} 行",
        "en": "too many data rows ({rows}); the limit is {limit}",
    },
    "err.no_source": {
        "zh": "请给出 path（服务器可读取的文件）或 content（内联内容）之一",
        "en": "give either path (a file the server may read) or content (inline)",
    },
    "err.both_sources": {
        "zh": "path 与 content 只能给一个",
        "en": "give path or content, not both",
    },
    "err.base64": {
        "zh": "{format} 内容须为 base64 编码：{reason}",
        "en": "{format} content must be base64-encoded: {reason}",
    },
    "err.path_outside": {
        "zh": "不允许读取该路径：只能读取这些目录下的文件：{roots}（可用 --input-dir 增加）",
        "en": "this path may not be read: only files under {roots} (add more with --input-dir)",
    },
    "err.path_missing": {"zh": "文件不存在：{name}", "en": "no such file: {name}"},
    "err.path_not_file": {"zh": "不是普通文件：{name}", "en": "not a regular file: {name}"},
    "err.path_bad": {
        "zh": "路径无效（含 NUL 字符或无法解析）",
        "en": "the path is invalid (a NUL character or unresolvable)",
    },
    "err.read_failed": {"zh": "无法读取文件：{reason}", "en": "cannot read the file: {reason}"},
    "err.missing_openpyxl": {
        "zh": "读取 XLSX 需要可选组件：pip install 'fupan-mcp[import]'（或先另存为 CSV）",
        "en": "reading XLSX needs the optional extra: pip install 'fupan-mcp[import]' (or save the sheet as CSV)",
    },
    "err.missing_docx": {
        "zh": "读取 .docx 需要可选组件：pip install 'fupan-mcp[export]'（或先另存为 markdown）",
        "en": "reading .docx needs the optional extra: pip install 'fupan-mcp[export]' (or save it as markdown)",
    },
    # --- notes on a whole file
    "note.formulas_cached": {
        "zh": "{count} 个公式单元格按文件中缓存的计算结果读取（未重新计算）",
        "en": "{count} formula cells were read as the values cached in the file (not recalculated)",
    },
    "note.formulas_uncached": {
        "zh": "{count} 个公式单元格没有缓存结果（文件保存前未计算），按空值处理：请在 Excel 中打开并保存后再导入",
        "en": "{count} formula cells have no cached value (never calculated before saving) and count as empty; "
        "open and save the file in Excel, then import it again",
    },
    "note.macros_ignored": {
        "zh": "文件包含宏，宏未运行也未读取",
        "en": "the file holds macros; they were neither run nor read",
    },
    "note.external_links": {
        "zh": "文件引用外部工作簿；外部链接未更新，使用的是文件中缓存的值",
        "en": "the file links to other workbooks; the links were not refreshed, cached values were used",
    },
    "note.sheet_unit": {
        "zh": "表头之上声明的单位“{unit}”用于没有自带单位的数值列",
        "en": "the unit '{unit}' declared above the header is used for the value columns that name none",
    },
    "note.unit_withheld": {
        "zh": "单位“{unit}”是金额单位，未用于 {count} 项不是金额的指标：{names}",
        "en": "the unit '{unit}' is a unit of money and was not used for {count} metrics that are no sums of "
        "money: {names}",
    },
    "note.title_rows": {
        "zh": "表头之上的 {count} 行（标题或说明）未作为数据读取：{text}",
        "en": "{count} rows above the header (a title or notes) were not read as data: {text}",
    },
    "note.group_rows": {
        "zh": "{count} 行是分组标题，用作其下各行的维度：{text}",
        "en": "{count} rows are group titles, used as the dimension of the rows below: {text}",
    },
    "note.total_rows": {
        "zh": "{count} 行合计/小计行未作为指标导入：第 {rows} 行",
        "en": "{count} total or subtotal rows were not imported as metrics: row {rows}",
    },
    "note.layout_markdown": {
        "zh": "按 markdown 表格读取（| 分隔，分隔线 |---| 已跳过）",
        "en": "read as a markdown table (| separated, the |---| line skipped)",
    },
    "note.layout_aligned": {
        "zh": "按空格对齐的表格读取（两个以上空格分列，如从网页或 PDF 复制）；请核对各列是否对齐",
        "en": "read as a table aligned with spaces (two or more blanks between cells, as copied from a web "
        "page or a PDF); please check the columns",
    },
    "note.layout_unplaced": {
        "zh": "{count} 行无法按列对齐，未读取（未猜测）：{text}",
        "en": "{count} lines could not be split into the columns and were not read (not guessed): {text}",
    },
    "note.date_order_day_first": {
        "zh": "“{header}”列的日期按日/月/年读取：该列的“{example}”只能是日在前，"
        "同列日与月都不大于 12 的日期（如 05/03/2024）按同一顺序读",
        "en": "the dates of '{header}' are read day first: '{example}' in that column can only be day/month/year, "
        "so its dates whose day and month are both 12 or less (such as 05/03/2024) are read the same way",
    },
    "note.date_order_month_first": {
        "zh": "“{header}”列的日期按月/日/年读取：该列的“{example}”只能是月在前，"
        "同列日与月都不大于 12 的日期（如 05/03/2024）按同一顺序读",
        "en": "the dates of '{header}' are read month first: '{example}' in that column can only be "
        "month/day/year, so its dates whose day and month are both 12 or less (such as 05/03/2024) are read "
        "the same way",
    },
    "note.resolved_as_due": {
        "zh": "表中没有截止日期列：“{header}”在 {count} 条未完成的行动上用作截止日期（第 {rows} 行）",
        "en": "the sheet has no due-date column: '{header}' was used as the due date of {count} actions not done "
        "(row {rows})",
    },
    "note.repeated_header": {
        "zh": "{count} 行是重复的表头，已跳过：第 {rows} 行",
        "en": "{count} rows repeat the header and were skipped: row {rows}",
    },
    "note.rate_column": {
        "zh": "“{header}”列是文件自带的完成率，未导入：完成率由 compute_attainment 重新计算",
        "en": "the column '{header}' holds stated rates and was not imported: compute_attainment recomputes them",
    },
    "note.next_period_column": {
        "zh": "“{header}”列是下一周期的目标，未导入：本期实际不与下期目标比较",
        "en": "the column '{header}' holds next period's targets and was not imported: they do not judge this period",
    },
    "note.period_clash": {
        "zh": "“{header}”是比“{actual}”更长周期的目标，未导入：期中完成只是进度，不判定是否达成",
        "en": "'{header}' is a target for a longer period than '{actual}' and was not imported: "
        "part of a period is progress, not a verdict",
    },
    "note.stretch_column": {
        "zh": "“{header}”是挑战目标，未导入：按保底目标判定，挑战目标另行对照",
        "en": "'{header}' holds stretch targets and was not imported: the base targets are judged",
    },
    "note.duplicate_column": {
        "zh": "“{header}”与另一列都对应 {field}，只读取了第一列",
        "en": "'{header}' maps to {field} like an earlier column; only the first one was read",
    },
    "note.sheets": {
        "zh": "工作簿有 {count} 个工作表（{sheets}），读取了“{sheet}”；可用 sheet 参数选择",
        "en": "the workbook has {count} sheets ({sheets}); '{sheet}' was read, choose another with sheet",
    },
    "note.risk_table": {
        "zh": "{location} 的表格是风险登记，读出 {count} 条风险，未作为行动项检查；请用 check_risks 检查它们",
        "en": "the table at {location} is a risk register: {count} risks were read and not audited as actions; "
        "check them with check_risks",
    },
    "note.images": {
        "zh": "文档含 {count} 张图片，图片中的内容未读取",
        "en": "the document holds {count} images; what they show was not read",
    },
    "note.no_project_type": {
        "zh": "未给出项目类型，按所有复盘都应有的核心章节检查",
        "en": "no project type given: checked against the core sections every review should have",
    },
    # --- cell problems
    "cell.unreadable_number": {
        "zh": "第 {row} 行 {column} 列（{header}）：无法读取“{value}”作为数值：{reason}",
        "en": "row {row}, column {column} ({header}): cannot read '{value}' as a number: {reason}",
    },
    "cell.unreadable_target": {
        "zh": "第 {row} 行 {column} 列（{header}）：无法读取目标“{value}”：{reason}",
        "en": "row {row}, column {column} ({header}): cannot read the target '{value}': {reason}",
    },
    "cell.date_value": {
        "zh": "第 {row} 行 {column} 列（{header}）：这是日期（{value}），目标达成度只比较数值",
        "en": "row {row}, column {column} ({header}): this is a date ({value}); attainment compares numbers only",
    },
    "cell.percent_fraction": {
        "zh": "第 {row} 行 {column} 列（{header}）：单位为 %，但数值 {value} 像是小数比例；按 {value}% 读取，请核对",
        "en": "row {row}, column {column} ({header}): the unit is % but {value} looks like a fraction; "
        "read as {value}%, please check",
    },
    "cell.unknown_aggregation": {
        "zh": "第 {row} 行 {column} 列（{header}）：无法识别口径“{value}”（峰值/均值/累计/期末），已写入备注",
        "en": "row {row}, column {column} ({header}): aggregation '{value}' is not one of peak, average, total, "
        "latest; kept in the note",
    },
    "cell.bad_weight": {
        "zh": "第 {row} 行 {column} 列（{header}）：权重“{value}”不是非负数，按默认权重 1 计",
        "en": "row {row}, column {column} ({header}): weight '{value}' is not a number >= 0; the default 1 is used",
    },
    "cell.missing_name": {
        "zh": "第 {row} 行：有数值但没有指标名称，未导入",
        "en": "row {row}: values but no metric name; not imported",
    },
    "cell.too_long": {
        "zh": "第 {row} 行 {column} 列（{header}）：内容过长（{length} 字符），已截断",
        "en": "row {row}, column {column} ({header}): too long ({length} characters), shortened",
    },
    "cell.missing_title": {
        "zh": "第 {row} 行：有内容但没有标题/概要，未导入",
        "en": "row {row}: content but no title or summary; not imported",
    },
    "cell.footnote_mark": {
        "zh": "第 {row} 行 {column} 列（{header}）：“{value}”末尾的脚注标记“{mark}”已去掉，按 {read} 读取；"
        "脚注内容未读取",
        "en": "row {row}, column {column} ({header}): the footnote mark '{mark}' after '{value}' was taken off "
        "and {read} read; the footnote itself was not read",
    },
    "cell.ambiguous_decimal": {
        "zh": "第 {row} 行 {column} 列（{header}）：本表有以逗号作小数点的数，“{value}”可读作两种数值"
        "（如 1.234 或 1234），未使用；请写成不带千位分隔符的数",
        "en": "row {row}, column {column} ({header}): this sheet writes decimal commas, so '{value}' reads two "
        "ways (1.234 or 1234, say); not used, write it without a thousands separator",
    },
    "cell.mixed_decimal": {
        "zh": "第 {row} 行 {column} 列（{header}）：本表混用小数点与小数逗号两种写法，“{value}”的数值不确定，未使用",
        "en": "row {row}, column {column} ({header}): this sheet mixes decimal points and decimal commas; "
        "'{value}' is uncertain and not used",
    },
    "cell.combined_cell": {
        "zh": "第 {row} 行 {column} 列（{header}）：合并列“{header_text}”的“{value}”不能按“/”拆成各列的值，未使用",
        "en": "row {row}, column {column} ({header}): '{value}' under the combined column '{header_text}' does not "
        "split by '/' into one value per column; not used",
    },
    "cell.relative_date": {
        "zh": "第 {row} 行 {column} 列（{header}）：“{value}”是相对日期，表中没有它所相对的日期，未使用；"
        "请写成 YYYY-MM-DD",
        "en": "row {row}, column {column} ({header}): '{value}' is relative to a day the table does not give; "
        "not used, write it as YYYY-MM-DD",
    },
    "cell.incomplete_date": {
        "zh": "第 {row} 行 {column} 列（{header}）：日期“{value}”没有年份或具体日，未使用；请写成 YYYY-MM-DD",
        "en": "row {row}, column {column} ({header}): the date '{value}' has no year or no day; "
        "not used, write it as YYYY-MM-DD",
    },
    "cell.vague_period": {
        "zh": "第 {row} 行 {column} 列（{header}）：“{value}”是一段时间而非日期，未使用；请写成截止日 YYYY-MM-DD",
        "en": "row {row}, column {column} ({header}): '{value}' is a period, not a date; "
        "not used, write the due day as YYYY-MM-DD",
    },
    "cell.extra_cells": {
        "zh": "第 {row} 行的单元格比表头多（{value}）：可能是数字里未加引号的千位分隔逗号（如 1,234）或多了分隔符，"
        "各值会错位；该行未导入，其余行照常导入",
        "en": "row {row} has more cells than the header ({value}): a thousands comma not quoted (1,234) or a "
        "stray separator would shift its values; the row was not imported, the others were",
    },
    "cell.sprint_due": {
        "zh": "第 {row} 行 {column} 列（{header}）：“{value}”是迭代或版本，不是日期，表中没有它的日期，未使用；"
        "请写该迭代的结束日期（YYYY-MM-DD）",
        "en": "row {row}, column {column} ({header}): '{value}' is a sprint or a release, not a date the table "
        "gives; not used: write the day it ends (YYYY-MM-DD)",
    },
    "cell.ongoing_due": {
        "zh": "第 {row} 行 {column} 列（{header}）：“{value}”表示持续进行，没有截止日期，未使用；"
        "请写一个检查或完成的日期",
        "en": "row {row}, column {column} ({header}): '{value}' says it goes on, with no end; not used: give a day "
        "to check or finish it",
    },
    "cell.two_dates": {
        "zh": "第 {row} 行 {column} 列（{header}）：“{value}”写了两个日期，"
        "看不出哪个是截止日期（不是改期，也不是起止），未使用；请只留截止日期，改期可写成“旧日期 → 新日期”",
        "en": "row {row}, column {column} ({header}): '{value}' gives two dates and neither reads as the due (no move, "
        "no span); not used: keep the due alone, or write a move as 'old → new'",
    },
    "cell.unreadable_date": {
        "zh": "第 {row} 行 {column} 列（{header}）：无法读取日期“{value}”",
        "en": "row {row}, column {column} ({header}): cannot read the date '{value}'",
    },
    "cell.ambiguous_date": {
        "zh": "第 {row} 行 {column} 列（{header}）：日期“{value}”日月顺序不明，未使用；请写成 YYYY-MM-DD",
        "en": "row {row}, column {column} ({header}): the date '{value}' could be day/month or month/day; "
        "not used, write it as YYYY-MM-DD",
    },
    "cell.unknown_status": {
        "zh": "第 {row} 行 {column} 列（{header}）：无法识别状态“{value}”，按未开始（open）处理",
        "en": "row {row}, column {column} ({header}): status '{value}' is not recognised; taken as open",
    },
    "cell.unknown_priority": {
        "zh": "第 {row} 行 {column} 列（{header}）：无法识别优先级“{value}”，未使用",
        "en": "row {row}, column {column} ({header}): priority '{value}' is not recognised; not used",
    },
    "cell.excel_serial_date": {
        "zh": "第 {row} 行 {column} 列（{header}）：“{value}”是 Excel 的日期序号，读作 {date}；"
        "请核对，并把该列设为日期格式或写成 YYYY-MM-DD",
        "en": "row {row}, column {column} ({header}): '{value}' is an Excel date serial number, read as {date}; "
        "check it, and format the column as dates or write YYYY-MM-DD",
    },
    "cell.risk_closed": {
        "zh": "第 {row} 行 {column} 列（{header}）：该风险的状态为“{value}”，风险条目不记录状态，"
        "仍按在册风险导入；已关闭的风险请从列表中删除",
        "en": "row {row}, column {column} ({header}): the risk's status is '{value}'; a risk has no status field, "
        "so it is imported as a live risk: remove a closed risk from the list",
    },
    "cell.unknown_level": {
        "zh": "第 {row} 行 {column} 列（{header}）：无法识别等级“{value}”（高/中/低），未使用",
        "en": "row {row}, column {column} ({header}): level '{value}' is not high, medium or low; not used",
    },
    # --- audit findings
    "audit.rate_mismatch": {
        "zh": "“{name}”写的完成率为 {stated}，按目标与实际复算为 {computed}",
        "en": "'{name}' states an attainment rate of {stated}; target and actual give {computed}",
    },
    "audit.rate_convention_verdict": {
        "zh": "“{name}”写的完成率为 {stated}，读起来与结论相反：按目标与实际复算为 {computed}，{status}"
        "（写的完成率用了另一种口径）",
        "en": "'{name}' states an attainment rate of {stated}, which reads as the opposite verdict: target and actual "
        "give {computed}, {status} (the stated rate uses another convention)",
    },
    "audit.direction_assumed": {
        "zh": (
            "“{name}”写的是“{stated}”，把目标“{target}”当作下限复算为“{computed}”；"
            "若该指标越低越好，写的就是对的。目标没写明方向，未判定，请写成“不低于”或“不超过”"
        ),
        "en": (
            "'{name}' is stated as '{stated}'; taking the target '{target}' as a floor gives '{computed}', "
            "and if lower is better for it the statement is right. The target states no side: not judged; "
            "write it as 'at least' or 'at most'"
        ),
    },
    "audit.status_mismatch": {
        "zh": "“{name}”写的是“{stated}”，按目标与实际复算为“{computed}”",
        "en": "'{name}' is stated as '{stated}'; target and actual give '{computed}'",
    },
    "audit.metric_error": {
        "zh": "“{name}”无法复算：{message}",
        "en": "'{name}' cannot be recomputed: {message}",
    },
    "audit.unproven": {
        "zh": "“{name}”写了完成情况，但给出的数据证明不了：{statement}",
        "en": "'{name}' states an outcome its figures cannot prove: {statement}",
    },
    "audit.change_direction": {
        "zh": "写的是变化“{stated}”，方向与数据相反：从 {start} 到 {end}",
        "en": "the change is stated as '{stated}' the other way round: the figures go from {start} to {end}",
    },
    "audit.change_unit": {
        "zh": "从 {start} 到 {end} 写作变化 {stated}：这是 {points} 个百分点，相对变化为 {relative}；请写明“个百分点”",
        "en": "from {start} to {end} is stated as a change of {stated}: that is {points} percentage points, a "
        "relative change of {relative}; write it in points",
    },
    "audit.change_mismatch": {
        "zh": "从 {start} 到 {end} 写作变化 {stated}，按两端数据复算为 {relative}",
        "en": "from {start} to {end} is stated as a change of {stated}; the two figures give {relative}",
    },
    "audit.not_evaluable": {
        "zh": "“{name}”缺少复算所需的数据：{statement}",
        "en": "'{name}' lacks what the recomputation needs: {statement}",
    },
    "audit.section_missing": {
        "zh": "缺少“{title}”章节（{type}的复盘清单要求）：{expects}",
        "en": "no '{title}' section (the {type} checklist expects one): {expects}",
    },
    "audit.action_no_owner": {
        "zh": "行动项没有负责人：“{action}”",
        "en": "action without an owner: '{action}'",
    },
    "audit.action_no_due": {
        "zh": "行动项没有截止日期：“{action}”",
        "en": "action without a due date: '{action}'",
    },
    "audit.action_due_no_year": {
        "zh": "行动项的日期“{date}”没有年份，不是确定的截止日期：“{action}”",
        "en": "the date '{date}' of this action has no year, so it is not an absolute due date: '{action}'",
    },
    "audit.action_due_past": {
        "zh": "行动项的截止日期 {due} 不晚于复盘日期：“{action}”",
        "en": "the due date {due} of this action is not after the review date: '{action}'",
    },
    "audit.personal_data": {
        "zh": "含个人信息（{kind}）：{masked}，报告中应脱敏",
        "en": "personal data ({kind}): {masked}; mask it in the report",
    },
    "audit.no_actions": {
        "zh": "文档中没有找到任何行动项（带负责人或日期的表格，或“改进/行动”章节下的条目）",
        "en": "no action items found (a table with owners or dates, or items under an actions section)",
    },
    "unread.figure": {
        "zh": "有目标或实际的表述，但读不出数值：{reason}",
        "en": "a target or actual is stated, but its figures cannot be read: {reason}",
    },
    "unread.table": {
        "zh": "表格未读取：表头（{header}）既不是指标表（目标/实际）也不是行动项表（负责人/截止日期）",
        "en": "table not read: its header ({header}) is neither a metrics table (target/actual) nor an "
        "action table (owner/due)",
    },
    "reason.change_row": {
        "zh": "变化一栏读不出“+8%”“-0.3个百分点”这样的变化，或前后两栏不是同一单位的数值",
        "en": "the change cell is not a change such as '+8%' or '-0.3pp', or before and after are not figures "
        "of one unit",
    },
    "reason.no_pair": {"zh": "找不到成对的目标与实际数值", "en": "no pair of target and actual figures"},
    "reason.change_sides": {
        "zh": "目标的变化“{target}”与实际的变化“{actual}”方向相反，读不出完成进度，未核对",
        "en": (
            "the target change \u201c{target}\u201d and the actual change \u201c{actual}\u201d go opposite ways; "
            "not checked"
        ),
    },
    "reason.points": {
        "zh": (
            "“{target}”与“{actual}”中的“分”可能是分数，也可能是分钟，未核对"
            "（分钟请写“分钟”，评分请在名称中写明如NPS、满意度）"
        ),
        "en": (
            "\u201c分\u201d in \u201c{target}\u201d and \u201c{actual}\u201d may be points or minutes; not checked "
            "(write 分钟 for minutes, or name the score, e.g. NPS)"
        ),
    },
    "reason.magnitude": {
        "zh": "目标“{target}”带数量级（万/亿/k/M），实际“{actual}”没有，单位不明，未核对",
        "en": (
            "the target \u201c{target}\u201d carries a scale (万/亿/k/M) and the actual \u201c{actual}\u201d "
            "does not; not checked"
        ),
    },
    "reason.rate_of_other": {
        "zh": "写的比率属于“{qualifier}”，不是“{name}”本身的完成率，未核对",
        "en": "the rate stated is for \u201c{qualifier}\u201d, not {name}'s own attainment; not checked",
    },
    "type.core": {"zh": "所有复盘", "en": "every review"},
    "status.achieved": {"zh": "已达成", "en": "achieved"},
    "status.not_achieved": {"zh": "未达成", "en": "not achieved"},
    "status.needs_verification": {"zh": "待核验", "en": "needs verification"},
    "status.not_evaluable": {"zh": "无法评估", "en": "not evaluable"},
    "pii.mobile": {"zh": "手机号", "en": "mobile number"},
    "pii.landline": {"zh": "座机号", "en": "landline number"},
    "pii.im_account": {"zh": "即时通讯账号", "en": "messaging account"},
    "pii.vehicle_plate": {"zh": "车牌号", "en": "licence plate"},
    "pii.address": {"zh": "住址", "en": "home address"},
    "pii.phone": {"zh": "电话号码", "en": "phone number"},
    "pii.passport": {"zh": "护照号", "en": "passport number"},
    "pii.resident_id": {"zh": "身份证号", "en": "resident ID"},
    "pii.bank_card": {"zh": "银行卡号", "en": "bank card"},
    "pii.email": {"zh": "邮箱", "en": "e-mail"},
    "pii.name": {"zh": "姓名", "en": "name"},
    "sep": {"zh": "；", "en": "; "},
}
