"""The register of record: organizations and their change history. Plain Python."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from shared.errors import RuleViolation

ORG_TYPES = {"social_group": "社会团体", "social_service": "民办非企业单位（社会服务机构）", "foundation": "基金会"}
CATEGORIES = {
    "industry_association": "行业协会商会类", "science_technology": "科技类", "charity": "公益慈善类",
    "community_service": "城乡社区服务类", "other": "其他（需业务主管单位）",
}
# the four categories that register directly, without a supervising unit (直接登记; the city plan, 第一章 四(三))
DIRECT_CATEGORIES = frozenset({"industry_association", "science_technology", "charity", "community_service"})
LEVELS = {"city": "市级", "district": "区级"}
STATUSES = {"active": "正常", "deregistered": "已注销", "revoked": "已撤销"}
FOUNDATION_KINDS = {"public": "公募基金会", "non_public": "非公募基金会"}

# what change registration may touch, per type (R2.2.2: SHT art. 12, MFQ art. 12, JJH art. 11)
CHANGEABLE = {
    "social_group": {"name", "domicile", "business_scope", "legal_representative", "registered_funds",
                     "supervising_unit", "members", "category"},
    "social_service": {"name", "domicile", "business_scope", "legal_representative", "registered_funds",
                       "supervising_unit", "category"},
    "foundation": {"name", "domicile", "business_scope", "legal_representative", "registered_funds",
                   "foundation_kind", "supervising_unit", "category"},
}


@dataclass
class Organization:
    uscc: str
    name: str
    type: str
    category: str
    level: str
    district: str
    domicile: str
    lr_name: str
    lr_id_number: str
    lr_phone: str
    registered_funds: Decimal
    business_scope: str
    established_on: date
    registered_on: date
    supervising_unit: str | None = None
    members_individual: int | None = None
    members_unit: int | None = None
    foundation_kind: str | None = None
    status: str = "active"
    charity: bool = False
    charity_since: date | None = None
    fundraising_qualified_on: date | None = None
    ended_on: date | None = None
    end_reason: str | None = None
    credit_lists: str = ""
    version: int = 1

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def ensure_active(self, action: str) -> None:
        if not self.is_active:
            raise RuleViolation(
                f"{self.uscc} is {STATUSES[self.status]} ({self.status}) and can no longer {action}",
                rule="R2.3/R2.4 deregistered or revoked organizations are closed (SHT art. 33; MFQ art. 28; JJH art. 44)")

    def on_list(self, name: str) -> bool:
        return name in self.credit_lists.split(",")

    def facts(self) -> dict[str, object]:
        """The public registration facts: what events carry (no ID number, no phone)."""
        return {
            "uscc": self.uscc, "name": self.name, "type": self.type, "category": self.category,
            "level": self.level, "district": self.district, "domicile": self.domicile,
            "legal_representative_name": self.lr_name, "registered_funds": str(self.registered_funds),
            "business_scope": self.business_scope, "supervising_unit": self.supervising_unit,
            "established_on": self.established_on.isoformat(), "registered_on": self.registered_on.isoformat(),
            "status": self.status, "charity": self.charity,
            "charity_since": _iso(self.charity_since), "fundraising_qualified_on": _iso(self.fundraising_qualified_on),
            "foundation_kind": self.foundation_kind,
        }


@dataclass(frozen=True)
class Clash:
    """An organization that holds a name, a code or a legal representative a registration asks for."""

    uscc: str
    name: str
    lr_id_number: str
    type: str
    status: str


@dataclass
class ChangeRecord:
    uscc: str
    action: str  # registration | change | deregistration | revocation | charity_recognition | fundraising_qualification
    field: str | None
    old_value: str | None
    new_value: str | None
    changed_by: str
    changed_at: datetime
    legal_basis: str | None = None
    id: int | None = None
    # issue 13: the dates a legal deadline runs between, and whether it was missed - a change registration
    # within 30 days of the sponsor's approval (R2.2.1), a charity decision within 20 days of acceptance (R10)
    sponsor_approved_on: date | None = None
    applied_on: date | None = None
    due_on: date | None = None
    late: bool | None = None


@dataclass
class KnownPenalty:
    """A penalty learnt from an inspection.penalty.imposed event (the registry does not impose them)."""

    penalty_id: str
    uscc: str
    kind: str
    effective_on: date
    legal_basis: str
    amount: Decimal | None = None
    annulled_on: date | None = None  # issue 13: voided as an error (an upheld objection, R8.4.4): counts for nothing
    annulment_reason: str | None = None


@dataclass
class User:
    username: str
    password_hash: str
    role: str
    uscc: str | None = None
    active: bool = True
    created_at: datetime | None = field(default=None)
    token_version: int = 0  # moved on by deactivation and a role change: every token issued before stops
    totp_secret: str | None = None  # the second factor, once enrolled (RFC 6238, 30 s steps)
    totp_last_step: int | None = None  # the last time step whose code was used: a code works once


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
