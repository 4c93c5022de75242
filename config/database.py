"""The settings of a database given by its URL: the settings module's DATABASES, and the
benchmark's own process, which points itself at a database of its own and must talk to it as
the workers do (blog/bench/database.py)."""

import environ

env = environ.Env()


def database_settings(url):
    """Django's settings for the database at `url`, with the project's connection rules."""
    config = environ.Env.db_url_config(url)
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        # Seconds to wait for PostgreSQL to accept a connection (2 at least, libpq's floor):
        # an unreachable database costs a reader that long before the 503 page
        # (blog/outage.py).
        options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2))
        # Server-side parameters, and statements prepared once a connection has run them
        # DATABASE_PREPARE_THRESHOLD times: the queries every page view and every comment
        # repeat are planned once per connection, not per run (`make bench-screening`: the
        # stored lookups' query 0.77 → 0.39 ms, p50 3.9 → 2.7 ms). Django leaves preparing
        # off for the sake of poolers that lose prepared statements between transactions
        # (PgBouncer in transaction mode before 1.21): behind one of those, set
        # DATABASE_PREPARE_THRESHOLD=0.
        options.setdefault("server_side_binding", True)
        prepare_threshold = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
        options.setdefault("prepare_threshold", prepare_threshold or None)
    return config
