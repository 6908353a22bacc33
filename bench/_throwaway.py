"""The throwaway PostgreSQL database a benchmark builds its data in, so that it never touches a
real one. Imported by the scripts beside it (which put the repository root on `sys.path`)."""

from __future__ import annotations


def throwaway_postgres(server_url: str, name: str, *, create: bool) -> str:
    """Create (or drop) database `name` on the server of `server_url`; return its URL."""
    import psycopg  # only needed when a benchmark runs on PostgreSQL

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"
