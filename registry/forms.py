"""Field declarations shared by the HTML forms and the JSON API, and their validation.

One declaration per register (areas, departments, …) drives the edit form, the checks on what was
typed and the errors shown: a failed form names each wrong field and why, and keeps what was typed;
the API answers the same errors as 422 with the field names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from registry.i18n import gettext as _

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_ID = 2**63 - 1  # ids are 64-bit integers in every database the registry runs on
# Dates the registry accepts anywhere a date is typed, sent or imported: a typo such as 0001-01-01 or
# 9999-12-31 is refused rather than kept.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
_MULTILINE = {"\t", "\n", "\r"}


def date_problem(day: date) -> str | None:
    """Why a date cannot be kept, or None."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return _(
            "A date from %(earliest)s to %(latest)s.",
            earliest=EARLIEST_DATE.isoformat(),
            latest=LATEST_DATE.isoformat(),
        )
    return None


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """Why a text cannot be kept, or None: control and format characters (an escape, a right-to-left
    override that makes a title read backwards, a NUL) are refused; tab and line breaks only in text
    of several lines."""
    for character in text:
        if unicodedata.category(character) in ("Cc", "Cf") and not (multiline and character in _MULTILINE):
            return _(
                "Contains an invisible control character (U+%(code)s) that is not allowed; retype the text.",
                code=f"{ord(character):04X}",
            )
    return None


class FormErrors(Exception):
    """What was wrong with submitted values: field name → message (translated)."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class Field:
    name: str
    label: Any  # a lazy translation
    kind: str = "text"  # text | textarea | slug | email | password | date | option | choice | choices
    required: bool = False
    max_length: int | None = None
    help: Any = ""
    unique: bool = False
    choices_key: str = ""  # which list of choices the form is given, for choice fields
    options: tuple[str, ...] = ()  # the allowed values of an option field (an enum)
    attributes: Mapping[str, str] = field(default_factory=dict)


def slugify(text: str) -> str:
    """A URL name from a Swedish title: 'Avd. för HR' → 'avd-for-hr'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100].rstrip("-")


def clean(fields: list[Field], raw: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Check submitted values against the declarations; raise `FormErrors` naming every wrong field.

    With `partial` (an update through the API), fields that were not sent are left alone.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in fields:
        if partial and spec.name not in raw:
            continue
        value = raw.get(spec.name)
        if spec.kind == "choices":
            try:
                values[spec.name] = sorted({_as_id(v) for v in _as_list(value)})
            except (TypeError, ValueError):
                errors[spec.name] = _("Choose from the list.")
            continue
        if spec.kind == "choice":
            if value in (None, ""):
                if spec.required:
                    errors[spec.name] = _("This field is required.")
                values[spec.name] = None
                continue
            try:
                values[spec.name] = _as_id(value)
            except (TypeError, ValueError):
                errors[spec.name] = _("Choose from the list.")
            continue
        if spec.kind == "option":
            if value in (None, ""):
                if spec.required:
                    errors[spec.name] = _("This field is required.")
                values[spec.name] = None
            elif value not in spec.options:
                errors[spec.name] = _("Choose from the list.")
            else:
                values[spec.name] = value
            continue
        if spec.kind == "date":
            if value in (None, ""):
                if spec.required:
                    errors[spec.name] = _("This field is required.")
                values[spec.name] = None
                continue
            try:
                day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
            except ValueError:
                errors[spec.name] = _("Not a date; use YYYY-MM-DD.")
                continue
            if problem := date_problem(day):
                errors[spec.name] = problem
            else:
                values[spec.name] = day
            continue
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[spec.name] = _("Must be text.")
            continue
        if spec.kind != "password":
            value = value.strip()
        if spec.kind != "password" and (problem := text_problem(value, multiline=spec.kind == "textarea")):
            errors[spec.name] = problem
        elif "\x00" in value:
            errors[spec.name] = _("Contains a character that is not allowed.")
        elif spec.required and not value:
            errors[spec.name] = _("This field is required.")
        elif spec.max_length and len(value) > spec.max_length:
            errors[spec.name] = _(
                "At most %(limit)d characters (you typed %(count)d).", limit=spec.max_length, count=len(value)
            )
        elif spec.kind == "slug" and value and not SLUG_PATTERN.match(value):
            errors[spec.name] = _("Use only lower-case letters a–z, digits and single hyphens, e.g. vso-for-it.")
        elif spec.kind == "email" and value and not EMAIL_PATTERN.match(value):
            errors[spec.name] = _("Not an e-mail address.")
        values[spec.name] = value
    if errors:
        raise FormErrors(errors)
    return values


def free_text_problem(text: str, limit: int, *, multiline: bool = True) -> str | None:
    """Why a free text (a comment, a note, a name) cannot be stored, or None: control characters as in
    `text_problem` (a NUL among them, which PostgreSQL refuses in text) or more than `limit` characters."""
    if problem := text_problem(text, multiline=multiline):
        return problem
    if len(text) > limit:
        return _("At most %(limit)d characters (you typed %(count)d).", limit=limit, count=len(text))
    return None


def _as_id(value: Any) -> int:
    """A row id as typed or sent; one no database column can hold is wrong input, not a server error."""
    number = int(value)
    if not -MAX_ID <= number <= MAX_ID:
        raise ValueError(value)
    return number


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple | set):
        return [v for v in value if v not in (None, "")]
    return [value]
