"""GET /search/audit and the page /search/web/audit: the search service's audit trail, for the `auditor` role
(shared/audit_web.py)."""
from __future__ import annotations

from shared.audit_web import audit_router

router = audit_router("search")
