"""Command line: `sunsupport serve | migrate | create-user | set-role | delete-user | purge |
kb check | bot eval`."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sunsupport.core.config import ConfigError, Settings, get_settings

if TYPE_CHECKING:
    from sunsupport.core.uow import Database

T = TypeVar("T")
MAX_FRAME_BYTES = 64 * 1024


@click.group()
def main() -> None:
    """Солнце · техподдержка: the support chat service."""
    # Whatever a command creates (database, logs, the secret) is the service's alone.
    from sunsupport.core.files import PRIVATE_UMASK

    os.umask(PRIVATE_UMASK)


@main.command()
@click.option("--host", default=None, help="Interface to bind (default: HOST setting).")
@click.option("--port", type=int, default=None, help="Port (default: PORT setting).")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes.")
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str | None, port: int | None, workers: int, reload: bool) -> None:
    """Start the HTTP server."""
    import uvicorn

    from sunsupport.core.files import make_private

    settings = get_settings()
    try:
        settings.resolve_secret_key()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    make_private(settings)
    _require_migrated(settings)
    if workers > 1:
        _prepare_multiprocess_metrics()
    uvicorn.run(
        "sunsupport.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        factory=False,
        log_config=None,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        # Limits a reverse proxy should enforce as well (README, Deployment): live frames of
        # at most 64 KiB, idle keep-alive connections closed after 5 s, and a cap on the
        # connections served at once (beyond it, 503).
        ws_max_size=MAX_FRAME_BYTES,
        timeout_keep_alive=5,
        limit_concurrency=settings.max_connections,
    )


def _prepare_multiprocess_metrics() -> None:
    """Workers share their Prometheus values through files in one directory, which must
    start empty; without PROMETHEUS_MULTIPROC_DIR a private temporary one is used."""
    import os
    import shutil
    import tempfile

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="sunsupport-metrics-")


def _require_migrated(settings: Settings) -> None:
    """Refuse to start on a database the migrations have not reached: say what to run
    instead of failing on the first missing table."""
    from sunsupport.core.migrate import unapplied

    behind = unapplied(settings)
    if behind is not None:
        current, head = behind
        raise click.ClickException(
            f"the database is at revision {current or 'none'} and this version needs {head}: "
            "run `sunsupport migrate` first (`make run` does it for you)"
        )


@main.command()
@click.option("--revision", default="head", show_default=True)
def migrate(revision: str) -> None:
    """Apply database migrations (safe to run again)."""
    from sunsupport.core.migrate import upgrade

    upgrade(get_settings(), revision)
    click.echo(f"database is at {revision}")


@main.command("create-user")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["user", "operator", "admin"]),
    default="operator",
    show_default=True,
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--display-name",
    default=None,
    help="The name customers see on this operator's replies (default: the username).",
)
def create_user(username: str, role: str, password_stdin: bool, display_name: str | None) -> None:
    """Create an account (staff accounts are made here, never through the API)."""
    from pydantic import TypeAdapter, ValidationError

    from sunsupport.auth.accounts import create_account
    from sunsupport.auth.schemas import Credentials
    from sunsupport.core.security import PasswordHasher
    from sunsupport.core.text import DisplayName

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        credentials = Credentials(username=username, password=password)
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        raise click.ClickException(problems) from exc
    if display_name is not None:
        try:
            display_name = TypeAdapter(DisplayName).validate_python(display_name)
        except ValidationError as exc:
            raise click.ClickException(f"display name: {exc.errors()[0]['msg']}") from exc
    settings = get_settings()
    passwords = PasswordHasher(settings.argon2_profile)
    created = _run(
        _with_database(lambda db: create_account(db, passwords, credentials, role, display_name))
    )
    click.echo(f"created {role} {created.username} (id {created.id})")


@main.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(["user", "operator", "admin"]))
def set_role(username: str, role: str) -> None:
    """Change an existing account's role."""
    from sunsupport.auth.accounts import change_role

    changed = _run(_with_database(lambda db: change_role(db, username, role)))
    click.echo(f"{changed.username} is now {role}")


@main.command("delete-user")
@click.argument("username")
def delete_user(username: str) -> None:
    """Delete an account (staff too) with its chats, messages, ratings and inbox items."""
    from sunsupport.privacy.service import delete_account_by_name

    erased = _run(_with_database(lambda db: delete_account_by_name(db, username)))
    click.echo(
        f"deleted {username}: {erased.conversations} conversations, "
        f"{erased.messages} messages, {erased.inbox_items} inbox items"
    )


@main.command()
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@click.option("--days", type=click.IntRange(min=1), default=None, help="Override RETENTION_DAYS.")
def purge(dry_run: bool, days: int | None) -> None:
    """Delete conversations whose last message is older than RETENTION_DAYS."""
    from sunsupport.privacy.retention import purge as run_purge

    days = days or get_settings().retention_days
    if days is None:
        raise click.ClickException("RETENTION_DAYS is not set (conversations are kept forever)")
    report = _run(_with_database(lambda db: run_purge(db, days, dry_run=dry_run, trigger="cli")))
    verb = "would delete" if dry_run else "deleted"
    click.echo(
        f"{verb} {report.conversations} conversations and {report.messages} messages "
        f"last written before {report.cutoff:%Y-%m-%d %H:%M} UTC"
    )


async def _with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    """Run ``work`` with a database whose units of work publish through the same hub as
    the servers, so what a command changes reaches every running process."""
    from sunsupport.core.database import open_database
    from sunsupport.live.factory import create_hub

    settings = get_settings()
    hub = create_hub(settings)
    await hub.start()
    database = open_database(settings, hub)
    try:
        return await work(database)
    finally:
        await database.dispose()
        await hub.stop()


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    from fastapi.exceptions import RequestValidationError

    from sunsupport.core.errors import AppError

    try:
        return asyncio.run(coroutine)
    except AppError as exc:
        raise click.ClickException(exc.detail) from exc
    except RequestValidationError as exc:  # a rule the service checks (a name's script)
        raise click.ClickException("; ".join(e["msg"] for e in exc.errors())) from exc


@main.group()
def kb() -> None:
    """Knowledge base tools."""


@kb.command("check")
@click.argument("file", required=False, type=click.Path(path_type=Path))
def kb_check(file: Path | None) -> None:
    """Validate a knowledge base file (default: KB_PATH or the packaged one)."""
    from sunsupport.bot.kb import KnowledgeBaseError, default_kb_path, load_knowledge_base

    path = file or get_settings().kb_path or default_kb_path()
    try:
        knowledge = load_knowledge_base(path)
    except KnowledgeBaseError as exc:
        click.echo(f"invalid: {exc}", err=True)
        sys.exit(1)
    click.echo(f"ok: {path}: {len(knowledge.intents)} intents")


@main.group()
def bot() -> None:
    """Bot tools."""


@bot.command("eval")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--cv",
    "folds",
    type=click.IntRange(2, 20),
    default=None,
    help="Also cross-validate on the knowledge base's own examples (stratified K-fold): "
    "accuracy, macro-F1, out-of-scope precision/recall, worst confusions, tuned policy.",
)
def bot_eval(file: Path | None, folds: int | None) -> None:
    """Measure the bot on a JSONL file of {"text", "intent"} rows, and/or by --cv K."""
    from sunsupport.bot.evaluation import EvalDataError, evaluate, read_jsonl
    from sunsupport.bot.kb import KnowledgeBaseError, load_knowledge_base

    if file is None and folds is None:
        raise click.UsageError("give a FILE, --cv K, or both")
    kb_path = get_settings().kb_path
    try:
        knowledge = load_knowledge_base(kb_path)
    except KnowledgeBaseError as exc:
        raise click.ClickException(str(exc)) from exc
    if file is not None:
        from sunsupport.bot import KnowledgeBot

        try:
            rows = read_jsonl(file)
        except EvalDataError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(evaluate(KnowledgeBot(knowledge), rows).format())
    if folds is not None:
        from sunsupport.bot.calibration import cross_validate

        if file is not None:
            click.echo("")
        click.echo(cross_validate(knowledge, folds).format())


if __name__ == "__main__":
    main()
