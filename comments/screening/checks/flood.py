from django.conf import settings
from django.core.cache import caches

from comments.screening.submission import Action, Signal

FLOOD_MESSAGE = "You are posting comments too quickly. Slow down."


class Flood:
    """More than N comments a minute from one IP address or one email: rejected.

    Counted in the cache (Redis in production), so the limit holds across gunicorn workers
    and nodes. Every attempt counts, including rejected ones."""

    def __call__(self, submission):
        limit = settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE
        if not limit:
            return None
        cache = caches[settings.BROADSHEET_SCREENING_CACHE]
        keys = []
        if submission.ip_address:
            keys.append(f"flood:ip:{submission.ip_address}")
        if submission.author_email:
            keys.append(f"flood:email:{submission.author_email.lower()}")
        for key in keys:
            cache.add(key, 0, timeout=60)  # the window opens with the first attempt
            try:
                count = cache.incr(key)
            except ValueError:  # the window expired between add and incr
                cache.set(key, 1, timeout=60)
                count = 1
            if count > limit:
                return Signal(
                    f"flood: {count} comments in a minute from this "
                    f"{'IP address' if ':ip:' in key else 'email'}",
                    action=Action.REJECT,
                    message=FLOOD_MESSAGE,
                )
        return None
