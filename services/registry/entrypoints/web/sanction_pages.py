"""The registry's sanction pages (shared/webui/sanction_pages.py): revocations proposed by a registrar and
approved by an approver who is not the proposer."""
from __future__ import annotations

from typing import Any

from services.registry.domain.sanctions import KINDS
from services.registry.entrypoints.api.sanction_routes import API
from shared.webui.sanction_pages import pages_of, sanction_router


def _result_url(p: dict[str, Any]) -> str | None:
    return f"/registry/web/organizations/{p['uscc']}" if p["state"] == "approved" else None


router = sanction_router(pages_of(API, "/registry/web/sanctions", KINDS, _result_url))
