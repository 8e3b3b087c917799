"""GET /inspection/audit and the page /inspection/web/audit: the inspection service's audit trail, for the `auditor` role
(shared/audit_web.py)."""
from __future__ import annotations

from shared.audit_web import audit_router

router = audit_router("inspection")
