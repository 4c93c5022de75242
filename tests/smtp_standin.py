"""A local stand-in for a mail server: real SMTP (aiosmtpd) on 127.0.0.1, on a free port.

It keeps every message it accepts and can be told to misbehave:

    with SMTPStandIn() as smtp:
        settings.EMAIL_PORT = smtp.port
        smtp.refuse = "554 5.7.1 Not today"   # answer every message's DATA with this
        smtp.hang = True                       # leave EHLO unanswered (the client must time out)
        smtp.refuse = smtp.hang = False        # recover
        assert smtp.messages[0]["Subject"] == "…"
"""

import asyncio
import logging
import socket
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

# aiosmtpd logs every command at INFO; the tests read `messages` instead.
logging.getLogger("mail.log").setLevel(logging.WARNING)

# A hang lasts this long at most, so a client that never times out ends its test, failing it.
LONGEST_HANG_SECONDS = 10


class SMTPStandIn:
    def __init__(self):
        self.messages = []  # email.message.EmailMessage, as accepted
        self.sessions = 0  # connections that greeted the server (EHLO/HELO)
        self.refused = 0  # messages answered with `refuse`
        self.refuse = None  # an SMTP reply ("554 …") for every message's DATA
        self.hang = False  # leave every greeting unanswered while true
        self._stopping = False
        self._controller = Controller(self, hostname="127.0.0.1", port=_free_port())

    @property
    def port(self):
        return self._controller.port

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._stopping = True  # let any withheld answer go, so the server can stop
        self._controller.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # --- aiosmtpd's handler hooks

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        await self._withhold_while_hanging()
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        await self._withhold_while_hanging()
        self.sessions += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refused += 1
            return self.refuse
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        message.envelope_recipients = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 2.0.0 Accepted"

    async def _withhold_while_hanging(self):
        started = time.monotonic()
        while self.hang and not self._stopping:
            if time.monotonic() - started > LONGEST_HANG_SECONDS:
                break
            await asyncio.sleep(0.02)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
