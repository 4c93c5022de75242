"""The benchmark's own PostgreSQL database: created, used and dropped by the benchmark alone.

It lives on the server of DATABASE_URL when that is PostgreSQL, else on a local server; its
name is never the developer's database, whose data the benchmark must not touch.
"""

import os
from contextlib import contextmanager
from urllib.parse import urlsplit

import environ
import psycopg
from django.conf import settings
from django.core.management import CommandError
from django.db import connections
from psycopg import sql

from config.database import database_settings

DEFAULT_NAME = "broadsheet_bench"
LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "postgis")


def bench_database_url(explicit="", name=DEFAULT_NAME):
    """The benchmark database's URL: `explicit` if given, else `name` on DATABASE_URL's
    PostgreSQL server, else `name` on a local server."""
    if explicit:
        url = explicit
    else:
        current = urlsplit(os.environ.get("DATABASE_URL", ""))
        server = current if current.scheme in POSTGRES_SCHEMES else urlsplit(LOCAL_SERVER)
        url = server._replace(path=f"/{name}", query="", fragment="").geturl()
    _refuse_the_developers_database(url)
    return url


def _refuse_the_developers_database(url):
    bench = environ.Env.db_url_config(url)
    if "postgresql" not in bench["ENGINE"]:
        raise CommandError(f"The benchmark needs a PostgreSQL database, not {url}.")
    mine = settings.DATABASES["default"]
    if "postgresql" in mine["ENGINE"] and _where(mine) == _where(bench):
        raise CommandError(
            f"{bench['NAME']} is the database in DATABASE_URL; the benchmark drops its "
            "database at the end, so give it another name (--database-url)."
        )


def _where(config):
    return (config.get("HOST") or "localhost", str(config.get("PORT") or 5432), config["NAME"])


def _server(url):
    """A connection to the server's maintenance database, to create and drop ours."""
    config = environ.Env.db_url_config(url)
    return psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    )


def create(url):
    """Create the benchmark database empty (dropping what a `--keep` run left)."""
    drop(url)
    with _server(url) as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(_name(url)))


def drop(url):
    with _server(url) as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(_name(url)))


def _name(url):
    return sql.Identifier(environ.Env.db_url_config(url)["NAME"])


@contextmanager
def used_by_this_process(url):
    """Point this process's default database at `url` for the duration, with the
    connection settings the workers have (kept open, statements prepared).

    The command runs under the developer's settings; Django has no public switch for the
    database of a running process, so this replaces the default alias's settings and drops
    its connection, as Django's test runner does when it moves to the test database."""
    config = connections.configure_settings({"default": database_settings(url)})
    original = connections.settings["default"]
    _replace_default(config["default"])
    try:
        yield
    finally:
        _replace_default(original)


def _replace_default(config):
    connections.close_all()
    connections.settings["default"] = config
    try:
        del connections["default"]
    except AttributeError:  # never opened
        pass
