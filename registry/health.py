"""`/health`: 200 when the database answers, 503 when it does not (for load balancers and monitoring)."""

from __future__ import annotations

from litestar import MediaType, Response, get
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


@get(
    "/health",
    operation_id="health",
    summary="Is the registry and its database up?",
    media_type=MediaType.JSON,
    security=[{}],
    responses={503: ResponseSpec(data_container=dict[str, str], description="The database cannot be reached.")},
)
async def health(db_session: AsyncSession) -> Response[dict[str, str]]:
    try:
        await db_session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure to reach the database means "not healthy"
        return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return Response({"status": "ok", "database": "ok"})


@get("/bench/floor", operation_id="bench_floor", include_in_schema=False, media_type=MediaType.TEXT)
async def floor() -> str:
    """The framework's floor: no database, no template. Served only when REGISTRY_BENCH_FLOOR is set,
    so that `make bench` measures each page beside what the same app and server do at best."""
    return "ok"
