"""Size limits, documented in the README and enforced by the input models.

They bound the work one call can demand; each is far above what a real review needs.
"""

MAX_METRICS = 10_000
MAX_KPI_NODES = 20_000
MAX_FORMULA_CHARS = 2_000
MAX_WHYS = 200
MAX_SWOT_ITEMS = 200
MAX_ACTIONS = 5_000
MAX_TEXT_CHARS = 20_000
MAX_NAME_CHARS = 500

MAX_RESULT_BYTES = 16 * 1024 * 1024
"""Largest answer one tool call or resource read may return (JSON); larger is refused with a note."""
MAX_LISTED_FINDINGS = 1_000
"""Findings listed one by one per kind in a result; the counts still cover every finding."""
MAX_MESSAGE_CHARS = 1_000
"""Longest error message passed to a client; longer ones keep their head and tail."""
