"""Rendering and re-rendering of edit forms declared with `registry.forms.Field`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import MediaType, Request
from litestar.response import Template

from registry.forms import Field, FormErrors


async def submitted(request: Request, fields: list[Field]) -> dict[str, Any]:
    """The posted form as a dict: lists for multi-choice fields, text for the rest."""
    form = await request.form()
    values: dict[str, Any] = {}
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
        },
        status_code=422 if errors else 200,
        media_type=MediaType.HTML,  # also from handlers typed `Any` (which would otherwise say JSON)
    )


def as_form_values(obj: Any, fields: list[Field], **extra: Any) -> dict[str, Any]:
    """The values of a saved object in the shape a form shows them."""
    values = {spec.name: getattr(obj, spec.name, "") for spec in fields if spec.kind != "choices"}
    values.update(extra)
    return {key: ("" if value is None else value) for key, value in values.items()}
