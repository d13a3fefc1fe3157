"""The `registry` command: migrate, seed and serve.

registry run                 migrate, load the seed (and demo data unless production) and serve
registry serve [--workers N] serve only (production: migrations are a separate, explicit step)
registry db upgrade          bring the database to the newest schema
registry db downgrade REV    go back to an earlier schema
registry db revision -m MSG  write a new migration from the models (developers)
registry seed                load the VSO model from seed/ (adds only what is missing)
registry users create-admin USERNAME --name NAME   a new person with an administrator's account
registry users reset-password USERNAME             set a new password (ends the account's sessions)
registry users unlock USERNAME                     clear failed log-ins and re-enable the account
(passwords are asked for, or read from the first line of standard input when it is not a terminal)
registry needs generate N    add N synthetic needs in bulk, for benchmarks (--seed S; one change record);
                             --departments/--areas/--people/--goals grow the register first,
                             --scored K adds scores from --raters R steering-group members on K needs
registry backup FILE         a consistent copy of the database, taken while the registry runs
registry restore FILE        replace the database's content with a backup (stop the registry first)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from registry.config import Settings, get_settings


async def _in_session(settings: Settings, work):
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from registry.db.engine import create_engine, write_intent

    engine = create_engine(settings)
    try:
        with write_intent(True):
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                result = await work(session)
                await session.commit()
                return result
    finally:
        await engine.dispose()


async def _load_seed(settings: Settings) -> dict[str, int]:
    from registry.changes.service import Actor, current_actor
    from registry.seed import load_seed

    token = current_actor.set(Actor(None, "seed"))
    try:
        return await _in_session(settings, load_seed)
    finally:
        current_actor.reset(token)


async def _generate_needs(settings: Settings, count: int, seed: int, **scale: int) -> tuple[int, int]:
    """`scale` (departments, areas, people, goals, scored, raters) grows the register before the
    needs and scores them after; left out, only needs are added."""
    from registry.changes.service import Actor, current_actor
    from registry.needs.generate import generate_needs, generate_organisation, generate_scores

    async def work(session):
        organisation = {key: scale.get(key, 0) for key in ("departments", "areas", "people", "goals")}
        if any(organisation.values()):
            await generate_organisation(session, **organisation, seed=seed)
        ids = await generate_needs(session, count, seed=seed)
        if scale.get("scored"):
            await generate_scores(session, scale["scored"], raters=scale.get("raters", 5), seed=seed)
        return ids

    token = current_actor.set(Actor(None, "registry needs generate"))
    try:
        return await _in_session(settings, work)
    finally:
        current_actor.reset(token)


def _read_password() -> str:
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != first:
            raise SystemExit("The two passwords differ; nothing was changed.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


async def _users(settings: Settings, args: argparse.Namespace) -> str:
    """The `registry users` commands: recovery from the command line, through the same services
    (and change log) as the pages."""
    from sqlalchemy import select

    from registry.accounts import sessions
    from registry.accounts.models import Account
    from registry.changes.service import Actor, current_actor
    from registry.people import services as people

    async def work(session) -> str:
        if args.users_command == "create-admin":
            person = await people.save_person(session, {"name": args.name, "email": args.email or ""})
            await people.create_account(session, person, {"username": args.username, "password": _read_password()})
            await people.assign_role(session, person, "admin")
            return f"Created administrator {args.username.lower()} ({args.name})."
        account = await session.scalar(select(Account).where(Account.username == args.username.lower()))
        if account is None:
            raise SystemExit(f"No account is called {args.username!r}.")
        if args.users_command == "reset-password":
            await people.set_password(session, account, _read_password())
            await sessions.clear_failures(session, account.username)
            return f"New password set for {account.username}; its sessions are ended."
        cleared = await sessions.clear_failures(session, account.username)
        if not account.is_active:
            await people.set_active(session, account, True)
        return f"{account.username} unlocked: {cleared} failed log-ins forgotten, account active."

    token = current_actor.set(Actor(None, "registry users"))
    try:
        return await _in_session(settings, work)
    finally:
        current_actor.reset(token)


def _production_problems(settings: Settings) -> list[str]:
    from registry.demo import active_demo_accounts

    problems = settings.check_production()
    if asyncio.run(_in_session(settings, active_demo_accounts)):
        problems.append("Demo accounts are active in this database; disable them before a production start.")
    return problems


def _serve(settings: Settings, workers: int = 1) -> None:
    import uvicorn

    print(f"The VSO registry is at http://{settings.host}:{settings.port}/", flush=True)
    uvicorn.run(
        "registry.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="registry", description="The VSO registry.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="migrate, seed and serve (the demo start)")
    serve = commands.add_parser("serve", help="serve only")
    serve.add_argument("--workers", type=int, default=1)
    commands.add_parser("seed", help="load the VSO model from seed/")
    db = commands.add_parser("db", help="schema migrations")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade")
    downgrade = db_commands.add_parser("downgrade")
    downgrade.add_argument("revision")
    revision = db_commands.add_parser("revision")
    revision.add_argument("-m", "--message", required=True)
    needs = commands.add_parser("needs", help="development needs")
    needs_commands = needs.add_subparsers(dest="needs_command", required=True)
    generate = needs_commands.add_parser("generate", help="add N synthetic needs in bulk (for benchmarks)")
    generate.add_argument("count", type=int, metavar="N")
    generate.add_argument("--seed", type=int, default=0)
    users = commands.add_parser("users", help="accounts: create an administrator, reset a password, unlock")
    users_commands = users.add_subparsers(dest="users_command", required=True)
    create_admin = users_commands.add_parser("create-admin", help="a new person with an administrator's account")
    create_admin.add_argument("username")
    create_admin.add_argument("--name", required=True, help="the person's name")
    create_admin.add_argument("--email", default="")
    for name, text in (
        ("reset-password", "set a new password (ends the account's sessions)"),
        ("unlock", "clear failed log-ins and re-enable the account"),
    ):
        users_commands.add_parser(name, help=text).add_argument("username")
    for option, meaning in (
        ("departments", "departments the register has at least"),
        ("areas", "support-service areas the register has at least"),
        ("people", "people the register has at least"),
        ("goals", "strategic goals in force at least"),
        ("scored", "needs of the backlog to score"),
    ):
        generate.add_argument(f"--{option}", type=int, default=0, help=meaning)
    generate.add_argument("--raters", type=int, default=5, help="raters per scored need")
    for name, text in (("backup", "copy the database to FILE"), ("restore", "replace the database with FILE")):
        commands.add_parser(name, help=text).add_argument("file", metavar="FILE")
    args = parser.parse_args(argv)

    settings = get_settings()
    from registry.db import migrate

    if args.command == "db":
        if args.db_command == "upgrade":
            migrate.upgrade(settings.database_url)
        elif args.db_command == "downgrade":
            migrate.downgrade(settings.database_url, args.revision)
        else:
            migrate.new_revision(settings.database_url, args.message)
        return 0
    if args.command in ("backup", "restore"):
        from pathlib import Path

        from registry.db import backup

        getattr(backup, args.command)(settings.database_url, Path(args.file))
        print(f"{args.command.capitalize()} done: {args.file}")
        return 0
    if args.command == "seed":
        print("Seed loaded:", asyncio.run(_load_seed(settings)))
        return 0
    if args.command == "users":
        from registry.forms import FormErrors

        try:
            print(asyncio.run(_users(settings, args)))
        except FormErrors as errors:
            print("\n".join(f"{field}: {message}" for field, message in errors.errors.items()), file=sys.stderr)
            return 2
        return 0
    if args.command == "needs":
        if args.count <= 0:
            parser.error("N must be a positive number")
        started = time.perf_counter()
        scale = {key: getattr(args, key) for key in ("departments", "areas", "people", "goals", "scored", "raters")}
        if any(value < 0 for value in scale.values()):
            parser.error("--departments, --areas, --people, --goals, --scored and --raters must not be negative")
        first, last = asyncio.run(_generate_needs(settings, args.count, args.seed, **scale))
        print(f"Generated {args.count} needs (#{first}–#{last}) in {time.perf_counter() - started:.1f} s")
        return 0
    if args.command in ("run", "serve") and settings.is_production and (problems := settings.check_production()):
        # Refused before anything is written: no migration, no seed on a misconfigured production start.
        print("Refusing to start in production:\n- " + "\n- ".join(problems), file=sys.stderr)
        return 2
    if args.command == "run":
        migrate.upgrade(settings.database_url)
        print("Seed loaded:", asyncio.run(_load_seed(settings)), flush=True)
        if not settings.is_production:
            from registry.demo import DEMO_PASSWORD, load_demo

            usernames = asyncio.run(_in_session(settings, load_demo))
            print(f"Demo accounts (password {DEMO_PASSWORD}): {', '.join(usernames)}", flush=True)
            from registry.needs.demo import load_demo_needs

            created = asyncio.run(_in_session(settings, load_demo_needs))
            print(f"Demo needs created: {created}", flush=True)
            from registry.priorities.demo import load_demo_scores

            scored = asyncio.run(_in_session(settings, load_demo_scores))
            print(f"Demo scores created: {scored}", flush=True)
            from registry.processes.demo import load_demo_processes

            print(f"Demo processes created: {asyncio.run(_in_session(settings, load_demo_processes))}", flush=True)
            from registry.decisions.demo import load_demo_decisions

            decided = asyncio.run(_in_session(settings, load_demo_decisions))
            print(f"Demo recommendations and line decisions created: {decided}", flush=True)
    if settings.is_production and (problems := _production_problems(settings)):
        print("Refusing to start in production:\n- " + "\n- ".join(problems), file=sys.stderr)
        return 2
    if args.command == "run":
        _serve(settings)
    else:
        _serve(settings, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
