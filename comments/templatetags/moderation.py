from django import template

from comments.models import Comment

register = template.Library()


@register.simple_tag
def comments_awaiting_moderation():
    """How many comments wait for a moderator (shown on the admin index)."""
    return Comment.objects.count_awaiting_moderation()


@register.simple_tag
def surge_in_force():
    """The surge under way ({"since", "until"}), or None: the admin shows a banner."""
    from comments.screening import surge

    return surge.in_force()
