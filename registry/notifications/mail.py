"""Sending the e-mail outbox: after the transaction that wrote a row has committed, and again later
for rows that failed (the mail server was down). Each row is claimed before it is sent and marked
sent right after, one row at a time, so that nothing is lost and nothing is sent twice (two workers
cannot claim the same row)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.config import Settings
from registry.notifications.models import OutboxEmail

log = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(minutes=10)  # a claim older than this was left by a worker that died
BATCH = 50


def _send(settings: Settings, row: OutboxEmail) -> None:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Message-ID"] = f"<outbox-{row.id}@{settings.smtp_from.rpartition('@')[2] or 'localhost'}>"
    message.set_content(row.body)
    message["Content-Language"] = row.language  # after set_content, which replaces the Content-* headers
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


async def deliver_pending(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Send what is due in the outbox. Returns how many were sent; stops at the first failure (the
    server is likely down for the rest too) after noting it on the row."""
    sent = 0
    now = datetime.now(UTC)
    async with sessions() as session:
        due = (
            await session.scalars(
                select(OutboxEmail.id)
                .where(
                    OutboxEmail.sent_at.is_(None),
                    or_(OutboxEmail.next_attempt_at.is_(None), OutboxEmail.next_attempt_at <= now),
                    or_(OutboxEmail.claimed_at.is_(None), OutboxEmail.claimed_at < now - CLAIM_TIMEOUT),
                )
                .order_by(OutboxEmail.id)
                .limit(BATCH)
            )
        ).all()
    for row_id in due:
        async with sessions() as session:
            claimed = await session.execute(
                update(OutboxEmail)
                .where(
                    OutboxEmail.id == row_id,
                    OutboxEmail.sent_at.is_(None),
                    or_(OutboxEmail.claimed_at.is_(None), OutboxEmail.claimed_at < now - CLAIM_TIMEOUT),
                )
                .values(claimed_at=datetime.now(UTC))
            )
            await session.commit()
            if claimed.rowcount != 1:
                continue  # another worker has it
            row = await session.get(OutboxEmail, row_id)
            try:
                await asyncio.to_thread(_send, settings, row)
            except (OSError, smtplib.SMTPException) as problem:
                log.warning("e-mail %s to %s not sent: %s", row_id, row.recipient, problem)
                await session.execute(
                    update(OutboxEmail)
                    .where(OutboxEmail.id == row_id)
                    .values(
                        attempts=OutboxEmail.attempts + 1,
                        last_error=str(problem)[:2000],
                        claimed_at=None,
                        next_attempt_at=datetime.now(UTC) + timedelta(seconds=settings.mail_retry_seconds),
                    )
                )
                await session.commit()
                break
            await session.execute(
                update(OutboxEmail)
                .where(OutboxEmail.id == row_id)
                .values(attempts=OutboxEmail.attempts + 1, sent_at=datetime.now(UTC), claimed_at=None, last_error="")
            )
            await session.commit()
            sent += 1
    return sent


class Mailer:
    """Runs beside the app: sends right after a commit that queued e-mail (`wake`), and every
    `mail_retry_seconds` in case something failed."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.settings.mail_retry_seconds)
            self._wake.clear()
            try:
                while await deliver_pending(self.sessions, self.settings) == BATCH:
                    pass
            except Exception:  # the database may be briefly unreachable; the next round tries again
                log.exception("sending the e-mail outbox failed")

    async def start(self) -> None:
        self._wake = asyncio.Event()  # bound to the running loop
        self._task = asyncio.create_task(self._run())
        self._wake.set()  # whatever waited while the app was down

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
