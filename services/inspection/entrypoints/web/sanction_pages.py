"""The inspection service's sanction pages (shared/webui/sanction_pages.py): penalties, manual list
changes and approved applications proposed by one person and approved by an approver."""
from __future__ import annotations

from typing import Any

from services.inspection.domain.sanctions import APPLICATION, INCLUSION, KINDS, PENALTY, REMOVAL
from services.inspection.entrypoints.api.routes_sanctions import API
from shared.webui.sanction_pages import pages_of, sanction_router


def _result_url(p: dict[str, Any]) -> str | None:
    if p["state"] != "approved" or not p["result_id"]:
        return None
    return {PENALTY: f"/inspection/penalties/{p['result_id']}",
            INCLUSION: f"/inspection/web/credit/entries/{p['result_id']}",
            REMOVAL: f"/inspection/web/credit/entries/{p['result_id']}",
            APPLICATION: f"/inspection/web/credit/applications/{p['result_id']}"}.get(p["kind"])


router = sanction_router(pages_of(API, "/inspection/web/sanctions", KINDS, _result_url))
