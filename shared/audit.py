"""The audit trail: who acts, and the records written for them in each service's append-only,
hash-chained log (the log itself, its triggers and `verify`: shared/audit_chain.py, re-exported here).

Who acts is a context (`AuditContext`) made current for the duration of a request (shared.web's
RequestContextMiddleware), a command line call or a scheduled job (`acting_as`). While one is
current, every unit-of-work commit appends a record in the same transaction (`record_commit`):
actor, role, action, target, digests of the rows before and after and of the events published,
request id and client address. Without a context (event consumers, relays) nothing is recorded, so
the consumer path pays one context-variable lookup per commit. Sign-ins and reads of personal data
are recorded explicitly (`record`).
"""
from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from shared.audit_chain import (GENESIS, HASHED, LOCK_KEY, AuditEntry, Break, ChainReport, append, audit_log,
                                canonical, digest, inspect_chain, install_append_only, metadata, record_hash,
                                remove_append_only, verify)

if TYPE_CHECKING:
    from shared.db import Database

__all__ = ["GENESIS", "HASHED", "LOCK_KEY", "AuditContext", "AuditEntry", "Break", "ChainReport", "acting_as",
           "activate", "append", "audit_log", "canonical", "cli_actor", "current", "deactivate", "digest",
           "inspect_chain", "install_append_only", "metadata", "record", "record_commit", "record_hash", "record_in",
           "record_personal_data_read", "remove_append_only", "sign_in_entry", "track_row_changes", "unrecorded",
           "verify", "writes_recorded_by_caller"]


# ---------------------------------------------------------------- who acts: the current context

@dataclass
class AuditContext:
    """Who acts and from where. A request's context reads its principal lazily (`principal`) and its
    route template and path parameters from the ASGI scope once routing has filled them in."""

    actor: str | None = None
    role: str | None = None
    action: str | None = None
    request_id: str | None = None
    client_address: str | None = None
    scope: MutableMapping[str, Any] | None = None
    principal: Callable[[], tuple[str, str | None] | None] | None = None
    record_unchanged: bool = True  # a request's write is recorded even when it changed nothing visible
    record_writes: bool = True  # False: the caller records the act itself (a sign-in and its bookkeeping)
    _who: tuple[str, str | None] | None = field(default=None, init=False, repr=False)

    def who(self) -> tuple[str, str | None]:
        if self._who is None:
            found = self.principal() if self.principal is not None else None
            self._who = (self.actor, self.role) if self.actor else (found or ("anonymous", None))
        return self._who

    def action_name(self) -> str:
        if self.action:
            return self.action
        scope = self.scope or {}
        route = getattr(scope.get("route"), "path", None) or scope.get("path", "?")
        return f"{scope.get('method', '?')} {route}"

    def path_params(self) -> dict[str, Any]:
        return dict((self.scope or {}).get("path_params") or {})

    def entry(self, action: str, **fields: Any) -> AuditEntry:
        actor, role = self.who()
        return AuditEntry(actor=fields.pop("actor", actor), role=fields.pop("role", role), action=action,
                          request_id=self.request_id, client_address=self.client_address, **fields)


_current: ContextVar[AuditContext | None] = ContextVar("socreg_audit_context", default=None)


def current() -> AuditContext | None:
    return _current.get()


def activate(context: AuditContext) -> Token[AuditContext | None]:
    return _current.set(context)


def deactivate(token: Token[AuditContext | None]) -> None:
    _current.reset(token)


@contextmanager
def acting_as(actor: str, action: str, *, role: str | None = None, record_unchanged: bool = True) -> Iterator[None]:
    """Commits inside are recorded as `actor` doing `action` (the command line, scheduled jobs)."""
    token = activate(AuditContext(actor=actor, role=role, action=action, record_unchanged=record_unchanged))
    try:
        yield
    finally:
        deactivate(token)


@contextmanager
def writes_recorded_by_caller() -> Iterator[None]:
    """Inside, unit-of-work commits append no record of their own: the caller records the act once
    (a sign-in attempt stands for its throttle counters and session rows)."""
    context = current()
    token = activate(replace(context, record_writes=False)) if context is not None else None
    try:
        yield
    finally:
        if token is not None:
            deactivate(token)


@contextmanager
def unrecorded() -> Iterator[None]:
    """No context inside: an event consumer carries out what an audited act already decided, whichever
    thread runs it (a worker, or `socreg demo`'s main thread), and records nothing per event."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def cli_actor() -> str:
    """`cli:<os user>` for writes made with the socreg command."""
    try:
        user = getpass.getuser()  # LOGNAME, USER ... then the password database
    except (OSError, KeyError):
        user = str(os.getuid())
    return f"cli:{user}"


# ---------------------------------------------------------------- explicit records: sign-ins, reads

def record(db: "Database", entry: AuditEntry) -> int:
    """Append `entry` in a transaction of its own (a sign-in, a read of personal data). Call it outside
    any unit of work: on SQLite it queues on the database's write lock. Request id and client address
    come from the current context when the entry leaves them empty."""
    context = current()
    if context is not None:
        entry = _with_request(entry, context)
    if db.write_lock is not None:
        db.write_lock.acquire()
    try:
        with db.write_engine.begin() as conn:
            return append(conn, entry)
    finally:
        if db.write_lock is not None:
            db.write_lock.release()


def record_in(session: Session, entry: AuditEntry) -> int:
    """Append `entry` inside a unit of work's transaction (committed, or rolled back, with it)."""
    context = current()
    return append(session.connection(), _with_request(entry, context) if context is not None else entry)


def _with_request(entry: AuditEntry, context: AuditContext) -> AuditEntry:
    return AuditEntry(**{**asdict(entry), "request_id": entry.request_id or context.request_id,
                         "client_address": entry.client_address or context.client_address})


def sign_in_entry(username: str, outcome: str, *, role: str | None = None, reason: str | None = None,
                  client_address: str | None = None) -> AuditEntry:
    """A sign-in attempt: `outcome` is "success" or "failure" (`reason`: the rule that refused it, e.g.
    auth.throttled); the actor is the name tried."""
    detail = {"outcome": outcome, **({"reason": reason} if reason else {})}
    return AuditEntry(actor=username or "(empty)", role=role, action=f"sign in {outcome}", target_type="account",
                      target_id=username, client_address=client_address, detail=detail)


def record_personal_data_read(db: "Database", *, uscc: str, fields: Sequence[str], actor: str | None = None,
                              role: str | None = None) -> int:
    """Who read whose personal data (ID number, phone): one record per read."""
    context = current() or AuditContext()
    entry = context.entry("read personal data", target_type="organization", target_id=uscc, uscc=uscc,
                          detail={"fields": list(fields), "via": context.action_name()},
                          **({"actor": actor, "role": role} if actor else {}))
    return record(db, entry)


# ---------------------------------------------------------------- writes: one record per commit

_ROWS = "socreg_audit_rows"


@dataclass(frozen=True)
class RowChange:
    op: str  # insert | update | delete
    table: str
    key: list[Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def track_row_changes(factory: sessionmaker[Session]) -> None:
    """Keep, per session, the before and after images of the ORM rows each flush writes while an audit
    context is current (after_flush still sees the pre-flush state and attribute history)."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "after_rollback", lambda session: session.info.pop(_ROWS, None))


def _after_flush(session: Session, _flush_context: Any) -> None:
    if _current.get() is None:
        return
    rows: list[RowChange] = session.info.setdefault(_ROWS, [])
    for op, objects in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if op == "update" and not session.is_modified(obj, include_collections=False):
                continue
            rows.append(_row_change(op, obj))


def _row_change(op: str, obj: object) -> RowChange:
    state = inspect(obj)
    mapper = state.mapper
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        history = state.attrs[attr.key].history
        unchanged = list(history.unchanged or ())
        before[attr.key] = (list(history.deleted or ()) or unchanged or [None])[0]
        after[attr.key] = (list(history.added or ()) or unchanged or [None])[0]
    key = list(state.identity or mapper.primary_key_from_instance(obj))
    table = getattr(mapper.persist_selectable, "name", mapper.class_.__name__)
    return RowChange(op, table, key, None if op == "insert" else before, None if op == "delete" else after)


def record_commit(session: Session, events: Sequence[Any]) -> None:
    """In the unit of work's commit, before the transaction commits: one record for this transaction
    when an audit context is current (`events`: the envelopes it publishes)."""
    context = _current.get()
    if context is None or not context.record_writes:
        return
    session.flush()
    rows: list[RowChange] = session.info.pop(_ROWS, [])
    if not events and not rows and not context.record_unchanged:
        return
    append(session.connection(), _write_entry(context, events, rows))


def _write_entry(context: AuditContext, events: Sequence[Any], rows: list[RowChange]) -> AuditEntry:
    params = context.path_params()
    uscc = params.get("uscc") or next((e.data.get("uscc") for e in events if isinstance(e.data.get("uscc"), str)),
                                      None)
    target_type, target_id = _target(context, params, events, rows)
    befores = [r.before for r in rows if r.before is not None]
    after = {"events": [[e.type, e.subject, e.data] for e in events], "rows": [r.after for r in rows if r.after]}
    detail = {"events": [e.type for e in events][:50], "event_ids": [str(e.id) for e in events][:50],
              "rows": [f"{r.op} {r.table} {'/'.join(str(k) for k in r.key)}" for r in rows][:50]}
    return context.entry(context.action_name(), target_type=target_type, target_id=target_id,
                         uscc=str(uscc).strip().upper() if uscc else None,
                         before_digest=digest(befores) if befores else None,
                         after_digest=digest(after) if events or rows else None, detail=detail)


def _target(context: AuditContext, params: dict[str, Any], events: Sequence[Any],
            rows: list[RowChange]) -> tuple[str | None, str | None]:
    """The route's last path parameter and the path segment naming it (organizations/{uscc},
    tasks/{task_id}); without one, the first event's aggregate and subject, else the first row written."""
    route = getattr((context.scope or {}).get("route"), "path", "") or ""
    segments = route.strip("/").split("/")
    for index in range(len(segments) - 1, 0, -1):
        name = segments[index]
        if name.startswith("{") and name.endswith("}") and name[1:-1] in params:
            value = str(params[name[1:-1]])
            return segments[index - 1], value.upper() if name == "{uscc}" else value
    if events:
        parts = str(events[0].type).split(".")
        return (parts[1] if len(parts) > 2 else parts[0]), str(events[0].subject)
    if rows:
        return rows[0].table, "/".join(str(k) for k in rows[0].key)
    return None, None
