"""Ready driver-tree skeletons per project type, for `build_kpi_tree(template=...)`.

Each template is a tree of formulas without values: the caller fills in actuals and baselines by
id. Ids are stable ASCII so they can be typed in any language; names and units are bilingual.
Besides the tree under the root, a template may carry companion KPIs (their own small trees) that a
review of that project type usually reports alongside.
"""

from __future__ import annotations

from dataclasses import dataclass

from fupan_mcp.domain.common import Language
from fupan_mcp.domain.kpi import KpiNode, KpiTemplateInfo
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import localized

__all__ = ["TEMPLATE_KEYS", "list_templates", "template_nodes", "template_root"]


@dataclass(frozen=True, slots=True)
class _Spec:
    id: str
    zh: str
    en: str
    formula: str | None = None
    unit_zh: str | None = None
    unit_en: str | None = None

    def node(self, language: Language) -> KpiNode:
        unit = localized({"zh": self.unit_zh or "", "en": self.unit_en or self.unit_zh or ""}, language) or None
        return KpiNode(
            id=self.id, name=localized({"zh": self.zh, "en": self.en}, language), formula=self.formula, unit=unit
        )


@dataclass(frozen=True, slots=True)
class _Template:
    key: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    root: str
    specs: tuple[_Spec, ...]


_YUAN = {"unit_zh": "元", "unit_en": "CNY"}
_PCT = {"unit_zh": "%"}

_ECOMMERCE = _Template(
    key="ecommerce_gmv",
    name_zh="电商 GMV 驱动树",
    name_en="E-commerce GMV driver tree",
    description_zh="GMV = 流量 × 转化率 × 客单价；流量按渠道拆分；ROI = GMV / 投放花费。",
    description_en=("GMV = traffic × conversion rate × average order value; traffic by channel; ROI = GMV / spend."),
    root="gmv",
    specs=(
        _Spec("gmv", "GMV（成交总额）", "GMV", "traffic * cvr * aov", **_YUAN),
        _Spec("traffic", "访客数（UV）", "Visitors (UV)", "paid_traffic + creator_traffic + private_traffic"),
        _Spec("paid_traffic", "付费投放流量", "Paid traffic"),
        _Spec("creator_traffic", "达人/直播流量", "Creator and live-stream traffic"),
        _Spec("private_traffic", "私域流量", "Private-domain traffic"),
        _Spec("cvr", "转化率", "Conversion rate", **_PCT),
        _Spec("aov", "客单价", "Average order value", **_YUAN),
        _Spec("roi", "投放 ROI", "Marketing ROI", "gmv / ad_spend"),
        _Spec("ad_spend", "投放花费", "Marketing spend", **_YUAN),
    ),
)

_SAAS = _Template(
    key="saas_funnel",
    name_zh="SaaS 增长漏斗",
    name_en="SaaS growth funnel",
    description_zh=(
        "访问 → 注册 → 激活 → 留存（AARRR）：30 日留存用户 = 激活用户 × D30 留存率；"
        "另附活跃度（DAU = WAU × DAU/WAU）与 NPS。"
    ),
    description_en=(
        "Visit → sign-up → activation → retention (AARRR): day-30 retained users = activated users × "
        "D30 retention; with engagement (DAU = WAU × DAU/WAU) and NPS alongside."
    ),
    root="retained_users",
    specs=(
        _Spec("retained_users", "30 日留存用户", "Day-30 retained users", "activated_users * d30_retention"),
        _Spec("activated_users", "激活用户数", "Activated users", "signups * activation_rate"),
        _Spec("signups", "注册数", "Sign-ups", "visitors * signup_rate"),
        _Spec("visitors", "访客数", "Visitors"),
        _Spec("signup_rate", "访问→注册转化率", "Visit-to-sign-up rate", **_PCT),
        _Spec("activation_rate", "激活率", "Activation rate", **_PCT),
        _Spec("d30_retention", "D30 留存率", "D30 retention", "d7_retention * d7_to_d30", **_PCT),
        _Spec("d7_retention", "D7 留存率", "D7 retention", **_PCT),
        _Spec("d7_to_d30", "D7→D30 留存保持率", "D7-to-D30 survival", **_PCT),
        _Spec("dau", "日活跃用户（DAU）", "Daily active users", "wau * stickiness"),
        _Spec("wau", "周活跃用户（WAU）", "Weekly active users"),
        _Spec("stickiness", "粘性（DAU/WAU）", "Stickiness (DAU/WAU)", **_PCT),
        _Spec("nps", "NPS", "NPS", "(promoters - detractors) * 100", "分", "points"),
        _Spec("promoters", "推荐者占比", "Promoters", **_PCT),
        _Spec("detractors", "贬损者占比", "Detractors", **_PCT),
    ),
)

_IT_DELIVERY = _Template(
    key="it_delivery",
    name_zh="IT 交付与运维",
    name_en="IT delivery and operations",
    description_zh=(
        "可用性 = 1 − 停机时长 / 统计时长；停机 = 故障次数 × 平均恢复时长；故障含变更失败"
        "（部署次数 × 变更失败率）。另附交付前置时间（各环节相加）与接口成功率。"
    ),
    description_en=(
        "Availability = 1 − downtime / period; downtime = incidents × mean time to restore; "
        "incidents include failed changes (deployments × change failure rate). "
        "With lead time (sum of stages) and API success rate."
    ),
    root="availability",
    specs=(
        _Spec("availability", "可用性", "Availability", "1 - downtime_minutes / period_minutes", **_PCT),
        _Spec("downtime_minutes", "停机时长", "Downtime", "incidents * mttr_minutes", "分钟", "min"),
        _Spec("period_minutes", "统计时长", "Period length", None, "分钟", "min"),
        _Spec("incidents", "故障次数", "Incidents", "failed_changes + other_incidents", "次", "count"),
        _Spec(
            "failed_changes",
            "变更失败次数",
            "Failed changes",
            "deployments * change_failure_rate",
            "次",
            "count",
        ),
        _Spec("other_incidents", "其他故障次数", "Other incidents", None, "次", "count"),
        _Spec("deployments", "部署次数", "Deployments", "deploys_per_week * weeks", "次", "count"),
        _Spec("deploys_per_week", "部署频率（每周）", "Deployment frequency (per week)"),
        _Spec("weeks", "统计周数", "Weeks in period", None, "周", "week"),
        _Spec("change_failure_rate", "变更失败率", "Change failure rate", **_PCT),
        _Spec("mttr_minutes", "平均恢复时长（MTTR）", "Mean time to restore", None, "分钟", "min"),
        _Spec(
            "lead_time_hours",
            "变更前置时间",
            "Lead time for changes",
            "coding_hours + review_hours + test_hours + release_hours",
            "小时",
            "h",
        ),
        _Spec("coding_hours", "开发时长", "Coding time", None, "小时", "h"),
        _Spec("review_hours", "评审等待时长", "Review time", None, "小时", "h"),
        _Spec("test_hours", "测试时长", "Test time", None, "小时", "h"),
        _Spec("release_hours", "发布时长", "Release time", None, "小时", "h"),
        _Spec("api_success_rate", "接口成功率", "API success rate", "successful_calls / total_calls", **_PCT),
        _Spec("successful_calls", "成功调用数", "Successful calls", None, "次", "calls"),
        _Spec("total_calls", "调用总数", "Total calls", None, "次", "calls"),
    ),
)

_MARKETING = _Template(
    key="marketing_campaign",
    name_zh="营销活动 ROI",
    name_en="Marketing campaign ROI",
    description_zh=("ROI = 收入 / 花费；收入 = 曝光 × 点击率 × 转化率 × 客单价；花费按类目相加；另附获客成本 CAC。"),
    description_en=(
        "ROI = revenue / spend; revenue = impressions × CTR × conversion rate × order value; "
        "spend by category; with customer acquisition cost (CAC)."
    ),
    root="roi",
    specs=(
        _Spec("roi", "活动 ROI", "Campaign ROI", "revenue / spend"),
        _Spec("revenue", "活动收入", "Campaign revenue", "customers * aov", **_YUAN),
        _Spec("customers", "成交客户数", "Customers", "clicks * cvr"),
        _Spec("clicks", "点击数", "Clicks", "impressions * ctr"),
        _Spec("impressions", "曝光数", "Impressions"),
        _Spec("ctr", "点击率", "Click-through rate", **_PCT),
        _Spec("cvr", "转化率", "Conversion rate", **_PCT),
        _Spec("aov", "客单价", "Average order value", **_YUAN),
        _Spec("spend", "活动花费", "Campaign spend", "media_spend + creative_spend + other_spend", **_YUAN),
        _Spec("media_spend", "媒介投放花费", "Media spend", **_YUAN),
        _Spec("creative_spend", "创意制作花费", "Creative spend", **_YUAN),
        _Spec("other_spend", "其他花费", "Other spend", **_YUAN),
        _Spec("cac", "获客成本（CAC）", "Customer acquisition cost", "spend / customers", **_YUAN),
    ),
)

_SLO = _Template(
    key="slo_availability",
    name_zh="SLO 可用性与错误预算",
    name_en="SLO availability and error budget",
    description_zh=(
        "请求可用性 = 成功请求 / 有效请求；失败请求 = 有效请求 − 成功请求；错误预算消耗 = 失败请求 / "
        "(有效请求 × (1 − SLO 目标))；另附按时间计的可用性(1 − 不可用分钟 / 窗口分钟)与错误预算分钟数。"
    ),
    description_en=(
        "Request availability = good requests / valid requests; failed requests = valid − good; error budget "
        "consumed = failed requests / (valid requests × (1 − SLO target)); with time-based availability "
        "(1 − bad minutes / window minutes) and the budget in minutes."
    ),
    root="availability",
    specs=(
        _Spec(
            "availability", "请求可用性(SLI)", "Request availability (SLI)", "good_requests / valid_requests", **_PCT
        ),
        _Spec("good_requests", "成功请求数", "Good requests", None, "次", "requests"),
        _Spec("valid_requests", "有效请求数", "Valid requests", None, "次", "requests"),
        _Spec("failed_requests", "失败请求数", "Failed requests", "valid_requests - good_requests", "次", "requests"),
        _Spec(
            "budget_consumed",
            "错误预算消耗(倍)",
            "Error budget consumed (×)",
            "failed_requests / (valid_requests * (1 - slo_target))",
        ),
        _Spec("slo_target", "SLO 目标", "SLO target", None, **_PCT),
        _Spec(
            "time_availability",
            "时间可用性",
            "Time-based availability",
            "1 - bad_minutes / window_minutes",
            **_PCT,
        ),
        _Spec("bad_minutes", "不可用分钟数", "Bad minutes", None, "分钟", "min"),
        _Spec("window_minutes", "SLO 窗口分钟数", "SLO window", None, "分钟", "min"),
        _Spec(
            "budget_minutes",
            "错误预算(分钟)",
            "Error budget (minutes)",
            "window_minutes * (1 - slo_target)",
            "分钟",
            "min",
        ),
    ),
)

_TEMPLATES: dict[str, _Template] = {t.key: t for t in (_ECOMMERCE, _SAAS, _IT_DELIVERY, _MARKETING, _SLO)}
TEMPLATE_KEYS: tuple[str, ...] = tuple(_TEMPLATES)


def _get(key: str) -> _Template:
    template = _TEMPLATES.get(key.strip().lower())
    if template is None:
        raise InputError("template", f"unknown template {key!r}; choose one of {', '.join(TEMPLATE_KEYS)}")
    return template


def template_nodes(key: str, language: Language = "zh") -> list[KpiNode]:
    """The skeleton of template ``key``: nodes with names, formulas and units, no values."""
    return [spec.node(language) for spec in _get(key).specs]


def template_root(key: str) -> str:
    return _get(key).root


def list_templates(language: Language = "zh") -> list[KpiTemplateInfo]:
    """The available templates (for the prompt's argument completion and for clients)."""
    return [
        KpiTemplateInfo(
            key=t.key,
            name=localized({"zh": t.name_zh, "en": t.name_en}, language),
            description=localized({"zh": t.description_zh, "en": t.description_en}, language),
            root=t.root,
            node_count=len(t.specs),
        )
        for t in _TEMPLATES.values()
    ]
