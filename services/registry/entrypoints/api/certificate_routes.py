"""Rating certificates and plaques (issue 13 item 9; R9.1, R9.6): issued numbered with every 3A+ award,
recalled when the grade is lowered or cancelled, returned within 15 days (the registrar records it; the
lowered grade's set is issued in exchange while it is 3A or above) or publicly declared void (公告作废).
Registrars write; anyone may verify a certificate by its number and read the voiding notices (no
personal data: not even who recorded what)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from services.registry.adapters import certificate_repository as views
from services.registry.domain import uscc as uscc_rules
from services.registry.domain.certificates import RecordReturn, VoidCertificate
from services.registry.entrypoints.api.deps import Container, UsccPath
from services.registry.service_layer import certificates
from shared.errors import Forbidden, NotFound
from shared.schema_types import LongText
from shared.web import CurrentPrincipal

router = APIRouter(tags=["rating certificates (R9.1, R9.6)"])
STAFF = ("registrar", "inspector", "approver")
CERTS = "/registry/organizations/{uscc}/rating-certificates"
Number = Annotated[str, Path(min_length=1, max_length=30, pattern=r"^PG-[0-9]{4}-[0-9]{6,12}(-[0-9]{1,4})?$",
                             description="the certificate number, e.g. PG-2026-000042 (-2, -3 … after an exchange)")]
Day = Annotated[date, Field(ge=date(1949, 10, 1), le=date(2100, 12, 31))]
PageQ = Annotated[int, Query(ge=1, le=100_000)]
SizeQ = Annotated[int, Query(ge=1, le=500)]


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    returned_on: Day | None = Field(None, description="default today; not before the downgrade, not in the future")


class VoidingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notice: LongText = Field(description="the public notice (公告作废): its number or text")
    voided_on: Day | None = Field(None, description="default today; after the return deadline, not in the future")


class CertificateOut(BaseModel):
    number: str
    uscc: str
    rating_id: int
    grade: str
    issued_on: date
    valid_until: date
    state: Literal["issued", "return_due", "returned", "voided"]
    status: Literal["issued", "expired", "return_due", "return_overdue", "returned", "voided"]
    status_zh: str
    replaces: str | None
    recalled_on: date | None
    recall_reason: str | None
    return_due_on: date | None
    returned_on: date | None
    returned_late: bool
    voided_on: date | None
    void_notice: str | None
    name: str | None = None


class StaffCertificateOut(CertificateOut):
    issued_by: str
    returned_by: str | None
    voided_by: str | None


class OrgCertificatesOut(BaseModel):
    uscc: str
    items: list[StaffCertificateOut]


class ReturnOut(BaseModel):
    certificate: StaffCertificateOut
    replacement: StaffCertificateOut | None


class PageOut(BaseModel):
    view: str
    as_of: date
    total: int
    page: int
    size: int
    items: list[CertificateOut]


class StaffPageOut(PageOut):
    items: list[StaffCertificateOut]  # type: ignore[assignment]


@router.get(CERTS, response_model=OrgCertificatesOut)
def list_certificates(uscc: UsccPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """The organization's certificate and plaque sets (registrar, inspector, approver, its own account)."""
    code = uscc_rules.normalize(uscc)
    if not who.may_see(code):
        raise Forbidden("an org account reaches only its own organization")
    with c.db.read_session() as session:
        return {"uscc": code, "items": views.certificates_of(session, code, c.clock.today())}


@router.post(CERTS + "/{number}/return", response_model=ReturnOut)
async def record_return(uscc: UsccPath, number: Number, c: Container, who: CurrentPrincipal,
                        body: ReturnIn | None = None) -> dict[str, Any]:
    """The registrar records that a recalled set came back (R9.6; late if after the 15 days, still
    accepted until it is declared void) and, where the lowered grade is still valid and 3A or above, the
    set issued in exchange (换发). 409 if the set was not recalled, or was returned or voided already."""
    who.require("registrar")
    cmd = RecordReturn(uscc, number, body.returned_on if body else None, who.username)
    cert, replacement = await to_thread.run_sync(certificates.record_return, cmd, c.uow(), limiter=c.write_limiter)
    today = c.clock.today()
    return {"certificate": views.present(cert, today),
            "replacement": replacement and views.present(replacement, today)}


@router.post(CERTS + "/{number}/voiding", response_model=StaffCertificateOut)
async def void_certificate(uscc: UsccPath, number: Number, body: VoidingIn, c: Container,
                           who: CurrentPrincipal) -> dict[str, Any]:
    """公告作废 (R9.6): the registrar declares a set not returned within 15 days of the downgrade void,
    naming the public notice; the public verification shows it void. 409 before the 15 days have passed."""
    who.require("registrar")
    cmd = VoidCertificate(uscc, number, body.notice, body.voided_on, who.username)
    cert = await to_thread.run_sync(certificates.void, cmd, c.uow(), limiter=c.write_limiter)
    return views.present(cert, c.clock.today())


@router.get("/registry/rating-certificates", response_model=StaffPageOut)
def certificate_list(c: Container, who: CurrentPrincipal, page: PageQ = 1, size: SizeQ = 50,
                     view: Literal["issued", "return_due", "return_overdue", "returned", "voided"]
                     = "return_overdue") -> dict[str, Any]:
    """The registrar's lists (registrar, inspector, approver): by default the returns overdue (recalled
    more than 15 days ago, neither returned nor declared void: candidates for 公告作废), oldest due first;
    also the returns still due, the sets returned, voided, or held and valid."""
    who.require(*STAFF)
    with c.db.read_session() as session:
        return views.certificate_page(session, view, c.clock.today(), page, size)


@router.get("/registry/rating-certificate-notices", response_model=PageOut)
def voiding_notices(c: Container, page: PageQ = 1, size: SizeQ = 50) -> dict[str, Any]:
    """Public: the certificates and plaques publicly declared void (公告作废, R9.6), newest first."""
    with c.db.read_session() as session:
        return views.certificate_page(session, "voided", c.clock.today(), page, size, public=True)


@router.get("/registry/rating-certificates/{number}", response_model=CertificateOut)
def verify_certificate(number: Number, c: Container) -> dict[str, Any]:
    """Public: check a certificate or plaque by its number - the organization, the grade, its validity,
    and whether it is valid, expired, due back or overdue after a downgrade, returned, or declared void."""
    with c.db.read_session() as session:
        found = views.public_certificate(session, number, c.clock.today())
    if found is None:
        raise NotFound(f"no rating certificate {number}")
    return found
