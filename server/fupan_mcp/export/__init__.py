"""Report exports beyond the markdown and HTML of `report.render`: Word (.docx).

The printable HTML export is the HTML report itself (self-contained, CJK font stack, ``@media
print`` rules, inline SVG charts): print it or save it as PDF from a browser. A PDF export is not
offered: the PyPI renderers that follow CSS well (WeasyPrint) need Pango and cairo from the system,
and the pure-Python ones (xhtml2pdf, ReportLab, fpdf2) need a CJK font file of their own and drop the
layout and the SVG charts.

The optional dependencies (python-docx, matplotlib) come with ``pip install 'fupan-mcp[export]'``;
nothing of them is imported until an export runs.
"""

from __future__ import annotations

import importlib.util

__all__ = ["INSTALL_HINT", "MissingExtra", "require"]

INSTALL_HINT = "pip install 'fupan-mcp[export]'"


class MissingExtra(RuntimeError):
    """An optional dependency is not installed; the message names it and the install command."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is not installed: {INSTALL_HINT}")


def require(module: str, what: str) -> None:
    """Raise `MissingExtra` unless ``module`` can be imported (checked without importing it)."""
    if importlib.util.find_spec(module) is None:
        raise MissingExtra(what)
