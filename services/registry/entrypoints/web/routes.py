"""All registry pages, as one router for the app factories."""
from __future__ import annotations

from fastapi import APIRouter

from services.registry.entrypoints.web import auth_pages, dormancy_pages, org_pages, registrar_pages, sanction_pages

web_router = APIRouter()
web_router.include_router(auth_pages.router)
web_router.include_router(org_pages.router)
web_router.include_router(registrar_pages.router)
web_router.include_router(sanction_pages.router)
web_router.include_router(dormancy_pages.router)
