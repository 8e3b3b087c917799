"""Foundation governance (R2.1.4; 基金会管理条例 arts 20-24), checked at registration and at every change.

A foundation's board (理事会) is recorded with the registration: each director's role, whether paid
(在基金会领取报酬) and full-time, residency, whether a serving state functionary, and which directors are
near relatives (近亲属) of one another; its supervisors (监事); the charter's term, meetings and quorum;
and, when officers are elected (a 换届 or a new chair), the board meeting that elected them. Every value
below is CONFIRMED-TEXT in JJH, hence a constant. Field rules collect into one 422 naming each field and
its article. Plain Python.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from shared.errors import RuleFailures

ROLES = {"chair": "理事长", "vice_chair": "副理事长", "secretary_general": "秘书长", "director": "理事"}
OFFICERS = frozenset({"chair", "vice_chair", "secretary_general"})
RESIDENCIES = {"mainland": "内地居民", "hk_macao_taiwan": "香港、澳门、台湾居民", "foreign": "外国人"}

BOARD_MIN, BOARD_MAX = 5, 25  # JJH art. 20
TERM_MAX_YEARS = 5  # JJH art. 20
RELATIVES_MAX_SHARE = Fraction(1, 3)  # JJH art. 20: private-asset non-public foundations
PAID_MAX_SHARE = Fraction(1, 3)  # JJH art. 20
MEETINGS_MIN = 2  # JJH art. 21
QUORUM_MIN = Fraction(2, 3)  # JJH art. 21
ELECTION_MIN = Fraction(2, 3)  # JJH art. 21(二): electing the chair, vice-chairs, secretary-general
MAINLAND_MIN_MONTHS = 3  # JJH art. 24

ART20, ART21, ART22, ART23, ART24 = (f"JJH art. {n}" for n in (20, 21, 22, 23, 24))


@dataclass(frozen=True)
class Director:
    name: str
    role: str = "director"
    paid: bool = False  # 在基金会领取报酬
    full_time: bool = False  # 在基金会担任专职工作
    residency: str = "mainland"
    months_in_mainland: int | None = None  # per year; officers who are not mainland residents (art. 24)
    state_functionary: bool = False  # 现职国家工作人员 (art. 23)
    relatives_group: str | None = None  # directors sharing a label are near relatives of one another


@dataclass(frozen=True)
class Supervisor:
    name: str
    paid: bool = False
    finance_staff: bool = False  # 基金会财会人员
    near_relative_of_director: bool = False


@dataclass(frozen=True)
class Election:
    """The board meeting that elected the officers (理事会会议)."""

    directors_present: int
    votes_for: int


@dataclass(frozen=True)
class Governance:
    board: tuple[Director, ...]
    supervisors: tuple[Supervisor, ...]
    term_years: int
    meetings_per_year: int
    meeting_quorum: Fraction
    private_assets: bool = False  # 用私人财产设立 (a non-public foundation)
    fund_from_mainland: bool = True  # 原始基金来自中国内地
    election: Election | None = None

    @property
    def chair(self) -> Director | None:
        chairs = [d for d in self.board if d.role == "chair"]
        return chairs[0] if len(chairs) == 1 else None

    def to_json(self) -> dict[str, object]:
        return {"board": [d.__dict__ for d in self.board], "supervisors": [s.__dict__ for s in self.supervisors],
                "term_years": self.term_years, "meetings_per_year": self.meetings_per_year,
                "meeting_quorum": f"{self.meeting_quorum.numerator}/{self.meeting_quorum.denominator}",
                "private_assets": self.private_assets, "fund_from_mainland": self.fund_from_mainland,
                "election": None if self.election is None else self.election.__dict__}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "Governance":
        election = data.get("election")
        return cls(tuple(Director(**d) for d in data["board"]),  # type: ignore[union-attr, arg-type]
                   tuple(Supervisor(**s) for s in data["supervisors"]),  # type: ignore[union-attr, arg-type]
                   int(data["term_years"]), int(data["meetings_per_year"]),  # type: ignore[arg-type]
                   Fraction(str(data["meeting_quorum"])), bool(data["private_assets"]),
                   bool(data["fund_from_mainland"]),
                   Election(**election) if isinstance(election, dict) else None)

    def summary(self) -> str:
        """One line for the history and the change event (names of the chair only; no personal data)."""
        chair = self.chair.name if self.chair else "?"
        return (f"理事{len(self.board)}人，理事长{chair}，监事{len(self.supervisors)}人，"
                f"每届{self.term_years}年")


def check(g: Governance, foundation_kind: str | None, lr_name: str, *, election_required: bool = False,
          prefix: str = "governance") -> None:
    """Every rule of JJH arts 20-24 at once: one 422 listing each failing field with its article."""
    f = RuleFailures()
    _board(g, f, prefix)
    _officers(g, lr_name, f, prefix)
    _relatives_and_pay(g, foundation_kind, f, prefix)
    _meetings(g, f, prefix, election_required)
    _legal_representative(g, foundation_kind, f, prefix)
    _supervisors(g, f, prefix)
    f.raise_if_any()


def _board(g: Governance, f: RuleFailures, p: str) -> None:
    n = len(g.board)
    if not BOARD_MIN <= n <= BOARD_MAX:
        f.add(f"{p}.board", f"基金会设理事会，理事为{BOARD_MIN}人至{BOARD_MAX}人; got {n}", ART20)
    if not 1 <= g.term_years <= TERM_MAX_YEARS:
        f.add(f"{p}.term_years", f"理事每届任期不得超过{TERM_MAX_YEARS}年; got {g.term_years}", ART20)
    doubled = sorted(name for name, k in Counter(d.name for d in g.board).items() if k > 1)
    if doubled:
        f.add(f"{p}.board", f"each director is listed once (names must be distinct): {', '.join(doubled)}", ART20)


def _officers(g: Governance, lr_name: str, f: RuleFailures, p: str) -> None:
    roles = Counter(d.role for d in g.board)
    if roles["chair"] != 1 or roles["secretary_general"] != 1 or roles["vice_chair"] < 1:
        f.add(f"{p}.board", "理事会设理事长、副理事长和秘书长，从理事中选举产生: one chair, at least one vice_chair, "
              f"one secretary_general; got {dict(roles)}", ART20)
    chair = g.chair
    if chair is not None and chair.name != lr_name:
        f.add(f"{p}.board", f"理事长是基金会的法定代表人: the chair ({chair.name}) is not the legal representative "
              f"({lr_name})", ART20)
    for i, d in enumerate(g.board):
        if d.role in OFFICERS and d.state_functionary:
            f.add(f"{p}.board.{i}.state_functionary", f"基金会{ROLES[d.role]}不得由现职国家工作人员兼任 ({d.name})", ART23)
        if d.role in OFFICERS and d.residency != "mainland" and (d.months_in_mainland or 0) < MAINLAND_MIN_MONTHS:
            f.add(f"{p}.board.{i}.months_in_mainland", f"担任{ROLES[d.role]}的{RESIDENCIES[d.residency]}每年在中国内地"
                  f"居留时间不得少于{MAINLAND_MIN_MONTHS}个月 ({d.name}: {d.months_in_mainland})", ART24)


def _relatives_and_pay(g: Governance, kind: str | None, f: RuleFailures, p: str) -> None:
    n = len(g.board) or 1
    groups = Counter(d.relatives_group for d in g.board if d.relatives_group)
    related = sum(k for k in groups.values() if k > 1)
    if g.private_assets and kind != "non_public":
        f.add(f"{p}.private_assets", "only a non-public foundation (非公募基金会) is set up with private assets", ART20)
    if g.private_assets and kind == "non_public":
        if Fraction(related, n) > RELATIVES_MAX_SHARE:
            f.add(f"{p}.board", "用私人财产设立的非公募基金会，相互间有近亲属关系的理事总数不得超过理事总人数的1/3; "
                  f"got {related} of {len(g.board)}", ART20)
    elif related:
        f.add(f"{p}.board", f"具有近亲属关系的不得同时在理事会任职; got {related} directors who are near relatives", ART20)
    paid = sum(d.paid for d in g.board)
    if Fraction(paid, n) > PAID_MAX_SHARE:
        f.add(f"{p}.board", f"在基金会领取报酬的理事不得超过理事总人数的1/3; got {paid} of {len(g.board)}", ART20)
    for i, d in enumerate(g.board):
        if d.paid and not d.full_time:
            f.add(f"{p}.board.{i}.paid", f"未在基金会担任专职工作的理事不得从基金会获取报酬 ({d.name})", ART23)


def _meetings(g: Governance, f: RuleFailures, p: str, election_required: bool) -> None:
    if g.meetings_per_year < MEETINGS_MIN:
        f.add(f"{p}.meetings_per_year", f"理事会每年至少召开{MEETINGS_MIN}次会议; got {g.meetings_per_year}", ART21)
    if not QUORUM_MIN <= g.meeting_quorum <= 1:
        f.add(f"{p}.meeting_quorum", f"理事会会议须有2/3以上理事出席方能召开; got {g.meeting_quorum}", ART21)
    e = g.election
    if e is None:
        if election_required:
            f.add(f"{p}.election", "选举理事长、副理事长、秘书长须经理事会会议: give the meeting that elected them "
                  "(directors_present, votes_for)", ART21)
        return
    if e.directors_present > len(g.board) or Fraction(e.directors_present, len(g.board) or 1) < QUORUM_MIN:
        f.add(f"{p}.election.directors_present", f"理事会会议须有2/3以上理事出席方能召开; got {e.directors_present} "
              f"of {len(g.board)}", ART21)
    if e.votes_for > e.directors_present or Fraction(e.votes_for, e.directors_present or 1) < ELECTION_MIN:
        f.add(f"{p}.election.votes_for", "选举理事长、副理事长、秘书长的决议，须经出席理事表决，2/3以上通过方为有效; "
              f"got {e.votes_for} of {e.directors_present}", ART21)


def _legal_representative(g: Governance, kind: str | None, f: RuleFailures, p: str) -> None:
    chair = g.chair
    must_be_mainland = kind == "public" or (kind == "non_public" and g.fund_from_mainland)
    if chair is not None and must_be_mainland and chair.residency != "mainland":
        which = "公募基金会" if kind == "public" else "原始基金来自中国内地的非公募基金会"
        index = g.board.index(chair)
        f.add(f"{p}.board.{index}.residency", f"{which}的法定代表人，应当由内地居民担任 ({chair.name}: "
              f"{RESIDENCIES.get(chair.residency, chair.residency)})", ART23)


def _supervisors(g: Governance, f: RuleFailures, p: str) -> None:
    if not g.supervisors:
        f.add(f"{p}.supervisors", "基金会设监事", ART22)
    directors = {d.name for d in g.board}
    for i, s in enumerate(g.supervisors):
        if s.name in directors:
            f.add(f"{p}.supervisors.{i}.name", f"理事不得兼任监事 ({s.name})", ART22)
        if s.near_relative_of_director:
            f.add(f"{p}.supervisors.{i}.near_relative_of_director", f"理事的近亲属不得兼任监事 ({s.name})", ART22)
        if s.finance_staff:
            f.add(f"{p}.supervisors.{i}.finance_staff", f"基金会财会人员不得兼任监事 ({s.name})", ART22)
        if s.paid:
            f.add(f"{p}.supervisors.{i}.paid", f"监事不得从基金会获取报酬 ({s.name})", ART23)
