"""The pieces of `manage.py bench` (blog/management/commands/bench.py): its own database and
dataset, gunicorn started as in production, wrk, a browser-like comment writer, the report."""
