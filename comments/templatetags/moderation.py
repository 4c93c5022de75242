from django import template

from comments.models import Comment

register = template.Library()


@register.simple_tag
def comments_awaiting_moderation():
    """How many comments wait for a moderator (shown on the admin index)."""
    return Comment.objects.awaiting_moderation().count()
