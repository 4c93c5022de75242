"""Soak: the blog under steady load while its database, its cache and its mail server fail
and come back, as production runs it.

    python tests/soak.py [--duration 60] [--readers 32] [--commenters 8] [--workers 4]

Builds a small blog in a PostgreSQL database of its own (migrated directly, dropped at the
end) and starts gunicorn with the shipped configuration and production settings. gunicorn
reaches PostgreSQL and Redis through TCP proxies this script controls (tests/tcp_proxy.py)
and mails through the SMTP stand-in (tests/smtp_standin.py). Readers fetch the home page and
a post; commenters fetch the post and send its comment form back with a distinct text. The
run is split into phases: normal, the database cut, restored, the cache cut, restored, the
mail server refusing, recovered (each outage a sixth of the run).

Exits non-zero if any answer was a 500, or if a comment the blog acknowledged (302) is not
in the database exactly once.
"""

import argparse
import os
import random
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.core.management import call_command  # noqa: E402

from blog.bench import database, dataset  # noqa: E402
from blog.bench.browser import Browser, read_form  # noqa: E402
from blog.bench.server import Gunicorn, free_port  # noqa: E402
from blog.management.commands.bench import stored_once  # noqa: E402
from tests.smtp_standin import SMTPStandIn  # noqa: E402
from tests.tcp_proxy import TCPProxy  # noqa: E402

DATABASE_NAME = "soak_broadsheet"
REFUSAL = "451 4.3.0 Soak: the mail server is refusing"
NORMAL = "normal"


def main():
    options = parse_arguments()
    started = time.monotonic()

    def log(message):
        print(f"[{time.monotonic() - started:4.0f} s] {message}", file=sys.stderr, flush=True)

    database_url = database.bench_database_url(options.database_url, name=DATABASE_NAME)
    cache_url = urlsplit(options.cache_url)
    cache = redis.Redis(host=cache_url.hostname, port=cache_url.port or 6379,
                        db=int(cache_url.path.strip("/") or 0))  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="broadsheet-soak-"))
    log(f"Creating and migrating {database_url}…")
    database.create(database_url)
    cache.flushdb()
    try:
        with database.used_by_this_process(database_url):
            call_command("migrate", verbosity=0)
            blog = dataset.build(posts=5, thread_sizes=(14,), seed=options.seed)
            results, acknowledged, log_path = run_load(options, database_url, blog, workdir, log)
            stored = stored_once(acknowledged, blog.commented_post_id)
        failed = report(results, acknowledged, stored, log_path)
    finally:
        cache.flushdb()
        database.drop(database_url)
        shutil.rmtree(workdir, ignore_errors=True)
    log("Failed." if failed else "Passed.")
    return 1 if failed else 0


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60,
                        help="Seconds of load, all phases together (default 60).")  # fmt: skip
    parser.add_argument("--readers", type=int, default=32)
    parser.add_argument("--commenters", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", default="",
        help=f"The soak's own PostgreSQL database, created and dropped by it (default "
        f"{DATABASE_NAME} on DATABASE_URL's server, or on {database.LOCAL_SERVER}).",
    )  # fmt: skip
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/14",
                        help="The Redis database gunicorn uses, through a proxy; emptied "
                        "before and after (default redis://127.0.0.1:6379/14).")  # fmt: skip
    return parser.parse_args()


class Outages:
    """The servers gunicorn depends on, each of which the soak can make fail."""

    def __init__(self, database_url, cache_url):
        db = urlsplit(database_url)
        cache = urlsplit(cache_url)
        self.database = TCPProxy(db.hostname or "127.0.0.1", db.port or 5432)
        self.cache = TCPProxy(cache.hostname or "127.0.0.1", cache.port or 6379)
        self.mail = SMTPStandIn()
        self.database_url = db._replace(netloc=_netloc(db, "127.0.0.1", "{port}")).geturl()
        self.cache_url = cache._replace(netloc="127.0.0.1:{port}").geturl()

    def start(self):
        self.database.start()
        self.cache.start()
        self.mail.start()
        return {
            "DATABASE_URL": self.database_url.format(port=self.database.port),
            "CACHE_URL": self.cache_url.format(port=self.cache.port),
            "EMAIL_URL": f"smtp://127.0.0.1:{self.mail.port}",
        }

    def stop(self):
        self.database.cut()
        self.cache.cut()
        self.mail.stop()

    def phases(self, duration):
        """(name, seconds, what to do as it begins): each outage a sixth of the run, the
        calm before, between and after sharing the rest."""
        outage = duration / 6
        calm = (duration - 3 * outage) / 4

        def refuse_mail():
            self.mail.refuse = REFUSAL

        def accept_mail():
            self.mail.refuse = None

        return [
            (NORMAL, calm, lambda: None),
            ("database cut", outage, self.database.cut),
            ("database back", calm, self.database.restore),
            ("cache cut", outage, self.cache.cut),
            ("cache back", calm, self.cache.restore),
            ("mail refusing", outage, refuse_mail),
            ("mail back", calm, accept_mail),
        ]


def _netloc(parts, host, port):
    credentials = parts.netloc.rpartition("@")[0]
    return f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"


class Results:
    """Every request: when it was sent and answered, its status (or the error that left the
    reader without an answer); and when each phase began."""

    def __init__(self):
        self.phases = []  # (name, began)
        self.requests = []  # (method, path, status or error name, sent, answered)
        self._lock = threading.Lock()

    def begin(self, phase):
        self.phases.append((phase, time.monotonic()))

    def timed(self, method, path, send, *arguments):
        """`send(*arguments)`, recorded as `method` `path`; its response, or None."""
        sent = time.monotonic()
        try:
            response = send(*arguments)
            outcome = response.status
        except OSError as error:  # refused, reset or timed out
            response, outcome = None, type(error).__name__
        with self._lock:
            self.requests.append((method, path, outcome, sent, time.monotonic()))
        return response

    def by_phase(self):
        """{phase: (requests answered in it, longest of the requests under way in it)}: an
        answer counts in the phase it came in; a slow one is the longest of every phase it
        spanned."""
        ends = [began for _, began in self.phases[1:]] + [float("inf")]
        table = {}
        for (name, began), ended in zip(self.phases, ends, strict=True):
            answered = [r for r in self.requests if began <= r[4] < ended]
            spanning = [r[4] - r[3] for r in self.requests if r[3] < ended and r[4] > began]
            table[name] = (answered, max(spanning, default=0))
        return table


def run_load(options, database_url, blog, workdir, log):
    outages = Outages(database_url, options.cache_url)
    port = free_port()
    env = {
        **os.environ,
        **outages.start(),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "false",
        "MEDIA_ROOT": str(workdir / "media"),
        "AKISMET_API_KEY": "",
        "BROADSHEET_SITE_URL": f"http://127.0.0.1:{port}",
        "BROADSHEET_MODERATOR_EMAILS": "moderator@example.org",
        "BROADSHEET_SCREENING_FLOOD_PER_MINUTE": "0",
        "BROADSHEET_SCREENING_MIN_SECONDS": "0",
        "WEB_CONCURRENCY": str(options.workers),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    server = Gunicorn(env, workdir / "gunicorn.log")
    results = Results()
    acknowledged = []
    try:
        log(f"Starting gunicorn ({options.workers} workers) at {server.origin}…")
        server.start()
        phases = outages.phases(options.duration)
        deadline = time.monotonic() + options.duration
        post_path = blog.post_urls[14]
        clients = [
            threading.Thread(target=read, args=(server.origin, post_path, results, deadline))
            for _ in range(options.readers)
        ] + [
            threading.Thread(target=comment, args=(server.origin, blog.commented_post_url,
                                                   results, deadline, acknowledged, serial))
            for serial in range(options.commenters)
        ]  # fmt: skip
        log(f"{options.readers} readers and {options.commenters} commenters, "
            f"{options.duration:g} s…")  # fmt: skip
        for name, seconds, begin in phases:
            log(f"Phase: {name} ({seconds:.1f} s)")
            begin()
            results.begin(name)
            if name == NORMAL:
                for client in clients:
                    client.start()
            time.sleep(seconds)
        for client in clients:
            client.join()
    finally:
        server.stop()
        outages.stop()
    log(f"Mail: {len(outages.mail.messages)} messages accepted, {outages.mail.refused} refused.")
    log_path = workdir / "gunicorn.log"
    return results, acknowledged, log_path.read_text(errors="replace")


def read(origin, post_path, results, deadline):
    reader = Browser(origin)
    while time.monotonic() < deadline:
        for path in ("/", post_path):
            results.timed("GET", path, reader.open, path)


def comment(origin, post_path, results, deadline, acknowledged, commenter):
    rng = random.Random(commenter)
    serial = 0
    while time.monotonic() < deadline:
        serial += 1
        browser = Browser(origin)  # a new reader each time: no cookies yet
        page = results.timed("GET", post_path, browser.open, post_path)
        ok = page is not None and page.status == 200
        form = read_form(page.body.decode(), "comment-form") if ok else None
        if form is None:
            time.sleep(0.2)  # the page said the blog is unwell; a reader waits a moment
            continue
        text = f"{dataset.comment_text(rng)}\n\n(Soak comment {commenter}-{serial}.)"
        typed = {"author_name": f"Soak Reader {commenter}",
                 "author_email": f"soak{commenter}.{serial}@example.net", "body": text}  # fmt: skip
        answer = results.timed("POST", post_path, browser.submit, post_path, form.action,
                               {**form.fields, **typed})  # fmt: skip
        if answer is not None and "#comment-" in answer.header("Location"):  # not sent back
            acknowledged.append(text)  # list.append is atomic


def report(results, acknowledged, stored, gunicorn_log):
    """Print the table; return True if the run failed."""
    overall = max((r[4] - r[3] for r in results.requests), default=0)
    rows = [("all", (results.requests, overall)), *results.by_phase().items()]
    header = (f"{'phase':<15}{'requests':>9}{'2xx/3xx':>9}{'503':>6}{'500':>6}{'other':>7}"
              f"{'no answer':>11}{'longest s':>11}{'comments':>10}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for name, (requests, longest) in rows:
        outcomes = Counter(outcome for _, _, outcome, _, _ in requests)
        ok = sum(n for o, n in outcomes.items() if isinstance(o, int) and o < 400)
        no_answer = sum(n for o, n in outcomes.items() if isinstance(o, str))
        other = len(requests) - ok - outcomes[503] - outcomes[500] - no_answer
        comments = sum(1 for method, _, outcome, _, _ in requests
                       if method == "POST" and outcome == 302)  # fmt: skip
        print(f"{name:<15}{len(requests):>9}{ok:>9}{outcomes[503]:>6}{outcomes[500]:>6}"
              f"{other:>7}{no_answer:>11}{longest:>11.2f}{comments:>10}")  # fmt: skip
    print()
    print(f"Comments acknowledged (302): {len(acknowledged)}; found once in the database: "
          f"{stored['stored_once']}; missing: {stored['missing']}; "
          f"duplicated: {stored['duplicated']}")  # fmt: skip
    errors = [r for r in results.requests if r[2] == 500]
    for method, path, *_ in errors[:10]:
        print(f"500: {method} {path}")
    if errors:
        print("gunicorn's log, last lines:")
        print("\n".join(gunicorn_log.splitlines()[-60:]))
    return bool(errors or stored["missing"] or stored["duplicated"])


if __name__ == "__main__":
    sys.exit(main())
