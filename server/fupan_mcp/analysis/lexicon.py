"""Word lists shared by the checks: blame and loaded language, vague verbs.

One place so that five_whys, action items and the tone check agree on what counts.
Each blame entry carries a neutral rewrite hint (methods.md §8).
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Term(NamedTuple):
    pattern: str  # a regular expression, matched case-insensitively
    hint_zh: str
    hint_en: str


_CHECK = ("描述哪个检查或防错环节缺失", "name the missing check or safeguard")
_ROLE = ("描述职责或交接在流程中哪里不清", "describe where the role or hand-off was unclear")
_HANDOFF = ("描述信息在哪个环节没有传递", "describe where information was not passed on")
_PROCESS = ("聚焦要改的流程,而不是要罚的人", "focus on the process to change, not the person to punish")
_WHY_AGAIN = ("继续追问:是什么让这个失误可能发生", "ask why again: what made the slip possible")
_CONTEXT = ("描述当时的信息、压力或激励", "describe the information, pressure or incentives at the time")
_OWNERSHIP = ("描述职责如何划分、是否有人明确负责", "describe how ownership was assigned")
_SUPPORT = ("描述缺少的培训、工具或支持", "describe the missing training, tooling or support")
_WORKLOAD = ("描述工作量与优先级是如何安排的", "describe how workload and priorities were set")
_SYSTEM = ("改写为流程或系统的缺口", "rewrite as a gap in the process or system")
_HINDSIGHT = ("描述当时掌握的信息,而不是事后的判断", "describe what was known at the time, not hindsight")
_STEP = ("描述流程为何没有让这一步发生", "describe why the process did not make this step happen")

BLAME_TERMS: tuple[Term, ...] = tuple(
    Term(pattern, *hint)
    for pattern, hint in (
        ("粗心(大意)?|马虎|疏忽", _CHECK),
        ("失职|渎职", _ROLE),
        ("甩锅|背锅|推卸责任", _HANDOFF),
        ("追责|问责|批斗", _PROCESS),
        ("人为失误|人为错误|人为原因", _WHY_AGAIN),
        ("态度(不端正|问题)", _CONTEXT),
        ("不负责任?", _OWNERSHIP),
        # a person's lack of ability, not a product's ("跨项目能力不足" describes a feature gap)
        ("(?<![项目品统台能])(能力差|水平不够|能力不足)", _SUPPORT),
        ("偷懒|懒惰", _WORKLOAD),
        ("(?<!防)(操作失误|误操作|操作不当)|手滑|低级错误", _WHY_AGAIN),
        # a person forgetting; never a product's 忘记密码 or a user's
        ("(?<![用客]户)忘(记|了)(?!密码)", _STEP),
        ("责任心(不强|不够|差|缺失)|不认真|不细心|不仔细", _CHECK),
        ("(未|没有?)按(照)?(流程|规范|要求|规定|SOP)|违规操作|违反(操作)?(流程|规范)", _STEP),
        ("拍脑袋", _CONTEXT),
        ("(某某|[\u4e00-\u9fff]{1,3})的(责任|锅|错)", _SYSTEM),
        (r"\bcareless(ly|ness)?\b|\bsloppy\b|\bsloppily\b|\bnegligen(t|tly|ce)\b|\breckless(ly)?\b", _CHECK),
        (r"\b(human|operator|pilot) error\b|\bmade (a|an|the) mistake\b|\b\w+'s mistake\b", _WHY_AGAIN),
        (r"\bdid(n'?t| not) follow\b", _STEP),
        (r"\blazy\b|\blaziness\b", _WORKLOAD),
        (r"\bincompeten(t|ce)\b", _SUPPORT),
        (r"\bshould have\b", _HINDSIGHT),
        (r"\bfailed to\b|\bforgot\b|\bforgot to\b|\bneglected to\b|\bdidn'?t bother\b", _STEP),
        (r"\b(his|her|their) fault\b", _SYSTEM),
        (r"\bto blame\b|\bblame[sd]?\b", _PROCESS),
        (r"\bdropped the ball\b", _HANDOFF),
    )
)

VAGUE_VERBS: tuple[str, ...] = (
    "加强",
    "注意",
    "重视",
    "提高意识",
    "强化意识",
    "确保",
    "尽量",
    "争取",
    "努力",
    "进一步",
    "improve",
    "ensure",
    "make sure",
    "be more careful",
    "pay attention",
    "try to",
    "strengthen",
    "enhance",
    "better",
)

_BLAME_RE = [(re.compile(t.pattern, re.IGNORECASE), t) for t in BLAME_TERMS]
_VAGUE_RE = re.compile(
    "|".join(
        (rf"\b{re.escape(v)}\b" if v.isascii() else re.escape(v)) for v in sorted(VAGUE_VERBS, key=len, reverse=True)
    ),
    re.IGNORECASE,
)


class Hit(NamedTuple):
    start: int
    end: int
    text: str
    term: Term


def blame_hits(text: str) -> list[Hit]:
    """Every blaming or loaded phrase in ``text``, left to right, without overlaps."""
    hits: list[Hit] = []
    for regex, term in _BLAME_RE:
        hits.extend(Hit(m.start(), m.end(), m.group(), term) for m in regex.finditer(text))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def vague_verbs(text: str) -> list[str]:
    """Vague verbs found in ``text`` (an action built on one is not checkable)."""
    return [m.group() for m in _VAGUE_RE.finditer(text)]


# --- which way is better, by the words of a metric's name or of the label before its figure --------------

LOWER_IS_BETTER = re.compile(  # what a metric can have too much of
    r"延迟|时延|响应(?!率)|耗时|用时|处理时长|等待|恢复(?!率)|停机|宕机|中断|周期|加载|成本|费用|支出|开销|花费|"
    r"(?<![客件笔])单价|错误|故障|缺陷|漏洞|投诉|流失|跳出|退款|退货|差评|事故|告警|超时|积压|不良|次品|不合格|返工|"
    r"返修|报废|损耗|逾期|坏账|违约|差错|失败|丢包|掉线|崩溃|卡顿|闪退|延期|超期|离职|缺勤|工伤|能耗|排放|"
    r"资损|损失|罚款|罚金|赔付|赔偿|扣款|欠款|呆滞|误报|漏报|误判|误差|偏差|抖动|占用|包体积|包大小|首屏|冷启动|"
    r"启动时间|耗电|重复率|死链|回滚|驳回|打回|重开|复发|拒付|欺诈|盗刷|弃购|退订|周转天数|账期|交期|工期|逃逸|"
    r"遗留|阻塞|熔断|客诉|加班|缺货|断货|延误|排队|退单|取消率|报错|审批时长|配送时长|妥投时长|"
    r"latency|response(?! rate)|\bmtt[rdaf]\b|\brto\b|recovery(?! rate)|downtime|outage|lead time|cycle time|"
    r"load time|turnaround|wait|cost|spend|\bcac\b|\bcpa\b|\bcpc\b|\bcpm\b|error|incident|defect|bug|churn|bounce|"
    r"refund|complaint|backlog|timeout|failure|crash|scrap|rework|attrition|overdue|delinquen|non-performing|"
    r"\bnpl\b|default rate|packet loss|emission|waste|loss(?:es)?\b|fraud|chargeback|abandon|unsubscribe|"
    r"false (?:positive|negative|alarm)|jitter|vulnerab|\bcves?\b|escalation|reopen|rollback|toil|"
    r"\b(?:app|bundle|binary|package) size|cold start|startup time|\bttfb\b|\blcp\b|days sales outstanding|"
    r"\bdso\b|write-?offs?\b|penalt|dispute|drop(?:-off| rate|ped)|overrun|tech(?:nical)? debt|\blag\b|delay|"
    r"\btime to [a-z]|\bt?p(?:50|75|90|95|99|99\.9|999)\b|\bpercentile\b|"
    r"\b(?:restore|restoration|resolution|onboarding|build|deploy(?:ment)?|review|"
    r"queue|processing|handling|setup|boot|startup|page|render|ramp-up|approval|merge) time\b|"
    r"on-?call pages|\bpag(?:ing|er)\b|\b5xx\b|\banr\b|\bcls\b|\binp\b|\bflak(?:y|iness)\b|\baht\b|handle time|"
    r"queue length|energy consumption|\bpue\b|\bcogs\b|stock-?outs?\b|out of stock|burn rate|\bwip\b|"
    r"cancell?ation|\bcpl\b|cost per\b|overtime|\bdelayed\b"
)
HIGHER_IS_BETTER = re.compile(  # the words above that name something good (在线时长, uptime)
    r"在线|观看|使用|学习|培训|停留|阅读|播放|陪伴|可用|正常运行|客单价|客单|笔单价|人效|坪效|节约|节省|降本|"
    r"session|watch|dwell|engagement|uptime|availability|time spent|time on|\barpu|\baov\b|order value|"
    r"basket size|saved|savings|"
    # a bad thing dealt with is a good count: 缺陷修复率, bugs fixed, 欺诈拦截率, incidents prevented
    r"修复率|修复数|修复量|解决率|关闭率|拦截|召回|覆盖|\bfixed\b|\bresolved\b|\bclosed\b|prevented|\bcaught\b|"
    r"coverage|recall"
)


GOOD_OUTCOME = re.compile(
    r"(?<=[a-z])[\s-]free\b|\bfree of\b|\bwithout\b|\b(?:resolved|fixed|closed|triaged|handled|remediated|mitigated|"
    r"addressed|caught|detected|prevented|avoided|eliminated|removed|removal|burn-?down|burned down|won back|"
    r"recovered|reduced|reduction|met|answered|within)\b"
    r"|\b(?:response|recovery|resolution|fix|closure|detection|removal|reduction) (?:rate|ratio|percentage|share)\b"
    r"|\bbudget (?:remaining|left)\b|\bremaining (?:error )?budget\b"
    r"|\bltv\s?(?:[:/]|to)\s?cac\b"
)
"""A name that counts a bad thing made good is better higher: 'incidents resolved', 'bugs fixed', 'crash-free
users', 'survey response rate', 'error budget remaining', 'LTV:CAC' (value per cost: 'incident', 'bug', 'crash',
'response', 'error', 'cac' alone made their bare targets ceilings: 230 incidents resolved against 200 was 'not
achieved', LTV:CAC 3.4:1 against 3:1 too)."""
BUDGET_NAME = re.compile(r"(?:^|\s)budget(?:\s(?:spent|used|spend))?$|预算(?:支出|花费|使用额|消耗)?$")
"""A metric called '… budget' / '…预算' (its actual is the spend): a bare target is a ceiling, not a floor met by
overspending ('营销预算 500万' against 520万 and 'Cloud budget $300k' against $320k were 'achieved')."""
REVENUE_PLAN = re.compile(r"收入|营收|销售|回款|利润|毛利|营业额|gmv|revenue|sales|income|profit|bookings")
"""A budget of income is a plan to reach (收入预算, sales budget): not a ceiling."""


def side_of_words(words: str) -> bool | None:
    """True when ``words`` (already normalized: lower case, half width) name something lower is better for
    (cost, latency, 故障), False when they name something higher is better for, None when they tell neither."""
    budget = BUDGET_NAME.search(words) is not None and REVENUE_PLAN.search(words) is None
    lower, higher = LOWER_IS_BETTER.search(words) or budget, HIGHER_IS_BETTER.search(words)
    if lower and GOOD_OUTCOME.search(words):
        return False  # 'incidents resolved', 'crash-free users', 'survey response rate': better higher
    if lower and not higher:
        return True
    if higher and not lower:
        return False
    return None


# --- ratios written with a colon (1:20, 3:1) ----------------------------------------------------------------

RATIO_NAME = re.compile(
    r"ratio|\broi\b|\broas\b|(?<![占同环百对])比(?![例重较对])|配比|"
    r"\b[a-z][a-z ]{0,20}?\s?[:/]\s?[a-z]|\b[a-z]+-to-[a-z]+\b"
)
"""A name that makes '1:20' a ratio rather than a time of day or a clock span: 'staffing ratio', 'LTV:CAC',
'signal:noise', 'nurse-to-patient', '投入产出比', '师生比' (not 占比 / 同比 / 比例: shares and comparisons)."""
_RETURN_RATIO = re.compile(r"\broi\b|\broas\b|投产比|投入产出比|产出投入比|回报比|return on|\breturn\b")
"""Ratios whose figure other than 1 is always the return ('ROI 1:3', 'ROI 3:1', '投入产出比1:4'): better higher."""
_RATIO_GOOD = re.compile(
    r"\bltv\b|lifetime value|signal|revenue|output|profit|margin|\b(?:nurse|teacher|staff|doctor|caregiver|"
    r"carer|educator|instructor|coach)s?\b|护士|护理|教师|老师|医生|医护|产出|收益|收入|信号"
)
"""The good side of a ratio: what the numerator is better having more of ('nurse' in 'nurse-to-patient')."""
_RATIO_LOAD = re.compile(
    r"\bcac\b|noise|\bcost|spend|input|\b(?:patient|student|pupil|child|resident|learner|bed)s?\b|"
    r"患者|病人|学生|幼儿|床|投入|成本|噪"
)
"""The load side of a ratio: what there is better less of for each of the other ('patient', 'noise', 'CAC')."""
_CN_RATIOS = {"师生比": "教师:学生", "生师比": "学生:教师", "护患比": "护士:患者", "医患比": "医生:患者",
              "信噪比": "信号:噪声", "床护比": "床:护士"}  # fmt: skip
_RATIO_SIDES = re.compile(r"^(?P<a>.+?)\s?(?:[:/]|-to-|\sto\s|与|对)\s?(?P<b>.+?)(?:\s?(?:ratio|比|之比|比例))?$")


def ratio_figure_side(name: str, *, one_first: bool) -> bool | None:
    """True when the figure of a colon ratio (20 of '1:20' when ``one_first``, 3 of '3:1' otherwise) is
    better lower, False when better higher, None when the name does not tell. ``name`` is normalized.

    The ratio a:b is better higher when its first side is a good one (nurses, LTV, signal) or its second a
    load (patients, CAC, noise); the figure of '1:N' is b/a, so it is then better lower ('nurse-to-patient
    1:4': at most 4 patients a nurse), the figure of 'N:1' is a/b, better higher ('LTV:CAC 3:1'). A return
    ratio (ROI, 投入产出比) is better higher written either way."""
    if _RETURN_RATIO.search(name):
        return False
    for word, written in _CN_RATIOS.items():
        name = name.replace(word, written)
    sides = _RATIO_SIDES.match(name.strip())
    if sides is None:
        return None
    first, second = sides["a"], sides["b"]
    good_first = bool(_RATIO_GOOD.search(first)) or bool(_RATIO_LOAD.search(second))
    load_first = bool(_RATIO_LOAD.search(first)) or bool(_RATIO_GOOD.search(second))
    if good_first == load_first:
        return None  # neither side told, or both ways
    return good_first if one_first else not good_first


# --- the words two issues are compared by (analysis.insights.text_grams) ---------------------------------

ISSUE_SYNONYMS_ZH: dict[str, str] = {
    "压力测试": "压测",
    "性能压测": "压测",
    "上线": "发布",
    "发版": "发布",
    "没有": "无",
    "缺少": "无",
    "缺乏": "无",
    "缺失": "无",
    "未能": "无",
    "未": "无",
    "设置": "配置",
    "不合理": "不当",
    "不正确": "不当",
    "不恰当": "不当",
    "不够": "不足",
    "不充分": "不足",
    "报警": "告警",
    "预警": "告警",
    "回退": "回滚",
    "覆盖率": "覆盖",
}
"""Words a 复盘 writes one thing with, in one form: '发布前没有做压测' and '上线前未进行压力测试' are one
root cause (their bigrams shared nothing, so the same problem in two reviews never recurred)."""
ISSUE_FILLERS_ZH: tuple[str, ...] = (
    "导致",
    "造成",
    "引起",
    "引发",
    "因为",
    "由于",
    "所以",
    "因此",
    "以及",
    "并且",
    "而且",
    "进行",
    "出现",
    "发生",
    "存在",
    "一些",
    "一个",
    "这个",
    "那个",
    "相关",
    "问题",
    "情况",
    "方面",
    "时候",
    "期间",
    "过程中",
    "当天",
    "再次",
    "又一次",
    "多次",
    "的",
    "了",
    "被",
    "把",
    "呢",
    "吗",
    "啊",
    "吧",
    "做",
)
"""Words that carry no issue of their own ('连接池被耗尽导致数据库超时' is 连接池耗尽 and 数据库超时): taken
out before the bigrams, so the words either side of them meet as they do in '数据库连接池耗尽'."""
ISSUE_STOP_EN = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "on",
        "in",
        "for",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "being",
        "with",
        "by",
        "at",
        "and",
        "or",
        "that",
        "this",
        "it",
        "its",
        "from",
        "as",
        "into",
        "than",
        "then",
        "there",
        "their",
        "our",
        "we",
        "they",
        "again",
        "during",
        "while",
        "also",
        "still",
        "once",
    ]
)
"""English words that carry no issue of their own ('exhaustion on the primary database')."""
ISSUE_NEGATIONS_EN = frozenset(("no", "not", "without", "missing", "lack", "lacked", "lacking", "absent", "none"))
"""Ways to say something was not there, read as one word ('No runbook', 'Missing runbook')."""
ISSUE_SYNONYMS_EN: dict[str, str] = {"rollout": "deploy", "releas": "deploy", "ship": "deploy"}
"""Stems of one thing ('rollout', 'release', 'deploy'), by their Snowball stem."""
