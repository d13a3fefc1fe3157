"""Rendering and re-rendering of edit forms declared with `registry.forms.Field`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar import MediaType, Request
from litestar.response import Template

from registry.db.versioning import Versioned
from registry.forms import Field, FormErrors
from registry.i18n import gettext as _


async def submitted(request: Request, fields: list[Field]) -> dict[str, Any]:
    """The posted form as a dict: lists for multi-choice fields, text for the rest."""
    form = await request.form()
    values: dict[str, Any] = {}
    if "version" in form:  # the version the form was opened at (registry/db/versioning.py)
        values["version"] = str(form.get("version"))
    for spec in fields:
        if spec.kind == "choices":
            values[spec.name] = form.getall(spec.name) if spec.name in form else []
        elif spec.name in form:
            value = form.get(spec.name)
            values[spec.name] = value if isinstance(value, str) else ""
    return values


def form_page(
    *,
    title: str,
    fields: list[Field],
    values: Mapping[str, Any],
    choices: Mapping[str, list[tuple[int, str]]],
    action: str,
    cancel_url: str,
    errors: FormErrors | None = None,
    intro: str = "",
    conflict: Conflict | None = None,
) -> Template:
    return Template(
        template_name="form.html",
        context={
            "title": title,
            "intro": intro,
            "fields": fields,
            "values": values,
            "choices": choices,
            "action": action,
            "cancel_url": cancel_url,
            "errors": errors.errors if errors else {},
            "conflict": conflict,
        },
        status_code=409 if conflict else 422 if errors else 200,
        media_type=MediaType.HTML,  # also from handlers typed `Any` (which would otherwise say JSON)
    )


@dataclass
class Conflict:
    """A save refused because someone else saved first: why, and per field that differs, its label,
    the value saved now and the value typed (which the form keeps)."""

    message: str
    rows: list[tuple[str, str, str]]


def conflict_of(fields: list[Field], current: Mapping[str, Any], typed: Mapping[str, Any]) -> Conflict:
    """The fields where what is saved now and what was typed differ (both in the form's shape)."""

    def shown(value: Any) -> str:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return "" if value is None else str(value)

    rows = [
        (str(spec.label), shown(current.get(spec.name)), shown(typed.get(spec.name)))
        for spec in fields
        if spec.name in typed and shown(current.get(spec.name)).strip() != shown(typed.get(spec.name)).strip()
    ]
    return Conflict(
        message=_(
            "Not saved: someone else saved this after you opened the form. What is saved now is shown "
            "beside what you typed; your input is kept in the form. Check it and save again."
        ),
        rows=rows,
    )


def as_form_values(obj: Any, fields: list[Field], **extra: Any) -> dict[str, Any]:
    """The values of a saved object in the shape a form shows them."""
    values = {spec.name: getattr(obj, spec.name, "") for spec in fields if spec.kind != "choices"}
    if isinstance(obj, Versioned):
        values["version"] = obj.version  # sent back with the form: a save from an older one is refused
    values.update(extra)
    return {key: ("" if value is None else value) for key, value in values.items()}
