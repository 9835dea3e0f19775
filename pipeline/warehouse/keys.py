"""The warehouse's keys, proven rather than indexed.

Every table's file in ``sql/`` declares its primary, unique and foreign keys as rows of
``table_keys``, beside its ``CREATE TABLE``. DuckDB would keep an ART index per declared
key and check it on every inserted row: on 3,000 articles that made the load 4.5× slower
than ingesting the same rows without keys and the file 7× larger (docs/benchmarks.md).
Instead, :func:`key_violations` proves every declared key over the whole finished file
(one query counts what may break each of them), and the load publishes nothing when one
fails, as a constraint error did.
Analysts read the keys in ``table_keys``.
"""

import duckdb

EXAMPLES = 3


def key_violations(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """What breaks each declared key of the warehouse open on ``connection``, with a few
    of the offending values; empty when every key holds.

    One query counts, for every key at once, the rows that may break it (DuckDB runs the
    51 counts as one plan: a third less time than a query per key); the offending values
    are looked up for those keys alone."""
    keys = connection.execute(
        "SELECT table_name, kind, columns, referenced_table, referenced_columns "
        "FROM table_keys ORDER BY ALL"
    ).fetchall()
    if not keys:
        return []
    counts = " UNION ALL ".join(
        f"SELECT {number} AS key, ({_suspects(*key)}) AS suspects"
        for number, key in enumerate(keys)
    )
    problems = []
    for number, suspects in sorted(connection.execute(counts).fetchall()):
        if not suspects:
            continue
        table, kind, columns, referenced, referenced_columns = keys[number]
        named = f"({', '.join(columns)})"
        if kind == "foreign key":
            query = _orphans(table, columns, referenced, referenced_columns)
            what = f"rows have a {named} that is not in {referenced}"
        else:
            query = _repeats(table, columns)
            what = f"values of its {kind} {named} are held by more than one row"
        rows = connection.execute(query).fetchall()
        if rows:
            examples = "; ".join(str(row[1:]) for row in rows)
            problems.append(f"{table}: {rows[0][0]:,} {what}, e.g. {examples}")
    return problems


def _suspects(
    table: str,
    kind: str,
    columns: list[str],
    referenced: str | None,
    referenced_columns: list[str] | None,
) -> str:
    """A count that is 0 where the key holds: rows without the row they refer to (a
    foreign key), or hashes of key values more than one row holds (rows with the same
    values have the same hash; grouping the hashes takes half the time of grouping the
    values, and :func:`_repeats` tells a repeated value from two values of one hash)."""
    if kind == "foreign key":
        return (
            f"SELECT count(*) FROM {table} k ANTI JOIN {referenced} r "
            f"ON {_matched(columns, referenced_columns)} WHERE {_not_null(columns)}"
        )
    return (
        f"SELECT count(*) FROM (SELECT hash({_listed(columns)}) FROM {table} k "
        f"WHERE {_not_null(columns)} GROUP BY ALL HAVING count(*) > 1)"
    )


def _listed(columns: list[str]) -> str:
    return ", ".join(f'k."{column}"' for column in columns)


def _not_null(columns: list[str]) -> str:
    """SQL keys ignore a row with a NULL in the key (MATCH SIMPLE): so does the proof (a
    primary key column is NOT NULL in its table)."""
    return " AND ".join(f'k."{column}" IS NOT NULL' for column in columns)


def _repeats(table: str, columns: list[str]) -> str:
    """Key values held by more than one row: their number, then the first few."""
    return (
        f"SELECT count(*) OVER (), * FROM (SELECT {_listed(columns)} FROM {table} k "
        f"WHERE {_not_null(columns)} GROUP BY ALL HAVING count(*) > 1) "
        f"ORDER BY ALL LIMIT {EXAMPLES}"
    )


def _orphans(table: str, columns: list[str], referenced: str, referenced_columns: list[str]) -> str:
    """Rows whose key has no row in the referenced table: their number, then the first few."""
    return (
        f"SELECT count(*) OVER (), {_listed(columns)} FROM {table} k "
        f"ANTI JOIN {referenced} r ON {_matched(columns, referenced_columns)} "
        f"WHERE {_not_null(columns)} ORDER BY ALL LIMIT {EXAMPLES}"
    )


def _matched(columns: list[str], referenced_columns: list[str]) -> str:
    """The join of a foreign key's columns (``k``) with the ones it refers to (``r``)."""
    return " AND ".join(
        f'k."{column}" = r."{other}"'
        for column, other in zip(columns, referenced_columns, strict=True)
    )
