"""Nothing a stranger sends makes a page answer 500: ids are read strictly, a control
character in an address is a 404, and a comment is saved whole or not at all.

The property-based tests (hypothesis) throw any unicode, control characters, huge and empty
values at every address's parameters, the query strings the views read, the cookies they
read and the comment form's fields. The NUL byte only breaks PostgreSQL, so the suite's
PostgreSQL run (DATABASE_URL) matters here."""

import json
import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from blog.models import Category, Page, Tag
from comments.models import Comment
from comments.section import HELD_COOKIE, REMEMBER_COOKIE
from tests.commenting import form_fields, posted_comment, reader_form, sent_back, text

pytestmark = pytest.mark.django_db

# Text that is not an id, though str.isdigit or int() says it is (or nearly).
NOT_IDS = ["²", "①", "١٢", "1²", " 12", "12 ", "+12", "0x1f", "1_000", "9" * 19, "9" * 5000]

# Any text a browser could send (surrogates cannot be encoded), weighted toward trouble.
STRANGE = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    st.text(st.characters(max_codepoint=0x9F, categories=["Cc"]), min_size=1, max_size=4),
    st.text("0123456789²³¹①١٢ \x00-+.", max_size=25),
    st.integers(min_value=20, max_value=5000).map(lambda n: "7" * n),
    st.sampled_from(["", "\x00", "%00", "1\x00", "\r\n", "<![CDATA[", *NOT_IDS]),
)
FEW = hypothesis_settings(max_examples=12)


def as_sent(header_value):
    """A header value as a WSGI server hands it to Django: UTF-8 bytes read as Latin-1."""
    return header_value.encode().decode("latin-1")


@pytest.fixture
def post(make_post):
    return make_post("The ferry timetable", slug="ferry-timetable")


@pytest.fixture
def approved(post):
    return Comment.objects.create(
        post=post, body="First.", author_name="Ada", author_email="ada@example.org",
        status=Comment.Status.APPROVED,
    )  # fmt: skip


# --- Each way in, named -----------------------------------------------------------------


@pytest.mark.parametrize("argument", ["p", "page_id"])
@pytest.mark.parametrize("value", NOT_IDS)
def test_a_wordpress_link_with_a_number_that_is_not_an_id_is_an_ordinary_page(
    client, argument, value
):
    response = client.get("/", {argument: value})

    assert response.status_code == 200
    assert "Location" not in response


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_reply_link_to_a_number_that_is_not_an_id_shows_the_plain_form(
    client, post, approved, value
):
    response = client.get(post.get_absolute_url(), {"replytocom": value})

    assert response.status_code == 200
    assert '<span id="reply-title-text">Leave a Reply</span>' in text(response)


@pytest.mark.parametrize("value", ["²", "①", "١", "1²"])
def test_a_reply_to_a_number_that_is_not_an_id_is_refused_and_the_text_kept(
    client, post, approved, write_comment, value
):
    response = write_comment(post, "My careful reply about the ferry.", parent=value, follow=True)

    sent_back(response)
    assert "The comment you are replying to is not available." in text(response)
    assert form_fields(response)["body"] == "My careful reply about the ferry."
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"body": 'See <a href="[x](y)">this</a>.'},
        {"body": "Mirror at http://[x]/notes and http://[broken."},
        {"body": "Fine.", "author_url": "https://[x]/"},
    ],
    ids=["href", "bare-link", "website"],
)
def test_a_link_with_a_broken_host_is_screened_like_any_other(client, post, write_comment,
                                                              fields):  # fmt: skip
    # urlsplit refuses "http://[x]/" with a ValueError; the link screening must not.
    response = write_comment(post, **{"body": "", **fields})

    assert response.status_code == 302
    if response["Location"].endswith("#respond"):  # sent back to the form
        assert form_fields(client.get(response["Location"]))["body"] == fields["body"]
    else:
        assert posted_comment(response).body == fields["body"]


@pytest.mark.parametrize("value", ["١", "²", "1 "])
def test_a_page_number_that_is_not_ascii_digits_is_the_404(client, make_post, value):
    make_post()

    assert client.get(reverse("blog:home"), {"page": value}).status_code == 404


@pytest.mark.parametrize("path", ["/about%00/", "/2024/03/a%00b/", "/%00", "/tag/x%0A/",
                                  "/comments/unsubscribe/a%00b/", "/old%01page/"])  # fmt: skip
def test_a_control_character_in_an_address_is_the_styled_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_an_old_address_with_a_nul_byte_is_not_looked_up(client, post):
    from blog.models import LegacyRedirect

    LegacyRedirect.objects.create(old_path="/old-ferry/", post=post)

    assert client.get("/old-ferry%00/").status_code == 404
    assert client.get("/old-ferry/").status_code == 301


def test_a_held_comment_cookie_with_strange_ids_shows_the_page(client, post):
    client.cookies[HELD_COOKIE] = as_sent("²,①,1\x00")  # unsigned: read as no cookie at all

    assert client.get(post.get_absolute_url()).status_code == 200


def test_a_session_cookie_with_a_nul_byte_is_treated_as_no_session(client, post):
    # A quoted cookie value may spell a NUL byte as \000; gunicorn lets that through.
    client.cookies["sessionid"] = "\x00" * 12

    assert client.get(post.get_absolute_url()).status_code == 200


# --- Every address, every parameter -----------------------------------------------------


def _patterns(resolver=None, prefix=""):
    """(route, parameter names) for every URL pattern of the site, with its full route."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


_PARAMETER = re.compile(r"<(?:\w+:)?\w+>|\(\?P<\w+>")


def _fill(route, values):
    """The route with each parameter replaced by the next value (percent-encoded)."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    pieces = _PARAMETER.split(route)
    path = pieces[0]
    for value, piece in zip(values, pieces[1:], strict=False):
        if route.count("(?P<"):
            piece = piece[_closing(piece) + 1 :]  # drop the group's own pattern
        path += quote(value, safe="") + piece
    return "/" + path.replace("\\", "")


def _closing(piece):
    depth = 1
    for index, char in enumerate(piece):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index
    return len(piece) - 1


ROUTES = sorted({route for route in _patterns() if _PARAMETER.search(route)})
PUBLIC_ROUTES = [route for route in ROUTES if not route.startswith("admin/")]
ADMIN_ROUTES = [route for route in ROUTES if route.startswith("admin/")]


def test_the_routes_under_test_are_the_sites_own():
    assert "<int:year>/<mm:month>/<slug:slug>/" in PUBLIC_ROUTES
    assert "comments/post/<int:post_id>/" in PUBLIC_ROUTES
    assert any("<path:object_id>/change/" in route for route in ADMIN_ROUTES)


@pytest.mark.parametrize("route", PUBLIC_ROUTES)
def test_no_value_in_any_address_parameter_makes_a_500(client, post, approved, route):
    @FEW
    @given(st.lists(STRANGE, min_size=3, max_size=3))
    def request(values):
        for method in (client.get, client.post):
            response = method(_fill(route, values))
            assert response.status_code < 500, (route, values)

    request()


@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_no_value_in_any_admin_address_parameter_makes_a_500(client, editor, post, route):
    client.force_login(editor)

    @hypothesis_settings(max_examples=4)
    @given(st.lists(STRANGE, min_size=3, max_size=3))
    def request(values):
        response = client.get(_fill(route, values))
        assert response.status_code < 500, (route, values)

    request()


# --- Every query string a view reads ----------------------------------------------------


def _pages_with_queries(post):
    category, tag = Category.objects.create(name="Transport", slug="transport"), None
    tag = Tag.objects.create(name="ferries", slug="ferries")
    post.categories.add(category)
    post.tags.add(tag)
    Page.objects.create(title="About", slug="about", body="Hello.", author=post.author,
                        status=Page.Status.PUBLISHED)  # fmt: skip
    year = post.publish_at.year
    return [
        ("/", "page"), ("/", "p"), ("/", "page_id"), ("/about/", "p"),
        ("/search/", "q"), ("/search/", "page"), (category.get_absolute_url(), "page"),
        (tag.get_absolute_url(), "page"), (f"/{year}/", "page"),
        (post.get_absolute_url(), "replytocom"), (post.get_absolute_url(), "page_id"),
    ]  # fmt: skip


def test_no_value_in_any_query_string_makes_a_500(client, post, approved):
    queries = _pages_with_queries(post)

    @hypothesis_settings(max_examples=60)
    @given(st.sampled_from(queries), STRANGE, STRANGE)
    def request(query, value, search):
        path, argument = query
        response = client.get(path, {argument: value, "q": search})
        assert response.status_code < 500, (path, argument, value)

    request()


def test_no_cookie_value_makes_a_500(client, post, approved):
    @hypothesis_settings(max_examples=25)
    @given(STRANGE, STRANGE, st.sampled_from([REMEMBER_COOKIE, HELD_COOKIE, "sessionid",
                                              "csrftoken", "messages"]))  # fmt: skip
    def request(name, email, cookie):
        value = json.dumps({"author_name": name, "author_email": email, "author_url": name})
        client.cookies[cookie] = as_sent(value if cookie == REMEMBER_COOKIE else name)
        response = client.get(post.get_absolute_url())
        assert response.status_code < 500, (cookie, name, email)

    request()


# --- The comment form: saved whole, or sent back with the text --------------------------

FORM_FIELDS = ["author_name", "author_email", "author_url", "body", "parent", "token",
               "website_confirm", "remember", "notify_replies", "user_agent"]  # fmt: skip


def test_no_value_in_any_comment_field_makes_a_500_or_half_a_comment(
    client, post, approved, write_comment
):
    @hypothesis_settings(max_examples=50)
    @given(st.dictionaries(st.sampled_from(FORM_FIELDS), STRANGE, min_size=1, max_size=4))
    def send(strange):
        fields = dict(strange)
        user_agent = fields.pop("user_agent", "Mozilla/5.0")
        data = reader_form(post, "A fair point about the ferry, well made.")
        data.update(fields)
        before = Comment.objects.count()

        meta = {"HTTP_USER_AGENT": as_sent(user_agent)}
        response = write_comment(post, data.pop("body"), meta=meta,
                                 **data)  # fmt: skip

        assert response.status_code in (302, 409), (strange, response.status_code)
        if response.status_code == 302 and not response["Location"].endswith("#respond"):
            comment = posted_comment(response)
            assert Comment.objects.count() == before + 1
            assert comment.post == post and comment.body.strip()
        else:  # sent back to the form
            assert Comment.objects.count() == before
            sent = strange.get("body", "A fair point about the ferry, well made.")
            if response.status_code == 302:
                response = client.get(response["Location"])
            assert form_fields(response)["body"] == sent

    send()
