"""Password-reset mail sent after the answer, not inside it (second web red team, W12).

Sending through a real SMTP server takes a round trip or more; done inside the request, a known address would
answer measurably slower than an unknown one, which tells an attacker which addresses have accounts. The form
finds the accounts and builds each message in the request, then hands the sending to a thread.
"""

from __future__ import annotations

import logging
import threading

from django.contrib.auth.forms import PasswordResetForm

log = logging.getLogger(__name__)
BACKGROUND = True  # tests that read mail.outbox right away switch this off (tests/conftest.py)
_pending: list[threading.Thread] = []


class BackgroundResetForm(PasswordResetForm):
    def send_mail(self, *args, **kwargs) -> None:
        if not BACKGROUND:
            super().send_mail(*args, **kwargs)
            return
        thread = threading.Thread(target=self._send, args=args, kwargs=kwargs, daemon=True, name="reset-mail")
        thread.start()
        _pending[:] = [t for t in _pending if t.is_alive()] + [thread]

    def _send(self, *args, **kwargs) -> None:
        try:
            super().send_mail(*args, **kwargs)
        except Exception:  # noqa: BLE001 - nobody waits for this thread: say it in the log
            log.exception("A password-reset mail could not be sent.")


def wait(timeout_s: float = 5.0) -> None:
    """Wait for the mails being sent (tests)."""
    for thread in list(_pending):
        thread.join(timeout_s)
