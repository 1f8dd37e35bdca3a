"""The range of a stored integer, shared by every door that accepts one.

Ids and counts live in SQL INTEGER columns: 32 bits on PostgreSQL, and
SQLite's driver cannot bind past 64 bits. The API schemas and the CLI's
options refuse numbers outside this range before a service runs, so a
huge number is a clear input error (422 / exit 2) rather than a driver
crash.
"""

INT_MAX = 2**31 - 1
INT_MIN = -(2**31)
