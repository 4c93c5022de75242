import logging
from datetime import UTC

import akismet
import httpx
from django.conf import settings
from django.db import transaction
from django.utils.translation import to_locale

from comments.screening.submission import Action, Signal

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://rest.akismet.com"
# Akismet's "ham" is one voice among several: never enough to approve a comment alone.
HAM_SCORE = -1.0
UNAVAILABLE = "our spam filter could not check it just now"


class Akismet:
    """Akismet's comment-check, only when AKISMET_API_KEY is set.

    Spam (or "discard") ends the screening as spam; ham nudges the score toward approval.
    When Akismet fails or is slow, the comment is held for a moderator: never lost, never
    approved by default. Moderators' spam and not-spam decisions are reported back."""

    def __call__(self, submission):
        if not settings.AKISMET_API_KEY:
            return None
        try:
            answer = client().comment_check(**fields(submission), referrer=submission.referrer)
        except Exception as error:  # whatever went wrong, the comment must still be saved
            why = _failure(error)
            logger.warning("Akismet comment-check failed (%s)", why, exc_info=True)
            return Signal(f"Akismet unavailable ({why})", action=Action.HOLD,
                          held_reason=UNAVAILABLE)  # fmt: skip
        if answer == akismet.CheckResponse.DISCARD:
            return Signal("Akismet: blatant spam (discard)", action=Action.SPAM)
        if answer == akismet.CheckResponse.SPAM:
            return Signal("Akismet: spam", action=Action.SPAM)
        return Signal("Akismet: ham", score=HAM_SCORE)

    def learn(self, comment, previous_status):
        """Report a move into spam as submit-spam, and a rescue out of spam as submit-ham,
        once the moderator's change is committed."""
        if not settings.AKISMET_API_KEY:
            return
        Status = comment.Status
        if comment.status == Status.SPAM and previous_status != Status.SPAM:
            operation = "submit_spam"
        elif previous_status == Status.SPAM and comment.status in (Status.APPROVED, Status.PENDING):
            operation = "submit_ham"
        else:
            return
        sent = fields(comment) | {"comment_date_gmt": _gmt(comment.submitted_at)}
        transaction.on_commit(lambda: _report(operation, sent))


def fields(item):
    """What Akismet is told about a Submission or a stored Comment (they share these names)."""
    post = item.post
    return {
        "user_ip": item.ip_address or "",
        "user_agent": item.user_agent,
        "permalink": settings.BROADSHEET_SITE_URL.rstrip("/") + post.get_absolute_url(),
        "comment_type": "comment",
        "comment_author": item.author_name,
        "comment_author_email": item.author_email,
        "comment_author_url": item.author_url,
        "comment_content": item.body,
        "comment_post_modified_gmt": _gmt(post.updated_at),
        "blog_lang": to_locale(settings.LANGUAGE_CODE),
        "blog_charset": "UTF-8",
    }


def client():
    """The Akismet client for the current settings, built on first use and kept. No
    verify-key call: a bad key shows up as a failed comment-check (held, and logged)."""
    configuration = (settings.AKISMET_API_KEY, settings.BROADSHEET_SITE_URL,
                     settings.AKISMET_API_URL, settings.AKISMET_TIMEOUT)  # fmt: skip
    if configuration not in _clients:
        for _, http in _clients.values():
            http.close()  # only tests change these settings while running
        _clients.clear()
        _clients[configuration] = _build(*configuration)
    return _clients[configuration][0]


_clients = {}  # {configuration: (akismet client, its HTTP client)}, one entry


def _build(key, site_url, api_url, timeout):
    relay = api_url.rstrip("/") not in ("", DEFAULT_API_URL)
    http = httpx.Client(
        headers={"User-Agent": akismet.USER_AGENT},
        timeout=timeout,
        transport=Relay(api_url) if relay else None,
    )
    config = akismet.Config(key=key, url=site_url)
    return akismet.SyncClient(config=config, http_client=http), http


class Relay(httpx.HTTPTransport):
    """Sends the requests the akismet package addresses to rest.akismet.com to the scheme,
    host and port of AKISMET_API_URL instead: a relay in production, a stand-in in tests."""

    def __init__(self, api_url):
        super().__init__()
        self.target = httpx.URL(api_url)

    def handle_request(self, request):
        request.url = request.url.copy_with(
            scheme=self.target.scheme,
            host=self.target.host,
            port=self.target.port,
        )
        request.headers["Host"] = request.url.netloc.decode("ascii")
        return super().handle_request(request)


def _report(operation, sent):
    try:
        getattr(client(), operation)(**sent)
    except Exception as error:  # a moderator's click must never fail because Akismet did
        logger.warning("Akismet %s failed (%s)", operation.replace("_", "-"), _failure(error),
                       exc_info=True)  # fmt: skip


def _failure(error):
    """A few words on why Akismet could not answer, for the moderators' reasons."""
    cause = error.__cause__
    if isinstance(cause, httpx.TimeoutException):
        return "timeout"
    if isinstance(cause, httpx.HTTPStatusError):
        return f"HTTP {cause.response.status_code}"
    if isinstance(cause, httpx.TransportError):
        return "cannot connect"
    if isinstance(error, akismet.APIKeyError):
        return "invalid API key"
    if isinstance(error, akismet.ProtocolError):
        return "unexpected answer"
    return "error"


def _gmt(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
