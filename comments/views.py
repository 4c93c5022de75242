import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.http import Http404
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from blog.models import Post
from blog.views import render_post
from comments import moderation_links, notifications, screening
from comments.forms import CommentForm
from comments.models import AlreadySent, Comment
from comments.section import (
    held_comment_ids,
    keep_sent_form,
    remember_held_comment,
    sent_form_address,
    update_remembered_commenter,
)

logger = logging.getLogger(__name__)

CLOSED_MESSAGE = "Comments are closed on this post."
SAVE_FAILED_MESSAGE = (
    "Sorry, your comment could not be saved just now. Nothing was posted; your text is "
    "still below. Please try again in a moment."
)


FORGED_MESSAGE = (
    "This form could not be confirmed as sent from this blog's own page, so nothing was "
    "posted. Your text is below: please send it again from here."
)


@csrf_exempt  # checked below: anonymous pages are cached whole, without a per-reader token
@require_POST
def post_comment(request, post_id):
    """Validate → screen → save → notify, then redirect back to the post."""
    # Not the Markdown source nor the search document: a comment needs neither.
    post = get_object_or_404(Post.objects.published().defer("body", "search_document"),
                             pk=post_id)  # fmt: skip
    form = CommentForm(post, request.POST, user=request.user)
    if not _sent_from_this_site(request):
        return render_post(request, post, form=form, status=403, rejection=FORGED_MESSAGE)
    if not post.accepts_comments:
        return render_post(
            request, post, status=403,
            rejection=CLOSED_MESSAGE, rejected_text=request.POST.get("body", ""),
        )  # fmt: skip
    if not form.is_valid():
        return _sent_back(request, post, form)

    submission = form.submission(request)
    earlier = Comment.objects.sent_before(submission)
    if earlier is not None:  # sent again (a double click, a reload): the first answer again
        return _posted(request, form, earlier)
    verdict = screening.screen(submission)
    if verdict.is_rejected:
        return _sent_back(request, post, form, verdict.message)

    try:
        with transaction.atomic():
            comment = form.save(submission, verdict)
            notifications.comment_posted(comment)  # its emails, sent after commit
    except AlreadySent as sent:  # sent twice at once: the other request saved it
        return _posted(request, form, sent.comment)
    except DatabaseError:
        logger.exception("Could not save a comment on post %s", post.pk)
        return render_post(request, post, form=form, status=503, rejection=SAVE_FAILED_MESSAGE)
    return _posted(request, form, comment)


def _sent_back(request, post, form, rejection=""):
    """The form needs another go: back to the post, at the form, with the message and
    everything typed (kept in the session), at an address that can be reloaded."""
    keep_sent_form(request, post, rejection)
    return redirect(sent_form_address(request, post, form))


def _posted(request, form, comment):
    """Back to the post, at the comment, with a thank-you that says whether it waits."""
    held_ids = [] if comment.is_approved else [*held_comment_ids(request), comment.pk]
    response = redirect(comment.page_url(held_ids))
    update_remembered_commenter(response, form)
    if comment.is_approved:
        messages.success(request, "Thank you: your comment is published.")
    else:
        if comment.pk not in held_comment_ids(request):  # not when the form is sent again
            remember_held_comment(request, response, comment)
        messages.info(request, "Thank you: your comment is awaiting moderation.")
    return response


def permalink(request, comment_id):
    """/comments/<id>/: to the comment on whichever page of its post shows it now.

    `?on=<a page of a post>` comes from a link to a comment that page does not show
    (static/js/comment-links.js): an old WordPress link names an imported comment's
    WordPress id, or a comment page other than the one that shows it now. Found or not,
    the reader lands on the post."""
    held_ids = held_comment_ids(request)
    visible = Comment.objects.filter(Q(status=Comment.Status.APPROVED) | Q(pk__in=held_ids))
    visible = visible.select_related("post").filter(post__in=Post.objects.published())
    if "on" not in request.GET:
        return redirect(get_object_or_404(visible, pk=comment_id).page_url(held_ids))
    post = Post.objects.published().at_address(request.GET["on"])
    if post is None:
        raise Http404("No post is at that address.")
    on_post = visible.filter(post=post)
    # Our id first: the page shows ours under #comment-N when both have the number.
    comment = on_post.filter(pk=comment_id).first() or (
        on_post.filter(wordpress_id=comment_id).order_by("pk").first()
    )
    if comment is None:
        return redirect(post.get_absolute_url())
    return redirect(comment.page_url(held_ids))


def _sent_from_this_site(request):
    """Whether a comment POST comes from a page of this blog, not from another site.

    A logged-in reader's session could be ridden by another site, so their form carries
    Django's CSRF token and gets Django's full check. An anonymous reader's page is shared
    (blog/page_cache.py) and carries no token; their browser names the page's origin in
    `Origin` (every current browser does on a POST), or else in `Referer`, which a
    cross-site form cannot forge. Neither present: refused. The signed form token then
    ties the POST to a page of this post, rendered a while ago (comments/screening)."""
    if getattr(request, "_dont_enforce_csrf_checks", False):  # the test client's default
        return True
    if request.user.is_authenticated:
        refused = CsrfViewMiddleware(lambda _: None).process_view(request, None, (), {})
        return refused is None
    origin = request.META.get("HTTP_ORIGIN")
    if not origin:
        try:
            referer = urlsplit(request.META.get("HTTP_REFERER", ""))
        except ValueError:  # "http://[" and other addresses urlsplit refuses
            return False
        origin = f"{referer.scheme}://{referer.netloc}" if referer.netloc else ""
    if not origin or origin == "null":
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Stop follow-up emails for one post. A GET (a reader, or a mail scanner opening every
    link) only shows a button; the POST from it, or a mail program's one-click POST
    (`List-Unsubscribe=One-Click`, RFC 8058), unsubscribes."""
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    email, post_id = found
    post = get_object_or_404(Post, pk=post_id)
    if request.method != "POST":
        return render(request, "comments/unsubscribe.html", {"post": post})
    Comment.objects.filter(post=post, author_email=email.lower(), notify_replies=True).update(
        notify_replies=False
    )
    return render(request, "comments/unsubscribe.html", {"post": post, "unsubscribed": True})


@never_cache  # a moderator's page: never a shared copy
@require_http_methods(["GET", "HEAD", "POST"])
def moderate_from_email(request, token):
    """An Approve, Spam or Trash link from a moderator's email. A GET (the moderator, or a
    mail scanner opening every link) shows the comment and a button; the button's POST
    moderates it as the moderator the email was sent to, once (comments/moderation_links.py).
    Django's CSRF check guards the POST, and the signed token says who may do what."""
    try:
        if request.method == "POST":
            link = moderation_links.follow(token)
            messages.success(
                request, f"Done: the comment is {link.comment.get_status_display().lower()}."
            )
            return redirect(request.path)
        link = moderation_links.read(token)
    except moderation_links.LinkRefused as refused:
        return render(
            request, "comments/moderate_from_email.html",
            {"refused": refused.reason, "comment": refused.comment},
            status=200 if refused.reason == "used" else 400,
        )  # fmt: skip
    return render(
        request, "comments/moderate_from_email.html", {"link": link, "comment": link.comment}
    )


def privacy(request):
    """What is stored and for how long, written from the settings actually in force."""
    return render(
        request,
        "comments/privacy.html",
        {
            "spam_retention_days": settings.BROADSHEET_SPAM_RETENTION_DAYS,
            "trash_retention_days": settings.BROADSHEET_TRASH_RETENTION_DAYS,
            "email_retention_days": settings.BROADSHEET_EMAIL_RETENTION_DAYS,
            "ip_retention_days": settings.BROADSHEET_IP_RETENTION_DAYS,
            "uses_akismet": bool(settings.AKISMET_API_KEY),
        },
    )
