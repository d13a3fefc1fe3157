"""Optimistic concurrency: every editable object carries a `version`, raised by every save.

SQLAlchemy's `version_id_col` makes each UPDATE say `WHERE id = … AND version = <the version read>`;
a save that raced another changes no row and fails (StaleDataError). Forms carry the version they
were opened at, and the API uses it as the ETag: `check_version` refuses a save made from an older
one with `EditConflict`, so that the later writer is told, keeps what they typed and sees what changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Integer, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class Versioned:
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default=text("1"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - a declarative directive
        return {"version_id_col": cls.__table__.c.version}


class EditConflict(Exception):
    """Someone saved the object after the writer opened it; the later save is refused."""

    def __init__(self, obj: Any, seen: int | None = None):
        super().__init__(f"{type(obj).__name__} {getattr(obj, 'id', '?')} changed since version {seen}")
        self.obj = obj
        self.seen = seen


def seen_version(raw: Mapping[str, Any]) -> int | None:
    """The version a form or request was made from (None: it does not say)."""
    value = raw.get("version")
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip().strip('"').removeprefix("W/").strip('"'))
    except ValueError:
        return -1  # a version that cannot be: refused as a conflict, never silently ignored


def check_version(obj: Any, raw: Mapping[str, Any]) -> None:
    """Refuse a save made from another version than the object's current one."""
    seen = seen_version(raw)
    if seen is not None and seen != obj.version:
        raise EditConflict(obj, seen)


def etag(obj: Any) -> str:
    """The object's version as an HTTP entity tag."""
    return f'"{obj.version}"'


def if_match(request: Any, obj: Any) -> None:
    """Honour an If-Match header (optional): a change made from another version answers 412."""
    from litestar.exceptions import HTTPException

    from registry.i18n import gettext as _

    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    if etag(obj) not in tags:
        raise HTTPException(
            status_code=412,
            detail=_(
                "Not saved: the object has changed since you read it (its ETag is now %(etag)s). "
                "Read it again, then send your change with the new ETag.",
                etag=etag(obj),
            ),
        )
