"""Threads: replies nest under their parent to a maximum depth; approved comments are counted
and numbered in reading order."""

import pytest

from tests.commenting import BOB, CY, NEWCOMER, outline, posted_comment, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post, regulars):
    return make_post("Town hall")


def reply(write_comment, post, parent, body, **writer):
    return posted_comment(write_comment(post, body, parent=parent.pk, **writer))


def test_replies_nest_under_their_parent(client, post, write_comment):
    first = posted_comment(write_comment(post, "First."))
    answer = reply(write_comment, post, first, "An answer.", **BOB)
    reply(write_comment, post, answer, "An answer to the answer.", **CY)
    posted_comment(write_comment(post, "Second.", **BOB))
    reply(write_comment, post, first, "Another answer.", **CY)

    page = client.get(post.get_absolute_url())

    assert outline(page) == [
        "#1 Ada: First.",
        "    #2 Bob: An answer.",
        "        #3 Cy: An answer to the answer.",
        "    #4 Cy: Another answer.",
        "#5 Bob: Second.",
    ]
    assert text(page).count('<ol class="children">') == 2


def test_replies_nest_five_levels_deep_by_default(client, post, write_comment):
    comment = posted_comment(write_comment(post, "Level 1."))
    for level in range(2, 8):
        comment = reply(write_comment, post, comment, f"Level {level}.", **BOB)

    assert outline(client.get(post.get_absolute_url())) == [
        "#1 Ada: Level 1.",
        "    #2 Bob: Level 2.",
        "        #3 Bob: Level 3.",
        "            #4 Bob: Level 4.",
        "                #5 Bob: Level 5.",
        "                #6 Bob: Level 6.",
        "                #7 Bob: Level 7.",
    ]


def test_a_reply_to_a_comment_at_the_deepest_level_becomes_its_sibling(
    client, post, write_comment, settings
):
    settings.BROADSHEET_COMMENT_MAX_DEPTH = 3
    top = posted_comment(write_comment(post, "Top."))
    middle = reply(write_comment, post, top, "Middle.", **BOB)
    deepest = reply(write_comment, post, middle, "Deepest.", **CY)

    late = reply(write_comment, post, deepest, "Answering the deepest.", **BOB)

    assert late.parent == middle
    assert outline(client.get(post.get_absolute_url())) == [
        "#1 Ada: Top.",
        "    #2 Bob: Middle.",
        "        #3 Cy: Deepest.",
        "        #4 Bob: Answering the deepest.",
    ]


def test_with_a_depth_of_one_replies_are_listed_flat(client, post, write_comment, settings):
    settings.BROADSHEET_COMMENT_MAX_DEPTH = 1
    top = posted_comment(write_comment(post, "Top."))

    reply(write_comment, post, top, "A reply.", **BOB)

    page = client.get(post.get_absolute_url())
    assert outline(page) == ["#1 Ada: Top.", "#2 Bob: A reply."]
    assert '<ol class="children">' not in text(page)


def test_heading_counts_approved_comments(client, post, write_comment):
    assert '<h2 id="comments-title">0 Comments</h2>' in text(client.get(post.get_absolute_url()))

    write_comment(post, "One.")
    assert '<h2 id="comments-title">1 Comment</h2>' in text(client.get(post.get_absolute_url()))

    write_comment(post, "Two.", **BOB)
    write_comment(post, "Three.", **CY)
    assert '<h2 id="comments-title">3 Comments</h2>' in text(client.get(post.get_absolute_url()))


def test_held_comments_are_neither_counted_nor_numbered(client, post, write_comment):
    top = posted_comment(write_comment(post, "Top."))
    reply(write_comment, post, top, "A first-timer's reply.", **NEWCOMER)
    reply(write_comment, post, top, "Bob's reply.", **BOB)
    write_comment(post, "Cy's comment.", **CY)

    page = client.get(post.get_absolute_url())  # the client that wrote them all

    assert '<h2 id="comments-title">3 Comments</h2>' in text(page)
    assert outline(page) == [
        "#1 Ada: Top.",
        "    (awaiting moderation) Nell: A first-timer's reply.",
        "    #2 Bob: Bob's reply.",
        "#3 Cy: Cy's comment.",
    ]
