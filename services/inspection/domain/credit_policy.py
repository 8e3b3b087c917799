"""The credit-list policy as data (domain-rules.md §8, L60 民政部令第60号): a versioned table in which
every rule names its article, and the settings the rules read. Values the rulebook tags DRAFT-ONLY,
UNCONFIRMED or LOCAL come from settings (CreditPolicy); confirmed ones are constants of the table.

A rule's `code` is stable: it is what entries store as their trigger. Changing a rule's meaning means
a new POLICY_VERSION (entries record the version that listed them)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

POLICY_VERSION = "L60-2018/xm-credit-1"
L60 = "《社会组织信用信息管理办法》（民政部令第60号）"
ABNORMAL, SERIOUS, RED = "abnormal", "serious", "red"
LIST_NAMES_ZH = {ABNORMAL: "活动异常名录", SERIOUS: "严重违法失信名单", RED: "红名单"}

# duties an abnormal-list entry waits for before removal (R8.4.2): tracked from events, verified by the
# registrar on application, or none (the registrar removes it on its own after auto_removal_months)
DUTY_REPORT, DUTY_RECTIFY, DUTY_VERIFY, DUTY_NONE = "file_report", "rectify", "verify", "none"


@dataclass(frozen=True)
class Rule:
    code: str
    list: str
    article: str  # where the rule comes from (domain-rules.md section; L60 article numbers are UNCONFIRMED)
    legal_basis: str  # what an entry shows as its 法律依据
    title_zh: str
    duty: str = DUTY_VERIFY
    manual: bool = True  # may an inspector list an organization under this rule by hand
    status: str = "CONFIRMED"


RULES: tuple[Rule, ...] = (
    Rule("annual_report_overdue", ABNORMAL, "R8.2 #1 L60 (art. 10 [UNCONFIRMED]); R4.4 report years from report_first_year",
         f"{L60} 活动异常名录情形：未按照规定时限和要求向登记管理机关报送年度工作报告", "年度工作报告逾期未报送",
         DUTY_REPORT),
    Rule("no_party_organization", ABNORMAL, "R8.2 #2 L60", f"{L60} 活动异常名录情形：未按照有关规定设立党组织",
         "未按规定设立党组织"),
    Rule("rectification_overdue", ABNORMAL, "R8.2 #3 L60; R7.1",
         f"{L60} 活动异常名录情形：登记管理机关发放整改文书要求限期整改，社会组织未按期完成整改", "逾期未完成整改",
         DUTY_RECTIFY),
    Rule("fundraising_conditions", ABNORMAL, "R8.2 #4 L60 [wording UNCONFIRMED]; R10.2.3",
         f"{L60} 活动异常名录情形：具有公开募捐资格的慈善组织不再符合公开募捐资格条件或连续六个月未开展公开募捐",
         "不再符合公开募捐条件", status="UNCONFIRMED"),
    Rule("minor_penalty", ABNORMAL, "R8.2 #5 L60; R8.3.1",
         f"{L60} 活动异常名录情形：受到警告或者不满5万元罚款处罚", "受到警告或不满5万元罚款", DUTY_NONE),
    Rule("uncontactable", ABNORMAL, "R8.2 #6 L60; R8.2.1",
         f"{L60} 活动异常名录情形：通过登记的住所无法与社会组织取得联系", "通过登记的住所无法取得联系"),
    Rule("other_abnormal", ABNORMAL, "R8.2 #7 L60", f"{L60} 活动异常名录情形：法律、行政法规规定的其他情形",
         "法律法规规定的其他情形"),
    Rule("abnormal_two_years", SERIOUS, "R8.3 #1 L60; R8.4.2",
         f"{L60} 严重违法失信名单情形：被列入活动异常名录满2年", "列入活动异常名录满2年", manual=False),
    Rule("fraudulent_change", SERIOUS, "R8.3 #2 L60",
         f"{L60} 严重违法失信名单情形：弄虚作假办理变更登记，被撤销变更登记", "弄虚作假办理变更登记被撤销"),
    Rule("suspension", SERIOUS, "R8.3 #3 L60; R8.3.1", f"{L60} 严重违法失信名单情形：受到限期停止活动行政处罚",
         "受到限期停止活动处罚"),
    Rule("large_fine", SERIOUS, "R8.3 #4 L60; R8.3.1", f"{L60} 严重违法失信名单情形：受到5万元以上罚款处罚",
         "受到5万元以上罚款"),
    Rule("repeat_penalties", SERIOUS, "R8.3 #5 L60; R8.3.1",
         f"{L60} 严重违法失信名单情形：三年内两次以上受到警告或者不满5万元罚款处罚", "三年内两次以上受到警告或不满5万元罚款"),
    Rule("dishonest_debtor", SERIOUS, "R8.3 #6 L60", f"{L60} 严重违法失信名单情形：被司法机关纳入失信被执行人名单",
         "被纳入失信被执行人名单"),
    Rule("revoked", SERIOUS, "R8.3 #7 L60; R8.4.3",
         f"{L60} 严重违法失信名单情形：被登记管理机关作出吊销登记证书、撤销成（设）立登记决定", "被撤销登记", manual=False),
    Rule("other_serious", SERIOUS, "R8.3 #8 L60", f"{L60} 严重违法失信名单情形：法律、行政法规规定的其他情形",
         "法律法规规定的其他情形"),
    Rule("good_credit", RED, "R8.5.3 L60 守信激励; criteria [UNCONFIRMED], a configurable rule set",
         "《社会组织信用信息管理办法》（民政部令第60号）守信激励；厦门市社会组织信用信息管理实施办法（厦民〔2018〕166号）",
         "信用良好（红名单规则）", DUTY_NONE, manual=False, status="UNCONFIRMED"),
)
RULES_BY_CODE = {r.code: r for r in RULES}

# procedures, each naming its article (the rule names 409 answers carry)
RULE_RELIST = "R8.4.1 L60 (re-listing restarts the clock: 重新计算)"
RULE_ABNORMAL_REMOVAL = "R8.4.2 L60 (移出活动异常名录: apply after performing the duty; registrar verifies)"
RULE_AUTO_REMOVAL = "R8.4.2 L60-draft (nothing to rectify: removed on the registrar's own motion) [DRAFT-ONLY]"
RULE_NOTHING_TO_RECTIFY = ("R8.4.2 L60-draft (nothing to rectify: 6 months from 查实 before it leaves the list, on the "
                           "registrar's own motion) [DRAFT-ONLY]")
RULE_SERIOUS_REMOVAL = "R8.4.3 L60 (严进严出: apply after 2 full years with no new trigger)"
RULE_REVOKED_REMOVAL = "R8.4.3 L60 (吊销/撤销: removed once 注销登记 is completed)"
RULE_OBJECTION = "R8.4.4 L60 (异议: the registrar corrects a confirmed error)"
RULE_RED = "R8.5.3 (红名单: computed from the configured rule set, never by hand)"
RULE_CLOSED = "R2.3/R2.4 (a deregistered or revoked organization is closed)"


@dataclass(frozen=True)
class CreditPolicy:
    """The engine's parameters. Defaults are the rulebook's values; settings override the tagged ones."""

    escalation_years: int = 2  # R8.3 #1 [CONFIRMED]
    serious_removal_years: int = 2  # R8.4.3 [CONFIRMED secondary]
    fine_threshold: Decimal = Decimal(50_000)  # R8.3 #4 / R8.2 #5 [CONFIRMED]
    repeat_window_years: int = 3  # R8.3 #5 [CONFIRMED]
    repeat_count: int = 2  # R8.3 #5 [CONFIRMED]
    auto_removal_months: int = 6  # R8.4.2 [DRAFT-ONLY]
    removal_working_days: int = 5  # R8.4.2 [DRAFT-ONLY]: registrar removes within, after verifying
    serious_decision_working_days: int = 5  # R8.4.3 [UNCONFIRMED]
    objection_working_days: int = 10  # R8.4.4 [UNCONFIRMED]
    red_min_grade: str = "3A"  # R8.5.3 [UNCONFIRMED]
    red_clean_years: int = 3  # R8.5.3 [UNCONFIRMED]: no list entry and no penalty within
    red_report_years: int = 2  # R8.5.3 [UNCONFIRMED]: a good filing record for the last N report years due
    report_first_year: int = 2020  # R4.4 年检改年报: earlier years count by their 年检 conclusion (合格, R4.3)
    engine_start: date = date(2018, 1, 24)  # L60 in force on publication: no list state before
    holidays: frozenset[date] = frozenset()
    projection_years: int = 6  # how far ahead the timeline looks
    version: str = POLICY_VERSION

    def describe(self) -> dict[str, object]:
        params = {k: (str(v) if isinstance(v, (Decimal, date)) else v) for k, v in self.__dict__.items()
                  if k not in ("holidays", "version")}
        return {"version": self.version, "parameters": params,
                "rules": [{"code": r.code, "list": r.list, "article": r.article, "legal_basis": r.legal_basis,
                           "title_zh": r.title_zh, "duty": r.duty, "manual": r.manual, "status": r.status}
                          for r in RULES],
                "procedures": [RULE_RELIST, RULE_ABNORMAL_REMOVAL, RULE_AUTO_REMOVAL, RULE_NOTHING_TO_RECTIFY,
                               RULE_SERIOUS_REMOVAL, RULE_REVOKED_REMOVAL, RULE_OBJECTION, RULE_RED]}


GRADES = ("1A", "2A", "3A", "4A", "5A")


# what an inspector may list by hand on each list (R8.2, R8.3): every rule marked manual
MANUAL_RULES: dict[str, tuple[str, ...]] = {
    lst: tuple(r.code for r in RULES if r.list == lst and r.manual) for lst in (ABNORMAL, SERIOUS)}
