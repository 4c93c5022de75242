"""A form sent twice makes one comment: a double click, a reload after posting, or the same
post arriving twice at once all land the reader on the one comment the form made. What
counts is the form's one-time number and the words: new words are a new comment."""

import threading

import pytest
from django.db import connection
from django.test import Client

from comments.models import AlreadySent, Comment
from comments.screening.lookups import stored_history
from comments.section import HELD_COOKIE
from tests.commenting import (
    ADA,
    BOB,
    NEWCOMER,
    comment_url,
    form_fields,
    posted_comment,
    reader_form,
    text,
)
from tests.screening import AllAtOnce, submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post, regulars):
    return make_post("The new library hours")


def test_the_same_form_sent_twice_makes_one_comment_and_the_same_answer(
    client, post, write_comment, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    form = reader_form(post, "Saturday afternoons would help most.", **NEWCOMER)
    body = form.pop("body")

    with django_capture_on_commit_callbacks(execute=True):
        first = write_comment(post, body, **form)
        # A double click: the browser sends again before the first answer has come back.
        second = write_comment(post, body, **form, by=Client())

    comment = posted_comment(first)
    assert Comment.objects.count() == 4  # three from the regulars, and this one
    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == first["Location"] == comment.get_absolute_url()
    # Either answer may be the one the browser keeps: both let the writer see it waiting.
    assert second.cookies[HELD_COOKIE].value == first.cookies[HELD_COOKIE].value
    assert len(mailoutbox) == 1  # the moderator hears of it once
    browser = Client()
    browser.cookies[HELD_COOKIE] = second.cookies[HELD_COOKIE].value
    page = text(browser.get(second["Location"]))
    assert page.count("Saturday afternoons would help most.") == 1
    assert "Your comment is awaiting moderation." in page


def test_a_reload_after_posting_lands_on_the_comment_again(client, post, write_comment):
    form = reader_form(post, "Well done to the volunteers.")
    first = write_comment(post, form.pop("body"), **form)

    again = write_comment(post, "Well done to the volunteers.", **form, follow=True)

    assert again.redirect_chain[-1][0] == first["Location"]
    assert text(again).count("Well done to the volunteers.") == 1


def test_new_words_from_a_form_already_used_are_a_new_comment(client, post, write_comment):
    form = reader_form(post, "First thought.")
    write_comment(post, form.pop("body"), **form)

    # The back button: the same page, the same form token, new words.
    second = write_comment(post, "A second, different thought.", **form)

    assert posted_comment(second).body == "A second, different thought."
    assert Comment.objects.filter(post=post).count() == 2


def test_readers_of_one_cached_page_each_post_their_own_comment(post, regulars, settings):
    """Anonymous readers share one stored page, so one form token: what each writes makes
    their own comment, and a double click still makes one."""
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 0
    ada, bob = Client(), Client()
    first_view = ada.get(post.get_absolute_url())
    second_view = bob.get(post.get_absolute_url())
    assert second_view["X-Page-Cache"] == "hit"
    token = form_fields(first_view)["token"]
    assert form_fields(second_view)["token"] == token

    sent = [
        ada.post(comment_url(post), {**reader_form(post, "Ada's view.", **ADA), "token": token}),
        bob.post(comment_url(post), {**reader_form(post, "Bob's view.", **BOB), "token": token}),
        bob.post(comment_url(post), {**reader_form(post, "Bob's view.", **BOB), "token": token}),
    ]

    assert [answer.status_code for answer in sent] == [302, 302, 302]
    assert sent[1]["Location"] == sent[2]["Location"] != sent[0]["Location"]
    assert sorted(Comment.objects.filter(post=post).values_list("body", flat=True)) == [
        "Ada's view.", "Bob's view."
    ]


def test_the_database_refuses_a_second_comment_from_one_form(post):
    fields = {"post": post, "body": "Once.", "author_name": "Ada", "form_nonce": "n0nce"}
    first = Comment.objects.create_from(**fields)

    with pytest.raises(AlreadySent) as sent:
        Comment.objects.create_from(**fields)

    assert sent.value.comment == first
    assert Comment.objects.filter(body="Once.").count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"
)
@pytest.mark.django_db(transaction=True)
def test_identical_posts_arriving_at_the_same_moment_make_one_comment(make_post, settings):
    post = make_post()
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 0
    # Every request is held after screening until all are there: all of them have looked
    # for an earlier comment and found none before any saves.
    settings.BROADSHEET_SCREENING_CHECKS = [
        *settings.BROADSHEET_SCREENING_CHECKS, "tests.screening.AllAtOnce"
    ]
    senders = 8
    AllAtOnce.barrier = threading.Barrier(senders)
    form = reader_form(post, "Sent from eight tabs at once.")
    answers = []

    def send():
        try:
            answers.append(Client().post(comment_url(post), form))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        AllAtOnce.barrier = None

    assert [answer.status_code for answer in answers] == [302] * senders
    assert len({answer["Location"] for answer in answers}) == 1
    assert Comment.objects.filter(post=post).count() == 1


@pytest.mark.parametrize("lookup", ["with the screening's questions", "after a clash"])
def test_looking_for_a_form_sent_before_uses_its_index(post, lookup, settings):
    """The lookup must reach the partial unique index on form_key, or every comment posted
    reads the whole table. PostgreSQL prepares a statement it runs often
    (DATABASE_PREPARE_THRESHOLD) and may then plan it once for any value; SQLite uses a
    partial index only when the query repeats the index's condition as it is written."""
    sent_form = submission(post, author_email="new@example.net", body="Sent once.")

    def look():
        if lookup == "after a clash":
            return Comment.objects.sent_with_form_key("a" * 64)
        return stored_history(sent_form).sent_before

    if connection.vendor == "sqlite":
        plan = sqlite_plan(look)
    else:
        threshold = settings.DATABASES["default"]["OPTIONS"].get("prepare_threshold")
        if not threshold:
            pytest.skip("statements are not prepared (DATABASE_PREPARE_THRESHOLD=0)")
        plan = generic_plan(look, runs=threshold + 1)
    assert "comment_form_sent_once" in plan


def sent_statements(run, runs=1):
    """(sql, params) of every statement `run()` sends, run `runs` times."""
    sent = []

    def keep(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        for _ in range(runs):
            assert run() is None
    return sent


def sqlite_plan(run):
    """SQLite's plan of the one statement `run()` sends."""
    ((sql, params),) = sent_statements(run)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


def generic_plan(run, runs):
    """The plan PostgreSQL makes for any values of the one statement `run()` sends, once
    psycopg has prepared it (after `runs` runs)."""
    import psycopg

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
    _, params = sent_statements(run, runs)[-1]
    # Client-side binding: the values go into the EXPLAIN's text, as literals.
    with psycopg.ClientCursor(connection.connection) as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements ORDER BY prepare_time DESC")
        name = cursor.fetchone()[0]
        placeholders = ", ".join(["%s"] * len(params))
        cursor.execute(f"EXPLAIN EXECUTE {name}({placeholders})", params)
        return "\n".join(row[0] for row in cursor.fetchall())
