"""What the bench scripts share: their throw-away database, Django's set-up, the common lines.

Imported as `_common` by scripts run as `python bench/<name>.py` (their folder is on sys.path);
nothing here imports Django before `django_setup()` has pointed it at the bench database.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class BenchDatabase:
    """A run's own database: the URL Django is pointed at, and what removing it takes."""

    url: str
    name: str = ""  # PostgreSQL: the database, created and dropped through `maintenance`
    maintenance: str = ""
    directory: str = ""  # SQLite: the temporary folder that holds the file


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def server_urls(url: str, name: str) -> tuple[str, str]:
    """(maintenance URL on database `postgres`, URL of the bench database `name`): only the
    address and credentials of `url` count, and DEFAULT_SERVER's when it is not PostgreSQL."""
    parts = urlsplit(url if is_postgres(url) else DEFAULT_SERVER)
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{name}")),
    )


def server_admin(url: str, statement: str) -> None:
    """Run a CREATE/DROP DATABASE statement, which cannot run inside a transaction."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


def postgres_database_create(url: str, name: str) -> BenchDatabase:
    """An empty database `name` on the server of `url`, dropping what an earlier run left."""
    maintenance, bench_url = server_urls(url, name)
    server_admin(maintenance, f'DROP DATABASE IF EXISTS "{name}"')
    server_admin(maintenance, f'CREATE DATABASE "{name}"')
    return BenchDatabase(url=bench_url, name=name, maintenance=maintenance)


def sqlite_database_create(prefix: str) -> BenchDatabase:
    """A database file in a new temporary folder."""
    directory = tempfile.mkdtemp(prefix=prefix)
    # three slashes + an absolute path
    return BenchDatabase(url=f"sqlite:///{directory}/bench.sqlite3", directory=directory)


def database_remove(database: BenchDatabase, *, keep: bool) -> None:
    """Close Django's connections, then drop the database, or only say where it is if kept."""
    from django.db import connections

    connections.close_all()
    if keep:
        print(f"Kept: {database.url}")
    elif database.maintenance:
        server_admin(database.maintenance, f'DROP DATABASE IF EXISTS "{database.name}"')
    else:
        shutil.rmtree(database.directory, ignore_errors=True)


def django_setup(database_url: str, **environ: str) -> None:
    """Point the project's settings at the bench database and set Django up; `environ` holds
    further defaults that the caller's own environment overrides."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign_portal.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    for key, value in environ.items():
        os.environ.setdefault(key, value)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    import django

    django.setup()


def server_line(database: BenchDatabase) -> str:
    """The first line a PostgreSQL-only bench prints."""
    server = urlsplit(database.url)
    return f"Database: PostgreSQL, database {database.name} on {server.hostname}:{server.port}"


def migrate(*, say_time: bool = True) -> None:
    """Build the schema in the bench database, printing how long it took."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if say_time:
        print(f"Migrations: {time.perf_counter() - started:.1f} s")


def load_average() -> str:
    """The machine's load, printed beside timings so that a busy run can be told apart."""
    return ", ".join(f"{n:.2f}" for n in os.getloadavg())
