"""All inspection pages, as one router for the app factories."""
from __future__ import annotations

from fastapi import APIRouter

from services.inspection.entrypoints.web import credit_pages, draw_pages, notice_pages, queue_pages, sanction_pages

web_router = APIRouter()
web_router.include_router(draw_pages.router)
web_router.include_router(queue_pages.router)
web_router.include_router(notice_pages.router)
web_router.include_router(credit_pages.router)
web_router.include_router(sanction_pages.router)
