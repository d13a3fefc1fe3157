"""The Jinja environment: templates from `templates/`, translations, formatting helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from registry.accounts.middleware import current_principal
from registry.changes.labels import field_label, object_type_label
from registry.changes.queries import readable
from registry.config import PROJECT_ROOT
from registry.i18n import LANGUAGES, current_language, translations

TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"
HTMX_FILE = "vendor/htmx-2.0.11.min.js"


def _gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def _format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "short", locale=current_language())


def _decimal(value: Any, digits: int | None = None) -> str:
    """A number as the reader writes it (decimal comma in Swedish and Norwegian): with exactly
    `digits` decimals, or (None) as many as it has, up to three."""
    if value is None or value != value:  # None or NaN
        return "–"
    pattern = "#,##0.###" if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=current_language())


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        current_user=current_principal.get,
        readable=readable,
        is_admin=lambda: bool((principal := current_principal.get()) and principal.is_admin),
        LANGUAGES=LANGUAGES,
        current_language=current_language,
        HTMX_FILE=HTMX_FILE,
    )
    env.filters["datetime"] = _format_datetime
    env.filters["decimal"] = _decimal
    env.filters["object_type"] = object_type_label
    env.filters["field_label"] = field_label
    return env


def template_config() -> TemplateConfig[Any]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))
