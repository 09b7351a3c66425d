"""What differs between the databases the store runs on (SQLite, the default, and PostgreSQL), in one place:
upserts in each one's own syntax, the larger of several values, text in SQLite's order, and a database's name with
its password hidden."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ColumnElement, Integer, String, Table, func
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import URL, Connection, Engine

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql

ID = Integer().with_variant(BigInteger(), 'postgresql')
"""A 64-bit integer (ids, candle times): SQLite's INTEGER already is one (and only ``INTEGER PRIMARY KEY`` numbers
rows by itself), PostgreSQL's is 32 bits, so there it is a BIGINT."""


def upsert(conn: Connection, table: Table) -> sqlite.Insert | postgresql.Insert:
    """An INSERT into ``table`` that can be told what to do on a conflict (``on_conflict_do_update`` /
    ``on_conflict_do_nothing``, the same in both dialects), in the dialect of ``conn``'s database."""
    if conn.dialect.name == 'postgresql':
        from sqlalchemy.dialects import postgresql  # loaded with the database's dialect; 1.5 MB for SQLite to carry

        return postgresql.insert(table)
    return sqlite.insert(table)


def greatest(conn: Connection, *values: Any) -> ColumnElement[Any]:
    """The largest of ``values`` in one row: SQLite's ``max(a, b, ...)``, PostgreSQL's ``greatest(a, b, ...)``."""
    if conn.dialect.name == 'postgresql':
        return func.greatest(*values)
    return func.max(*values)


def bytewise(engine: Engine, column: ColumnElement[Any]) -> ColumnElement[Any]:
    """``column`` to sort by: text in code point order, as SQLite sorts it (``B`` before ``a``); a PostgreSQL
    database sorts by its locale unless told otherwise (``a`` before ``B``, punctuation often ignored)."""
    if engine.dialect.name == 'postgresql' and isinstance(column.type, String):
        return column.collate('C')
    return column


def shown(url: URL) -> str:
    """How a database is named in messages and logs: a SQLite file by its path, anything else by its URL with the
    password replaced by ``***``."""
    if url.get_backend_name() == 'sqlite':
        return url.database if url.database and url.database != ':memory:' else 'in memory'
    return url.render_as_string(hide_password=True)
