"""What the MCP shell itself says: refusals of a restricted server, prompt argument errors,
progress and log messages. One table, zh and en."""

from __future__ import annotations

from fupan_mcp.i18n import Table

SHELL_TEXT: Table = {
    "disabled.read_only": {
        "zh": "工具 {tool} 会写入数据，本服务器以只读模式运行（--read-only），不提供该工具。可用只读工具查询与分析。",
        "en": "{tool} writes data, and this server runs read-only (--read-only), so it is not offered. "
        "The read-only tools still query and analyse.",
    },
    "disabled.not_allowed": {
        "zh": "本服务器只开放部分工具（--tools），{tool} 不在其中。请用 tools/list 查看可用工具。",
        "en": "This server offers a chosen set of tools (--tools) and {tool} is not among them; see tools/list.",
    },
    "read_only_store": {
        "zh": "服务器为只读模式，未写入任何数据",
        "en": "the server is read-only: nothing was written",
    },
    "prompt.missing": {
        "zh": "提示词 {prompt} 缺少必填参数：{names}。例如 {example}。",
        "en": "The {prompt} prompt needs: {names}. For example {example}.",
    },
    "prompt.example": {
        "zh": 'project_info="ERP+WMS 上线：3 个仓库，目标库存准确率 ≥99%"',
        "en": 'project_info="ERP+WMS rollout: 3 warehouses, inventory accuracy target ≥99%"',
    },
    "prompt.language": {
        "zh": "language 应为 zh 或 en，收到 {value}。",
        "en": "language must be zh or en; got {value}.",
    },
    "progress.start": {"zh": "{tool}：开始处理", "en": "{tool}: started"},
    "progress.working": {"zh": "{tool}：处理中（已 {seconds} 秒）", "en": "{tool}: working ({seconds} s so far)"},
    "progress.done": {"zh": "{tool}：完成", "en": "{tool}: done"},
    "log.start": {"zh": "{tool} 开始：{detail}", "en": "{tool} started: {detail}"},
    "log.done": {"zh": "{tool} 完成，用时 {seconds} 秒", "en": "{tool} finished in {seconds} s"},
    "log.failed": {"zh": "{tool} 未完成：{reason}", "en": "{tool} did not finish: {reason}"},
}
