"""Many rows of plain values (integers, text), straight from the driver.

SQLAlchemy builds a Row object per row and runs its type processors; for a
statement that returns 100,000 rows of integers and short text (the metrics'
spans) that costs more than the query itself. Here the statement is compiled
by SQLAlchemy, so it is the same SQL with the same bound parameters, and run
on the driver's cursor of the session's own connection (same transaction).
Only for columns whose driver values need no conversion.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Executable
from sqlalchemy.orm import Session


def plain_rows(session: Session, statement: Executable) -> list[tuple[Any, ...]]:
    """The statement's rows as the driver gives them. Bound values go through their
    types' conversions, as SQLAlchemy's own execution does (a datetime is written as
    the column stores it); a statement with an expanding IN list is refused."""
    connection = session.connection()
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    sql = str(compiled)
    if "__[POSTCOMPILE_" in sql:
        raise ValueError("plain_rows cannot run a statement with an expanding IN list: give it a subquery or one array parameter")
    values = compiled.construct_params()
    for name, value in values.items():
        processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) if name in compiled.binds else None
        if processor is not None and value is not None:
            values[name] = processor(value)
    if compiled.positiontup is not None:  # SQLite's "?" style
        parameters: Any = [values[name] for name in compiled.positiontup]
    else:  # psycopg's named style
        parameters = values
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, parameters)
        return [tuple(row) for row in cursor.fetchall()] if connection.dialect.name != "sqlite" else cursor.fetchall()
    finally:
        cursor.close()
