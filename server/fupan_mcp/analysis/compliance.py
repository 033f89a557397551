"""Tone and privacy: find and mask personal data, flag blaming and loaded language (methods.md §8).

Personal data is found in ONE left-to-right pass of one combined pattern whose alternatives are, in
priority order (at one position the first that matches and passes its check wins), each bounded by
digit look-arounds so that a longer digit run never matches partially:

1. e-mail addresses, non-ASCII ones too (张三@例子.公司, jürgen@münchen.de), first so that a phone number
   used as a mailbox name stays one address; and those spelled to dodge harvesters (li[at]example[dot]com);
2. resident IDs (GB 11643: province code, real YYYYMMDD date, check digit), also written in groups
   with spaces or dashes, and legacy 15-digit IDs (real YYMMDD date in the 1900s);
3. bank cards: 13–19 digits, plain or in groups, passing Luhn;
4. mobile numbers with any one separator (space, dash, dot), optionally with +86 / 86- / 0086 / (+86);
5. landlines with their area code (010-12345678, 0755 8888 6666, (021)6234-5678, +86 10 6234 5678),
   with their extension (-8001, 转 8001, ext. 123);
6. other countries' numbers, kind ``phone``: +1 (415) 555-0132, +44 20 7946 0958, 0044 1707 774 707, and
   the North American form without its code ((415) 555-0132, 415-555-0132);
7. passports (E12345678), and any passport form right after the word 护照 / passport (G1234567) or the name
   of another travel document (港澳通行证 C12345678, 回乡证, 台胞证); a US Social Security number after its
   name (SSN 123-45-6789), kind ``resident_id``;
8. instant-messaging accounts right after their label (微信号：wang_lei88, QQ 2876543210, WeChat ID: zw-ops,
   钉钉号 / Telegram / Skype / LINE ID), kind ``im_account``: an account is as personal as a phone number, and
   only its label tells it from a word or a figure, so an account is never guessed without one;
9. licence plates (粤B12345, 京A·8M6A2, 粤BD12345), kind ``vehicle_plate``;
10. home addresses right after their label (住址：北京市朝阳区建国路88号, 收货地址, home address: ...), kind
   ``address``, masked after their district (北京市朝阳区****); never after a bare 地址 (a server's too);
11. names from the roster the caller gives, with their variants: 老张 / 小张 / 张总 / 张工 / 张经理 for 张伟
   (老欧阳 for 欧阳娜), the given name alone unless it is a word (小明 for 王小明, never 国庆 for 李国庆),
   spaces inside (张 伟), dots of a transliterated name written any way (马克•吐温), the other word order and
   the comma form of an English name (Wei Zhang, "Zhang, Wei" for Zhang Wei), initials (W. Zhang, John S.,
   jsmith), and one word of it alone when capitalized and no English word (John, Patel; never Will or Mark,
   nor either word of a pinyin name: Zhang or Wei alone is someone else as often).

A mask over a figure is a misread, so the numbers with weak checks (cards, phones, IDs) are not taken
where they are a figure or a code: glued to letters (SO13800138000, 0x…), part of a decimal, after a
currency sign or before a unit (13800138000 元, 4111… ms), right after the word for an order, a ticket
or a serial (订单号 4111…), a card without its network's prefix (a timestamp 20240310143000), a mobile
ending in six zeros (15000000000 is a budget).

A match that fails its check (an 18-digit run with a wrong check digit) is followed by the later
alternatives tried at the same place only, so the pass stays linear.

Full-width digits and letters are folded one-for-one before matching, so offsets stay valid.
Masks keep enough to recognise the kind: 110105********002X, 4111********1111, 138****8000,
a***@example.com, 010-****5678, E****5678, and the role (or 成员A / Member A) for a name.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

from fupan_mcp.analysis.lexicon import blame_hits
from fupan_mcp.analysis.text import letters
from fupan_mcp.domain.common import Finding, Language, Severity
from fupan_mcp.domain.compliance import (
    MAX_COMPLIANCE_FIELDS,
    MAX_COMPLIANCE_TEXT_CHARS,
    MAX_ROSTER,
    MIN_NAME_CHARS,
    ComplianceCounts,
    ComplianceResult,
    PiiHit,
    PiiKind,
    RosterEntry,
    ToneFinding,
)
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import localized, tr
from fupan_mcp.limits import MAX_LISTED_FINDINGS, MAX_NAME_CHARS, MAX_TEXT_CHARS

__all__ = [
    "Span",
    "apply_spans",
    "check_compliance",
    "find_pii",
    "luhn_valid",
    "mask_text",
    "resident_id_check_digit",
    "valid_resident_id",
]

_TEXT = {
    "error.text_or_fields": {
        "zh": "请只给 `text`（一段文字）或 `fields`（路径 -> 文字）之一，不能两者都给或都不给",
        "en": "give either `text` (one string) or `fields` (path -> string), not both or neither",
    },
    "error.text_too_long": {
        "zh": "超过 {limit} 个字符；请拆分到 `fields` 中",
        "en": "longer than {limit} characters; split it into `fields`",
    },
    "error.too_many_fields": {"zh": "字段超过 {limit} 个", "en": "more than {limit} fields"},
    "error.roster_name_too_short": {
        "zh": "名单里的“{name}”只有一个字，未用于遮盖（会遮住正文里所有这个字）；请写这个人的全名。",
        "en": "The roster spelling '{name}' is one character and was not used for masking (it would mask that "
        "character everywhere); give the full name.",
    },
    "error.field_not_text": {
        "zh": "这一项不是文字（收到 {value}），未检查，其余各项照常检查；请给出文字或删掉这一项。",
        "en": "This field holds no text (got {value}) and was not checked; the other fields were. "
        "Give text or remove it.",
    },
    "error.path_too_long": {"zh": "有路径超过 {limit} 个字符", "en": "a path is longer than {limit} characters"},
    "error.field_too_long": {"zh": "超过 {limit} 个字符", "en": "longer than {limit} characters"},
    "error.roster_too_long": {"zh": "名单超过 {limit} 人", "en": "more than {limit} people"},
    "member": {"zh": "成员{letter}", "en": "Member {letter}"},
    "role_letter": {"zh": "{role}{letter}", "en": "{role} {letter}"},
    "blame_language": {
        "zh": "“{excerpt}”带有指责意味。建议：{hint}。",
        "en": '"{excerpt}" assigns blame. Suggestion: {hint}.',
    },
    "blame_person": {
        "zh": "“{excerpt}”把问题归到具体的人身上。建议：{hint}。",
        "en": '"{excerpt}" pins the problem on a person. Suggestion: {hint}.',
    },
    "blame_person.hint": {
        "zh": "描述当时的流程、信息或条件，例如把“某人引入了缺陷”改写为“该变更在没有覆盖此路径的测试时被合入”",
        "en": 'describe the process, information or conditions instead, e.g. rewrite "Bob introduced a bug" '
        'as "the change merged without a test covering this path"',
    },
    "absolute_language": {
        "zh": "“{excerpt}”是绝对化的说法。建议：{hint}。",
        "en": '"{excerpt}" is an absolute or loaded word. Suggestion: {hint}.',
    },
    "absolute_language.hint": {
        "zh": "用具体的事实和数据代替，例如“最近三次发布中有两次……”",
        "en": 'state the facts and numbers instead, e.g. "in two of the last three releases…"',
    },
}

# ---------------------------------------------------------------------------------------------
# Validity of identifiers
# ---------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
# GB/T 2260 province-level codes, plus 83 (Taiwan residents' permits); 9x are foreigners' permanent
# residence IDs, which use the same layout and check digit.
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
_ID_MIN_YEAR = 1800
_ID_MAX_YEAR = 2099


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _region_ok(code: str) -> bool:
    return code[0] == "9" or int(code[:2]) in _PROVINCES


def resident_id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of an ID."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def valid_resident_id(value: str) -> bool:
    """True for an 18-digit ID with a real birth date and the right check digit, or a legacy
    15-digit ID (no check digit) with a real YYMMDD birth date in the 1900s."""
    value = value.strip().upper()
    if len(value) == 18:
        if not (value[:17].isascii() and value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")):
            return False
        year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
        return (
            _region_ok(value)
            and _ID_MIN_YEAR <= year <= _ID_MAX_YEAR
            and _real_date(year, month, day)
            and resident_id_check_digit(value[:17]) == value[17]
        )
    if len(value) == 15 and value.isascii() and value.isdigit():
        year, month, day = 1900 + int(value[6:8]), int(value[8:10]), int(value[10:12])
        return _region_ok(value) and _real_date(year, month, day)
    return False


def luhn_valid(value: str) -> bool:
    """The Luhn (mod 10) check over the digits of ``value``; spaces and dashes are ignored.

    Any length of two digits or more is checked (79927398713 passes); whether a number is long enough
    to be a card (13–19 digits) is decided by the detector, not here.
    """
    digits = value.replace(" ", "").replace("-", "")
    if len(digits) < 2 or not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


# ---------------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------------

# Full-width ASCII (digits, letters, + - . @ _) folded one character for one, so offsets hold.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _fold(text: str) -> str:
    """Full-width ASCII to ASCII, one character for one (a no-op on most text, so checked first)."""
    return text.translate(_FOLD) if _FULL_WIDTH.search(text) else text


# One combined pattern, its alternatives in priority order (at one position the first that matches and
# validates wins); each alternative also compiled alone, to try the later ones where an earlier one matched
# but failed its check (an 18-digit run that is no ID may still be a card). Group names carry the rule's tag.
# The mailbox name is in Latin, Greek or Cyrillic letters (with their accents: jürgen@…), or other non-ASCII
# letters and digits only (张三@例子.公司): never a mix of the two, so the Chinese word before an address
# ("邮件zhangwei@…") stays outside it.
_EMAIL_RX = (
    r"(?P<e_local>(?<![A-Za-z0-9._%+\u00c0-\u024f\u0370-\u04ff-])[A-Za-z0-9\u00c0-\u024f\u0370-\u04ff]"
    r"[A-Za-z0-9._%+\u00c0-\u024f\u0370-\u04ff-]*|(?<![\w.%+-])[^\W\x00-\x7f]+)@"
    r"(?P<e_domain>(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,})(?![\w-])"
)
# An address written to dodge harvesters: zhang.wei[at]example.com, li (at) example [dot] com; only with the
# brackets (a bare "at" is English: "look at index.html").
_AT = r"[ ]?[\[(]\s?(?:at|AT)\s?[\])][ ]?"
_DOT = r"(?:\.|[ ]?[\[(]\s?(?:dot|DOT)\s?[\])][ ]?)"
_EMAIL_AT_RX = (
    rf"(?P<x_local>(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*)(?P<x_at>{_AT})"
    rf"(?P<x_domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?{_DOT})+[A-Za-z]{{2,}})(?![A-Za-z0-9-])"
)
_ID18_RX = r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])"
_ID_GROUPED_RX = (
    r"(?<![0-9])[0-9]{6}(?P<i_sep>[ -])(?:[0-9]{8}|[0-9]{4}(?P=i_sep)[0-9]{4})(?P=i_sep)[0-9]{3}[0-9Xx]"
    r"(?![0-9A-Za-z])"
)
_ID15_RX = r"(?<![0-9])[0-9]{15}(?![0-9])"
# The numbers below have weak checks (a mobile none at all), so a run glued to letters (SO4111…, 0x138…),
# part of a decimal (0.13800138000, 13800138000.5), after a currency sign or before a unit or a counter
# word (13800138000元, ¥4111…, 13800138000 次), or the number of a ticket key (INC-13800138000, OPS-4111…)
# is a figure or a code, never a person's number.
_BEFORE = r"(?<![0-9A-Za-z_+*])(?<![0-9][.,:])(?<![¥$€£￥])(?<![¥$€£￥] )(?<![A-Z]-)"
_UNIT = (
    r"元|块|角|万|亿|千|百|个|位|人|次|美元|港元|欧元|日元|英镑|微秒|纳秒|μs|us\b|ns\b|笔|件|条|份|台|户|套|单|行|篇|页|字节|毫秒|秒|分钟|小时|天|年"
    r"|%|‰|[kKMGT]?[bB]\b|ms\b|qps\b|QPS\b|rmb\b|RMB\b|CNY\b|USD\b|yuan\b|bytes?\b|rows?\b|users?\b"
    r"|requests?\b|req\b|reqs\b|ops\b|times\b|pcs\b|records?\b"
)
_AFTER = rf"(?![0-9A-Za-z_]|[.,][0-9])(?![ \t]?(?:{_UNIT}))"
_CARD_PLAIN_RX = rf"(?=[0-9]){_BEFORE}[0-9]{{13,19}}{_AFTER}"
_CARD_FOURS_RX = (
    rf"(?=[0-9]){_BEFORE}[0-9]{{4}}(?P<c4_sep>[ -])[0-9]{{4}}(?:(?P=c4_sep)[0-9]{{4}}){{1,2}}"
    rf"(?:(?P=c4_sep)[0-9]{{1,3}})?(?![ -][0-9]){_AFTER}"
)
_CARD_AMEX_RX = rf"(?=[0-9]){_BEFORE}[0-9]{{4}}(?P<c6_sep>[ -])[0-9]{{6}}(?P=c6_sep)[0-9]{{4,5}}(?![ -][0-9]){_AFTER}"
# Mobiles: 1[3-9]x and eight digits, in 3-4-4 groups with one separator (space, dash or dot, a dash or dot
# with spaces around it: 138 - 0013 - 8000), the head in brackets too ((138) 0013 8000), with the country
# code in any of its written forms (+86, 86-, +86., 0086, (+86)).
_MOBILE_RX = (
    rf"(?=[0-9+(]){_BEFORE}(?P<m_prefix>(?:\+|00)?86[-. ]?|\(\+?86\)[ ]?)?(?P<m_head>1[3-9][0-9]|\(1[3-9][0-9]\)[ ]?)"
    rf"(?:(?P<m_sep>[ ]?[-.][ ]?|[-. ]?)[0-9]{{4}}(?P=m_sep)[0-9]{{4}}"
    rf"|[0-9](?P<m_sep4>[- ])[0-9]{{4}}(?P=m_sep4)[0-9]{{3}}){_AFTER}"
)
# Area codes: 010, 02x, then 0xxx (or, after +86 / 0086, the same without the 0); a local number of seven
# or eight digits never starts with 0; an extension (-8001, 转8001, ext. 8001, x8001) belongs to it.
_AREA = r"(?:010|02[0-9]|0[3-9][0-9]{2})"
_AREA_INTL = r"(?:(?:\+|00)86[ -]?|86-|\(\+?86\)[ ]?)(?:\(0\)[ ]?)?(?:10|2[0-9]|[3-9][0-9]{2})"
_LANDLINE_RX = (
    rf"(?=[0-9+(（]){_BEFORE}(?P<l_area>\({_AREA}\)[ -]?|（{_AREA}）[ ]?|{_AREA}[- ]?|{_AREA_INTL}[- ]?)"
    r"[1-9][0-9]{2,3}[- ]?(?P<l_tail>[0-9]{4})"
    r"(?P<l_ext>(?:-|[ ]?(?:转|分机|ext\.?|x|#)[ ]?)[0-9]{1,5})?"
    rf"(?![-.:][0-9]){_AFTER}"
)
# Other countries: +country code (or 00 and one, then a separator) and six to twelve more digits in
# groups; the North American form without it too: (415) 555-0132, 415-555-0132, 415.555.0132.
_INTL_RX = (
    r"(?=[+0])(?<![0-9A-Za-z_+*])(?P<x_cc>(?:\+|00)(?P<x_code>1|7|2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1249]|9[0-58]"
    r"|2[1-9][0-9]|3[578][0-9]|42[0-9]|50[0-9]|59[0-9]|67[0-9]|68[0-9]|85[0-9]|88[0-9]|96[0-9]|97[0-9]|99[0-9])"
    r"[ .-]?)(?:\(0\)[ ]?)?"
    r"\(?[0-9]{1,4}\)?(?:[ .-]?[0-9]{2,5}){1,4}(?:[ ]?(?:ext\.?|x|#)[ ]?[0-9]{1,5})?"
    rf"(?![-.:][0-9]){_AFTER}"
)
_NANP_RX = (
    r"(?=[(2-9])(?<![0-9A-Za-z_.+-])(?:\([2-9][0-9]{2}\)[ ]?|[2-9][0-9]{2}(?P<n_sep>[-.]))[2-9][0-9]{2}"
    rf"(?(n_sep)(?P=n_sep)|[-. ])[0-9]{{4}}(?![-.:][0-9]){_AFTER}"
)
# Chinese passports: E/G/D/S/P and eight digits, E, a letter and seven digits, or the old G and seven (a
# product code after its word, 型号 G1234567, is none); after the word
# 护照 / passport any passport form (G1234567, 123456789, K12345678), and after the name of another travel
# document the same forms (港澳通行证 C12345678, 回乡证 H1234567801, 台胞证 12345678): kind ``passport``.
_PASSPORT_RX = (
    r"(?<![A-Za-z0-9])(?P<p_value>[EGDSPegdsp][0-9]{8}|[Ee][A-HJ-NP-Za-hj-np-z][0-9]{7}|[Gg][0-9]{7})(?![A-Za-z0-9])"
)
_PASSPORT_WORD_RX = (
    r"(?:(?:护照|(?:往来)?(?:港澳|台湾)?通行证|回乡证|台胞证|旅行证)(?:号码|号|编号)?(?:为|是)?"
    r"|(?<![A-Za-z])[Pp]assport(?:[ ]?(?:[Nn]o\.?|[Nn]umber|#|ID))?(?: is)?)"
    r"[ ]?[:：#]?[ ]?"
    r"(?P<pw_value>[A-Za-z]{1,2}[0-9]{6,10}|[0-9]{8,10})(?![A-Za-z0-9])"
)
# An instant-messaging account after its label: a QQ number is five to twelve digits, the other services'
# accounts start with a letter (WeChat: 6 to 20 letters, digits, _ and -; wxid_…). Only the label tells an
# account from a word, so an English label needs its colon or its ID word ("WeChat users" is no account), and
# after a bare Chinese label (微信 wang_lei88) the account needs a digit, _ or -. A mobile after 微信 is left
# to the mobile rule; "QQ群" (a group) and a QQ figure with its unit (QQ 800000000 users) are no one's.
_IM_ID_WORD = r"[ ]?(?:号码|号|账号|ID|id|No\.?|account|handle)"
_IM_COLON = r"(?:[ ]?(?:是|为|is))?[ ]?[:：][ ]?"
_IM_NAMED = r"(?:微信|钉钉|飞书|(?<![A-Za-z])(?:WeChat|Wechat|wechat|WECHAT|Telegram|Skype|LINE|Line|Discord))"
_IM_ACCOUNT = r"@?[A-Za-z](?:[A-Za-z0-9_-]|\.(?=[A-Za-z0-9])){4,31}(?![A-Za-z0-9_-])"
_IM_RX = (
    rf"(?<![A-Za-z])QQ(?:{_IM_ID_WORD})?(?:{_IM_COLON}|(?:[ ]?(?:是|为|is))?[ ]?)(?P<im_qq>[1-9][0-9]{{4,11}}){_AFTER}"
    rf"|{_IM_NAMED}(?:{_IM_ID_WORD}(?:{_IM_COLON}|(?:[ ]?(?:是|为|is))?[ ]?)|{_IM_COLON})(?P<im_named>{_IM_ACCOUNT})"
    rf"|(?:微信|钉钉|飞书)[ ]?(?P<im_bare>(?=[A-Za-z0-9_-]*[0-9_-])[A-Za-z][A-Za-z0-9_-]{{4,31}}(?![A-Za-z0-9_-]))"
)
# Licence plates of mainland China: the province's character, the city's letter (no I or O), then five
# letters and digits with two digits at least (粤B12345, 京A·8M6A2), six for a new-energy car (粤BD12345),
# or a trailer's, a learner's or a police car's last character (挂 学 警).
_PLATE_RX = (
    r"(?P<pl_head>[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z])[·・•. -]?"
    r"(?P<pl_tail>(?=(?:[A-HJ-NP-Z]*[0-9]){2})[A-HJ-NP-Z0-9]{5,6}|(?=(?:[A-HJ-NP-Z]*[0-9]){2})[A-HJ-NP-Z0-9]{4}[挂学警])"
    r"(?![A-Za-z0-9])"
)
# A home address after its label (住址, 家庭住址, 收货地址, home address...: never a bare 地址, which is
# also a server's or an API's), up to the end of its clause (a Chinese comma ends it, an English one before
# a word goes on: 1600 Amphitheatre Pkwy, Mountain View); the address must look like one (a province,
# road, a number or a building in Chinese, a digit in English: a masked one, 北京市朝阳区****, is none).
_ADDRESS_RX = (
    r"(?:(?:(?:家庭|居住|现|户籍|常住)?住址|(?:家庭|居住|收货|收件|寄件|联系|通讯|通信|户籍|邮寄|配送)地址)"
    r"(?:[ ]?(?:是|为))?[ ]?[:：]?"
    r"|(?<![A-Za-z])(?:[Hh]ome|HOME|[Ss]hipping|[Mm]ailing|[Rr]esidential|[Pp]ostal|[Dd]elivery) [Aa]ddress"
    r"(?:[ ]?[:：]| is:?))[ ]?"
    r"(?P<ad_value>(?=(?:[^\n。；;，,*]|,(?=[ ]?[A-Za-z0-9]))*?(?:[镇乡村路街道巷弄号栋幢楼室]|[0-9]))"
    r"[^\s:：。；;,，!！?？*](?:[^\n。；;，,.!！?？*]|,(?=[ ]?[A-Za-z0-9])|\.(?=[^\s])){3,79}(?<![ ]))"
)
# A US Social Security number after its name (SSN 123-45-6789, social security number: 123456789): without
# the name nine digits are any figure. Kind ``resident_id``: a national identity number.
_SSN_RX = (
    r"(?<![A-Za-z])(?:SSN|[Ss]ocial [Ss]ecurity(?: [Nn]umber| [Nn]o\.?| #)?)(?: is)?[ ]?[:：#]?[ ]?"
    r"(?P<ssn_value>(?!000|666|9)[0-9]{3}(?P<ssn_sep>[- ]?)(?!00)[0-9]{2}(?P=ssn_sep)(?!0000)[0-9]{4})(?![0-9])"
)
_RULES: tuple[tuple[str, PiiKind, str], ...] = (
    ("email", "email", _EMAIL_RX),
    ("emailx", "email", _EMAIL_AT_RX),
    ("id18", "resident_id", _ID18_RX),
    ("idg", "resident_id", _ID_GROUPED_RX),
    ("id15", "resident_id", _ID15_RX),
    ("card", "bank_card", _CARD_PLAIN_RX),
    ("card4", "bank_card", _CARD_FOURS_RX),
    ("card6", "bank_card", _CARD_AMEX_RX),
    ("mobile", "mobile", _MOBILE_RX),
    ("landline", "landline", _LANDLINE_RX),
    ("intl", "phone", _INTL_RX),
    ("nanp", "phone", _NANP_RX),
    ("passport", "passport", _PASSPORT_RX),
    ("passportw", "passport", _PASSPORT_WORD_RX),
    ("ssn", "resident_id", _SSN_RX),
    ("im", "im_account", _IM_RX),
    ("plate", "vehicle_plate", _PLATE_RX),
    ("address", "address", _ADDRESS_RX),
)
_ALONE = tuple(re.compile(rx) for _, _, rx in _RULES)


def _rule_group(tags: Sequence[str], first: str) -> str:
    """The rules ``tags`` as one group behind a look-ahead at the characters they can start with: the
    engine tries each alternative at each position, so one test there spares it the others (3x faster)."""
    inner = "|".join(f"(?P<{tag}>{rx})" for tag, _, rx in _RULES if tag in tags)
    return f"(?={first})(?:{inner})"


_WORD_TAGS = ("email", "emailx", "passport", "passportw", "ssn", "im", "plate", "address")
_NUMBER_TAGS = tuple(tag for tag, _, _ in _RULES if tag not in _WORD_TAGS)
_RULE_ALTERNATIVES = (
    f"(?P<email>{_EMAIL_RX})",
    _rule_group(("emailx",), "[A-Za-z0-9]"),
    _rule_group(_NUMBER_TAGS, "[0-9+(（]"),
    # a passport or the word 'passport' at a word's start; a travel document's name
    _rule_group(("passport", "passportw", "ssn"), "(?<![A-Za-z0-9])[EGDSPegdspSs]|[护往港台通回旅]"),
    _rule_group(("im",), "[QWwTSLD微钉飞]"),
    _rule_group(("plate",), "[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"),
    # an English label only at a word's start: h, s, m, r, p, d begin most English words' letters
    _rule_group(("address",), "[家居现户常住收寄联通邮配]|(?<![A-Za-z])[HhSsMmRrPpDd]"),
)
"""The rules in their order, for the combined pattern (a name is tried after them)."""
_RULE_INDEX = {tag: index for index, (tag, _, _) in enumerate(_RULES)}
# A 13-digit run that is a mobile number with its 86 country code is a phone, not a card.
_MOBILE_LIKE = re.compile(r"(?:86)?1[3-9][0-9]{9}")
# Card numbers start with their network's prefix (Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37,
# Diners 30/36/38, JCB 35, UnionPay 62/81, Discover 60/64/65, Maestro 50/56-69): a 14-digit timestamp
# (2024…), a millisecond one (17…) or an order number (1…, 9…) is none.
_CARD_PREFIX = re.compile(r"4|5|6|3[0-8]|2(?:2[2-9][1-9]|2[3-9][0-9]|[3-6][0-9]{2}|7[01][0-9]|720)|81")
# A number right after the word for an order, a ticket or a serial is that identifier, not a person's; one
# right after a metric's name (PV 13800138000, 营收达到 15012345678, revenue was 4111…) is that figure.
_IDENTIFIER_WORD = re.compile(
    r"(?:(?:订单|单号|流水|交易号|运单|工单|编号|批次|批号|序列号|发票|券码|商品|SKU|order|ticket|txn|transaction"
    r"|tracking|invoice|serial|batch|request|trace|build|commit|job|imei|imsi|iccid|meid|设备号|设备ID"
    r"|型号|货号|料号|款号|model|part)"
    r"(?:[ \t]*(?:号|号码|编号|id|no\.?|number|#))?"
    r"|(?:PV|UV|DAU|MAU|GMV|QPS|TPS|营收|收入|金额|预算|成本|流量|曝光量?|点击量?|销量|销售额|访问量|调用量|请求量"
    r"|用户数|订单量|总量|总数|合计|共计|累计|余额|市值|估值|条数|行数|revenue|budget|cost|amount|total|count|views"
    r"|visits|requests|impressions|sales|rows|records)(?:[ \t]*[(][^)\n]{1,8}[)])?"
    r"(?:[ \t]*(?:达到|为|是|约|共|超过|突破|增至|降至|升至|到|至|of|was|is|reached|hit))?)"
    r"[ \t]*[:：#=]?[ \t]*$",
    re.IGNORECASE,
)
_IDENTIFIER_WINDOW = 24
_IDENTIFIER_STEMS: tuple[str, ...] = ("单", "流水", "号", "批", "票", "码", "商品", "sku", "order", "ticket", "tx")
_IDENTIFIER_STEMS += ("transaction", "track", "invoice", "serial", "batch", "request", "trace", "build")
_IDENTIFIER_STEMS += ("型", "货", "料", "款", "model", "part")
_IDENTIFIER_STEMS += (
    "commit",
    "job",
    "imei",
    "imsi",
    "iccid",
    "meid",
    "设备",
    "pv",
    "uv",
    "au",
    "gmv",
    "ps",
    "营收",
    "收入",
    "金额",
    "预算",
    "成本",
    "流量",
)
_IDENTIFIER_STEMS += ("曝光", "点击", "销", "量", "数", "计", "余额", "市值", "估值", "revenue", "budget", "cost")
_IDENTIFIER_STEMS += ("amount", "total", "count", "views", "visits", "impressions", "sales", "rows", "records")
_IDENTIFIER_FIRSTS = frozenset(stem[0] for stem in _IDENTIFIER_STEMS)
_SERVICE_LINES = frozenset(("400", "800", "833", "844", "855", "866", "877", "888"))
"""A 10-digit number with one of these heads is a company's line (China's 400/800 service numbers, North
America's toll-free codes), not a person's: ``400-820-8820`` on a support page stays as written."""
_ROUND_TAIL = "000000"
"""A mobile-like number ending in six zeros is a round figure (13000000000 = 130 亿), not a subscriber."""


_ADDRESS_REGION = re.compile(
    r"(?:[^\s0-9]{2,7}?(?:省|自治区))?(?:[^\s0-9]{2,7}?(?:市|州|盟))?(?:[^\s0-9]{1,7}?(?:区|县|旗))?"
)
"""The province, city and district of an address, kept in its mask (北京市朝阳区****): the rest is a
home's street and number."""


class Span(NamedTuple):
    """One piece of personal data in a string, with the text that replaces it."""

    start: int
    end: int
    kind: PiiKind
    replacement: str


def _mask_id(value: str) -> str:
    value = value.upper()
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) == 18 else value[:6] + "******" + value[-3:]


def _mask_card(digits: str) -> str:
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def _digits(value: str) -> str:
    return value.replace(" ", "").replace("-", "")


def _mask_digits(value: str, keep_head: int) -> str:
    """``value`` with every digit after the first ``keep_head`` ones and before the last four starred,
    its separators and brackets kept: +1 (415) 555-0132 -> +1 (***) ***-0132."""
    total = sum(char.isdigit() for char in value)
    out: list[str] = []
    seen = 0
    for char in value:
        if char.isdigit():
            seen += 1
            out.append(char if seen <= keep_head or seen > total - 4 else "*")
        else:
            out.append(char)
    return "".join(out)


def _after_identifier_word(match: re.Match[str]) -> bool:
    start = match.start()
    window = match.string[max(0, start - _IDENTIFIER_WINDOW) : start].lower()
    # most numbers follow no such word: a set test (no first character of one in the window) spares them the regex
    return not _IDENTIFIER_FIRSTS.isdisjoint(window) and _IDENTIFIER_WORD.search(window) is not None


def _rule_span(tag: str, kind: PiiKind, match: re.Match[str]) -> Span | None:
    """The span of a rule's match with its mask, or None when the match fails the rule's check."""
    value = match.group()
    start, end = match.start(), match.end()
    replacement: str
    if kind != "email" and tag not in ("passportw", "ssn", "im", "address") and _after_identifier_word(match):
        return None
    if tag == "email":
        replacement = f"{match.group('e_local')[0]}***@{match.group('e_domain')}"
    elif tag == "emailx":
        replacement = f"{match.group('x_local')[0]}***{match.group('x_at')}{match.group('x_domain')}"
    elif tag == "ssn":
        start, value = match.start("ssn_value"), match.group("ssn_value")
        separator = match.group("ssn_sep")
        replacement = f"***{separator}**{separator}{value[-4:]}"
    elif kind == "resident_id":
        digits = _digits(value)
        if not valid_resident_id(digits):
            return None
        replacement = _mask_id(digits)
    elif kind == "bank_card":
        digits = _digits(value)
        if (
            not (13 <= len(digits) <= 19)
            or _MOBILE_LIKE.fullmatch(digits)
            or not _CARD_PREFIX.match(digits)
            or not luhn_valid(digits)
        ):
            return None
        replacement = _mask_card(digits)
    elif kind == "mobile":
        if value.replace(" ", "").replace("-", "").replace(".", "").endswith(_ROUND_TAIL):
            return None
        tail = value.replace(" ", "").replace("-", "").replace(".", "")[-4:]
        replacement = f"{match.group('m_prefix') or ''}{match.group('m_head')}****{tail}"
    elif kind == "landline":
        extension = match.group("l_ext")
        replacement = f"{match.group('l_area')}****{match.group('l_tail')}"
        if extension:
            replacement += extension.rstrip("0123456789") + "*" * sum(char.isdigit() for char in extension)
    elif kind == "phone":
        code = match.group("x_cc") if tag == "intl" else ""
        national = sum(char.isdigit() for char in value) - sum(char.isdigit() for char in code)
        if tag == "intl" and not (national == 10 if match.group("x_code") == "1" else 7 <= national <= 12):
            return None
        if tag == "intl" and code.startswith("00") and not code.endswith((" ", "-", ".")):
            return None
        if tag == "nanp" and value.lstrip("(")[:3] in _SERVICE_LINES:
            return None
        replacement = _mask_digits(value, sum(char.isdigit() for char in code))
    elif tag == "passportw":
        start = match.start("pw_value")
        value = match.group("pw_value")
        replacement = value[0] + "****" + value[-4:]
    elif kind == "passport":
        replacement = value[0] + "****" + value[-4:]
    elif kind == "im_account":
        group = next(name for name in ("im_qq", "im_named", "im_bare") if match.group(name) is not None)
        start, value = match.start(group), match.group(group)
        replacement = value[: 2 if len(value) > 6 else 1] + "***" + value[-2:]
    elif kind == "vehicle_plate":
        tail = match.group("pl_tail")
        replacement = match.group("pl_head") + "*" * (len(tail) - 1) + tail[-1]
    elif kind == "address":
        start, value = match.start("ad_value"), match.group("ad_value")
        region = _ADDRESS_REGION.match(value)
        replacement = (region.group() if region else "") + "****"
    else:  # a roster name: the label is looked up by the caller
        replacement = ""
    return Span(start, end, kind, replacement)


# ---------------------------------------------------------------------------------------------
# Names from the roster
# ---------------------------------------------------------------------------------------------


class _Roster(NamedTuple):
    pattern: re.Pattern[str]  # the rules and the roster's names, one alternation
    names: re.Pattern[str] | None  # the names alone, tried where a rule matched but failed its check
    labels: Mapping[str, str]  # normalized name, alias or variant -> label


def name_behind_label(label: str, roster: Sequence[RosterEntry], language: Language) -> str | None:
    """The roster name a masked text shows as ``label`` (后端负责人, 成员A, Member B), or None when no one
    is shown so: a reader who sees only labels filters by one (review_insights' ``owner``)."""
    wanted = label.strip().casefold()
    labels = _labels([(entry.name, entry.role) for entry in roster], language)
    names = [entry.name for entry, shown in zip(roster, labels, strict=True) if shown.casefold() == wanted]
    return names[0] if len(names) == 1 else None


def _labels(entries: Sequence[tuple[str, str | None]], language: Language) -> list[str]:
    """The replacement for each roster entry, in roster order.

    A role shared by one person is used as is; a role shared by several gets a letter (前端A, 前端B);
    people without a role become 成员A, 成员B... (Member A, Member B...).
    """
    role_totals = Counter(role for _, role in entries if role)
    role_seen: Counter[str] = Counter()
    anonymous = 0
    labels: list[str] = []
    for _, role in entries:
        if not role:
            labels.append(tr(_TEXT, "member", language, letter=letters(anonymous)))
            anonymous += 1
        elif role_totals[role] == 1:
            labels.append(role)
        else:
            labels.append(tr(_TEXT, "role_letter", language, role=role, letter=letters(role_seen[role])))
            role_seen[role] += 1
    return labels


def _norm(spelling: str) -> str:
    """The lookup key of a name as written: runs of spaces collapsed (removed between CJK characters), case folded."""
    if spelling.replace("\u2019", "").isascii():  # letters and digits only: O'Connor, O’Connor, OConnor, O Connor
        return "".join(char for char in spelling if char.isalnum()).casefold()
    return "".join(char for char in spelling if not char.isspace() and char not in _NAME_DOTS).casefold()


def _word_regex(word: str) -> str:
    """One word of an English name, its inner hyphen or apostrophe written any way people write it:
    Jean-Luc as Jean Luc or JeanLuc, O'Connor as O’Connor, OConnor or O Connor."""
    parts = re.split(r"([-'’])", word)
    pieces = []
    for part in parts:
        if part == "-":
            pieces.append(r"[-\s]?")
        elif part in ("'", "’"):
            pieces.append(r"['’\s]?")
        elif part:
            pieces.append(re.escape(part))
    return "".join(pieces)


def _name_regex(name: str) -> str:
    """A name as written, with any run of spaces where it has one (ASCII) or between characters (CJK)."""
    words = name.split()
    if name.isascii():
        # between the words: spaces, a comma (Zhang, Wei) or a user name's dot, underscore or dash (zhang.wei)
        joined = r"(?:\s*,\s*|\s+|[._-])".join(_word_regex(word) for word in words)
        return r"(?<![A-Za-z0-9_])" + joined + r"(?![A-Za-z0-9_])"
    chars = [f"[ \\t{_NAME_DOTS}]*" if char in _NAME_DOTS else re.escape(char) for char in "".join(words)]
    return r"[ \t]*".join(chars)


# How colleagues write a Chinese name: 老张, 小张 for 张伟, and the surname with a title: 张总, 张工, 张经理,
# 张老师, 张哥... Never where the surname is a counter after a numeral (一张总表, 三张工单, 这张工卡) or the
# form is the start of another word (张总结, 张工作, 小张贴, 老张望), nor where 小/老 ends another word (缩小高度).
_NOT_AFTER_COUNTER = r"(?<![0-9一二三四五六七八九十百千两几每这那整半多数某])"
_SURNAME_FORMS: tuple[tuple[str, str], ...] = (
    ("老{0}", r"(?<![古养苍衰元])老{s}(?![望])"),
    ("小{0}", r"(?<![缩减大变最较很太短细渺微弱从])小{s}(?![贴吃])"),
    ("{0}总监", _NOT_AFTER_COUNTER + r"{s}总监"),
    ("{0}总", _NOT_AFTER_COUNTER + r"{s}总(?![结体计量共数额部之表和价值账帐裁监线])"),
    ("{0}工", _NOT_AFTER_COUNTER + r"{s}工(?![作资程具厂艺业期时序位单号种商地会人装况率效区部伤龄卡牌票位])"),
    ("{0}经理", _NOT_AFTER_COUNTER + r"{s}经理"),
    ("{0}老师", _NOT_AFTER_COUNTER + r"{s}老师"),
    ("{0}主任", _NOT_AFTER_COUNTER + r"{s}主任"),
    ("{0}先生", _NOT_AFTER_COUNTER + r"{s}先生"),
    ("{0}女士", _NOT_AFTER_COUNTER + r"{s}女士"),
    ("{0}小姐", _NOT_AFTER_COUNTER + r"{s}小姐"),
    ("{0}同学", _NOT_AFTER_COUNTER + r"{s}同学"),
    ("{0}师傅", _NOT_AFTER_COUNTER + r"{s}师傅"),
    ("{0}组长", _NOT_AFTER_COUNTER + r"{s}组长"),
    ("{0}主管", _NOT_AFTER_COUNTER + r"{s}主管"),
    ("{0}哥", _NOT_AFTER_COUNTER + r"{s}哥(?![们])"),
    ("{0}姐", _NOT_AFTER_COUNTER + r"{s}姐(?![妹])"),
)
_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr")
# Two-character surnames: 欧阳娜 is 老欧阳 and 欧阳总, never 老欧.
_COMPOUND_SURNAMES = frozenset(
    {"欧阳", "司马", "诸葛", "上官", "慕容", "东方", "皇甫", "尉迟", "公孙", "令狐", "夏侯"}
    | {"长孙", "宇文", "司徒", "端木", "独孤", "南宫", "西门", "轩辕", "呼延", "钟离", "申屠"}
)
# The separator of a transliterated name (马克·吐温), written with any of its look-alikes or not at all.
_NAME_DOTS = "·•・‧．."


def _variants(name: str) -> list[tuple[str, str]]:
    """Other spellings of a roster name as (lookup key, regex): the familiar forms of a Chinese name of two
    to four characters, the other order of a two-word English name ("Wei Zhang" for "Zhang Wei")."""
    words = name.split()
    if name.isascii():
        if len(words) == 2:
            swapped = f"{words[1]} {words[0]}"
            # either word after a title (Mr Zhang, Dr. Wei): which one is the surname is not known
            # (one alternative for them all: each alternative costs the scan at every position it may start)
            titles, either = "|".join(_TITLES), "|".join(_word_regex(word) for word in words)
            titled_rx = rf"(?<![A-Za-z])(?:{titles})(?:\.\s*|\s+)(?:{either})(?![A-Za-z0-9_])"
            titled = [(_norm(f"{title} {word}"), titled_rx) for word in words for title in _TITLES]
            # an initial and the other word (W. Zhang), either way round, the dot written
            initialled = [
                (_norm(f"{a[0]} {b}"), rf"(?<![A-Za-z0-9_]){re.escape(a[0])}\.\s?{_word_regex(b)}(?![A-Za-z0-9_])")
                for a, b in (words, words[::-1])
                if a[0].isalpha()
            ]
            # the other word's initial after it (John S., Zhang W.)
            initialled += [
                (_norm(f"{a} {b[0]}"), rf"(?<![A-Za-z0-9_]){_word_regex(a)}\s{re.escape(b[0])}\.(?![A-Za-z0-9_])")
                for a, b in (words, words[::-1])
                if b[0].isalpha()
            ]
            # run together as in a user name (ZhangWei, weizhang), or an initial and the other word (jsmith)
            joined = [(_norm(a + b), _name_regex(a + b)) for a, b in (words, words[::-1])]
            joined += [
                (_norm(a[0] + b), _name_regex(a[0] + b))
                for a, b in (words, words[::-1])
                if a[0].isalpha() and len(b) >= 3
            ]
            return [(_norm(swapped), _name_regex(swapped)), *titled, *initialled, *joined, *_alone_words(words)]
        return []
    compact = "".join(words)
    if not (2 <= len(compact) <= 4 and all("\u4e00" <= char <= "\u9fff" for char in compact)):
        return []
    surname = compact[:2] if len(compact) >= 3 and compact[:2] in _COMPOUND_SURNAMES else compact[0]
    familiar = [(_norm(form.format(surname)), rx.format(s=re.escape(surname))) for form, rx in _SURNAME_FORMS]
    given = compact[len(surname) :]
    if len(given) == 2 and given not in _GIVEN_NAME_WORDS:
        # the given name alone, as colleagues call each other (小明 for 王小明, 娜娜 for 欧阳娜娜)
        familiar.append((_norm(given), re.escape(given)))
    return familiar


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _alone_words(words: Sequence[str]) -> list[tuple[str, str]]:
    """Each word of a two-word English name alone (John for John Smith, Patel for Priya Patel: colleagues
    write one name), capitalized as a name is (john, JOHN and the sentence's words are not taken), and never
    a word that is also an English word or a tool's name (Will, Mark, Grant, Jenkins)."""
    forms: list[tuple[str, str]] = []
    if any(word.casefold() in _PINYIN_SURNAMES for word in words):
        return forms  # Zhang Wei: either word alone is as likely someone else's (Zhang Weiming, Liu Wei)
    for word in words:
        if len(word) < 3 or not word.isalpha() or word.casefold() in _NAME_WORDS:
            continue
        capitalized = word[0].upper() + word[1:]
        forms.append((_norm(word), rf"(?-i:(?<![A-Za-z0-9_]){re.escape(capitalized)}(?![A-Za-z0-9_]))"))
    return forms


_NAME_WORDS = _word_set(
    """will may june april august mark bill grant rose hope faith joy grace rich frank guy ray art chase lance
    pat sue don dean drew gene jack max miles nick rob wade carol amber ruby jade dawn eve iris holly ivy lily
    daisy violet sky summer autumn winter storm river brook cliff dale glen heath forest rock stone page bishop
    king young long brown white green black gray grey wood hill price cook baker turner hunter carter mason
    porter cooper parker walker ward bell hall case field key lane best good hart just love means moss north
    park reed sharp short small strong swift west wise little major noble early day knight law church cross fox
    wolf bird crane drake finch lamb bull rice bean root bond gold silver banks lord pope sage sterling penny
    crystal julia perl ruby rust kafka jenkins travis spark hive maven gradle sentry consul vault nomad argo
    flux envoy jaeger loki tempo thanos cortex linear slack zoom teams notion asana monday figma chrome safari
    edge oracle apache helm rails django flask elixir scala dart kotlin go sam ken van von der de la le"""
)
"""English words (and tools' names) that are also first names or surnames: one alone is left as written."""

_PINYIN_SURNAMES = _word_set(
    """wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie song
    tang han feng deng cao peng zeng xiao tian dong yuan pan cai jiang yu du ye cheng su wei lu ding ren shen
    yao jin fu zhong cui tan liao fan wan qian dai xia qiu hou gu meng shi bai kong mao qin jia lei hao duan
    long tao he kang xiong niu yan ou yin bao mo lai shao qi chang wen xue fang gong chu an ni"""
)
"""Common Chinese surnames in pinyin: a two-word name with one of them is a Chinese name, whose words
alone are shared by many people, so neither is masked alone."""

_GIVEN_NAME_WORDS = _word_set(
    """国庆 建国 建军 建华 建设 建新 国强 志强 文明 光明 和平 平安 幸福 快乐 开心 成功 胜利 红旗 长江 黄河 海洋
    春华 秋实 明天 天明 东方 青春 振兴 发展 安全 稳定 创新 学习 工作 新华 中华 华夏 爱国 卫东 向东 向阳 朝阳 阳光
    春天 春风 秋月 明月 明亮 文化 科技 技术 永久 永远 长青 常青 晨光 曙光 黎明 光辉 辉煌 荣耀 光荣 富强 民主 自由
    平等 公正 诚信 友善 和谐 团结 进步 英雄 伟大 远方 美丽 美好 清华 北京 南京 上海 天津 海南 云南 江南 江山 山河
    金山 银河 星辰 兰花 梅花 荷花 牡丹 一鸣 一帆 平凡 非凡 超越 卓越 优秀 正常 顺利 红星 新星 明星 晓东 东升
    海峰 高峰 山峰 立新 跃进 前进 先进 红军 国华 国平 国栋 栋梁 家乐 天天 明明 刚刚 往往 常常 渐渐 偏偏 时时 处处
    默默 静静 轻轻 悄悄 慢慢 好好 多多 年年 人人 家家 样样 个个 事事 想想 看看 试试 说说 早早 快快 高高 大大"""
)
"""Two-character given names that are also words (国庆节, 刚刚上线, 系统稳定): masking one alone would
garble the text, so it is masked only with its surname or in its familiar forms."""


RosterKey = tuple[tuple[str, str | None, tuple[str, ...]], ...]


@lru_cache(maxsize=64)
def _compile_roster(key: RosterKey, language: Language) -> _Roster:
    """The combined pattern of the personal-data rules and this roster's names, and each name's label.

    Names come last: at one position a rule wins over a name (an e-mail that starts with one). Among the
    names, longer spellings first; a spelling two people share (小张 for 张伟 and 张敏) is the first one's.
    """
    labels = _labels([(name, role) for name, role, _ in key], language)
    by_name: dict[str, str] = {}
    regexes: dict[str, int] = {}  # pattern -> length of its key (longer first)
    firsts: set[str] = set()  # the characters a name can start with, as written and case-folded
    for (name, _, aliases), label in zip(key, labels, strict=True):
        # a typographic apostrophe in a roster name is the ASCII one (its patterns accept both)
        spellings = [_fold(spelling.strip()).replace("\u2019", "'") for spelling in (name, *aliases)]
        spellings = [spelling for spelling in spellings if len(spelling) >= MIN_NAME_CHARS]  # see too_short
        firsts.update(spelling.lstrip(_NAME_DOTS + " \t")[:1] for spelling in spellings)
        exact = [(_norm(spelling), _name_regex(spelling)) for spelling in spellings if spelling]
        # the familiar forms of the name itself, and of an English alias: those of a Chinese alias (大李, 小张)
        # would be words (老大, 大哥) or forms of another surname
        varied = [spelling for index, spelling in enumerate(spellings) if index == 0 or spelling.isascii()]
        for norm, regex in [*exact, *(variant for spelling in varied for variant in _variants(spelling))]:
            if not norm:
                continue
            by_name.setdefault(norm, label)
            # keyed by the pattern: spellings of one key (Zhang Wei, ZhangWei) each keep their own
            regexes.setdefault(regex, len(norm))
            firsts.add(norm[0])
    alternatives = list(_RULE_ALTERNATIVES)
    names: re.Pattern[str] | None = None
    if by_name:
        names_rx = "|".join(sorted(regexes, key=regexes.__getitem__, reverse=True))
        first = "".join(re.escape(char) for char in sorted(firsts) if char)
        # case-blind for names only (cheaper for the rules); the look-ahead spares the names' own
        # look-behinds at every other position
        alternatives.append(f"(?P<name>(?i:(?=[{first}])(?:{names_rx})))")
        names = re.compile(names_rx, re.IGNORECASE)
    return _Roster(re.compile("|".join(alternatives)), names, by_name)


def _roster_key(roster: Sequence[RosterEntry]) -> RosterKey:
    return tuple((entry.name, entry.role, tuple(entry.aliases)) for entry in roster)


def find_pii(text: str, roster: Sequence[RosterEntry] = (), language: Language = "zh") -> list[Span]:
    """Every piece of personal data in ``text``, sorted, without overlaps (see the module order)."""
    return _spans(_fold(text), _compile_roster(_roster_key(roster), language))


def _at(folded: str, start: int, first_rule: int) -> Span | None:
    """The first rule from ``first_rule`` on that matches at ``start`` and passes its check (anchored:
    a few characters are looked at, never the rest of the text)."""
    for index in range(first_rule, len(_RULES)):
        match = _ALONE[index].match(folded, start)
        if match is not None:
            tag, kind, _ = _RULES[index]
            span = _rule_span(tag, kind, match)
            if span is not None:
                return span
    return None


def _spans(folded: str, compiled: _Roster) -> list[Span]:
    """One left-to-right pass of the combined pattern: each match is kept (or, failing its check, the
    later rules are tried at the same place), and the scan goes on after it, so spans never overlap."""
    spans: list[Span] = []
    position = 0
    while True:
        match = compiled.pattern.search(folded, position)
        if match is None:
            return spans
        tag = match.lastgroup or ""
        span: Span | None
        if tag == "name":
            label = compiled.labels.get(_norm(match.group()), "***")  # "***": a case-folding oddity
            span = Span(match.start(), match.end(), "name", label)
        else:
            index = _RULE_INDEX[tag]
            span = _rule_span(tag, _RULES[index][1], match) or _at(folded, match.start(), index + 1)
            named = compiled.names.match(folded, match.start()) if span is None and compiled.names else None
            if named is not None:
                span = Span(named.start(), named.end(), "name", compiled.labels.get(_norm(named.group()), "***"))
        if span is None:
            position = match.start() + 1
            continue
        spans.append(span)
        position = max(span.end, match.start() + 1)


def apply_spans(text: str, spans: Sequence[Span]) -> str:
    """``text`` with each (sorted, non-overlapping) span replaced by its mask."""
    parts: list[str] = []
    cursor = 0
    for span in spans:
        parts.append(text[cursor : span.start])
        parts.append(span.replacement)
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


def _hits(spans: Iterable[Span], path: str | None) -> list[PiiHit]:
    return [PiiHit(kind=s.kind, path=path, start=s.start, end=s.end, masked=s.replacement) for s in spans]


def mask_text(text: str, roster: Sequence[RosterEntry] = (), language: Language = "zh") -> tuple[str, list[PiiHit]]:
    """Mask every piece of personal data in ``text``; also return what was masked.

    Labels for roster names depend only on the roster and the language, so separate calls with the
    same roster (one per report field, say) replace a person with the same label.
    """
    spans = find_pii(text, roster, language)
    return apply_spans(text, spans), _hits(spans, None)


# ---------------------------------------------------------------------------------------------
# Tone
# ---------------------------------------------------------------------------------------------

# Verbs that pin a failure on whoever stands just before them ("张三导致", "Bob broke").
_NEGATIVE_VERBS_ZH = (
    "导致",
    "造成",
    "引起",
    "引发",
    r"引入了?(?:一个|一些|新的)?(?:缺陷|bug|问题|故障|错误|回归)",
    "忘记",
    "忘了",
    "遗漏",
    "漏掉",
    "漏了",
    "搞砸",
    "搞坏",
    "弄坏",
    "弄错",
    "搞错",
    "写错",
    "出错",
    "失误",
    "拖延",
    "延误",
    "耽误",
    "误操作",
    "误删",
    "疏忽",
    "忽略",
    "无视",
)
_NEGATIVE_VERBS_EN = (
    r"broke",
    r"breaks",
    r"broken",
    r"caused",
    r"causes",
    r"introduced\s+(?:[a-z]+\s+){0,2}?(?:bugs?|defects?|regressions?|errors?|issues?|problems?|outages?|incidents?)",
    r"forgot",
    r"forgotten",
    r"forgets",
    r"missed",
    r"misses",
    r"failed",
    r"fails",
    r"neglected",
    r"ignored",
    r"overlooked",
    r"skipped",
    r"messed\s+up",
    r"screwed\s+up",
    r"mistakenly",
    r"accidentally",
)
# Plain negations blame only when they follow the name almost directly ("张三没有", "Bob didn't").
_NEGATIONS_ZH = ("没有", "没", "未(?!来|知|必)")
_NEGATIONS_EN = (r"didn't", r"did\s+not", r"never")


def _verb_alternation(zh: Sequence[str], en: Sequence[str]) -> str:
    return "|".join([*zh, *(rf"\b{verb}\b" for verb in en)])


# After a name: a short gap inside the same clause, then the verb.
_CLAUSE_GAP = r"[^\n。;；.!?！？,，、:：]"
_AFTER_NAME = re.compile(
    rf"(?P<gap>{_CLAUSE_GAP}{{0,24}}?)(?P<verb>{_verb_alternation(_NEGATIVE_VERBS_ZH, _NEGATIVE_VERBS_EN)})",
    re.IGNORECASE,
)
_NEGATION_AFTER_NAME = re.compile(
    rf"(?P<gap>{_CLAUSE_GAP}{{0,8}}?)(?P<verb>{_verb_alternation(_NEGATIONS_ZH, _NEGATIONS_EN)})",
    re.IGNORECASE,
)
_MAX_GAP_CJK = 4
_MAX_GAP_WORDS = 2
_MAX_NEGATION_GAP_CJK = 1
_MAX_NEGATION_GAP_WORDS = 1
# Before a name: attribution of the cause to the person.
_BEFORE_NAME = re.compile(
    r"(?:由于|因为|都怪|怪|归咎于|归因于|\bbecause of|\bdue to|\bthanks to|\bblamed? on|\bcaused by)\s*$",
    re.IGNORECASE,
)
_BEFORE_WINDOW = 16

_OUTAGE_STATES = r"恢复|修复|正常|解决|生效|上线|下线|中断|停止|停服|不可用|宕机|失效|回滚|丢失"
_ABSOLUTE = re.compile(
    r"总是|总会|从来不|从来没有?|从不|从未|每次都|一直都|绝对|显然|明显是|肯定是|毫无|永远"
    # 完全 after a negation hedges (未能完全恢复: not fully), before a state describes it (服务完全恢复)
    rf"|(?<![不未没能法非])完全(?!{_OUTAGE_STATES})"
    # 根本原因 is the root cause, 从根本上 / 根本性 / 根本解决 fundamental: only 这根本不是… is absolute
    r"|根本(?!原因|问题|性|上|解决|措施|对策|的原因|缘由)"
    r"|(?<!not )(?<!n't )\b(?:always|completely|totally|entirely)\b"
    r"(?!\s+(?:restored|recovered|resolved|fixed|down|unavailable|offline|mitigated|lost))"
    r"|\b(?:never|obviously|clearly|utterly|of course|everyone knows|nobody)\b",
    re.IGNORECASE,
)
"""Absolute words (总是, 根本, always) as blame is phrased; the same words where they name a root cause,
hedge with a negation or describe a service's state are not."""
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z']+")


def _gap_is_short(gap: str, max_cjk: int, max_words: int) -> bool:
    return len(_CJK.findall(gap)) <= max_cjk and len(_WORD.findall(gap)) <= max_words


def _blames_after(folded: str, position: int) -> int | None:
    """End of a negative verb close after ``position`` (the end of a name), if there is one."""
    strong = _AFTER_NAME.match(folded, position)
    if strong and _gap_is_short(strong.group("gap"), _MAX_GAP_CJK, _MAX_GAP_WORDS):
        return strong.end()
    negation = _NEGATION_AFTER_NAME.match(folded, position)
    if negation and _gap_is_short(negation.group("gap"), _MAX_NEGATION_GAP_CJK, _MAX_NEGATION_GAP_WORDS):
        return negation.end()
    return None


class _Phrase(NamedTuple):
    start: int
    end: int
    code: str
    severity: Severity
    hint: str


def _blame_phrases(text: str, language: Language) -> Iterator[_Phrase]:
    for hit in blame_hits(text):
        hint = localized({"zh": hit.term.hint_zh, "en": hit.term.hint_en}, language)
        yield _Phrase(hit.start, hit.end, "blame_language", "warning", hint)


def _person_phrases(folded: str, names: Sequence[Span], language: Language) -> Iterator[_Phrase]:
    hint = tr(_TEXT, "blame_person.hint", language)
    for name in names:
        after = _blames_after(folded, name.end)
        if after is not None:
            yield _Phrase(name.start, after, "blame_person", "warning", hint)
            continue
        before = _BEFORE_NAME.search(folded, max(0, name.start - _BEFORE_WINDOW), name.start)
        if before:
            yield _Phrase(before.start(), name.end, "blame_person", "warning", hint)


def _absolute_phrases(text: str, language: Language) -> Iterator[_Phrase]:
    hint = tr(_TEXT, "absolute_language.hint", language)
    for match in _ABSOLUTE.finditer(text):
        yield _Phrase(match.start(), match.end(), "absolute_language", "info", hint)


def _masked_excerpt(text: str, spans: Sequence[Span], ends: Sequence[int], start: int, end: int) -> str:
    """``text[start:end]`` with personal data masked; a span cut by the edges is taken whole.

    ``spans`` are sorted and never overlap, so their ends are sorted too (``ends``, one per span): the
    spans that touch ``[start, end)`` are one run, found by bisection rather than by a scan of all of
    them (a scan per phrase made a text dense with both quadratic).
    """
    first = bisect_right(ends, start)
    last = first
    while last < len(spans) and spans[last].start < end:
        last += 1
    inside = spans[first:last]
    if inside:
        start, end = min(start, inside[0].start), max(end, inside[-1].end)
    parts: list[str] = []
    cursor = start
    for span in inside:
        parts.append(text[cursor : span.start])
        parts.append(span.replacement)
        cursor = span.end
    parts.append(text[cursor:end])
    return "".join(parts)


def _tone(
    text: str,
    folded: str,
    spans: Sequence[Span],
    path: str | None,
    language: Language,
    limit: int | None = None,
    phrases_out: list[_Phrase] | None = None,
) -> list[ToneFinding]:
    """The tone findings of one text; with ``limit`` only the first ones are built (all land in ``phrases_out``)."""
    names = [s for s in spans if s.kind == "name"]
    phrases = [
        *_blame_phrases(folded, language),
        *_person_phrases(folded, names, language),
        *_absolute_phrases(folded, language),
    ]
    phrases.sort(key=lambda p: (p.start, p.end))
    if phrases_out is not None:
        phrases_out.extend(phrases)
    findings: list[ToneFinding] = []
    ends = [span.end for span in spans]
    for phrase in phrases if limit is None else phrases[:limit]:
        excerpt = _masked_excerpt(text, spans, ends, phrase.start, phrase.end)
        findings.append(
            ToneFinding(
                code=phrase.code,
                severity=phrase.severity,
                message=tr(_TEXT, phrase.code, language, excerpt=excerpt, hint=phrase.hint),
                path=path,
                start=phrase.start,
                end=phrase.end,
                excerpt=excerpt,
                hint=phrase.hint,
            )
        )
    return findings


# ---------------------------------------------------------------------------------------------
# The tool
# ---------------------------------------------------------------------------------------------


class _Checked(NamedTuple):
    path: str | None
    masked: str
    pii: list[PiiHit]
    tone: list[ToneFinding]
    pii_kinds: Counter[str]
    tone_severities: Counter[str]
    tone_codes: Counter[str]


def _check_one(
    text: str, path: str | None, roster: _Roster, language: Language, pii_limit: int, tone_limit: int
) -> _Checked:
    """One text: its masked form, its first ``pii_limit`` / ``tone_limit`` findings and the counts of all.

    Findings past the limits are counted, never built: a text dense with personal data would
    otherwise turn a few megabytes of input into hundreds of megabytes of answer (each finding
    repeats its path and carries a message).
    """
    folded = _fold(text)
    spans = _spans(folded, roster)
    phrases: list[_Phrase] = []
    tone = _tone(text, folded, spans, path, language, tone_limit, phrases)
    return _Checked(
        path,
        apply_spans(text, spans),
        _hits(spans[:pii_limit], path),
        tone,
        Counter(span.kind for span in spans),
        Counter(phrase.severity for phrase in phrases),
        Counter(phrase.code for phrase in phrases),
    )


def _validate(
    text: str | None, fields: Mapping[str, object] | None, roster: Sequence[RosterEntry], language: Language
) -> None:
    def fail(field: str, key: str, **values: object) -> InputError:
        return InputError(field, tr(_TEXT, f"error.{key}", language, **values))

    if (text is None) == (fields is None):
        raise fail("text", "text_or_fields")
    if text is not None and len(text) > MAX_COMPLIANCE_TEXT_CHARS:
        raise fail("text", "text_too_long", limit=MAX_COMPLIANCE_TEXT_CHARS)
    if fields is not None:
        if len(fields) > MAX_COMPLIANCE_FIELDS:
            raise fail("fields", "too_many_fields", limit=MAX_COMPLIANCE_FIELDS)
        for path, value in fields.items():
            if len(path) > MAX_NAME_CHARS:
                raise fail("fields", "path_too_long", limit=MAX_NAME_CHARS)
            if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
                raise fail(f"fields.{path}", "field_too_long", limit=MAX_TEXT_CHARS)
    if len(roster) > MAX_ROSTER:
        raise fail("roster", "roster_too_long", limit=MAX_ROSTER)


def _counts(checked: Sequence[_Checked]) -> ComplianceCounts:
    kinds: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for item in checked:
        kinds.update(item.pii_kinds)
        severities.update(item.tone_severities)
        codes.update(item.tone_codes)
    return ComplianceCounts(
        pii=sum(kinds.values()),
        pii_by_kind=dict(kinds),
        tone=sum(severities.values()),
        tone_by_severity=dict(severities),
        tone_by_code=dict(codes),
        fields_checked=len(checked),
    )


def check_compliance(
    text: str | None = None,
    fields: Mapping[str, object] | None = None,
    roster: Sequence[RosterEntry] = (),
    mask: bool = True,
    language: Language = "zh",
) -> ComplianceResult:
    """Find personal data and blaming or loaded language in ``text`` or in each of ``fields``.

    With ``mask`` the masked text (or fields) is returned as well; findings never echo a raw value
    either way. Offsets refer to the original string of their path.
    """
    _validate(text, fields, roster, language)
    unchecked, readable = _readable_fields(fields, language)
    items: Iterable[tuple[str | None, str]] = [(None, text or "")] if readable is None else readable.items()
    compiled = _compile_roster(_roster_key(roster), language)
    checked: list[_Checked] = []
    pii: list[PiiHit] = []
    tone: list[ToneFinding] = []
    for path, value in items:
        item = _check_one(
            value, path, compiled, language, MAX_LISTED_FINDINGS - len(pii), MAX_LISTED_FINDINGS - len(tone)
        )
        pii.extend(item.pii)
        tone.extend(item.tone)
        checked.append(item._replace(pii=[], tone=[]))
    counts = _counts(checked)
    unchecked += _short_spellings(roster, language)
    return ComplianceResult(
        pii=pii,
        tone=tone,
        listed_limit=MAX_LISTED_FINDINGS if counts.pii > len(pii) or counts.tone > len(tone) else None,
        masked_text=checked[0].masked if mask and fields is None else None,
        masked_fields={item.path or "": item.masked for item in checked} if mask and fields is not None else None,
        counts=counts,
        findings=unchecked,
        language=language,
    )


def _short_spellings(roster: Sequence[RosterEntry], language: Language) -> list[Finding]:
    """A roster spelling of one character is not looked for (a surname alone is in every other word);
    each is named, the rest of the roster is used."""
    return [
        Finding(
            code="roster_name_too_short",
            severity="warning",
            message=tr(_TEXT, "error.roster_name_too_short", language, name=spelling.strip()),
            path=f"roster[{index}].{field}",
        )
        for index, entry in enumerate(roster)
        for field, spelling in entry.too_short
    ]


def _readable_fields(
    fields: Mapping[str, object] | None, language: Language
) -> tuple[list[Finding], dict[str, str] | None]:
    """The fields that hold text (a number is read as its digits, so a phone number given as one is
    still found); one that holds none (null, true, a list) is reported alone and the others checked."""
    if fields is None:
        return [], None
    readable: dict[str, str] = {}
    unchecked: list[Finding] = []
    for path, value in fields.items():
        if isinstance(value, str):
            readable[path] = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            readable[path] = str(value)
        else:
            shown = "null" if value is None else type(value).__name__
            message = tr(_TEXT, "error.field_not_text", language, value=shown)
            unchecked.append(Finding(code="field_not_text", severity="warning", message=message, path=f"fields.{path}"))
    return unchecked, readable
