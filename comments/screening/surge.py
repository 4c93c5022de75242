"""Surge mode: when a wave of bots hits the blog (a post that went viral), screening tightens
by itself for a while, and moderators are told once.

Every verdict is counted per minute in the screening cache (Redis in production, shared by
all workers). When the spam, held and refused verdicts of the last
BROADSHEET_SURGE_WINDOW_MINUTES reach BROADSHEET_SURGE_FACTOR times their usual number
(and at least BROADSHEET_SURGE_MIN_FLAGGED), a surge starts; it lasts until the wave has
been over for BROADSHEET_SURGE_MINUTES. Meanwhile the surge check holds first comments and
any comment with a link, and the flood check allows BROADSHEET_SURGE_FLOOD_PER_MINUTE.
The usual number is a slow average of the windows outside surges.

The cache's clock is not the blog's, so times are kept in the values, not in expiries.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from blog import caching

STATE = "surge:state"  # {"since": seconds, "until": seconds} while a surge lasts
USUAL = "surge:usual"  # the usual flagged count per window (a slow average)
CHECKED = "surge:checked"  # the last 10-second slot in which the counts were looked at
# How much one window outside a surge moves the usual level.
USUAL_WEIGHT = 0.1
KEEP_SECONDS = 2 * 24 * 3600
FLAGGED = ("spam", "hold", "reject")


def _now():
    return timezone.now().timestamp()


def _alias():
    return settings.BROADSHEET_SCREENING_CACHE


def record(action):
    """Count one verdict, and look at the counts at most once every ten seconds: start a
    surge when the flagged verdicts jump, end it when the wave is long over."""
    if not settings.BROADSHEET_SURGE_MIN_FLAGGED:
        return
    now = _now()
    window = settings.BROADSHEET_SURGE_WINDOW_MINUTES
    if str(action) in FLAGGED:
        caching.count(f"surge:flagged:{int(now // 60)}", 2 * window * 60, alias=_alias())
    slot = int(now // 10)
    if caching.get(CHECKED, alias=_alias()) == slot:
        return
    caching.set_value(CHECKED, slot, timeout=60, alias=_alias())
    _look(now, window)


def _look(now, window):
    minute = int(now // 60)
    keys = [f"surge:flagged:{m}" for m in range(minute - window + 1, minute + 1)]
    flagged = sum(caching.get(key, 0, alias=_alias()) or 0 for key in keys)
    usual = caching.get(USUAL, alias=_alias())
    state = caching.get(STATE, alias=_alias())
    threshold = max(settings.BROADSHEET_SURGE_MIN_FLAGGED,
                    settings.BROADSHEET_SURGE_FACTOR * (usual or 0))  # fmt: skip
    lasting = settings.BROADSHEET_SURGE_MINUTES * 60
    if flagged >= threshold:
        if state is None or state["until"] <= now:
            _start(now, flagged, lasting)
        else:
            caching.set_value(STATE, {**state, "until": now + lasting}, timeout=KEEP_SECONDS,
                              alias=_alias())  # fmt: skip
        return
    if state is not None and state["until"] <= now:
        caching.delete(STATE, alias=_alias())
        state = None
    if state is None:
        usual = flagged if usual is None else (1 - USUAL_WEIGHT) * usual + USUAL_WEIGHT * flagged
        caching.set_value(USUAL, usual, timeout=KEEP_SECONDS, alias=_alias())


def _start(now, flagged, lasting):
    caching.set_value(STATE, {"since": now, "until": now + lasting, "flagged": flagged},
                      timeout=KEEP_SECONDS, alias=_alias())  # fmt: skip
    _tell_moderators(flagged)


def _tell_moderators(flagged):
    from django.urls import reverse

    from comments import notifications

    recipients = notifications.moderator_emails()
    if not recipients:
        return
    window = settings.BROADSHEET_SURGE_WINDOW_MINUTES
    queue = notifications.absolute(
        reverse("admin:comments_comment_changelist") + "?status__exact=pending"
    )
    notifications.send(
        None,
        to=recipients,
        subject=f"[{notifications.site_title()}] Surge of spam: screening tightened",
        body=(
            f"{flagged} comments were marked spam, held or refused in the last {window} "
            "minutes, far more than usual.\n\n"
            "Until the wave has been over for "
            f"{settings.BROADSHEET_SURGE_MINUTES} minutes, first comments and comments "
            "with a link are held for a moderator, and the flood limit is "
            f"{settings.BROADSHEET_SURGE_FLOOD_PER_MINUTE} a minute. Nothing needs doing; "
            "it relaxes by itself. Meanwhile held comments are not emailed one by one: "
            "they wait in the queue below.\n\n"
            f"Waiting comments: {queue}\n"
        ),
    )


def in_force():
    """The surge under way, as {"since": datetime, "until": datetime}, or None."""
    if not settings.BROADSHEET_SURGE_MIN_FLAGGED:
        return None
    state = caching.get(STATE, alias=_alias())
    if state is None or state["until"] <= _now():
        return None
    return {
        "since": datetime.fromtimestamp(state["since"], tz=UTC),
        "until": datetime.fromtimestamp(state["until"], tz=UTC),
    }
