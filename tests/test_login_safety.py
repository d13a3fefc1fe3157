"""Log-in throttling that slows a guesser without locking the owner out, equal timing for unknown and
known user names, the last administrator kept, and recovery from the command line (`registry users`)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select, text, update

from registry import cli
from registry.accounts import sessions
from registry.db import models as m
from registry.demo import DEMO_PASSWORD
from tests.database import scalar, sql

EN = {"accept-language": "en"}
ATTACKER = "203.0.113.9"


def _failures(database_url: str, username: str, address: str, count: int, seconds_ago: int = 0) -> None:
    sql(
        database_url,
        m.LoginAttempt.__table__.insert(),
        [
            {
                "username": username,
                "ip_address": address,
                "created_at": sessions.now() - sessions.timedelta(seconds=seconds_ago),
                "updated_at": sessions.now(),
            }
            for _ in range(count)
        ],
    )


def _log_in(client, username: str, password: str = DEMO_PASSWORD):
    return client.post("/login", data={"username": username, "password": password}, headers=EN)


def test_failures_from_another_address_do_not_lock_the_owner_out(anonymous_client, database_url):
    _failures(database_url, "lasare", ATTACKER, 50)
    assert _log_in(anonymous_client, "lasare").status_code == 303


def test_repeated_failures_from_one_address_are_slowed_with_a_growing_wait_not_locked(anonymous_client, database_url):
    for _ in range(sessions.FREE_FAILURES):
        assert _log_in(anonymous_client, "lasare", "fel").status_code == 401
    slowed = _log_in(anonymous_client, "lasare")
    assert slowed.status_code == 429
    assert "Wait 1 seconds" in slowed.text
    # The wait is over once the last failure is old enough: the right password works again.
    sql(database_url, update(m.LoginAttempt).values(created_at=sessions.now() - sessions.timedelta(seconds=2)))
    assert _log_in(anonymous_client, "lasare").status_code == 303
    assert scalar(database_url, select(func.count()).select_from(m.LoginAttempt)) == 0, "success clears the count"


def test_the_wait_doubles_with_each_further_failure(anonymous_client, database_url):
    _failures(database_url, "lasare", "testclient", sessions.FREE_FAILURES + 4)
    answer = _log_in(anonymous_client, "lasare")
    assert answer.status_code == 429
    wait = int(answer.text.split("Wait ")[1].split(" seconds")[0])
    assert 14 <= wait <= 16, wait  # 2**4 seconds after the last failure


def test_one_address_guessing_many_names_is_limited(anonymous_client, database_url):
    for n in range(sessions.MAX_FAILURES_PER_ADDRESS):
        _failures(database_url, f"namn{n}", "testclient", 1)
    assert _log_in(anonymous_client, "lasare").status_code == 429


def test_unknown_and_known_user_names_cost_the_same_password_check(anonymous_client, monkeypatch):
    """A refusal costs one argon2 verification whether or not the name exists (an unknown name is
    checked against a dummy hash), so timing tells nothing. Counted, not timed: the test environment
    hashes with the cheapest parameters, and timings on a shared machine are noise."""
    from registry.accounts import passwords

    checked: list[str] = []

    class CountingHasher:
        def __init__(self, hasher) -> None:
            self.hasher = hasher

        def verify(self, password_hash, password):
            checked.append(password_hash)
            return self.hasher.verify(password_hash, password)

        def __getattr__(self, name):
            return getattr(self.hasher, name)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher(passwords._hasher))
    assert _log_in(anonymous_client, "lasare", "fel-losenord").status_code == 401
    assert _log_in(anonymous_client, "finns.inte", "fel-losenord").status_code == 401
    assert len(checked) == 2, checked
    assert checked[1] == passwords._DUMMY_HASH and checked[0] != passwords._DUMMY_HASH


# ---------------------------------------------------------------- the last administrator


def _admin_assignment(database_url: str) -> tuple[int, int]:
    return sql(
        database_url,
        select(m.RoleAssignment.person_id, m.RoleAssignment.id).where(m.RoleAssignment.role == "admin"),
    )[0]


def test_the_last_admin_role_cannot_be_removed_nor_its_account_disabled(client, database_url):
    person_id, assignment_id = _admin_assignment(database_url)
    refused = client.post(f"/people/{person_id}/roles/{assignment_id}/delete", headers=EN)
    assert refused.status_code == 422
    assert "last administrator" in refused.text
    assert scalar(database_url, select(func.count()).where(m.RoleAssignment.role == "admin")) == 1
    disabled = client.post(f"/people/{person_id}/account/active", data={"active": "0"}, headers=EN)
    assert disabled.status_code == 422
    assert "last active administrator" in disabled.text
    assert client.get("/me").status_code == 200


def test_an_admin_role_can_be_removed_once_another_admin_exists(client, database_url):
    person_id, assignment_id = _admin_assignment(database_url)
    other = scalar(database_url, select(m.Account.person_id).where(m.Account.username == "lasare"))
    assert client.post(f"/people/{other}/roles", data={"role": "admin"}).status_code == 303
    assert client.post(f"/people/{person_id}/roles/{assignment_id}/delete").status_code == 303


# ---------------------------------------------------------------- registry users


@pytest.fixture
def run_cli(settings, monkeypatch):
    monkeypatch.setattr(cli, "get_settings", lambda: settings)

    def run(*argv: str, stdin: str = "") -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return cli.main(list(argv))

    return run


def test_registry_users_creates_an_admin_resets_a_password_and_unlocks(run_cli, anonymous_client, database_url):
    assert run_cli("users", "create-admin", "Reserv.Admin", "--name", "Reserv Admin", stdin="ett-langt-losenord\n") == 0
    assert _log_in(anonymous_client, "reserv.admin", "ett-langt-losenord").status_code == 303
    roles = sql(
        database_url,
        select(m.RoleAssignment.role)
        .join(m.Account, m.Account.person_id == m.RoleAssignment.person_id)
        .where(m.Account.username == "reserv.admin"),
    )
    assert [row[0] for row in roles] == ["admin"]

    assert run_cli("users", "reset-password", "lasare", stdin="helt-nytt-losenord\n") == 0
    assert _log_in(anonymous_client, "lasare", "helt-nytt-losenord").status_code == 303

    _failures(database_url, "lasare", "testclient", 20)
    sql(database_url, text("UPDATE account SET is_active = :no WHERE username = 'lasare'"), {"no": False})
    assert _log_in(anonymous_client, "lasare", "helt-nytt-losenord").status_code == 429
    assert run_cli("users", "unlock", "lasare") == 0
    assert _log_in(anonymous_client, "lasare", "helt-nytt-losenord").status_code == 303
    who = sql(database_url, text("SELECT DISTINCT actor_name FROM change_record WHERE actor_name = 'registry users'"))
    assert who, "the command-line changes are in the change log"


def test_registry_users_refuses_a_short_password_and_an_unknown_account(run_cli, capsys):
    assert run_cli("users", "create-admin", "kort", "--name", "Kort", stdin="kort\n") == 2
    assert "password" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_cli("users", "unlock", "finns.inte")
