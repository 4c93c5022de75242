import threading
import time

from django.conf import settings

from blog import caching
from comments.screening.submission import Action, Signal

FLOOD_MESSAGE = "You are posting comments too quickly. Slow down."
WINDOW_SECONDS = 60


class Flood:
    """More than N comments a minute from one IP address or one email: rejected (fewer
    during a surge, see comments/screening/surge.py).

    Counted in the shared cache (Redis in production), so the limit holds across gunicorn
    workers and nodes. Every attempt counts, including rejected ones. While the cache
    cannot be reached, each worker counts on its own: the limit still holds per worker."""

    def __call__(self, submission):
        limit = settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE
        if not limit:
            return None
        if submission.surge:
            limit = min(limit, settings.BROADSHEET_SURGE_FLOOD_PER_MINUTE)
        keys = []
        if submission.ip_address:
            keys.append(f"flood:ip:{submission.ip_address}")
        if submission.author_email:
            keys.append(f"flood:email:{submission.author_email.lower()}")
        for key in keys:
            count = _count_shared(key)
            if count is None:
                count = _count_here(key)
            if count > limit:
                return Signal(
                    f"flood: {count} comments in a minute from this "
                    f"{'IP address' if ':ip:' in key else 'email'}",
                    action=Action.REJECT,
                    message=FLOOD_MESSAGE,
                )
        return None


def _count_shared(key):
    """This attempt's number in the window, counted in the shared cache; None if it is down."""
    return caching.count(key, WINDOW_SECONDS, alias=settings.BROADSHEET_SCREENING_CACHE)


_local_windows = {}
_local_lock = threading.Lock()


def _count_here(key):
    """The same count, kept in this worker's memory."""
    now = time.monotonic()
    with _local_lock:
        if len(_local_windows) > 10_000:  # forget windows that have closed
            for old in [k for k, (s, _) in _local_windows.items() if now - s > WINDOW_SECONDS]:
                del _local_windows[old]
        start, count = _local_windows.get(key, (now, 0))
        if now - start >= WINDOW_SECONDS:
            start, count = now, 0
        _local_windows[key] = (start, count + 1)
        return count + 1
