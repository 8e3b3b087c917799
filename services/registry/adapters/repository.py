"""All of the registry's write-side SQL. The session is handed in; nothing here commits."""
from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from services.registry.adapters.orm import known_penalties, organizations, uscc_sequences
from services.registry.domain.model import ChangeRecord, KnownPenalty, Organization, User


class SqlOrganizationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, uscc: str) -> Organization | None:
        return self.session.get(Organization, uscc)

    def add(self, org: Organization) -> None:
        self.session.add(org)
        self.session.flush()

    def by_name(self, name: str) -> Organization | None:
        return self.session.scalars(select(Organization).where(organizations.c.name == name)).first()

    def represented_by(self, id_number: str) -> list[Organization]:
        query = select(Organization).where(organizations.c.lr_id_number == id_number,
                                           organizations.c.status == "active")
        return list(self.session.scalars(query))

    def next_org_code(self, prefix: str) -> int:
        """A per-authority counter, incremented in this transaction (row-locked on PostgreSQL)."""
        current = self.session.execute(
            update(uscc_sequences).where(uscc_sequences.c.prefix == prefix)
            .values(next_value=uscc_sequences.c.next_value + 1).returning(uscc_sequences.c.next_value)).scalar()
        if current is None:
            self.session.execute(insert(uscc_sequences).values(prefix=prefix, next_value=1))
            current = 1
        return int(current)

    def add_change(self, record: ChangeRecord) -> None:
        self.session.add(record)

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
