"""Alembic environment: uses the engine Cairn hands over in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from cairn.storage.models import Base
from cairn.storage.search_index import outside_the_models

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=outside_the_models,  # the full-text parts live outside the models
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
