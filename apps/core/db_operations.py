"""Migration operations that only PostgreSQL runs.

The trigram indexes behind name and MRN search need PostgreSQL's pg_trgm extension and GIN
indexes; the development server may run on SQLite (`make run` without DATABASE_URL), where
neither exists. `PostgresOnly` wraps such operations: on PostgreSQL they run as written, on
any other database they are skipped. They change no model state, so the indexes are not in
the models' Meta either: SQLite rebuilds a table from its state when a later migration alters
it, and would then try to create a GIN index it cannot have.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


class PostgresOnly(migrations.operations.base.Operation):
    """Run `operation` on PostgreSQL only; no change to the migration state anywhere."""

    reversible = True

    def __init__(self, operation: Any) -> None:
        self.operation = operation

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.operation], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"On PostgreSQL only: {self.operation.describe()}"
