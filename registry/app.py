"""The one place where the registry is assembled."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.logging.config import LoggingConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from registry.accounts.controllers import AccountPages
from registry.accounts.middleware import AuthenticationMiddleware
from registry.areas.api import AreaApi, DepartmentApi
from registry.areas.controllers import OrganisationAdmin, OrganisationPages
from registry.benefits.controllers import BenefitPages
from registry.calendars.controllers import CalendarPages
from registry.changes.controllers import ChangeLogPages
from registry.config import Settings, async_url, get_settings
from registry.decisions.controllers import DecisionPages
from registry.followup.api import FollowUpApi
from registry.followup.controllers import FollowUpPages
from registry.graph.controllers import GraphPages
from registry.health import health
from registry.meetings.controllers import MeetingPages
from registry.needs.api import NeedApi
from registry.needs.controllers import IntakePages, NeedPages
from registry.needs.transfer_controllers import NeedTransferPages
from registry.notifications.api import NotificationApi
from registry.notifications.controllers import NotificationPages
from registry.notifications.events import NOTIFIER, Notifier
from registry.notifications.mail import Mailer
from registry.people.controllers import PeoplePages
from registry.priorities.controllers import NeedScorePages, PriorityPages, ScoringPages, StrategyAdmin, StrategyPages
from registry.processes.controllers import ProcessPages
from registry.start.controllers import StartPages
from registry.web.errors import exception_handlers
from registry.web.language import set_language_choice
from registry.web.middleware import RequestContextMiddleware, security_headers
from registry.web.templating import STATIC, template_config


def create_engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        # One file, many readers: a writer waits for the lock instead of failing at once.
        engine = create_async_engine(
            async_url(settings.database_url), echo=settings.echo_sql, connect_args={"timeout": 30}, poolclass=NullPool
        )
        event.listen(engine.sync_engine, "connect", _sqlite_foreign_keys)
        return engine
    return create_async_engine(
        async_url(settings.database_url), echo=settings.echo_sql, pool_size=10, max_overflow=10, pool_pre_ping=True
    )


def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    """SQLite enforces foreign keys (and their ON DELETE rules) only when asked, per connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def database_config(engine: AsyncEngine, notifier: Notifier) -> SQLAlchemyAsyncConfig:
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        before_send_handler="autocommit_include_redirects",
        # The request's session tells people what happened (registry/notifications/events.py).
        session_config=AsyncSessionConfig(expire_on_commit=False, info={NOTIFIER: notifier}),
        create_all=False,
    )


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    if settings.is_production and (problems := settings.check_production()):
        raise SystemExit("Refusing to start in production:\n- " + "\n- ".join(problems))
    engine = create_engine(settings)
    mailer = Mailer(async_sessionmaker(engine, expire_on_commit=False), settings) if settings.sends_email else None
    notifier = Notifier(settings, wake=mailer.wake if mailer else None)
    app = Litestar(
        route_handlers=[
            StartPages,
            NotificationPages,
            FollowUpPages,
            CalendarPages,
            OrganisationPages,
            OrganisationAdmin,
            AccountPages,
            PeoplePages,
            ChangeLogPages,
            NeedPages,
            NeedTransferPages,
            IntakePages,
            GraphPages,
            ProcessPages,
            BenefitPages,
            NeedApi,
            NotificationApi,
            FollowUpApi,
            StrategyPages,
            StrategyAdmin,
            PriorityPages,
            ScoringPages,
            NeedScorePages,
            MeetingPages,
            DecisionPages,
            AreaApi,
            DepartmentApi,
            health,
            set_language_choice,
            create_static_files_router(path="/static", directories=[STATIC], name="static"),
        ],
        plugins=[SQLAlchemyPlugin(config=database_config(engine, notifier))],
        on_startup=[mailer.start] if mailer else [],
        on_shutdown=[mailer.stop] if mailer else [],
        middleware=[
            DefineMiddleware(AuthenticationMiddleware, sessions=async_sessionmaker(engine, expire_on_commit=False)),
        ],
        template_config=template_config(),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="registry_csrf",
            cookie_secure=settings.is_production,
            cookie_httponly=False,
            header_name="x-csrftoken",
            # Every state-changing request needs the token: forms send it as a field, htmx and API
            # clients as the x-csrftoken header (the API authenticates with the same session cookie).
        ),
        openapi_config=OpenAPIConfig(
            title="VSO registry",
            version="1",
            description="Support-service areas, departments and (in later versions) development needs.",
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
        ),
        before_send=[security_headers],
        exception_handlers=exception_handlers,  # type: ignore[arg-type]
        logging_config=LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            log_exceptions="never",
        ),
        debug=settings.debug,
        state=State({"settings": settings}),
    )
    # Language and request id wrap the whole app, so that even an address no route matches is
    # answered in the reader's language with a request id.
    app.asgi_handler = RequestContextMiddleware(app.asgi_handler, default_language=settings.default_language)
    return app
