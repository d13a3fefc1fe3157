"""The declarative base every model uses.

`BigIntAuditBase` gives each table an integer `id` and timezone-aware `created_at` / `updated_at`
columns, kept up to date by advanced-alchemy on every flush.
"""

from advanced_alchemy.base import BigIntAuditBase, orm_registry

Base = BigIntAuditBase
metadata = orm_registry.metadata

__all__ = ["Base", "metadata"]
