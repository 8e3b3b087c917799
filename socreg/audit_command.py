"""`socreg audit verify`: walk every service's audit chain and name the first broken record."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect as schema_of
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from shared import audit
from shared.db import is_sqlite, make_engine
from shared.settings import Settings

SERVICES = ("registry", "inspection", "search")


@dataclass(frozen=True)
class ServiceVerdict:
    service: str
    ok: bool
    message: str


def verify_service(service: str, url: str) -> ServiceVerdict:
    if is_sqlite(url):
        path = make_url(url).database
        if path and path != ":memory:" and not Path(path).exists():
            return ServiceVerdict(service, True, f"no database yet ({path}): nothing recorded")
    engine = make_engine(url, write=False)
    try:
        if not schema_of(engine).has_table("audit_log"):
            return ServiceVerdict(service, False, "no audit_log table: run `socreg migrate` (or it was dropped)")
        report = audit.inspect_chain(engine)
    except SQLAlchemyError as exc:
        return ServiceVerdict(service, False, f"cannot read the audit log: {exc.__class__.__name__}: {exc}"[:500])
    finally:
        engine.dispose()
    if report.broken is not None:
        return ServiceVerdict(service, False, f"BROKEN at record {report.broken.seq}: {report.broken.reason} "
                                              f"({report.records} records intact before it)")
    return ServiceVerdict(service, True, f"intact, {report.records} records, head {report.head}")


def verify_all(settings: Settings) -> list[ServiceVerdict]:
    return [verify_service(service, settings.database_url(service)) for service in SERVICES]
