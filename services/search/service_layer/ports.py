"""What the search handlers need from the outside world, as protocols (the adapters implement them).

`SearchIndex` is the one port with two backends (adapters/index_sqlite.py, adapters/index_elasticsearch.py)
and one contract test suite (tests/search/integration/test_index_contract.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, Protocol

from services.search.domain.document import Bundle, Document
from services.search.domain.projections import Change
from services.search.domain.query import SearchQuery, SearchResult
from shared.errors import Unavailable


class IndexUnavailable(Unavailable):
    """The search backend cannot be reached: searches answer 503, index writes wait and retry."""


class SearchIndex(Protocol):
    def ensure(self) -> bool:
        """Create the live index (and its alias) if it does not exist; True if it had to (it was lost)."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def get(self, uscc: str) -> dict[str, Any] | None: ...

    def bulk(self, upserts: Sequence[Document], deletes: Sequence[str] = ()) -> None:
        """Write documents to the live index, idempotently (a newer version is never overwritten)."""

    def start_rebuild(self) -> str:
        """A fresh, empty index beside the live one; returns its name."""

    def bulk_into(self, generation: str, docs: Sequence[Document]) -> None: ...

    def finish_rebuild(self, generation: str) -> None:
        """Swap the fresh index in atomically (the old one served until now), then drop the old."""

    def abort_rebuild(self, generation: str) -> None: ...

    def count(self) -> int: ...

    def checksums(self) -> Iterator[tuple[str, str]]:
        """(uscc, checksum) of every document in the live index."""

    def ping(self) -> bool: ...

    def close(self) -> None: ...


class ProjectionRepository(Protocol):
    def apply(self, change: Change) -> str:
        """Apply one change; returns the USCC it touched."""

    def mark_dirty(self, usccs: Iterable[str]) -> None: ...

    def dirty(self, limit: int) -> list[tuple[str, int]]: ...

    def clear_dirty(self, pending: Sequence[tuple[str, int]]) -> None: ...

    def bundles(self, usccs: Sequence[str]) -> dict[str, Bundle]: ...

    def usccs_after(self, after: str, limit: int) -> list[str]: ...

    def versions(self, usccs: Sequence[str]) -> dict[str, int]:
        """How many changes the projection has applied to each organization."""

    def replace_bundle(self, bundle: Bundle) -> None: ...

    def count_organizations(self) -> int: ...

    def ratings_lapsing(self, after: date, upto: date) -> list[str]:
        """Organizations whose valid grade expires or was cancelled in (after, upto]."""


class SearchUnitOfWork(Protocol):
    projection: ProjectionRepository

    def __enter__(self) -> "SearchUnitOfWork": ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...
