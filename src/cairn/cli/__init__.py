"""Command-line interface: thin Typer commands over the services.

Modules here import only Typer at the top; services, SQLAlchemy and Rich
are imported inside commands so `cairn --help` starts fast.
"""
