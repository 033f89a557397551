"""Rendering of a whole review: markdown or a self-contained HTML page (Jinja2, imported lazily).

Import `fupan_mcp.report.render` for `render_report`; this package stays light so that importing
`report.strings` (the knowledge resources do) does not pull the renderer in.
"""
