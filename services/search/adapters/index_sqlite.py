"""The embedded search backend: SQLite FTS5 over our own character bigrams and unigrams.

Layout (per generation g, so a rebuild fills g+1 while g serves, then one row flips `current`):
  sx_docs_g   rowid = rank code << 32 | sequence; uscc, normalized name, version, checksum, JSON body
  sx_fts_g    contentless FTS5, same rowid: name / former names / business scope, as bigrams and unigrams
  sx_codes_g  how many documents carry each rank code (totals and facets without a query, O(codes))
  sx_dist_g   district code -> small number (the low 12 bits of the rank code)
  sx_hot_g    for "hot" query texts (matching >= hot_min_docs documents: 协会, 市, 服务 ...) the number of
              matching documents per rank code, kept by every write: their totals and facets cost
              O(codes), not O(matches); sx_hotkeys_g lists them (found by fts5vocab at a rebuild,
              or when a search first counts that many)
  sx_uscc_g   contentless FTS5 trigram index of the USCCs, same rowid: a code fragment anywhere
The rank code holds every facet field, so filters and facet counts are arithmetic on rowids (no
row lookups), and `ORDER BY rowid` is the default order inside a relevance tier (query.py).
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from services.search.domain import text
from services.search.domain.document import Document
from services.search.domain.query import MAX_WINDOW, SearchQuery, SearchResult, rank_code
from services.search.adapters.sqlite_query import all_matches, counts, run_search
from services.search.service_layer.ports import IndexUnavailable

SEQ_BITS = 32
DISTRICT_BITS = 12
LOW = SEQ_BITS + DISTRICT_BITS  # rank-code fields sit above the district and sequence bits
_FTS_COLUMNS = ("nb", "nu", "fb", "fu", "sb", "su")
HOT_MIN_DOCS = 20_000  # a query text matching this many documents gets its counts kept (sx_hot)


def _tokens(doc: dict[str, Any], name_norm: str | None = None) -> tuple[str, ...]:
    name = [name_norm if name_norm is not None else text.normalize(doc["name"])]
    scope = [text.normalize(doc["business_scope"])]
    former = [text.normalize(n) for n in doc["former_names"]]
    return tuple(fn(t, normalized=True) for t in (name, former, scope) for fn in (text.bigram_text, text.unigram_text))


class SqliteFtsIndex:
    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 30_000, cache_kib: int = 16_384,
                 facet_cache_size: int = 256, hot_min_docs: int = HOT_MIN_DOCS) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._busy, self._cache = busy_timeout_ms, cache_kib
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._writer = self._connect()
        self._districts: dict[int, dict[str, int]] = {}
        self._facet_cache: dict[tuple[Any, ...], list[tuple[int, int]]] = {}
        self._cache_lock = threading.Lock()
        self.facet_cache_size = facet_cache_size
        self.hot_min_docs = hot_min_docs
        self._hot: dict[int, set[str]] = {}  # the writer's hot keys per generation
        self._upgraded: set[int] = set()

    # connections
    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=self._busy / 1000, isolation_level=None,
                                   check_same_thread=False)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", f"busy_timeout={self._busy}",
                           f"cache_size=-{self._cache}", "temp_store=MEMORY"):
                conn.execute(f"PRAGMA {pragma}")
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"search index {self.path}: {exc}") from exc
        return conn

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def close(self) -> None:
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers = []
        self._writer.close()

    def ping(self) -> bool:
        return self._reader().execute("SELECT 1").fetchone() == (1,)

    # generations
    def ensure(self) -> bool:
        with self._write_lock:
            self._writer.execute("CREATE TABLE IF NOT EXISTS sx_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            current = self._meta(self._writer, "current")
            if current is not None:
                if int(current) not in self._upgraded:
                    if self._create_extras(self._writer, int(current)):
                        self._promote_frequent_tokens_locked(int(current))
                    self._upgraded.add(int(current))
                return False
            self._create(self._writer, 1)
            self._writer.execute("INSERT INTO sx_meta VALUES ('current', '1')")
            return True

    @staticmethod
    def _meta(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM sx_meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _current(self, conn: sqlite3.Connection) -> int:
        try:
            value = self._meta(conn, "current")
        except sqlite3.OperationalError:
            value = None
        if value is None:
            self.ensure()
            return 1
        return int(value)

    @staticmethod
    def _create(conn: sqlite3.Connection, g: int) -> None:
        conn.executescript(f"""
            CREATE TABLE IF NOT EXISTS sx_docs_{g} (rowid INTEGER PRIMARY KEY, uscc TEXT NOT NULL UNIQUE,
              name_norm TEXT NOT NULL, version INTEGER NOT NULL, checksum TEXT NOT NULL, body TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS sx_docs_{g}_name ON sx_docs_{g}(name_norm);
            CREATE VIRTUAL TABLE IF NOT EXISTS sx_fts_{g} USING fts5({", ".join(_FTS_COLUMNS)},
              content='', tokenize='unicode61 remove_diacritics 0');
            CREATE TABLE IF NOT EXISTS sx_codes_{g} (code INTEGER PRIMARY KEY, n INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS sx_dist_{g} (district TEXT PRIMARY KEY, idx INTEGER NOT NULL UNIQUE);
            INSERT OR IGNORE INTO sx_meta VALUES ('seq_{g}', '0');
        """)
        SqliteFtsIndex._create_extras(conn, g)

    @staticmethod
    def _create_extras(conn: sqlite3.Connection, g: int) -> bool:
        """The tables added after the first layout; an older generation gets them (and its USCCs) once.
        True if it had to (the caller then finds its frequent tokens)."""
        missing = conn.execute("SELECT count(*) FROM sqlite_master WHERE name=?", (f"sx_uscc_{g}",)).fetchone()[0] == 0
        conn.executescript(f"""
            CREATE TABLE IF NOT EXISTS sx_hot_{g} (key TEXT NOT NULL, code INTEGER NOT NULL, n INTEGER NOT NULL,
              PRIMARY KEY (key, code)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS sx_hotkeys_{g} (key TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE VIRTUAL TABLE IF NOT EXISTS sx_uscc_{g} USING fts5(uscc, content='', tokenize='trigram');
        """)
        if missing:
            conn.execute(f"INSERT INTO sx_uscc_{g}(rowid, uscc) SELECT rowid, uscc FROM sx_docs_{g}")
        return missing

    @staticmethod
    def _drop(conn: sqlite3.Connection, g: int) -> None:
        conn.executescript(f"""
            DROP TABLE IF EXISTS sx_docs_{g}; DROP TABLE IF EXISTS sx_fts_{g};
            DROP TABLE IF EXISTS sx_codes_{g}; DROP TABLE IF EXISTS sx_dist_{g};
            DROP TABLE IF EXISTS sx_hot_{g}; DROP TABLE IF EXISTS sx_hotkeys_{g}; DROP TABLE IF EXISTS sx_uscc_{g};
            DELETE FROM sx_meta WHERE key='seq_{g}';
        """)

    def start_rebuild(self) -> str:
        self.ensure()
        with self._write_lock:
            gens = [int(k[4:]) for (k,) in self._writer.execute("SELECT key FROM sx_meta WHERE key LIKE 'seq_%'")]
            g = max(gens + [self._current(self._writer)]) + 1
            self._drop(self._writer, g)
            self._create(self._writer, g)
        return str(g)

    def finish_rebuild(self, generation: str) -> None:
        self._promote_frequent_tokens(int(generation))
        with self._write_lock:
            old = self._current(self._writer)
            self._writer.execute("UPDATE sx_meta SET value=? WHERE key='current'", (generation,))
            if old != int(generation):
                self._drop(self._writer, old)
            self._districts.pop(old, None)
            self._hot.pop(old, None)

    def abort_rebuild(self, generation: str) -> None:
        with self._write_lock:
            if int(generation) != self._current(self._writer):
                self._drop(self._writer, int(generation))
            self._districts.pop(int(generation), None)

    # writes
    def bulk(self, upserts: Sequence[Document], deletes: Sequence[str] = ()) -> None:
        self.ensure()
        self._write(self._current(self._writer), upserts, deletes)

    def bulk_into(self, generation: str, docs: Sequence[Document]) -> None:
        """Into a generation being built: each organization arrives once, so nothing to replace."""
        self._write(int(generation), docs, (), fresh=True)

    def _write(self, g: int, upserts: Sequence[Document], deletes: Sequence[str], fresh: bool = False) -> None:
        with self._write_lock:
            conn = self._writer
            try:
                conn.execute("BEGIN IMMEDIATE")
                codes: dict[int, int] = {}
                hot: dict[tuple[str, int], int] = {}
                latest = list({d.uscc: d for d in upserts}.values())  # the last version of each, once
                if not fresh:
                    latest = self._replace_in_place(conn, g, latest)
                    for uscc in [*(d.uscc for d in latest), *deletes]:
                        self._remove(conn, g, uscc, codes, hot)
                self._insert(conn, g, latest, codes, hot)
                if hot:
                    conn.executemany(f"INSERT INTO sx_hot_{g}(key, code, n) VALUES (?, ?, ?) "
                                     "ON CONFLICT(key, code) DO UPDATE SET n = n + excluded.n",
                                     [(k, c, n) for (k, c), n in hot.items() if n])
                if codes:
                    conn.executemany(f"INSERT INTO sx_codes_{g}(code, n) VALUES (?, ?) "
                                     "ON CONFLICT(code) DO UPDATE SET n = n + excluded.n", list(codes.items()))
                    conn.execute(f"DELETE FROM sx_codes_{g} WHERE n <= 0")
                if latest or deletes:  # what matches, and the counts, changed: cached facet counts are stale
                    conn.execute("INSERT INTO sx_meta VALUES ('writes', '1') "
                                 "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise IndexUnavailable(f"search index {self.path}: {exc}") from exc

    def _replace_in_place(self, conn: sqlite3.Connection, g: int, docs: list[Document]) -> list[Document]:
        """Documents whose rank code and searchable text are unchanged (an annual report filed, a
        result published) only get their stored body replaced: same rowid, no FTS5 delete and insert,
        no bigrams rebuilt. Returns the others (new or moved documents), to remove and insert."""
        if not docs:
            return docs
        held: dict[str, tuple[int, str, str]] = {}
        for start in range(0, len(docs), 500):
            chunk = [d.uscc for d in docs[start:start + 500]]
            marks = ",".join("?" * len(chunk))
            held.update((u, (rowid, name_norm, body)) for rowid, u, name_norm, body in conn.execute(
                f"SELECT rowid, uscc, name_norm, body FROM sx_docs_{g} WHERE uscc IN ({marks})", chunk))
        rest, same = [], []
        districts = self._district_map(conn, g)
        for doc in docs:
            old = held.get(doc.uscc)
            if old is None or doc.district not in districts:
                rest.append(doc)
                continue
            rowid, name_norm, old_body = old
            code = rank_code(doc) << DISTRICT_BITS | districts[doc.district]
            if rowid >> SEQ_BITS != code or name_norm != text.normalize(doc.name):
                rest.append(doc)
                continue
            before = json.loads(old_body)
            if before["business_scope"] != doc.business_scope or before["former_names"] != doc.former_names:
                rest.append(doc)
                continue
            body, digest = doc.to_json()
            same.append((doc.version, digest, body, rowid))
        if same:
            conn.executemany(f"UPDATE sx_docs_{g} SET version=?, checksum=?, body=? WHERE rowid=?", same)
        return rest

    def _insert(self, conn: sqlite3.Connection, g: int, docs: Sequence[Document], codes: dict[int, int],
                hot: dict[tuple[str, int], int]) -> None:
        """Insert in rowid order: FTS5 flushes its pending terms whenever a rowid goes backwards."""
        if not docs:
            return
        seq = int(self._meta(conn, f"seq_{g}") or 0)
        keys = self._hot_keys(conn, g)
        docs_rows, fts_rows = [], []
        for doc in docs:
            body, digest = doc.to_json()
            code = rank_code(doc) << DISTRICT_BITS | self._district(conn, g, doc.district)
            seq += 1
            rowid = code << SEQ_BITS | (seq & ((1 << SEQ_BITS) - 1))
            name_norm = text.normalize(doc.name)
            docs_rows.append((rowid, doc.uscc, name_norm, doc.version, digest, body))
            fts_rows.append((rowid, *_tokens({"former_names": doc.former_names,
                                              "business_scope": doc.business_scope}, name_norm)))
            codes[code] = codes.get(code, 0) + 1
            for key in _hot_hits(keys, name_norm, doc.former_names, doc.business_scope):
                hot[(key, code)] = hot.get((key, code), 0) + 1
        docs_rows.sort(key=lambda r: r[0])
        fts_rows.sort(key=lambda r: r[0])
        conn.executemany(f"INSERT INTO sx_docs_{g} VALUES (?,?,?,?,?,?)", docs_rows)
        conn.executemany(f"INSERT INTO sx_fts_{g}(rowid, {', '.join(_FTS_COLUMNS)}) VALUES (?,?,?,?,?,?,?)",
                         fts_rows)
        conn.executemany(f"INSERT INTO sx_uscc_{g}(rowid, uscc) VALUES (?, ?)", [(r[0], r[1]) for r in docs_rows])
        conn.execute("UPDATE sx_meta SET value=? WHERE key=?", (str(seq), f"seq_{g}"))

    def _remove(self, conn: sqlite3.Connection, g: int, uscc: str, codes: dict[int, int],
                hot: dict[tuple[str, int], int]) -> None:
        row = conn.execute(f"SELECT rowid, name_norm, body FROM sx_docs_{g} WHERE uscc=?", (uscc,)).fetchone()
        if row is None:
            return
        rowid, name_norm, body = row
        old = json.loads(body)
        conn.execute(f"INSERT INTO sx_fts_{g}(sx_fts_{g}, rowid, {', '.join(_FTS_COLUMNS)}) "
                     "VALUES ('delete',?,?,?,?,?,?,?)", (rowid, *_tokens(old, name_norm)))
        conn.execute(f"INSERT INTO sx_uscc_{g}(sx_uscc_{g}, rowid, uscc) VALUES ('delete', ?, ?)", (rowid, uscc))
        conn.execute(f"DELETE FROM sx_docs_{g} WHERE rowid=?", (rowid,))
        code = rowid >> SEQ_BITS
        codes[code] = codes.get(code, 0) - 1
        for key in _hot_hits(self._hot_keys(conn, g), name_norm, old["former_names"], old["business_scope"]):
            hot[(key, code)] = hot.get((key, code), 0) - 1

    # hot query texts
    def _hot_keys(self, conn: sqlite3.Connection, g: int) -> "HotKeys":
        if g not in self._hot:
            self._hot[g] = HotKeys([k for (k,) in conn.execute(f"SELECT key FROM sx_hotkeys_{g}")])
        return self._hot[g]

    def _promote(self, conn: sqlite3.Connection, g: int, key: str,
                 known: list[tuple[int, int]] | None = None) -> None:
        """Keep `key`'s counts from now on (inside the writer's transaction: no write in between)."""
        rows = known if known is not None else conn.execute(
            f"SELECT rowid >> {SEQ_BITS}, count(*) {all_matches(g, key)[0]} GROUP BY 1", all_matches(g, key)[1]
        ).fetchall()
        conn.execute(f"DELETE FROM sx_hot_{g} WHERE key=?", (key,))
        conn.executemany(f"INSERT INTO sx_hot_{g}(key, code, n) VALUES (?, ?, ?)", [(key, c, n) for c, n in rows])
        conn.execute(f"INSERT OR IGNORE INTO sx_hotkeys_{g}(key) VALUES (?)", (key,))
        self._hot_keys(conn, g).add(key)

    def promote(self, key: str, writes: str | None = None, known: list[tuple[int, int]] | None = None) -> None:
        """A search counted >= hot_min_docs matches for `key`: keep its counts. The counts it made are
        reused if no write came since (`writes` unchanged), else counted again under the write lock."""
        with self._write_lock:
            conn = self._writer
            try:
                conn.execute("BEGIN IMMEDIATE")
                g = self._current(conn)
                if key not in self._hot_keys(conn, g):
                    self._promote(conn, g, key, known if writes == self._meta(conn, "writes") else None)
                conn.execute("COMMIT")
            except sqlite3.Error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                self._hot.pop(g, None)  # re-read from the file next time

    def _promote_frequent_tokens(self, g: int) -> None:
        """At the end of a rebuild: every token (one character, or a bigram = a two-character query)
        in at least hot_min_docs documents gets its counts kept."""
        with self._write_lock:
            self._promote_frequent_tokens_locked(g)

    def _promote_frequent_tokens_locked(self, g: int) -> None:
        conn = self._writer
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.sx_vocab_{g} USING fts5vocab(main, sx_fts_{g}, row)")
        try:
            terms = [t for (t,) in conn.execute(f"SELECT term FROM temp.sx_vocab_{g} WHERE doc >= ?",
                                                (self.hot_min_docs,)) if t != text.SEGMENT_BREAK]
            conn.execute("BEGIN IMMEDIATE")
            for term in terms:
                if term not in self._hot_keys(conn, g):
                    self._promote(conn, g, term)
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.execute(f"DROP TABLE IF EXISTS temp.sx_vocab_{g}")

    def _district(self, conn: sqlite3.Connection, g: int, district: str) -> int:
        known = self._district_map(conn, g)
        if district not in known:
            idx = len(known) + 1
            if idx >= 1 << DISTRICT_BITS:
                raise IndexUnavailable("more than 4,095 districts: widen DISTRICT_BITS")
            conn.execute(f"INSERT INTO sx_dist_{g} VALUES (?, ?)", (district, idx))
            known[district] = idx
        return known[district]

    def _district_map(self, conn: sqlite3.Connection, g: int) -> dict[str, int]:
        if g not in self._districts or conn is not self._writer:
            rows = conn.execute(f"SELECT district, idx FROM sx_dist_{g}").fetchall()
            if conn is not self._writer:
                return dict(rows)
            self._districts[g] = dict(rows)
        return self._districts[g]

    # reads
    def get(self, uscc: str) -> dict[str, Any] | None:
        def run(conn: sqlite3.Connection, g: int) -> dict[str, Any] | None:
            row = conn.execute(f"SELECT body FROM sx_docs_{g} WHERE uscc=?", (uscc,)).fetchone()
            return None if row is None else json.loads(row[0])
        return self._read(run)

    def count(self) -> int:
        return int(self._read(lambda conn, g: conn.execute(f"SELECT count(*) FROM sx_docs_{g}").fetchone()[0]))

    def checksums(self) -> Iterator[tuple[str, str]]:
        conn = self._connect()
        try:
            g = self._current(conn)
            yield from conn.execute(f"SELECT uscc, checksum FROM sx_docs_{g}")
        finally:
            conn.close()

    def _read(self, run: Any) -> Any:
        conn = self._reader()
        for attempt in (1, 2):
            try:
                return run(conn, self._current(conn))
            except sqlite3.OperationalError as exc:  # a swap dropped the generation we had just read
                if attempt == 2 or "no such table" not in str(exc):
                    raise IndexUnavailable(f"search index {self.path}: {exc}") from exc
        return None  # pragma: no cover

    def search(self, query: SearchQuery) -> SearchResult:
        if query.offset + query.size > MAX_WINDOW:
            raise ValueError("page * size beyond the result window")
        return self._read(lambda conn, g: self._search(conn, g, query))

    def _search(self, conn: sqlite3.Connection, g: int, query: SearchQuery) -> SearchResult:
        """Totals and facet counts cost O(matches), except for hot query texts (sx_hot: O(codes)); a
        search that counts hot_min_docs matches makes its text hot. Counts are also kept in memory per
        (generation, write count, query) until the next write that changes what matches, as
        Elasticsearch's request cache keeps aggregations until a refresh."""
        districts = self._district_map(conn, g)
        if g not in self._upgraded:  # a generation made before sx_hot and sx_uscc: give it them once
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name=?", (f"sx_uscc_{g}",)).fetchone() is None:
                self.ensure()
            self._upgraded.add(g)
        key = (g, self._meta(conn, "writes"), text.normalize(query.q), text.uscc_fragment(query.q or "-"),
               tuple(sorted(query.filters.items())))
        with self._cache_lock:
            code_counts = self._facet_cache.pop(key, None)
        if code_counts is None:
            norm = key[2] if key[3] is None else ""
            hot = bool(norm) and conn.execute(f"SELECT 1 FROM sx_hotkeys_{g} WHERE key=?",
                                              (norm,)).fetchone() is not None
            code_counts = counts(conn, g, query, districts, hot=hot, trigram=True)
            if norm and not hot and sum(n for _, n in code_counts) >= self.hot_min_docs:
                self.promote(norm, key[1], None if query.filters else code_counts)
        if self.facet_cache_size:
            with self._cache_lock:
                self._facet_cache[key] = code_counts
                while len(self._facet_cache) > self.facet_cache_size:
                    self._facet_cache.pop(next(iter(self._facet_cache)))
        return run_search(conn, g, query, districts, code_counts, trigram=True)


class HotKeys:
    """The hot query texts, split by length for a fast test of which a document contains."""

    def __init__(self, keys: list[str]) -> None:
        self.one: set[str] = set()
        self.two: set[str] = set()
        self.longer: set[str] = set()
        for key in keys:
            self.add(key)

    def add(self, key: str) -> None:
        (self.one if len(key) == 1 else self.two if len(key) == 2 else self.longer).add(key)

    def __contains__(self, key: object) -> bool:
        return key in self.one or key in self.two or key in self.longer

    def __bool__(self) -> bool:
        return bool(self.one or self.two or self.longer)


def _hot_hits(keys: HotKeys, name_norm: str, former: list[str], scope: str) -> list[str]:
    """The hot keys a document matches: contained in its name, a former name or its scope (the
    same test as the FTS5 phrase: every text is its own segment)."""
    if not keys:
        return []
    segments = [name_norm, *(text.normalize(f) for f in former), text.normalize(scope)]
    hits: list[str] = []
    if keys.one:
        hits += keys.one & set("".join(segments))
    if keys.two:
        grams: set[str] = set()
        for seg in segments:
            grams.update(map(str.__add__, seg, seg[1:]))
        hits += keys.two & grams
    hits += [k for k in keys.longer if any(k in seg for seg in segments)]
    return hits
