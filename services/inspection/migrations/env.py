"""Alembic environment of the inspection database: this service's tables, the shared outbox and
consumer tables, the audit log, the scheduler's per-occurrence claims (job_runs) and its APScheduler job store."""
from alembic import context
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import MetaData

from services.inspection.adapters.orm import metadata
from shared.audit import metadata as audit_metadata
from shared.events.outbox import metadata as mechanism_metadata
from shared.migrate import run_env
from shared.scheduler import metadata as scheduler_metadata

job_store_metadata = MetaData()
# the table shared.scheduler.Scheduler("inspection", ...) keeps its jobs in, defined by APScheduler itself
SQLAlchemyJobStore(url="sqlite://", tablename="apscheduler_jobs_inspection", metadata=job_store_metadata)

run_env(context, [metadata, mechanism_metadata, scheduler_metadata, job_store_metadata, audit_metadata])
