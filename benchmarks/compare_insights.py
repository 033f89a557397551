"""Compare `compute_insights` of an older analysis/insights.py with the current one on the bench store.

Usage: git show <rev>:server/fupan_mcp/analysis/insights.py > /tmp/old_insights.py, then
PYTHONPATH=server python benchmarks/compare_insights.py [reviews] [old module path]. Structured content
(JSON) and the zh and en text must be equal over 18 filter combinations.
"""

import importlib.util
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_insights
from fupan_mcp.analysis import insights as new
from fupan_mcp.report.tool_text import insights_text
from fupan_mcp.store import SQLiteStore

spec = importlib.util.spec_from_file_location(
    "old_insights", sys.argv[2] if len(sys.argv) > 2 else "/tmp/old_insights.py"
)
assert spec is not None and spec.loader is not None
old = importlib.util.module_from_spec(spec)
spec.loader.exec_module(old)
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
path = Path(tempfile.mkdtemp()) / "b.sqlite"
bench_insights.build(path, n)
with SQLiteStore(path) as store:
    rows = store.insight_rows()
    r0 = rows.reviews[0]
    owner = next(t.key for t in rows.owner_tallies if t.key)
    days = sorted(r.review_date for r in rows.reviews)
    d1, d2 = days[len(days) // 4], days[3 * len(days) // 4]
    combos = [
        dict(project=p, review_type=t, owner=None, date_from=a, date_to=b)
        for p in (None, r0.project)
        for t in (None, r0.review_type)
        for a, b in ((None, None), (d1, None), (d1, d2))
    ]
    combos += [
        dict(project=p, review_type=None, owner=owner, date_from=a, date_to=b)
        for p in (None, r0.project)
        for a, b in ((None, None), (None, d2), (d1, d2))
    ]
    bad = 0
    for f in combos:
        rows = store.insight_rows(**f)
        as_of = new.default_as_of(rows, f["date_to"])
        a, b = old.compute_insights(rows, as_of), new.compute_insights(rows, as_of)
        ja, jb = a.model_dump(mode="json"), b.model_dump(mode="json")
        same = (
            ja == jb
            and json.dumps(ja) == json.dumps(jb)
            and all(insights_text(a, lang) == insights_text(b, lang) for lang in ("zh", "en"))
        )
        type(b).model_validate(jb)
        bad += not same
        print("same" if same else "DIFF", f, ja["reviews"], ja["recurring_count"], ja["trend_count"])
    print(len(combos), "combinations,", bad, "different")
