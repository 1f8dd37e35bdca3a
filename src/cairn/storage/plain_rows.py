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
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)  # type: ignore[attr-defined]
    values = compiled.construct_params()
    if compiled.positiontup is not None:  # SQLite's "?" style
        parameters: Any = [values[name] for name in compiled.positiontup]
    else:  # psycopg's named style
        parameters = values
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), parameters)
        return [tuple(row) for row in cursor.fetchall()] if connection.dialect.name != "sqlite" else cursor.fetchall()
    finally:
        cursor.close()
