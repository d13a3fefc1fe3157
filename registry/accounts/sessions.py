"""Server-side sessions kept in the database, so that every app worker sees the same log-ins and a
session can be ended from anywhere: at log-out, by an administrator, or when an account is disabled.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.models import Account, LoginAttempt, UserSession
from registry.accounts.principal import Principal, load_roles
from registry.people.models import Person

SESSION_COOKIE = "registry_session"
IDLE_TIMEOUT = timedelta(minutes=60)
ABSOLUTE_TIMEOUT = timedelta(hours=10)
TOUCH_EVERY = timedelta(minutes=1)  # how stale last_seen_at may get before it is written again

# Log-in throttling (see "Limits" in the README). Failures count within the window, per user name *and*
# address: after FREE_FAILURES from one address, each further try from there must wait twice as long as
# the last (1 s, 2 s, 4 s ... at most MAX_WAIT). The account is never locked as such: its owner, at
# another address, logs in as usual. One address may fail at most MAX_FAILURES_PER_ADDRESS times in the
# window, whatever names it tries.
ATTEMPT_WINDOW = timedelta(minutes=15)
FREE_FAILURES = 5
MAX_WAIT = timedelta(minutes=15)
MAX_FAILURES_PER_ADDRESS = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


async def start_session(session: AsyncSession, account: Account, ip_address: str, user_agent: str) -> str:
    """A new session (and so a new session id) for every log-in. Returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    moment = now()
    session.add(
        UserSession(
            token_hash=_hash(token),
            account_id=account.id,
            last_seen_at=moment,
            expires_at=moment + ABSOLUTE_TIMEOUT,
            ip_address=ip_address[:64],
            user_agent=user_agent[:300],
        )
    )
    account.last_login_at = moment
    await session.flush()
    return token


async def end_session(session: AsyncSession, token: str) -> None:
    await session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _hash(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=now())
    )


async def end_all_sessions(session: AsyncSession, account_id: int) -> int:
    result = await session.execute(
        update(UserSession)
        .where(UserSession.account_id == account_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    return result.rowcount or 0


async def principal_for(session: AsyncSession, token: str) -> Principal | None:
    """The logged-in person behind a session cookie, or None when the session is unknown, ended,
    idle too long, past its absolute lifetime, or its account is disabled."""
    row = (
        await session.execute(
            select(UserSession, Account, Person)
            .join(Account, Account.id == UserSession.account_id)
            .join(Person, Person.id == Account.person_id)
            .where(UserSession.token_hash == _hash(token))
        )
    ).first()
    if row is None:
        return None
    user_session, account, person = row
    moment = now()
    if (
        user_session.revoked_at is not None
        or not account.is_active
        or user_session.expires_at <= moment
        or user_session.last_seen_at + IDLE_TIMEOUT <= moment
    ):
        return None
    if moment - user_session.last_seen_at > TOUCH_EVERY:
        # End the read first: on SQLite a transaction that has read cannot wait for the write lock
        # (see registry.db.engine), one that starts by writing can. Then end the write at once: this
        # is the request's own session, and a reading request must not hold the write lock while
        # its page is made.
        await session.commit()
        user_session.last_seen_at = moment
        await session.commit()
    roles = await load_roles(session, person.id)
    return Principal(
        person_id=person.id,
        account_id=account.id,
        session_id=user_session.id,
        name=person.name,
        username=account.username,
        **roles,
    )


async def seconds_to_wait(session: AsyncSession, username: str, ip_address: str) -> int:
    """How long this address must wait before it may try this user name again (0: it may now)."""
    since = now() - ATTEMPT_WINDOW
    by_address = await session.scalar(
        select(func.count()).where(LoginAttempt.ip_address == ip_address, LoginAttempt.created_at >= since)
    )
    if (by_address or 0) >= MAX_FAILURES_PER_ADDRESS:
        oldest = await session.scalar(
            select(func.min(LoginAttempt.created_at)).where(
                LoginAttempt.ip_address == ip_address, LoginAttempt.created_at >= since
            )
        )
        return max(1, int((oldest + ATTEMPT_WINDOW - now()).total_seconds()) + 1)
    failures, last = (
        await session.execute(
            select(func.count(), func.max(LoginAttempt.created_at)).where(
                LoginAttempt.username == username.lower(),
                LoginAttempt.ip_address == ip_address,
                LoginAttempt.created_at >= since,
            )
        )
    ).one()
    if failures < FREE_FAILURES:
        return 0
    wait = min(timedelta(seconds=2 ** (failures - FREE_FAILURES)), MAX_WAIT)
    return max(0, int((last + wait - now()).total_seconds() + 0.999))


async def clear_failures(session: AsyncSession, username: str, ip_address: str | None = None) -> int:
    """Forget failed log-ins for a user name (from one address, or from all): after a successful
    log-in, or when an administrator unlocks the account from the command line."""
    statement = delete(LoginAttempt).where(LoginAttempt.username == username.lower())
    if ip_address is not None:
        statement = statement.where(LoginAttempt.ip_address == ip_address)
    return (await session.execute(statement)).rowcount or 0


async def record_failure(session: AsyncSession, username: str, ip_address: str) -> None:
    session.add(LoginAttempt(username=username.lower()[:254], ip_address=ip_address[:64]))
    await session.flush()
