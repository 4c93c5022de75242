"""Measure the blog as production runs it: pages under load, comments through the form.

    manage.py bench [--duration 10] [--workers 5] [--json bench.json] [--keep]

Builds a blog of its own (1,000 posts; posts with 14, 500 and 5,000 comments) in a database
of its own, starts gunicorn with the shipped configuration and production settings on a free
loopback port, and drives wrk at 1, 8 and 32 connections on the home page, the three posts
and the posts feed, and on the 14-comment post's bytes served as a static file by the same
stack: the ceiling, which every row is compared with. Then readers write comments through the
real form, and the database is checked for every comment they were told was received. Prints
one table, then the comment rate, queries per page and memory per worker. The README's
"Benchmark" section explains each figure.
"""

import os
import random
import secrets
import shutil
import statistics
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import environ
from django.conf import settings
from django.core.cache import cache
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from whitenoise.compress import Compressor

from blog import caching, page_cache
from blog.bench import browser, database, dataset, report, wrk
from blog.bench.server import Gunicorn, free_port, memory_mb
from comments.models import Comment

CEILING_FILE = "bench/post-14-comments.html"
# What a browser asks for; the same for every page, the ceiling included.
ACCEPT_ENCODING = "gzip, deflate, br"
# Longest wait for the workers to finish requests wrk gave up on, before a restart.
SETTLE_SECONDS = 20


class Command(BaseCommand):
    help = "Benchmark pages under load and comments through the form, in a database of its own."
    # The checks would judge the settings this command starts with (a process-local cache,
    # say), not the production settings it gives gunicorn.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10,
                            help="Seconds of load per row (default 10).")  # fmt: skip
        parser.add_argument("--connections", default="1,8,32",
                            help="Connection counts (default 1,8,32).")  # fmt: skip
        parser.add_argument("--workers", type=int, default=5,
                            help="gunicorn workers (default 5).")  # fmt: skip
        parser.add_argument("--writers", type=int, default=8,
                            help="Readers writing comments at once (default 8).")  # fmt: skip
        parser.add_argument("--posts", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--database-url", default="",
            help="The benchmark's own PostgreSQL database, created and dropped by it (default "
            f"{database.DEFAULT_NAME} on DATABASE_URL's server, or on {database.LOCAL_SERVER}).",
        )  # fmt: skip
        parser.add_argument(
            "--cache-url", default="redis://127.0.0.1:6379/3",
            help="The cache gunicorn uses; emptied before and after the run.",
        )  # fmt: skip
        parser.add_argument("--json", metavar="PATH", help="Also write the figures as JSON.")
        parser.add_argument("--keep", action="store_true",
                            help="Keep the database and the cache afterwards.")  # fmt: skip

    def handle(self, *args, **options):
        self.started = time.monotonic()
        self.load_at_start = os.getloadavg()[0]
        self.options = options
        self.connection_counts = [int(n) for n in options["connections"].split(",")]
        self.wrk = wrk.find(log=self.log)
        self.database_url = database.bench_database_url(options["database_url"])
        workdir = Path(tempfile.mkdtemp(prefix="broadsheet-bench-"))
        self.log(f"Creating {self.database_url}…")
        database.create(self.database_url)
        try:
            with database.used_by_this_process(self.database_url), self.bench_settings(workdir):
                try:
                    rows, extra = self.run(workdir)
                finally:
                    if not options["keep"]:
                        cache.clear()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            if options["keep"]:
                self.log(f"Kept {self.database_url} and the cache {options['cache_url']}.")
            else:
                database.drop(self.database_url)

        self.stdout.write(report.table(rows))
        self.stdout.write("")
        for line in extra.pop("lines"):
            self.stdout.write(line)
        if options["json"]:
            report.write_json(options["json"], self.run_settings(), rows, extra)
        self.log("Done.")

    def bench_settings(self, workdir):
        """This process writes the blog, collects the static files and renders each page
        once, with the benchmark's cache and static files, as gunicorn will."""
        storages = {**settings.STORAGES, "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}  # fmt: skip
        return override_settings(
            CACHES={"default": environ.Env.cache_url_config(self.options["cache_url"])},
            STATIC_ROOT=workdir / "static", STORAGES=storages,
            ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False,  # the test client's
        )  # fmt: skip

    def run(self, workdir):
        self.log("Migrating and writing the blog…")
        call_command("migrate", verbosity=0)
        blog = dataset.build(posts=self.options["posts"], seed=self.options["seed"])
        with connection.cursor() as cursor:
            # The statistics a blog's database has (autovacuum gathers them after a load):
            # without them a 5,000-comment thread was read with a worse plan.
            cursor.execute("ANALYZE")
        self.log("Collecting static files, rendering each page once…")
        call_command("collectstatic", interactive=False, verbosity=0)
        cache.clear()
        queries, post_14 = render_pages(blog.pages, ceiling_of=blog.post_urls[14])
        self.log("Timing uncached renders of the posts…")
        renders = uncached_renders(blog)
        write_ceiling(settings.STATIC_ROOT / CEILING_FILE, post_14)
        cache.clear()

        server = Gunicorn(self.production_env(workdir), workdir / "gunicorn.log")
        try:
            self.log(f"Starting gunicorn ({self.options['workers']} workers) at {server.origin}…")
            server.start()
            targets = [*blog.pages, (report.CEILING, f"/static/{CEILING_FILE}")]
            sizes = self.warm_up(server, targets)
            rows = self.load(server, targets, sizes)
            writing = self.write_comments(server, blog)
            server.wait_until_idle()
            workers_mb = [memory_mb(pid) for pid in server.workers()]
        finally:
            server.stop()
        stored = stored_once(writing.acknowledged, blog.commented_post_id)
        load = (self.load_at_start, os.getloadavg()[0])
        lines, extra = report.figures(queries, renders, writing, stored, workers_mb, load)
        return rows, {"lines": lines, **extra}

    def production_env(self, workdir):
        """Production settings for gunicorn: DEBUG off, the benchmark's database, cache and
        static files, a fresh secret, the flood limits and minimum typing time lifted (the
        comment writers are quick and all on one address), no mail, no Akismet."""
        port = free_port()
        return {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": self.database_url,
            "CACHE_URL": self.options["cache_url"],
            "STATIC_ROOT": str(settings.STATIC_ROOT),
            "STATIC_MANIFEST": "true",
            "MEDIA_ROOT": str(workdir / "media"),
            "EMAIL_URL": "dummymail://",
            "AKISMET_API_KEY": "",
            "BROADSHEET_SITE_URL": f"http://127.0.0.1:{port}",
            "BROADSHEET_SCREENING_FLOOD_PER_MINUTE": "1000000",
            # All writers are new and on one address, so their held comments start a surge
            # (comments/screening/surge.py), whose lower flood limit would refuse them.
            "BROADSHEET_SURGE_FLOOD_PER_MINUTE": "1000000",
            "BROADSHEET_SCREENING_MIN_SECONDS": "0",
            # The retention jobs would clear the data set's old IP addresses mid-measure.
            "BROADSHEET_HOUSEKEEPING_IN_WEB": "false",
            "WEB_CONCURRENCY": str(self.options["workers"]),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
        }

    def warm_up(self, server, targets):
        """Open each page once (it must answer 200), then on every worker at the same time
        unless it took over a second; return each page's size as sent."""
        self.log("Warming up…")
        sizes, self.quick_pages = {}, []
        for name, path in targets:
            started = time.monotonic()
            page = fetch(server.origin + path)
            if page.status != 200:
                raise CommandError(f"{name} ({path}) answered {page.status}, not 200.\n"
                                   f"{server.log_tail()}")  # fmt: skip
            sizes[name] = len(page.body)
            if time.monotonic() - started < 1:
                self.quick_pages.append(path)
        self.warm_workers(server)
        return sizes

    def warm_workers(self, server):
        workers = self.options["workers"]
        with ThreadPoolExecutor(workers) as pool:
            for path in self.quick_pages:
                list(pool.map(lambda _, path=path: fetch(server.origin + path),
                              range(workers)))  # fmt: skip
        server.wait_until_idle()

    def settle(self, server):
        """Let the workers finish what wrk left queued (it stops with requests in flight);
        when a slow page would keep them at it for long, restart gunicorn instead."""
        if not server.wait_until_idle(timeout=SETTLE_SECONDS):
            self.log("Restarting gunicorn rather than wait for requests nobody waits for…")
            server.stop(quick=True)
            server.start()
            self.warm_workers(server)

    def load(self, server, targets, sizes):
        script = server.log_path.with_name("summary.lua")
        script.write_text(wrk.SUMMARY_SCRIPT)
        rows = []
        for name, path in targets:
            for connections in self.connection_counts:
                self.log(f"wrk: {name}, {connections} connection(s)…")
                run = wrk.run(
                    self.wrk, server.origin + path, connections=connections,
                    seconds=self.options["duration"], script=script,
                    headers=[f"Accept-Encoding: {ACCEPT_ENCODING}"],
                )  # fmt: skip
                self.settle(server)
                rows.append(report.Row(
                    page=name, connections=connections, requests=run.requests,
                    per_second=run.per_second,
                    p50_ms=run.p50_ms if run.requests else None,
                    p99_ms=run.p99_ms if run.requests else None, non_2xx=run.non_2xx,
                    errors=run.errors, bytes=sizes[name],
                ))  # fmt: skip
        report.set_ratios(rows)
        return rows

    def write_comments(self, server, blog):
        self.log(f"Writing comments ({self.options['writers']} readers at once)…")
        rng = random.Random(self.options["seed"])
        serials = iter(range(1, 10**9))

        def next_comment():
            serial = next(serials)
            name = f"{rng.choice(dataset.FIRST_NAMES)} {rng.choice(dataset.LAST_NAMES)}"
            return name, f"writer{serial}@example.net", dataset.comment_text(rng, serial)

        return browser.write_comments(
            server.origin, blog.commented_post_url, next_comment,
            writers=self.options["writers"], seconds=self.options["duration"],
        )  # fmt: skip

    def run_settings(self):
        keys = ("duration", "connections", "workers", "writers", "posts", "seed")
        return {key: self.options[key] for key in keys}

    def log(self, message):
        self.stderr.write(f"[{time.monotonic() - self.started:4.0f} s] {message}")


def fetch(url):
    """A page as a browser asks for it, waiting as long as it takes."""
    return browser.get(url, [("Accept-Encoding", ACCEPT_ENCODING)], timeout=300)


def render_pages(pages, ceiling_of):
    """Render each page once, as a new reader would, with the site-wide caches (site
    identity, menu) warm as in production; return the queries each made, and the content of
    the page at `ceiling_of`."""
    Client().get(reverse("comments:privacy"))
    queries = {}
    for name, path in pages:
        with CaptureQueriesContext(connection) as captured:
            response = Client().get(path)
        if response.status_code != 200:
            raise CommandError(f"{name} ({path}) answered {response.status_code}, not 200.")
        queries[name] = len(captured)
        if path == ceiling_of:
            content = response.content
    return queries, content


RENDERS = 20


def uncached_renders(blog):
    """The server time of each post's page when the page cache has no copy, in this process
    (as a gunicorn worker renders it, compressing and storing it included): the median of
    RENDERS misses after a new comment (the thread changed), and after a change to the
    content (the post or the site: everything around the thread is rendered too)."""
    # One client: a new one loads the middleware again, and WhiteNoise's reads every static
    # file's name (50 ms). It gets no cookie from these pages, so each request is a stranger's.
    reader = Client(HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING)
    reader.get(blog.post_urls[min(blog.post_urls)])
    renders = {}
    for count, post_id in blog.post_ids.items():
        timings = {"after a comment": [], "after a content change": []}
        for kind, names in (("after a comment", [caching.comments_of(post_id)]),
                            ("after a content change",
                             [caching.comments_of(post_id), caching.CONTENT])):  # fmt: skip
            for _ in range(RENDERS):
                caching.bump(*names)
                started = time.perf_counter()
                response = reader.get(blog.post_urls[count])
                timings[kind].append((time.perf_counter() - started) * 1000)
                if response.get(page_cache.STATUS_HEADER) != "miss":
                    raise CommandError(f"{blog.post_urls[count]} was not rendered again.")
        renders[f"post, {count:,} comments"] = {
            kind: round(statistics.median(ms), 1) for kind, ms in timings.items()
        }
    return renders


def write_ceiling(path, content):
    """A page's bytes as a collected static file, with the compressed copies WhiteNoise
    makes of collected files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    Compressor(quiet=True).compress(str(path))


def stored_once(texts, post_id):
    """How many of the acknowledged comments are stored exactly once (texts are distinct)."""
    rows = Comment.objects.filter(post_id=post_id, body__in=texts).values_list("body", "status")
    stored = Counter(body for body, _ in rows)
    return {
        "stored_once": sum(1 for text in texts if stored[text] == 1),
        "missing": sum(1 for text in texts if stored[text] == 0),
        "duplicated": sum(1 for text in texts if stored[text] > 1),
        "statuses": dict(Counter(status for _, status in rows)),
    }
