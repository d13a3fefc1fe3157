"""At national scale a view must not redo what an earlier view did: rankings are kept until
something they depend on changes (and then ranked afresh, so a saved score shows at once)."""

from __future__ import annotations

from tests.conftest import post_form
from tests.test_priorities import _goals, _need, _score_form
from tests.test_queries import statements_to


def _score_reads(client, database_url: str, path: str) -> tuple[int, str]:
    """How many statements of the view read the raters' scores, and the page."""
    with statements_to(database_url) as seen:
        page = client.get(path)
    assert page.status_code == 200, path
    return sum("need_score.benefit" in statement for statement in seen), page.text


def test_a_ranking_is_kept_between_views_until_a_score_changes_it(database_url, client_as):
    goals = _goals(database_url)
    need = _need(database_url)
    member = client_as("steering_member")
    assert post_form(member, f"/needs/{need}/scores", _score_form(goals, benefit="3")).status_code == 303
    path = "/areas/infrastruktur/priorities"
    reads, first = _score_reads(member, database_url, path)
    assert reads == 1 and f"#{need} Gemensam lokalbokning" in first
    # The same view again (by anyone, any filter order) reads no scores: the ranking was kept.
    assert _score_reads(member, database_url, path)[0] == 0
    assert _score_reads(client_as("viewer"), database_url, path)[0] == 0
    # A changed score is a new version of the registry: the next view ranks afresh and shows it.
    assert post_form(member, f"/needs/{need}/scores", _score_form(goals, benefit="0")).status_code == 303
    reads, after = _score_reads(member, database_url, path)
    assert reads == 1 and after != first
    # A verdict filter is cut from the kept ranking, never from a ranking someone else is viewing.
    assert _score_reads(member, database_url, path + "?verdict=stable")[0] == 0
    assert f"#{need} Gemensam lokalbokning" in _score_reads(member, database_url, path)[1]


def test_the_graph_lists_ten_shared_needs_a_tie_and_is_kept_between_views(database_url, client):
    from sqlalchemy import select

    from registry.db import models as m
    from tests.database import scalar, sql

    area = scalar(database_url, select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur"))
    first, second = (row[0] for row in sql(database_url, select(m.Department.id).order_by(m.Department.id).limit(2)))
    ids = [scalar(database_url, _insert(area, f"Delat behov {n}")) for n in range(13)]
    for need_id in ids:
        for department_id in (first, second):
            sql(
                database_url,
                m.NeedDepartment.__table__.insert().values(
                    need_id=need_id, department_id=department_id, role="affected", created_at=_now(), updated_at=_now()
                ),
            )
    client.headers["accept-language"] = "en"
    with statements_to(database_url) as seen:
        page = client.get("/graph")
    assert page.status_code == 200
    assert any("need_department" in statement for statement in seen)
    # The newest ten shared needs of the tie, and how many more there are (the exports have them all).
    ties = page.text.split('id="ties-heading"')[1].split("</section>")[0]
    assert f'href="/needs/{ids[-1]}"' in ties and f'href="/needs/{ids[3]}"' in ties
    assert f'href="/needs/{ids[2]}"' not in ties
    assert "and 3 more (all of them in the exports)" in ties
    assert {str(n) for n in ids} <= set(client.get("/graph.json").json()["graph"]["needs"])
    # Seen again, nothing has changed: the graph is kept, no need is read.
    with statements_to(database_url) as again:
        assert client.get("/graph").text.count("/needs/") == page.text.count("/needs/")
    assert not any("need_department" in statement for statement in again)


def _insert(area_id: int, title: str):
    from tests.database import insert_need

    return insert_need(area_id, title)


def _now():
    from sqlalchemy import func

    return func.now()


def test_generate_grows_the_register_and_scores_the_backlog(database_url, monkeypatch):
    import pytest
    from sqlalchemy import func, select

    from registry.cli import main
    from registry.config import get_settings
    from registry.db import models as m
    from tests.database import scalar

    monkeypatch.setenv("REGISTRY_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit):
            main(["needs", "generate", "5", "--people", "-1"])
        options = ["--departments=12", "--areas=8", "--people=60", "--goals=7", "--scored=6", "--raters=3"]
        assert main(["needs", "generate", "200", "--seed=3", *options]) == 0
    finally:
        get_settings.cache_clear()

    def count(column, *where):
        return scalar(database_url, select(func.count(column)).where(*where))

    assert count(m.Department.id) == 12 and count(m.SupportArea.id) == 8 and count(m.StrategicGoal.id) == 7
    assert count(m.Person.id) >= 60
    # Every department in an area, every area with a steering group of at least five named members.
    assert count(m.Department.id, m.Department.id.not_in(select(m.AreaMembership.department_id))) == 0
    members = select(m.SteeringGroup.area_id).join(m.SteeringGroupMember).group_by(m.SteeringGroup.area_id)
    assert scalar(database_url, select(func.count()).select_from(members.having(func.count() >= 5).subquery())) == 8
    # Six needs of the backlog, each scored by three of its area's steering group on every goal.
    assert count(func.distinct(m.NeedScore.need_id)) == 6 and count(m.NeedScore.id) == 18
    alignment = scalar(database_url, select(m.NeedScore.alignment).limit(1))
    assert len(alignment) == 7
    # One change record for the register, one for the needs, one for the scores.
    assert count(m.ChangeRecord.id, m.ChangeRecord.message.like("generated%")) == 3
