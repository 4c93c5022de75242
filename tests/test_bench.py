"""`manage.py bench`: its own logic, without gunicorn or wrk. The figures themselves are
printed by `make bench`, never asserted here."""

from collections import Counter

import pytest
from django.core.management import CommandError
from django.db import connection

from blog.bench import browser, database, dataset, report, wrk
from blog.management.commands.bench import stored_once, uncached_renders
from blog.models import Post
from comments.models import Comment

# What wrk prints with the benchmark's Lua summary loaded (wrk 4.1, Debian's package).
WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:40123/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    74.12ms   21.37ms 245.60ms   71.02%
    Req/Sec    54.20     12.31    90.00     68.50%
  1083 requests in 10.02s, 38.99MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    108.09
Transfer/sec:      3.89MB
wrk-summary requests=1083 duration_us=10020000 bytes=40884000 status=3 connect=0 read=2 \
write=0 timeout=1 p50_us=71250 p99_us=163400
"""


def test_wrk_summary_gives_rate_latencies_and_failures():
    run = wrk.parse(WRK_OUTPUT)
    assert run.requests == 1083
    assert run.per_second == pytest.approx(108.08, abs=0.01)
    assert (run.p50_ms, run.p99_ms) == (71.25, 163.4)
    assert run.non_2xx == 3
    assert run.errors == 3  # two broken reads, one timeout


def test_wrk_output_without_the_summary_is_an_error_not_a_zero():
    with pytest.raises(ValueError, match="no wrk-summary line"):
        wrk.parse("unable to connect to 127.0.0.1:40123 Connection refused\n")


def test_each_row_is_compared_with_the_ceiling_at_the_same_connection_count():
    def row(page, connections, rate):
        return report.Row(page, connections, int(rate * 10), rate, 1.0, 2.0, 0, 0, 1000)

    rows = [row("home", 1, 50.0), row("home", 8, 100.0),
            row(report.CEILING, 1, 500.0), row(report.CEILING, 8, 2000.0)]  # fmt: skip
    report.set_ratios(rows)
    assert [r.ratio for r in rows] == [0.1, 0.05, 1.0, 1.0]


def test_a_run_where_no_request_finished_shows_no_latency():
    rows = [report.Row("post, 5,000 comments", 32, 0, 0.0, None, None, 0, 0, 7_000_000)]
    line = report.table(rows).splitlines()[-1]
    assert line.split()[-6:-4] == ["–", "–"]
    assert line.endswith("7,000,000")


def test_bench_database_sits_beside_the_developers_and_has_its_own_name(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://writer:secret@db.internal:5433/blog")
    assert database.bench_database_url() == (
        "postgres://writer:secret@db.internal:5433/broadsheet_bench"
    )
    monkeypatch.setenv("DATABASE_URL", "sqlite:///db.sqlite3")
    assert database.bench_database_url() == "postgres://postgres@127.0.0.1:5432/broadsheet_bench"


def test_bench_refuses_a_database_that_is_not_postgresql():
    with pytest.raises(CommandError, match="needs a PostgreSQL database"):
        database.bench_database_url("sqlite:///elsewhere.sqlite3")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the developer's database is here")
def test_bench_refuses_to_use_the_developers_own_database():
    mine = connection.settings_dict
    url = f"postgres://{mine['USER']}@{mine['HOST']}:{mine['PORT'] or 5432}/{mine['NAME']}"
    with pytest.raises(CommandError, match="is the database in DATABASE_URL"):
        database.bench_database_url(url)


@pytest.fixture
def small_blog(db):
    return dataset.build(posts=8, thread_sizes=(3, 12, 40))


def test_dataset_has_the_posts_and_threads_asked_for(small_blog):
    assert Post.objects.published().count() == 8
    counts = Counter(Comment.objects.approved().values_list("post_id", flat=True))
    by_url = {post.get_absolute_url(): counts[post.pk] for post in Post.objects.all()}
    assert {size: by_url[url] for size, url in small_blog.post_urls.items()} == {
        3: 3, 12: 12, 40: 40,
    }  # fmt: skip
    assert counts[small_blog.commented_post_id] == 0


def test_dataset_threads_have_nested_replies_within_the_depth_limit(small_blog, settings):
    depths = Counter(Comment.objects.values_list("depth", flat=True))
    assert depths[0] > 0 and depths[1] > 0
    assert max(depths) < settings.BROADSHEET_COMMENT_MAX_DEPTH
    for reply in Comment.objects.filter(parent__isnull=False).select_related("parent"):
        assert reply.depth == reply.parent.depth + 1
        assert reply.post_id == reply.parent.post_id


def test_dataset_rows_are_what_saving_them_would_store(small_blog):
    """Written in bulk, yet the same as the models' own save() leaves them."""
    for model, changes in ((Post, {"updated_at"}), (Comment, set())):
        for row in model.objects.all():
            written = stored_fields(row, but=changes)
            row.save()
            row.refresh_from_db()
            assert stored_fields(row, but=changes) == written, row
    assert all(c.body_html.startswith("<") for c in Comment.objects.all())


def stored_fields(row, but):
    """Every column of the row (derived ones too), except those in `but`."""
    return {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if field.name not in but
    }


def test_every_page_the_bench_loads_answers(small_blog, client):
    for name, path in small_blog.pages:
        assert client.get(path).status_code == 200, name


def test_comment_form_is_read_as_a_browser_sends_it(small_blog, client):
    page = client.get(small_blog.commented_post_url).content.decode()
    form = browser.read_form(page, "comment-form")
    assert form.action == f"/comments/post/{small_blog.commented_post_id}/"
    assert form.fields["token"]  # the signed form token, a hidden input
    assert form.fields["body"] == form.fields["author_name"] == ""
    assert "remember" not in form.fields  # an unticked checkbox is not sent
    assert browser.read_form(page, "no-such-form") is None


def test_uncached_renders_render_each_post_again_every_time(small_blog, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    renders = uncached_renders(small_blog)  # raises if a page came from the page cache

    assert list(renders) == ["post, 3 comments", "post, 12 comments", "post, 40 comments"]
    for timings in renders.values():
        assert set(timings) == {"after a comment", "after a content change"}
        assert all(ms > 0 for ms in timings.values())


# The live server reads committed data. Serialized rollback, as in the browser tests, leaves
# the tables as the migrations made them for the transactional tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_comment_writers_post_through_the_form_and_each_comment_is_stored_once(
    live_server, settings
):
    """The writers against a live server: each acknowledged comment is in the database."""
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 1_000_000
    settings.BROADSHEET_SURGE_FLOOD_PER_MINUTE = 1_000_000  # as the benchmark sets them
    settings.BROADSHEET_SCREENING_MIN_SECONDS = 0
    blog = dataset.build(posts=4, thread_sizes=(1, 2, 3))
    serials = iter(range(1, 1000))

    def next_comment():
        n = next(serials)
        return f"Writer {n}", f"writer{n}@example.net", f"Comment number {n}, well argued."

    writers = 1 if connection.vendor == "sqlite" else 3  # SQLite takes one writer at a time
    writing = browser.write_comments(
        live_server.url, blog.commented_post_url, next_comment, writers=writers, seconds=1
    )
    assert writing.acknowledged and not writing.refused
    stored = stored_once(writing.acknowledged, blog.commented_post_id)
    assert stored["stored_once"] == len(writing.acknowledged)
    assert stored["missing"] == stored["duplicated"] == 0
