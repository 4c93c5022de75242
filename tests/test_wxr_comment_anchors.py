"""Old WordPress comment links keep working: an imported comment keeps its WordPress id as
an anchor beside ours, so "…/slug/#comment-1002" still finds it, and no comment written
here takes the same number."""

import importlib
import re
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from blog.models import Post
from comments.models import Comment
from tests.wxr_files import OLD_BLOG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_page_cache")]

POST_URL = "/2019/03/the-pothole-on-mill-lane/"


def import_wxr(path=OLD_BLOG):
    call_command("import_wxr", str(path), stdout=StringIO())


def anchors(html):
    """Every comment anchor on the page, in order (ids repeated if they are)."""
    return re.findall(r'id="(comment-\d+)"', html)


def article_of(html, comment):
    """The stored article of `comment` as the page shows it."""
    start = html.index(f'<article id="comment-{comment.pk}"')
    return html[start : html.index("</article>", start)]


def test_an_imported_comment_keeps_its_wordpress_id_as_an_anchor(client):
    import_wxr()
    comment = Comment.objects.get(wordpress_id=1002)

    html = client.get(POST_URL).content.decode()

    assert comment.pk != 1002
    assert 'id="comment-1002"' in article_of(html, comment)
    assert f'id="comment-{comment.pk}"' in article_of(html, comment)
    found = anchors(html)
    assert len(found) == len(set(found))  # an id is on the page once


def test_imported_comments_are_numbered_above_every_wordpress_id_they_bring():
    import_wxr()

    imported = Comment.objects.filter(post__wordpress_id=101)
    highest = max(imported.values_list("wordpress_id", flat=True))
    assert min(imported.values_list("pk", flat=True)) > highest


def test_comments_written_after_the_move_never_take_a_wordpress_number(client, write_comment):
    import_wxr()
    post = Post.objects.get(wordpress_id=101)
    highest = max(Comment.objects.values_list("wordpress_id", flat=True).exclude(wordpress_id=None))

    write_comment(post, "Filled in at last, after three years.")
    Comment.objects.filter(wordpress_id=None).moderate(Comment.Status.APPROVED)

    new = Comment.objects.get(wordpress_id=None)
    assert new.pk > highest
    found = anchors(client.get(POST_URL).content.decode())
    assert f"comment-{new.pk}" in found and len(found) == len(set(found))


def test_a_later_import_bringing_our_number_leaves_our_comment_its_anchor(
    client, tmp_path, write_comment
):
    """The last comments written in WordPress come in after readers have commented here:
    one may bring, as its WordPress id, the id of a comment written here on the same post.
    The page keeps one #comment-N, ours, which our own links (emails, feeds) name."""
    import_wxr()
    post = Post.objects.get(wordpress_id=101)
    write_comment(post, "Written here, after the move.")
    ours = Comment.objects.get(wordpress_id=None)
    Comment.objects.filter(pk=ours.pk).moderate(Comment.Status.APPROVED)
    later = OLD_BLOG.read_text().replace(
        "<wp:comment_id>1006</wp:comment_id>", f"<wp:comment_id>{ours.pk}</wp:comment_id>"
    )
    later = later.replace(  # approved, so that it is on the page too
        "<wp:comment_approved><![CDATA[trash]]></wp:comment_approved>",
        "<wp:comment_approved><![CDATA[1]]></wp:comment_approved>",
    )
    (tmp_path / "later.xml").write_text(later)

    import_wxr(tmp_path / "later.xml")

    theirs = Comment.objects.get(post=post, wordpress_id=ours.pk)
    assert theirs.status == Comment.Status.APPROVED
    html = client.get(POST_URL).content.decode()
    assert anchors(html).count(f"comment-{ours.pk}") == 1
    assert f'id="comment-{ours.pk}"' in article_of(html, ours)
    assert f'id="comment-{ours.pk}"' not in article_of(html, theirs)


def test_an_old_reply_link_answers_the_comment_it_named(client):
    import_wxr()
    answered = Comment.objects.get(wordpress_id=1002)

    html = client.get(f"{POST_URL}?replytocom=1002").content.decode()

    assert f"Reply to {answered.author_name}" in html
    assert f'name="parent" value="{answered.pk}"' in html


def test_our_own_reply_links_still_name_our_ids(client):
    import_wxr()
    answered = Comment.objects.get(wordpress_id=1001)

    html = client.get(f"{POST_URL}?replytocom={answered.pk}").content.decode()

    assert f'name="parent" value="{answered.pk}"' in html


def test_comments_imported_before_the_anchor_existed_get_it_from_the_data_migration():
    import_wxr()
    comment = Comment.objects.get(wordpress_id=1002)
    without = comment.html.replace('<span id="comment-1002"></span>', "")
    Comment.objects.filter(pk=comment.pk).update(html=without)
    migration = importlib.import_module("comments.migrations.0015_wordpress_comment_anchors")

    migration.render_imported_articles(apps, schema_editor=None)

    assert 'id="comment-1002"' in Comment.objects.get(pk=comment.pk).html


def earlier_comments(post, count):
    """`count` approved top-level comments written before the imported ones, so that the
    imported thread moves to a later comment page."""
    for n in range(count):
        Comment.objects.create_from(
            post=post,
            body=f"An earlier word, number {n + 1}.",
            author_name="Early reader",
            status=Comment.Status.APPROVED,
            submitted_at=datetime(2019, 3, 14, 10, n, tzinfo=UTC),
        )


def test_a_link_to_a_comment_on_another_page_is_answered_with_that_page(client, settings):
    settings.BROADSHEET_COMMENTS_PER_PAGE = 2
    import_wxr()
    earlier_comments(Post.objects.get(wordpress_id=101), 4)
    comment = Comment.objects.get(wordpress_id=1002)

    by_wordpress_id = client.get("/comments/1002/", {"on": POST_URL})
    by_our_id = client.get(f"/comments/{comment.pk}/", {"on": POST_URL + "comment-page-2/"})

    expected = f"{POST_URL}comment-page-3/#comment-{comment.pk}"
    assert by_wordpress_id.status_code == 302 and by_wordpress_id["Location"] == expected
    assert by_our_id["Location"] == expected
    html = client.get(f"{POST_URL}comment-page-3/").content.decode()
    assert 'id="comment-1002"' in html


def test_an_old_comment_page_past_our_last_one_finds_its_comment(client, settings):
    settings.BROADSHEET_COMMENTS_PER_PAGE = 2
    import_wxr()
    earlier_comments(Post.objects.get(wordpress_id=101), 4)
    comment = Comment.objects.get(wordpress_id=1002)
    old_page = f"{POST_URL}comment-page-7/"

    not_found = client.get(old_page)
    found = client.get("/comments/1002/", {"on": old_page})

    assert not_found.status_code == 404
    assert 'src="/static/js/comment-links.js"' in not_found.content.decode()
    assert found["Location"] == f"{POST_URL}comment-page-3/#comment-{comment.pk}"


def test_a_link_to_a_comment_that_is_not_there_lands_on_the_post(client):
    import_wxr()

    gone = client.get("/comments/999999/", {"on": POST_URL})
    spam = client.get("/comments/1004/", {"on": POST_URL})  # WordPress's spam stays unseen

    assert gone.status_code == spam.status_code == 302
    assert gone["Location"] == spam["Location"] == POST_URL


def test_without_a_page_the_number_is_our_own_id_as_before(client):
    import_wxr()
    comment = Comment.objects.get(wordpress_id=1002)

    assert client.get("/comments/1002/").status_code == 404
    assert client.get("/comments/1002/", {"on": "/about-the-pump/"}).status_code == 404
    assert client.get(f"/comments/{comment.pk}/", {"on": "/no-such-page/"}).status_code == 404
    assert client.get(f"/comments/{comment.pk}/")["Location"].endswith(f"#comment-{comment.pk}")
