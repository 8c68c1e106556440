"""A test-only mail backend: the file-based one, waiting REMINDER_TEST_MAIL_DELAY seconds first.

tests/test_reminder_worker.py sets it as a Celery worker's EMAIL_BACKEND so that a batch of
digests takes long enough to kill the worker in its middle. The wait comes before the message
is written, so a kill during it leaves no message behind.
"""

from __future__ import annotations

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileBasedEmailBackend


class EmailBackend(FileBasedEmailBackend):
    def send_messages(self, email_messages):
        delay = float(os.environ.get("REMINDER_TEST_MAIL_DELAY", "0"))
        if delay and email_messages:
            time.sleep(delay * len(email_messages))
        return super().send_messages(email_messages)
