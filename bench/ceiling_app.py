"""The ceiling of the registrations benchmark: a bare FastAPI app whose one write endpoint inserts one
row like the registry's (the same columns: the registry's own `organizations` table definition) and
commits. It is a sync `def` endpoint (run in the threadpool, like the registry's routes) with a
SQLAlchemy Session on an engine made by shared.db.Database.connect, so the engine settings are the
registry's: on SQLite WAL, synchronous=NORMAL, BEGIN IMMEDIATE and the process write lock; on
PostgreSQL the same pool. No auth, no rules, no outbox, no event relay, no read-back.

It takes the same JSON body as POST /registry/organizations (parsed into a plain model without the
registry's validators), so one load generator drives both servers unchanged.

Served exactly as `socreg up` serves the registry: `uvicorn.run(app, host=..., port=..., log_level=
"warning")`, one worker, uvicorn's default loop and HTTP implementation.

    python -m bench.ceiling_app --port 8001 --database-url sqlite:////tmp/x/ceiling.db
"""
from __future__ import annotations

import argparse
import itertools
import os
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import FastAPI, status
from pydantic import BaseModel
from sqlalchemy import MetaData, insert
from sqlalchemy.orm import Session

from services.registry.adapters.orm import organizations as registry_organizations
from shared.db import Database

metadata = MetaData()
organizations = registry_organizations.to_metadata(metadata)  # a copy: same columns, constraints, indexes


class LegalRepresentative(BaseModel):
    name: str
    id_number: str
    phone: str


class Members(BaseModel):
    individual: int | None = None
    unit: int | None = None


class Registration(BaseModel):
    name: str
    type: str
    category: str
    level: str
    district: str
    domicile: str
    legal_representative: LegalRepresentative
    registered_funds: Decimal
    business_scope: str
    established_on: date
    supervising_unit: str | None = None
    members: Members | None = None
    foundation_kind: str | None = None
    charity: bool = False


def create_app(database_url: str) -> FastAPI:
    db = Database.connect(database_url)
    metadata.create_all(db.write_engine)
    sequence = itertools.count(1)
    prefix = f"{os.getpid() % 100_000:05d}"
    app = FastAPI(title="socreg bench ceiling")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ready" if db.ping() else "not ready"}

    @app.post("/registry/organizations", status_code=status.HTTP_201_CREATED)
    def register(body: Registration) -> dict[str, Any]:
        uscc = f"5{prefix}{next(sequence):012d}"
        members = body.members or Members()
        row = {"uscc": uscc, "name": body.name, "type": body.type, "category": body.category, "level": body.level,
               "district": body.district, "domicile": body.domicile, "lr_name": body.legal_representative.name,
               "lr_id_number": body.legal_representative.id_number, "lr_phone": body.legal_representative.phone,
               "registered_funds": body.registered_funds, "business_scope": body.business_scope,
               "established_on": body.established_on, "registered_on": date.today(),
               "supervising_unit": body.supervising_unit, "members_individual": members.individual,
               "members_unit": members.unit, "foundation_kind": body.foundation_kind, "status": "active",
               "charity": body.charity, "credit_lists": "", "version": 1}
        if db.write_lock is not None:
            db.write_lock.acquire()
        try:
            with Session(db.write_engine) as session:
                session.execute(insert(organizations).values(row))
                session.commit()
        finally:
            if db.write_lock is not None:
                db.write_lock.release()
        return {"uscc": uscc, "name": body.name, "status": "active"}

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="the bare insert-and-commit ceiling app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    uvicorn.run(create_app(args.database_url), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
