"""The one place where the registry is assembled."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.logging.config import LoggingConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from registry.accounts.controllers import AccountPages
from registry.accounts.middleware import AuthenticationMiddleware
from registry.areas.api import AreaApi, DepartmentApi
from registry.areas.controllers import OrganisationAdmin, OrganisationPages
from registry.benefits.api import BenefitApi
from registry.benefits.controllers import BenefitPages
from registry.calendars.controllers import CalendarPages
from registry.changes.controllers import ChangeLogPages
from registry.config import Settings, get_settings
from registry.db.engine import create_engine
from registry.decisions.api import DecisionApi
from registry.decisions.controllers import DecisionPages
from registry.followup.api import FollowUpApi
from registry.followup.controllers import FollowUpPages
from registry.graph.api import GraphApi
from registry.graph.controllers import GraphPages
from registry.health import floor, health
from registry.meetings.api import MeetingApi
from registry.meetings.controllers import MeetingPages
from registry.needs.api import NeedApi
from registry.needs.controllers import IntakePages, NeedPages
from registry.needs.transfer_controllers import NeedTransferPages
from registry.notifications.api import NotificationApi
from registry.notifications.controllers import NotificationPages
from registry.notifications.events import NOTIFIER, Notifier
from registry.notifications.mail import Mailer
from registry.people.controllers import PeoplePages
from registry.priorities.api import PriorityApi
from registry.priorities.controllers import NeedScorePages, PriorityPages, ScoringPages, StrategyAdmin, StrategyPages
from registry.processes.api import ProcessApi
from registry.processes.controllers import ProcessPages
from registry.start.controllers import StartPages
from registry.web import api
from registry.web.errors import exception_handlers
from registry.web.flash import ConfirmSaves, flash_plugin, flash_session
from registry.web.icon import favicon
from registry.web.language import set_language_choice
from registry.web.middleware import HeadAsGet, RequestContextMiddleware, security_headers
from registry.web.responses import htmx_answers, templates_as_pages
from registry.web.templating import STATIC, template_config


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
    database = database_config(engine, notifier)
    templates = template_config()
    app = Litestar(
        route_handlers=[
            # The pages (HTML, CSV, Excel, pictures) are not part of the API: the OpenAPI document leaves them out.
            Router(
                path="/",
                include_in_schema=False,
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
                    StrategyPages,
                    StrategyAdmin,
                    PriorityPages,
                    ScoringPages,
                    NeedScorePages,
                    MeetingPages,
                    DecisionPages,
                    set_language_choice,
                    favicon,
                    create_static_files_router(path="/static", directories=[STATIC], name="static"),
                ],
            ),
            # The JSON API (/api/v1) and /health: every route in the OpenAPI document.
            Router(
                path="/",
                before_request=api.refuse_nul,
                route_handlers=[
                    NeedApi,
                    NotificationApi,
                    FollowUpApi,
                    MeetingApi,
                    PriorityApi,
                    DecisionApi,
                    ProcessApi,
                    BenefitApi,
                    GraphApi,
                    AreaApi,
                    DepartmentApi,
                    health,
                    *([floor] if settings.bench_floor else []),
                ],
            ),
        ],
        plugins=[SQLAlchemyPlugin(config=database), flash_plugin(templates)],
        on_startup=[mailer.start] if mailer else [],
        on_shutdown=[mailer.stop] if mailer else [],
        middleware=[
            flash_session(settings.secret_key, secure=settings.is_production),
            DefineMiddleware(AuthenticationMiddleware, database=database),
            ConfirmSaves,
        ],
        template_config=templates,
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
            description=(
                "The VSO registry's JSON API: the same rules, permissions and change log as the pages. It uses the "
                "session of a log-in at /login (cookie `registry_session`); every write also sends the CSRF header "
                "`x-csrftoken` with the value of the `registry_csrf` cookie. Refusals are problem JSON naming each "
                "field to correct."
            ),
            path="/schema",
            components=api.COMPONENTS,
            render_plugins=[JsonRenderPlugin()],
        ),
        after_request=templates_as_pages,
        before_send=[security_headers, htmx_answers],
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
    app.asgi_handler = HeadAsGet(
        RequestContextMiddleware(app.asgi_handler, default_language=settings.default_language)
    )
    return app
