"""The comment section under a post: the thread a reader sees and the form they write in."""

import json

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from blog.ids import parse_id
from comments.forms import CommentForm
from comments.models import Comment
from comments.threads import Outline, ThreadComment, build_thread

HELD_COOKIE = "broadsheet_held"
HELD_COOKIE_SALT = "comments.held"
HELD_COOKIE_MAX_IDS = 50
REMEMBER_COOKIE = "broadsheet_commenter"
ONE_YEAR = 365 * 24 * 3600
# A form that needs another go travels from the POST to the post page in the session.
SENT_FORM_KEY = "comments.sent_form"
SENT_FORM_FIELDS = (
    "body", "author_name", "author_email", "author_url", "parent", "token", "remember",
    "notify_replies",
)  # fmt: skip
SENT_FORM_SECONDS = 3600


def held_comment_ids(request):
    """Ids of this reader's own comments that wait for a moderator (from a signed cookie)."""
    value = request.get_signed_cookie(HELD_COOKIE, default="", salt=HELD_COOKIE_SALT)
    ids = (parse_id(part) for part in value.split(",")[:HELD_COOKIE_MAX_IDS])
    return [comment_id for comment_id in ids if comment_id is not None]


def remember_held_comment(request, response, comment):
    ids = [*held_comment_ids(request), comment.pk][-HELD_COOKIE_MAX_IDS:]
    response.set_signed_cookie(
        HELD_COOKIE,
        ",".join(map(str, ids)),
        salt=HELD_COOKIE_SALT,
        max_age=30 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def remembered_commenter(request):
    """Name, email and website saved by a reader who ticked "Save my name…"."""
    try:
        saved = json.loads(request.COOKIES.get(REMEMBER_COOKIE, "{}"))
    except ValueError:
        return {}
    if not isinstance(saved, dict):
        return {}
    fields = ("author_name", "author_email", "author_url")
    initial = {field: str(saved[field]) for field in fields if saved.get(field)}
    if initial:
        initial["remember"] = True
    return initial


def update_remembered_commenter(response, form):
    """Keep the reader's details only when they ticked the box; forget them otherwise."""
    if form.cleaned_data.get("remember"):
        saved = {
            field: form.cleaned_data.get(field, "")
            for field in ("author_name", "author_email", "author_url")
        }
        response.set_cookie(
            REMEMBER_COOKIE,
            json.dumps(saved),
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")


def keep_sent_form(request, post, rejection=""):
    """Keep what the reader sent (not the honeypot), and why it was not posted, for the
    post page they are sent back to. The session cookie makes that page theirs alone:
    the page cache neither serves nor stores it (blog/page_cache.py)."""
    request.session[SENT_FORM_KEY] = {
        "post": post.pk,
        "data": {name: request.POST[name] for name in SENT_FORM_FIELDS if name in request.POST},
        "rejection": rejection,
        "at": timezone.now().timestamp(),
    }
    if not request.user.is_authenticated:  # a session made for this alone: short-lived
        request.session.set_expiry(SENT_FORM_SECONDS)


def sent_form_address(request, post, form):
    """Where a form that needs another go is shown: at the form, on the comment page of
    the comment it answers (and as a reply to it, should the page be reloaded)."""
    parent = parse_id(str(form.data.get("parent", "")))
    page = None
    if parent:
        page = Outline.of_post(post, held_comment_ids(request)).page_of(parent)
    query = f"?replytocom={parent}" if page and not form.has_error("parent") else ""
    return f"{post.comment_page_url(page or 1)}{query}#respond"


def take_sent_form(request, post):
    """The form this reader sent to `post` and was sent back with, once: (data, rejection),
    or (None, "") when there is none."""
    if SENT_FORM_KEY not in request.session:  # no query without a session cookie
        return None, ""
    kept = request.session[SENT_FORM_KEY]
    ours = kept.get("post") == post.pk
    fresh = timezone.now().timestamp() - kept.get("at", 0) <= SENT_FORM_SECONDS
    if ours or not fresh:
        del request.session[SENT_FORM_KEY]
        if not request.user.is_authenticated:
            request.session.set_expiry(None)
            if not request.session.keys():  # its cookie goes: the reader's pages are shared
                request.session.flush()
    if not (ours and fresh):
        return None, ""
    return kept.get("data", {}), kept.get("rejection", "")


def comment_section(request, post, form=None, rejection="", rejected_text="", page=None):
    """Template context for the comment section, showing comment page `page` (a form sent
    back shows the page of the comment it answers; otherwise the first). Two queries
    however long the thread: its outline, then the comments on the page.

    Raises Http404 for a page past the end."""
    sent_back = form is not None
    if form is None and not rejection:
        data, rejection = take_sent_form(request, post)
        if data is not None:
            form = CommentForm(post, data, user=request.user)
            form.is_valid()  # its errors again, for the fields they are about
            sent_back = True
    visible = Comment.objects.visible_on(post, held_comment_ids(request))
    outline = Outline.of(
        list(visible.values_list("id", "parent_id", "status")),
        settings.BROADSHEET_COMMENTS_PER_PAGE,
    )
    if page is None:
        parent = parse_id(str(form.data.get("parent", ""))) if form is not None else None
        page = (outline.page_of(parent) if parent else None) or 1
    if page > outline.page_count:
        raise Http404("No such page of comments.")
    if outline.page_count > 1:
        visible = visible.filter(pk__in=outline.ids_on_page(page))
    thread = build_thread(ThreadComment.rows(visible), numbers=outline.numbers)
    blank_form = False
    if form is None:
        initial = remembered_commenter(request)
        if request.user.is_authenticated and "author_name" not in initial:
            initial["author_name"] = request.user.get_full_name() or request.user.get_username()
            initial["author_email"] = request.user.email
        reply_to = _reply_target(thread, request.GET.get("replytocom", ""), old_links=True)
        if reply_to:
            initial["parent"] = reply_to.pk
        blank_form = not initial and not rejection and not rejected_text
        form = CommentForm(post, initial=initial, user=request.user)
    else:
        reply_to = _reply_target(thread, str(form.data.get("parent", "")))
    # The author previewing a draft or scheduled post sees the form as it will be once live,
    # disabled (comments/views.py refuses comments until then). The thread keeps no Reply
    # links: the reply script would carry the form out of its disabled fieldset.
    previewed_open = not post.is_published and post.will_accept_comments
    return {
        "thread": thread,
        "thread_html": thread.html(post, post.accepts_comments),
        "comment_page": page,
        "comment_pages": post.comment_page_urls(1, outline.page_count)
        if outline.page_count > 1
        else [],
        "comment_form": form,
        "reply_to": reply_to,
        "accepts_comments": post.accepts_comments,
        "comments_open_when_live": previewed_open,
        "rejection": rejection,
        "rejected_text": rejected_text,
        "form_sent_back": sent_back,
        # Nothing of this reader's in the form (no words sent back, no saved name, not a
        # reply): the section reads the same for every reader but for its thread.
        "blank_form": blank_form,
    }


def _reply_target(thread, comment_id, old_links=False):
    """The approved comment on this page being answered. With `old_links`, a reply link of
    the old WordPress blog (?replytocom=1002, its WordPress id) finds its comment too."""
    number = parse_id(comment_id)
    node = thread.by_id.get(number)
    if node is None and old_links:
        node = thread.by_wordpress_id(number)
    if node and node.comment.is_approved:
        return node.comment
    return None
