"""Request and response bodies of foundation governance (R2.1.4, JJH arts 20-24) and financial audits
(R5.1). The rules themselves live in domain/governance.py and domain/audits.py: here only shapes."""
from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.registry.domain import governance as rules
from shared.schema_types import Name, ShortText

Role = Literal["chair", "vice_chair", "secretary_general", "director"]
Residency = Literal["mainland", "hk_macao_taiwan", "foreign"]
AuditKind = Literal["general_election", "departure"]
Ratio = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[1-9]\d{0,2}/[1-9]\d{0,2}$")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DirectorIn(_Body):
    name: Name
    role: Role = Field("director", description="理事长 chair (the legal representative, JJH art. 20), 副理事长 "
                       "vice_chair, 秘书长 secretary_general, or 理事 director")
    paid: bool = Field(False, description="在基金会领取报酬: at most 1/3 of the board (JJH art. 20), full-time only "
                       "(JJH art. 23)")
    full_time: bool = Field(False, description="在基金会担任专职工作")
    residency: Residency = Field("mainland", description="内地居民 mainland, 香港/澳门/台湾居民 hk_macao_taiwan, 外国人 "
                                 "foreign. The chair of a public foundation, or of a non-public one whose original "
                                 "fund comes from the mainland, is a mainland resident (JJH art. 23)")
    months_in_mainland: int | None = Field(None, ge=0, le=12, description="months a year in the mainland; an officer "
                                           "who is not a mainland resident stays at least 3 (JJH art. 24)")
    state_functionary: bool = Field(False, description="现职国家工作人员: may not be chair, vice-chair or "
                                    "secretary-general (JJH art. 23)")
    relatives_group: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None = (
        Field(None, description="近亲属关系: directors with the same label are near relatives of one another. None "
              "may sit together, except in a non-public foundation set up with private assets, where they are at "
              "most 1/3 of the board (JJH art. 20)"))


class SupervisorIn(_Body):
    name: Name
    paid: bool = Field(False, description="监事不得从基金会获取报酬 (JJH art. 23)")
    finance_staff: bool = Field(False, description="基金会财会人员不得兼任监事 (JJH art. 22)")
    near_relative_of_director: bool = Field(False, description="理事的近亲属不得兼任监事 (JJH art. 22)")


class ElectionIn(_Body):
    directors_present: int = Field(ge=0, le=100, description="directors at the meeting: at least 2/3 of the board "
                                   "(JJH art. 21)")
    votes_for: int = Field(ge=0, le=100, description="votes for the officers elected: at least 2/3 of those present "
                           "(JJH art. 21(二))")


class GovernanceIn(_Body):
    """A foundation's board and charter terms (R2.1.4, JJH arts 20-24): required when a new foundation
    registers, and with a foundation's 换届 or change of legal representative; not given for other types."""

    board: list[DirectorIn] = Field(max_length=100, description="理事会: 5 to 25 directors, one chair (the legal "
                                    "representative), at least one vice_chair, one secretary_general (JJH art. 20)")
    supervisors: list[SupervisorIn] = Field(max_length=50, description="监事: at least one; no director (JJH art. 22)")
    term_years: int = Field(ge=0, le=100, description="每届任期: at most 5 years (JJH art. 20)")
    meetings_per_year: int = Field(ge=0, le=366, description="理事会会议: at least 2 a year (JJH art. 21)")
    meeting_quorum: Ratio = Field(description='the charter\'s quorum as a fraction, e.g. "2/3": at least 2/3 '
                                  "(JJH art. 21)")
    private_assets: bool = Field(False, description="用私人财产设立的非公募基金会 (JJH art. 20)")
    fund_from_mainland: bool = Field(True, description="原始基金来自中国内地 (JJH art. 23)")
    election: ElectionIn | None = Field(None, description="the board meeting that elected the officers; required "
                                        "with a 换届 or a new chair (JJH art. 21)")

    def to_domain(self) -> rules.Governance:
        return rules.Governance(
            board=tuple(rules.Director(**d.model_dump()) for d in self.board),
            supervisors=tuple(rules.Supervisor(**s.model_dump()) for s in self.supervisors),
            term_years=self.term_years, meetings_per_year=self.meetings_per_year,
            meeting_quorum=Fraction(self.meeting_quorum), private_assets=self.private_assets,
            fund_from_mainland=self.fund_from_mainland,
            election=None if self.election is None else rules.Election(**self.election.model_dump()))


class GovernanceOut(BaseModel):
    uscc: str
    governance: dict[str, object] | None = Field(description="the board on file (GovernanceIn's shape); null for a "
                                                 "foundation migrated in without one, and for other types")
    term_started_on: date | None
    term_ends_on: date | None = Field(description="when the next 换届 is due (term_started_on + term_years)")
    recorded_by: str | None
    recorded_at: datetime | None


class AuditIn(_Body):
    kind: AuditKind = Field(description="general_election: 换届审计 (before a 换届, SHT art. 27, JJH art. 37); "
                            "departure: 离任审计 of the outgoing legal representative (SHT art. 27, MFQ art. 22, JJH "
                            "art. 37)")
    firm: ShortText = Field(description="the accounting firm (会计师事务所) or audit body")
    report_number: ShortText = Field(description="the audit report's number (审计报告文号)")
    issued_on: date = Field(description="the report's date: not before the registration, not in the future")


class AuditOut(BaseModel):
    id: int
    uscc: str
    kind: AuditKind
    firm: str
    report_number: str
    issued_on: date
    recorded_by: str
    used_on: date | None = Field(description="the day a change relied on it (an audit serves one change)")
    used_for: str | None = Field(description="general_election | legal_representative")


class AuditsOut(BaseModel):
    uscc: str
    window_days: int = Field(description="an audit counts for a change within this many days of its issue "
                             "(SOCREG_GOVERNANCE_AUDIT_WINDOW_DAYS)")
    items: list[AuditOut]
