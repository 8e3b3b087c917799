"""All of the registry's write-side SQL. The session is handed in; nothing here commits."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, bindparam, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.registry.adapters.orm import known_penalties, organization_changes, organizations, uscc_sequences
from services.registry.domain.model import ChangeRecord, Clash, KnownPenalty, Organization, User


class SqlOrganizationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, uscc: str) -> Organization | None:
        return self.session.get(Organization, uscc)

    def add_many(self, orgs: list[Organization]) -> None:
        """New organizations, inserted directly (one statement for a whole batch)."""
        columns = [c.name for c in organizations.columns]
        self.session.execute(insert(organizations), [{c: getattr(o, c) for c in columns} for o in orgs])

    def clashes(self, name: str, id_number: str, uscc: str) -> list[Clash]:
        """Organizations that hold this name or this USCC, or that this person represents."""
        rows = self.session.execute(_CLASHES, {"name": name, "uscc": uscc, "id_number": id_number})
        return [Clash(*row) for row in rows]

    def existing_usccs(self, codes: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(codes):
            found.update(self.session.scalars(select(organizations.c.uscc).where(organizations.c.uscc.in_(chunk))))
        return found

    def names_taken(self, names: list[str]) -> set[str]:
        taken: set[str] = set()
        for chunk in _chunks(names):
            taken.update(self.session.scalars(select(organizations.c.name).where(organizations.c.name.in_(chunk))))
        return taken

    def represented_by_any(self, id_numbers: list[str]) -> list[Organization]:
        found: list[Organization] = []
        for chunk in _chunks(id_numbers):
            query = select(Organization).where(organizations.c.lr_id_number.in_(chunk),
                                               organizations.c.status == "active")
            found.extend(self.session.scalars(query))
        return found

    def by_name(self, name: str) -> Organization | None:
        with self.session.no_autoflush:  # a pending rename must not be flushed before it is checked
            return self.session.scalars(select(Organization).where(organizations.c.name == name)).first()

    def represented_by(self, id_number: str) -> list[Organization]:
        query = select(Organization).where(organizations.c.lr_id_number == id_number,
                                           organizations.c.status == "active")
        with self.session.no_autoflush:
            return list(self.session.scalars(query))

    def next_org_codes(self, prefix: str, count: int) -> int:
        """Reserve `count` numbers of a per-authority counter; returns the last one reserved.

        On PostgreSQL the reservation commits at once in its own short transaction, so concurrent
        registrations do not queue on the counter row until their commit (a number left unused by a
        rolled-back registration is simply skipped: the code only has to be unique). SQLite already
        serializes writers, so there it stays inside the registration's transaction."""
        dialect = self.session.get_bind().dialect.name
        params = {"prefix": prefix, "count": count}
        if dialect != "postgresql":
            return int(self.session.execute(_RESERVE[dialect], params).scalar_one())
        with self.session.get_bind().begin() as conn:
            return int(conn.execute(_RESERVE[dialect], params).scalar_one())

    def add_change(self, record: ChangeRecord) -> None:
        self.add_changes([record])

    def add_changes(self, records: list[ChangeRecord]) -> None:
        columns = [c.name for c in organization_changes.columns if c.name != "id"]
        self.session.execute(insert(organization_changes), [{c: getattr(r, c) for c in columns} for r in records])

    def add_penalty(self, penalty: KnownPenalty) -> bool:
        if self.session.get(KnownPenalty, penalty.penalty_id) is not None:
            return False
        self.session.add(penalty)
        return True

    def penalty_dates(self, uscc: str) -> list[date]:
        query = select(known_penalties.c.effective_on).where(known_penalties.c.uscc == uscc)
        return list(self.session.scalars(query))


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, username: str) -> User | None:
        return self.session.get(User, username)

    def add(self, user: User) -> None:
        self.session.add(user)


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _reserve_statement(insert_for: Any) -> Any:
    count = bindparam("count", type_=BigInteger())
    return (insert_for(uscc_sequences).values(prefix=bindparam("prefix"), next_value=count)
            .on_conflict_do_update(index_elements=[uscc_sequences.c.prefix],
                                   set_={"next_value": uscc_sequences.c.next_value + count})
            .returning(uscc_sequences.c.next_value))


# built once: statement construction costs more than running it
_RESERVE = {"postgresql": _reserve_statement(postgresql_insert), "sqlite": _reserve_statement(sqlite_insert)}
_CLASHES = select(organizations.c.uscc, organizations.c.name, organizations.c.lr_id_number, organizations.c.type,
                  organizations.c.status).where(or_(organizations.c.name == bindparam("name"),
                                                    organizations.c.uscc == bindparam("uscc"),
                                                    organizations.c.lr_id_number == bindparam("id_number")))
