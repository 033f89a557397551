"""`domain.common.built`: a result model made without validation is the model validation makes."""

from __future__ import annotations

from fupan_mcp.domain.common import DataGap, built
from fupan_mcp.domain.kpi import KpiNodeEvaluation, PeriodValue


def test_built_equals_the_validated_model() -> None:
    period = {"reported": 1.5, "computed": 1.5, "used": 1.5, "deviation": 0.0, "consistent": True}
    values = {
        "id": "gmv",
        "name": "GMV",
        "unit": "元",
        "formula": "traffic * cvr",
        "kind": "multiplicative",
        "inputs": ["traffic", "cvr"],
        "in_root_tree": True,
        "actual": built(PeriodValue, **period),
        "baseline": PeriodValue(**period),
        "target": PeriodValue(),
        "change_abs": 0.0,
        "change_rel": 0.0,
        "contribution": None,
        "share": None,
        "elasticity": 1.0,
        "decomposition_method": "lmdi",
        "flags": [],
        "path": "nodes[0]",
    }
    fast, checked = built(KpiNodeEvaluation, **values), KpiNodeEvaluation(**values)
    assert fast == checked
    assert fast.model_dump(mode="json") == checked.model_dump(mode="json")
    assert fast.model_fields_set == checked.model_fields_set
    assert KpiNodeEvaluation.model_validate(fast.model_dump()) == checked


def test_built_with_a_field_missing_fills_defaults_as_model_construct() -> None:
    gap = built(DataGap, subject="GMV", field="actual", message="missing")
    assert gap.path is None
    assert gap == DataGap(subject="GMV", field="actual", message="missing")
    assert gap.model_fields_set == {"subject", "field", "message"}
