from django.conf import settings


def moderation_queue(request):
    """How many comments await moderation, for staff who may moderate them: shown in the
    admin's header and in a bar on the public site. Only a request with a session can be
    theirs, and such pages are never cached whole (blog/page_cache.py); without one, the
    session is not even read."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {}
    user = getattr(request, "user", None)
    if user is None or not user.is_staff or not user.has_perm("comments.view_comment"):
        return {}
    from comments.models import Comment

    return {"awaiting_moderation": Comment.objects.count_awaiting_moderation()}
