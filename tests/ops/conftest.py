"""Real servers for the fault tests: an SMTP server (aiosmtpd) whose answers a test scripts."""

import asyncio
import email
import socket
import threading

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScriptedHandler:
    """Answers RCPT as told: `mode` is "accept", "tempfail" (451), "timeout" (no answer in time), or a
    per-address override in `refuse` (550). Every accepted message is kept in `received`."""

    def __init__(self) -> None:
        self.mode = "accept"
        self.refuse: set[str] = set()
        self.rcpt_delay = 0.0
        self.rcpt_started = threading.Event()
        self.received: list[email.message.Message] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_started.set()
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        if self.mode == "tempfail":
            return "451 4.3.0 Try again later"
        if self.mode == "timeout":
            await asyncio.sleep(3)
            return "451 4.4.2 Too slow"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.received]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free port; the portal's email settings point at it."""
    handler = ScriptedHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    handler.port = controller.port
    yield handler
    controller.stop()
