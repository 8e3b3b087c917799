"""One search on the embedded index (see index_sqlite.py for the layout).

Tiers (query.py): exact name, name prefix, name or former name containing the query, business scope
only; each tier in rowid order. Pages are cut by counting each tier only as far as the page needs.
A USCC fragment is looked up by code instead: exact, then prefix, then anywhere in the code.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from services.search.domain import text
from services.search.domain.query import SearchQuery, SearchResult, decode, filter_codes, shifts

SEQ_BITS = 32
DISTRICT_BITS = 12
_SHIFTS = shifts(DISTRICT_BITS + SEQ_BITS)
_DISTRICT_MASK = (1 << DISTRICT_BITS) - 1
Tier = tuple[str, list[Any]]  # "FROM ... WHERE ..." and its arguments


def _predicate(query: SearchQuery, districts: dict[str, int], col: str = "rowid") -> str:
    """The filters as arithmetic on rowids (literal integers only: nothing from the caller is spliced)."""
    parts = []
    for name, value in sorted(query.filters.items()):
        if name == "district":
            idx = districts.get(value, -1)
            parts.append(f"(({col} >> {SEQ_BITS}) & {_DISTRICT_MASK}) = {int(idx)}")
            continue
        spec = filter_codes(name, value)
        if spec is None:
            continue
        bit_test, values = spec
        shift, mask = _SHIFTS[name]
        if bit_test:
            parts.append(f"(({col} >> {shift}) & {int(values[0])}) != 0")
        else:
            parts.append(f"(({col} >> {shift}) & {mask}) IN ({','.join(str(int(v)) for v in values)})")
    return " AND ".join(parts) or "1"


def _code_facets(rows: list[tuple[int, int]], wanted: tuple[str, ...], districts: dict[str, int]) -> dict[str, dict[str, int]]:
    """Facet counts from (code, documents) pairs: summed per rank code and per district first (one
    cheap pass), then each distinct rank code decoded once."""
    by_rank: dict[int, int] = {}
    by_district: dict[int, int] = {}
    for code, n in rows:
        rank, district = code >> DISTRICT_BITS, code & _DISTRICT_MASK
        by_rank[rank] = by_rank.get(rank, 0) + n
        by_district[district] = by_district.get(district, 0) + n
    facets: dict[str, dict[str, int]] = {f: {} for f in wanted}
    for rank, n in by_rank.items():
        values = decode(rank)
        for field in wanted:
            for value in values.get(field, ()):
                facets[field][value] = facets[field].get(value, 0) + n
    if "district" in facets:
        names = {idx: code for code, idx in districts.items()}
        facets["district"] = {names.get(idx, ""): n for idx, n in by_district.items()}
    return facets


def _codes_in(conn: sqlite3.Connection, sql: str, args: list[Any]) -> list[tuple[int, int]]:
    return conn.execute(f"SELECT rowid >> {SEQ_BITS}, count(*) {sql} GROUP BY 1", args).fetchall()


def _page(conn: sqlite3.Connection, tiers: list[Tier], offset: int, size: int) -> list[int]:
    """The page, tier by tier: each tier is read in rowid order only as far as the page reaches."""
    rowids: list[int] = []
    skip, need = offset, size
    for sql, args in tiers:
        if need <= 0:
            break
        got = [r[0] for r in conn.execute(f"SELECT rowid {sql} ORDER BY rowid LIMIT ?", [*args, skip + need])]
        if len(got) <= skip:
            skip -= len(got)
            continue
        got = got[skip:]
        rowids += got
        need, skip = need - len(got), 0
    return rowids


def _bodies(conn: sqlite3.Connection, g: int, rowids: list[int]) -> list[dict[str, Any]]:
    if not rowids:
        return []
    marks = ",".join("?" * len(rowids))
    found = dict(conn.execute(f"SELECT rowid, body FROM sx_docs_{g} WHERE rowid IN ({marks})", rowids).fetchall())
    return [json.loads(found[r]) for r in rowids if r in found]


def _phrase(norm: str) -> tuple[str, tuple[str, str, str]]:
    phrase = '"' + " ".join(list(norm) if len(norm) == 1 else text.bigrams(norm)) + '"'
    return phrase, (("nu", "fu", "su") if len(norm) == 1 else ("nb", "fb", "sb"))


def all_matches(g: int, norm: str, pred: str = "1") -> Tier:
    """Every document whose name, a former name or the business scope contains `norm`."""
    phrase, (n, f, s) = _phrase(norm)
    return f"FROM sx_fts_{g} WHERE sx_fts_{g} MATCH ? AND {pred}", [f"{{{n} {f} {s}}} : {phrase}"]


def _text_tiers(g: int, norm: str, pred: str) -> list[Tier]:
    """Exact name and name prefix from the name index (a B-tree range: no FTS5 doclist walked for
    names that start with a very common character); then names containing it, then scopes."""
    phrase, (n, f, s) = _phrase(norm)
    fts = f"FROM sx_fts_{g} WHERE sx_fts_{g} MATCH ? AND {pred}"
    names = f"FROM sx_docs_{g} INDEXED BY sx_docs_{g}_name WHERE"
    return [
        (f"{names} name_norm=? AND {pred}", [norm]),
        (f"{names} name_norm>? AND name_norm<? AND {pred}", [norm, norm + "\U0010ffff"]),
        (fts, [f"{{{n} {f}}} : {phrase} NOT {n} : ^{phrase}"]),
        (fts, [f"{s} : {phrase} NOT {{{n} {f}}} : {phrase}"]),
    ]


def _uscc_tiers(g: int, code: str, pred: str, trigram: bool) -> tuple[list[Tier], Tier]:
    docs = f"FROM sx_docs_{g} WHERE {pred} AND "
    if len(code) == 18:  # a whole code: only itself
        return [(docs + "uscc=?", [code])], (docs + "uscc=?", [code])
    upper = code + "~"
    # anywhere in the code: the trigram index finds the few candidates (instr confirms the position)
    inside = (f"rowid IN (SELECT rowid FROM sx_uscc_{g} WHERE sx_uscc_{g} MATCH ?) AND ", ['"' + code + '"']
              ) if trigram else ("", [])
    tiers: list[Tier] = [(docs + "uscc=?", [code]),
                         (docs + "uscc>? AND uscc<?", [code, upper]),
                         (docs + inside[0] + "instr(uscc, ?) > 1", [*inside[1], code])]
    return tiers, (docs + inside[0] + "instr(uscc, ?) > 0", [*inside[1], code])


def _browse_page(conn: sqlite3.Connection, g: int, codes: list[tuple[int, int]], offset: int, size: int) -> list[int]:
    """Without query text the code counts say where a page starts: seek rowid ranges, scan nothing."""
    rowids: list[int] = []
    skip = offset
    for code, n in sorted(codes):
        if skip >= n:
            skip -= n
            continue
        lo, hi = code << SEQ_BITS, (code + 1) << SEQ_BITS
        rowids += [r[0] for r in conn.execute(
            f"SELECT rowid FROM sx_docs_{g} WHERE rowid >= ? AND rowid < ? ORDER BY rowid LIMIT ? OFFSET ?",
            (lo, hi, size - len(rowids), skip))]
        skip = 0
        if len(rowids) >= size:
            break
    return rowids


def counts(conn: sqlite3.Connection, g: int, query: SearchQuery, districts: dict[str, int], *,
           hot: bool = False, trigram: bool = False) -> list[tuple[int, int]]:
    """(code, documents) of everything the query matches: totals and facets come from these. A hot
    query text's counts are read from sx_hot (kept by the writes), the others counted over the matches."""
    pred = _predicate(query, districts)
    norm, code = text.normalize(query.q), text.uscc_fragment(query.q) if query.q else None
    code_pred = _predicate(query, districts, col=f"(code << {SEQ_BITS})")
    if code is not None:
        return _codes_in(conn, *_uscc_tiers(g, code, pred, trigram)[1])
    if norm and hot:
        return conn.execute(f"SELECT code, n FROM sx_hot_{g} WHERE key=? AND n > 0 AND {code_pred}",
                            [norm]).fetchall()
    if norm:
        return _codes_in(conn, *all_matches(g, norm, pred))
    return conn.execute(f"SELECT code, n FROM sx_codes_{g} WHERE {code_pred}").fetchall()


def run_search(conn: sqlite3.Connection, g: int, query: SearchQuery, districts: dict[str, int],
               code_counts: list[tuple[int, int]], *, trigram: bool = False) -> SearchResult:
    pred = _predicate(query, districts)
    norm = text.normalize(query.q)
    code = text.uscc_fragment(query.q) if query.q else None
    if code is not None:
        rowids = _page(conn, _uscc_tiers(g, code, pred, trigram)[0], query.offset, query.size)
    elif norm:
        rowids = _page(conn, _text_tiers(g, norm, pred), query.offset, query.size)
    else:
        rowids = _browse_page(conn, g, code_counts, query.offset, query.size)
    facets = _code_facets(code_counts, query.facets, districts)
    return SearchResult(total=sum(n for _, n in code_counts), items=_bodies(conn, g, rowids), facets=facets,
                        page=query.page, size=query.size)
