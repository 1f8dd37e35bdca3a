"""Timeline importers: one module per source behind one small interface.

Each importer turns a file into a stream of `RawEvent`s (and `Rejected`
records with the file and line or record index). The service in
`cairn.services.timeline_import` merges them into an incident's timeline in
one transaction, idempotently.
"""
