"""Log-in, log-out and each person's own page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts import sessions
from registry.accounts.guards import logged_in
from registry.accounts.models import Account, UserSession
from registry.accounts.passwords import hash_password, needs_rehash, verify_password
from registry.changes.models import ChangeRecord
from registry.config import Settings
from registry.i18n import gettext as _
from registry.people.controllers import describe_roles


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def session_cookie(request: Request, token: str, *, clear: bool = False) -> Cookie:
    settings: Settings = request.app.state.settings
    return Cookie(
        key=sessions.SESSION_COOKIE,
        value="" if clear else token,
        max_age=0 if clear else int(sessions.ABSOLUTE_TIMEOUT.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/",
    )


class AccountPages(Controller):
    @get("/login", name="login")
    async def login_form(self, request: Request, next: str = "/") -> Template:  # noqa: A002
        return Template(
            template_name="accounts/login.html", context={"next": _safe_next(next), "error": "", "username": ""}
        )

    @post("/login", name="login_submit")
    async def login(self, request: Request, db_session: AsyncSession) -> Any:
        form = await request.form()
        username = str(form.get("username", "")).strip().lower()[:254]
        password = str(form.get("password", ""))[:1000]
        next_url = _safe_next(str(form.get("next", "/")))
        address = _client_address(request)

        def refused(message: str, status_code: int) -> Template:
            return Template(
                template_name="accounts/login.html",
                context={"next": next_url, "error": message, "username": username},
                status_code=status_code,
            )

        if wait := await sessions.seconds_to_wait(db_session, username, address):
            return refused(
                _("Too many failed attempts from here. Wait %(seconds)d seconds and try again.", seconds=wait), 429
            )
        account = await db_session.scalar(select(Account).where(Account.username == username))
        # The password is checked (against a dummy hash for an unknown name) whatever the account, so that
        # an unknown user name takes as long to refuse as a known one.
        password_ok = verify_password(account.password_hash if account else None, password)
        if account is None or not account.is_active or not password_ok:
            await sessions.record_failure(db_session, username, address)
            await db_session.commit()  # the failure counts even though the answer is an error
            return refused(_("Wrong user name or password, or the account is disabled."), 401)
        await sessions.clear_failures(db_session, username, address)
        if account.password_hash and needs_rehash(account.password_hash):
            account.password_hash = hash_password(password)
        old_token = request.cookies.get(sessions.SESSION_COOKIE)
        if old_token:
            await sessions.end_session(db_session, old_token)
        token = await sessions.start_session(db_session, account, address, request.headers.get("user-agent", ""))
        response = Redirect(next_url, status_code=303)
        response.cookies.append(session_cookie(request, token))
        return response

    @post("/logout", name="logout")
    async def logout(self, request: Request, db_session: AsyncSession) -> Redirect:
        token = request.cookies.get(sessions.SESSION_COOKIE)
        if token:
            await sessions.end_session(db_session, token)
        response = Redirect("/", status_code=303)
        response.cookies.append(session_cookie(request, "", clear=True))
        return response

    @get("/me", name="me", guards=[logged_in])
    async def me(self, request: Request, db_session: AsyncSession) -> Template:
        principal = request.user
        recent = (
            await db_session.scalars(
                select(ChangeRecord)
                .where(ChangeRecord.actor_id == principal.person_id)
                .order_by(ChangeRecord.created_at.desc(), ChangeRecord.id.desc())
                .limit(20)
            )
        ).all()
        active_sessions = (
            await db_session.scalars(
                select(UserSession)
                .where(
                    UserSession.account_id == principal.account_id,
                    UserSession.revoked_at.is_(None),
                    UserSession.expires_at > sessions.now(),
                )
                .order_by(UserSession.created_at.desc())
            )
        ).all()
        return Template(
            template_name="accounts/me.html",
            context={
                "recent": recent,
                "active_sessions": active_sessions,
                "principal": principal,
                "roles": await describe_roles(db_session, principal.person_id),
            },
        )
