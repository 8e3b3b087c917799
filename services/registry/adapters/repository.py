"""All of the registry's write-side SQL. The session is handed in; nothing here commits."""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, bindparam, insert, inspect, or_, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.registry.adapters.orm import known_penalties, organization_changes, organizations, uscc_sequences
from services.registry.domain.model import ChangeRecord, Clash, KnownPenalty, Organization, User


class SqlOrganizationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, uscc: str) -> Organization | None:
        return self.session.get(Organization, uscc)

    def set_credit_lists(self, uscc: str, lists: str) -> None:
        """One UPDATE, the version moved on as the ORM would (an ETag a client holds no longer
        matches), nothing written when the lists are the same; through the loaded object when this
        session holds it, so the two never disagree."""
        loaded = self.session.identity_map.get(inspect(Organization).identity_key_from_primary_key((uscc,)))
        if loaded is not None:
            loaded.credit_lists = lists
            return
        self.session.execute(update(organizations)
                             .where(organizations.c.uscc == uscc, organizations.c.credit_lists != lists)
                             .values(credit_lists=lists, version=organizations.c.version + 1))

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

    def next_org_codes(self, prefix: str, count: int) -> list[int]:
        """Reserve `count` unused numbers of a per-authority counter.

        PostgreSQL: one sequence per authority prefix (nextval takes no lock and is never rolled
        back, so concurrent registrations do not queue on a counter row; a number a rolled-back
        registration leaves unused is simply skipped: the code only has to be unique). SQLite: a
        counter row inside the registration's transaction (its writers are serialized anyway)."""
        if self.session.get_bind().dialect.name == "postgresql":
            name = _sequence_for(self.session, prefix)
            query = text(f'SELECT nextval(\'"{name}"\') FROM generate_series(1, :count)')
            return [int(n) for n in self.session.execute(query, {"count": count}).scalars()]
        last = int(self.session.execute(_RESERVE, {"prefix": prefix, "count": count}).scalar_one())
        return list(range(last - count + 1, last + 1))

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
        """The penalties that count (R10.1-10.2, R9.3): one voided as an error (annulled) does not."""
        query = select(known_penalties.c.effective_on).where(known_penalties.c.uscc == uscc,
                                                             known_penalties.c.annulled_on.is_(None))
        return list(self.session.scalars(query))

    def known_penalty(self, penalty_id: str) -> KnownPenalty | None:
        return self.session.get(KnownPenalty, penalty_id)


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, username: str) -> User | None:
        return self.session.get(User, username)

    def add(self, user: User) -> None:
        self.session.add(user)


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


_count = bindparam("count", type_=BigInteger())
# built once: building the statement costs more than running it
_RESERVE = (sqlite_insert(uscc_sequences).values(prefix=bindparam("prefix"), next_value=_count)
            .on_conflict_do_update(index_elements=[uscc_sequences.c.prefix],
                                   set_={"next_value": uscc_sequences.c.next_value + _count})
            .returning(uscc_sequences.c.next_value))
_known_sequences: set[tuple[str, str]] = set()


def _sequence_for(session: Session, prefix: str) -> str:
    """The PostgreSQL sequence of an authority prefix, created (outside the caller's transaction)
    the first time this process meets it."""
    if not prefix.isalnum():
        raise ValueError(f"not a USCC prefix: {prefix!r}")
    name = f"uscc_seq_{prefix.lower()}"
    engine = session.get_bind()
    if (str(engine.url), name) not in _known_sequences:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SEQUENCE IF NOT EXISTS "{name}"'))
        _known_sequences.add((str(engine.url), name))
    return name


_CLASHES = select(organizations.c.uscc, organizations.c.name, organizations.c.lr_id_number, organizations.c.type,
                  organizations.c.status).where(or_(organizations.c.name == bindparam("name"),
                                                    organizations.c.uscc == bindparam("uscc"),
                                                    organizations.c.lr_id_number == bindparam("id_number")))
