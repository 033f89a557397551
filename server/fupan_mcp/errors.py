"""The one exception the pure core raises for input a caller can fix.

`app.py` turns it into an MCP `ToolError`; the CLI prints it. It always names the field
(a dotted path such as ``metrics[3].target``) and the reason, so a model can retry.
"""

from __future__ import annotations


class InputError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
