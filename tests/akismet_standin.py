"""A local stand-in for Akismet's REST API: a real HTTP server on 127.0.0.1, on a free port.

It speaks the protocol the akismet package and the WordPress plugin use (see FEATURES.md,
"Akismet protocol"), records every request, and can be told to misbehave:

    with AkismetStandIn() as akismet:
        settings.AKISMET_API_URL = akismet.url
        ...
        assert akismet.sent("comment-check")[0]["comment_author"] == "Ada"

Spam or ham is decided by Akismet's documented test triggers: the author name
"akismet-guaranteed-spam" or the email "akismet-guaranteed-spam@example.com" is spam;
everything else (including user_role "administrator" with is_test) is ham.
"""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SPAM_AUTHOR = "akismet-guaranteed-spam"
SPAM_EMAIL = "akismet-guaranteed-spam@example.com"
THANKS = "Thanks for making the web a better place."


@dataclass(frozen=True)
class Request:
    """One request the stand-in received: the operation ("comment-check") and its form."""

    operation: str
    form: dict
    headers: dict


class AkismetStandIn:
    def __init__(self, key="standin-key"):
        self.key = key
        self.requests = []
        # How to misbehave; tests set these.
        self.error_status = None  # answer every request with this HTTP status (500)
        self.odd_body = None  # answer comment-check with this body instead of true/false
        self.delay = 0.0  # seconds to wait before answering (longer than the timeout)
        self.discard = False  # mark spam as blatant: `X-akismet-pro-tip: discard`
        self._released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def sent(self, operation):
        """The forms of every request made to `operation` ("submit-spam"), in order."""
        return [request.form for request in self.requests if request.operation == operation]

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._released.set()  # wake any answer still waiting out its delay
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # --- Akismet's answers

    def answer(self, operation, form):
        """(status, body, headers) for one request."""
        if self.error_status:
            return self.error_status, "Internal Server Error", {}
        if operation == "verify-key":
            valid = form.get("key", form.get("api_key")) == self.key and form.get("blog")
            return 200, "valid" if valid else "invalid", {}
        if operation not in ("comment-check", "submit-spam", "submit-ham"):
            return 404, "Not Found", {}
        if form.get("api_key") != self.key:
            return 200, "invalid", {"X-akismet-debug-help": "We were unable to verify your key."}
        for required in ("blog", "user_ip"):
            if not form.get(required):
                hint = f'Empty "{required}" value'
                return 200, f"Missing required field: {required}.", {"X-akismet-debug-help": hint}
        if operation != "comment-check":
            return 200, THANKS, {}
        if self.odd_body is not None:
            return 200, self.odd_body, {}
        headers = {"X-akismet-guid": f"standin-{len(self.requests)}"}
        if not self.is_spam(form):
            return 200, "false", headers
        if self.discard:
            headers["X-akismet-pro-tip"] = "discard"
        return 200, "true", headers

    @staticmethod
    def is_spam(form):
        if form.get("user_role") == "administrator" and form.get("is_test"):
            return False
        return (
            form.get("comment_author") == SPAM_AUTHOR
            or form.get("comment_author_email") == SPAM_EMAIL
        )


def _handler(standin):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real service

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            form = {name: values[-1] for name, values in
                    parse_qs(body, keep_blank_values=True).items()}  # fmt: skip
            operation = self.path.removeprefix("/1.1/")
            standin.requests.append(Request(operation, form, dict(self.headers)))
            if standin.delay:
                standin._released.wait(standin.delay)
            status, text, headers = standin.answer(operation, form)
            payload = text.encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up waiting (a timeout test)
                self.close_connection = True

        def log_message(self, format, *args):
            pass  # quiet: tests read `standin.requests` instead

    return Handler
