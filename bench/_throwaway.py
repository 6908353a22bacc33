"""The throwaway PostgreSQL database a benchmark builds its data in, so that it never touches a
real one. Imported by the scripts beside it (which put the repository root on `sys.path`)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def throwaway_postgres(server_url: str, name: str, *, create: bool) -> str:
    """Create (or drop) database `name` on the server of `server_url`; return its URL."""
    import psycopg  # only needed when a benchmark runs on PostgreSQL

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


@contextlib.contextmanager
def throwaway_django(
    prefix: str,
    *,
    postgres_url: str,
    sqlite: bool,
    keep: bool = False,
    reuse: str | None = None,
) -> Iterator[str]:
    """Django set up (production settings, tasks in-process) on a migrated throwaway database:
    a temporary SQLite file with `sqlite`, else a new database on the PostgreSQL server of
    `postgres_url`. Yields the database's label; drops the database afterwards, unless `keep`
    (a PostgreSQL database is then left for a later run to `reuse` by its name: migrated again,
    so that new indexes apply, and kept)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"{prefix}-bench-"))
    database_name = reuse or f"{prefix}_bench_{os.getpid()}"
    if reuse:
        base, _, _ = postgres_url.rpartition("/")
        database_url, label, keep = f"{base}/{reuse}", f"PostgreSQL database {reuse}", True
    elif sqlite:
        database_url, label = f"sqlite:///{workdir / 'bench.sqlite3'}", "SQLite"
    else:
        database_url = throwaway_postgres(postgres_url, database_name, create=True)
        label = f"PostgreSQL database {database_name}" if keep else "PostgreSQL"
    try:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                # Production settings refuse a weak key; this one lives as long as the run.
                "SECRET_KEY": secrets.token_urlsafe(50),
                # Plain HTTP on loopback, no TLS proxy in front.
                "SECURE_SSL_REDIRECT": "false",
                "DATABASE_URL": database_url,
                "ALLOWED_HOSTS": "127.0.0.1",
                "LOG_LEVEL": "WARNING",
                "CONN_MAX_AGE": "0",
            }
        )
        os.environ.pop("REDIS_URL", None)
        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        call_command("migrate", "--noinput", verbosity=0)
        try:
            yield label
        finally:
            connections.close_all()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if keep and not sqlite:
            print(
                f"kept the database {database_name}: measure it again with --reuse {database_name}"
            )
        elif not sqlite:
            throwaway_postgres(postgres_url, database_name, create=False)
