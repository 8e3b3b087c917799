"""Rating certificates and plaques (R9.1, R9.6): issued with a 3A+ award, recalled when the grade is
lowered or cancelled (in that downgrade's transaction), returned within 15 days - and then exchanged for
the lowered grade's set where it is still 3A or above (换发) - or publicly declared void (公告作废)."""
from __future__ import annotations

from services.registry.domain import uscc as uscc_rules
from services.registry.domain.certificates import (Certificate, RecordReturn, VoidCertificate, certified,
                                                   number_for)
from services.registry.domain.rating import Rating, RatingChange
from services.registry.service_layer.ports import UnitOfWork
from shared.errors import NotFound


def issue_for_award(uow: UnitOfWork, rating: Rating) -> Certificate | None:
    """Inside the award's transaction: a 3A+ grade comes with its numbered certificate and plaque."""
    if not certified(rating.grade):
        return None
    assert rating.id is not None
    cert = Certificate(number_for(rating.awarded_on, rating.id), rating.id, rating.uscc, rating.grade,
                       rating.awarded_on, rating.expires_on, rating.awarded_by, uow.clock.now())
    uow.certificates.add(cert)
    _announce_issue(uow, cert)
    return cert


def recall_for(uow: UnitOfWork, rating: Rating, change: RatingChange) -> Certificate | None:
    """Inside the downgrade's transaction: the set the organization holds is due back in 15 days."""
    assert rating.id is not None
    cert = uow.certificates.outstanding(rating.id)
    if cert is None:  # none issued (below 3A, or a grade imported from before the register), or recalled already
        return None
    cert.recall(change.changed_on, change.reason)
    uow.certificates.update(cert)
    assert cert.return_due_on is not None and cert.recalled_on is not None
    uow.publish("registry.rating.certificate_recalled", cert.uscc, {
        "uscc": cert.uscc, "rating_id": cert.rating_id, "number": cert.number, "grade": cert.grade,
        "recalled_on": cert.recalled_on.isoformat(), "return_due_on": cert.return_due_on.isoformat(),
        "reason": change.reason, "to_grade": change.to_grade})
    return cert


def record_return(cmd: RecordReturn, uow: UnitOfWork) -> tuple[Certificate, Certificate | None]:
    """The registrar records the set's return; the lowered grade's set is issued in exchange when
    that grade is valid and 3A or above. 409 if the set was not recalled, or was returned or voided."""
    with uow:
        cert = _load(uow, cmd.uscc, cmd.number)
        today = uow.clock.today()
        cert.record_return(cmd.returned_on or today, cmd.by, uow.clock.now(), today)
        uow.certificates.update(cert)
        assert cert.returned_on is not None and cert.return_due_on is not None
        uow.publish("registry.rating.certificate_returned", cert.uscc, {
            "uscc": cert.uscc, "rating_id": cert.rating_id, "number": cert.number,
            "returned_on": cert.returned_on.isoformat(), "return_due_on": cert.return_due_on.isoformat(),
            "late": cert.late()})
        replacement = _exchange(uow, cert, cmd.by)
        uow.commit()
    return cert, replacement


def void(cmd: VoidCertificate, uow: UnitOfWork) -> Certificate:
    """公告作废: a set not returned within the 15 days is publicly declared void (409 before that)."""
    with uow:
        cert = _load(uow, cmd.uscc, cmd.number)
        today = uow.clock.today()
        cert.void(cmd.voided_on or today, cmd.notice, cmd.by, uow.clock.now(), today)
        uow.certificates.update(cert)
        assert cert.voided_on is not None
        uow.publish("registry.rating.certificate_voided", cert.uscc, {
            "uscc": cert.uscc, "rating_id": cert.rating_id, "number": cert.number,
            "voided_on": cert.voided_on.isoformat(), "notice": cmd.notice})
        uow.commit()
    return cert


def _exchange(uow: UnitOfWork, old: Certificate, by: str) -> Certificate | None:
    rating = next((r for r in uow.ratings.history(old.uscc) if r.id == old.rating_id), None)
    assert old.returned_on is not None
    if (rating is None or rating.status != "valid" or not rating.valid_on(old.returned_on)
            or not certified(rating.grade) or uow.certificates.outstanding(old.rating_id) is not None):
        return None
    sequence = uow.certificates.count_for(old.rating_id) + 1
    cert = Certificate(number_for(rating.awarded_on, old.rating_id, sequence), old.rating_id, old.uscc,
                       rating.grade, old.returned_on, rating.expires_on, by, uow.clock.now(), replaces=old.number)
    uow.certificates.add(cert)
    _announce_issue(uow, cert)
    return cert


def _load(uow: UnitOfWork, uscc: str, number: str) -> Certificate:
    cert = uow.certificates.get(number)
    if cert is None or cert.uscc != uscc_rules.normalize(uscc):
        raise NotFound(f"no rating certificate {number} of {uscc}")
    return cert


def _announce_issue(uow: UnitOfWork, cert: Certificate) -> None:
    uow.publish("registry.rating.certificate_issued", cert.uscc, {
        "uscc": cert.uscc, "rating_id": cert.rating_id, "number": cert.number, "grade": cert.grade,
        "issued_on": cert.issued_on.isoformat(), "valid_until": cert.valid_until.isoformat(),
        "replaces": cert.replaces})
