"""The inspection paths of api.md, and the routes they grow into. Each route: check who asks,
build a command, call its handler (writes); or read a view (reads)."""
from __future__ import annotations

from fastapi import APIRouter

from services.inspection.entrypoints.api import (routes_binding, routes_coverage, routes_credit, routes_public,
                                                 routes_sanctions, routes_supervision, routes_tasks)

router = APIRouter()
router.include_router(routes_supervision.router)
router.include_router(routes_binding.router)
router.include_router(routes_tasks.router)
router.include_router(routes_public.router)
router.include_router(routes_coverage.router)
router.include_router(routes_credit.router)
router.include_router(routes_sanctions.router)
