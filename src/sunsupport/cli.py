"""Command line: `sunsupport serve | migrate | kb check | bot eval`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sunsupport.config import ConfigError, get_settings


@click.group()
def main() -> None:
    """Солнце · техподдержка: the support chat service."""


@main.command()
@click.option("--host", default=None, help="Interface to bind (default: HOST setting).")
@click.option("--port", type=int, default=None, help="Port (default: PORT setting).")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes.")
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str | None, port: int | None, workers: int, reload: bool) -> None:
    """Start the HTTP server."""
    import uvicorn

    settings = get_settings()
    try:
        settings.resolve_secret_key()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    uvicorn.run(
        "sunsupport.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        factory=False,
        log_config=None,
        proxy_headers=True,
        timeout_graceful_shutdown=10,
    )


@main.command()
@click.option("--revision", default="head", show_default=True)
def migrate(revision: str) -> None:
    """Apply database migrations (safe to run again)."""
    from sunsupport.migrate import upgrade

    upgrade(get_settings(), revision)
    click.echo(f"database is at {revision}")


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
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def bot_eval(file: Path) -> None:
    """Measure the bot on a JSONL file of {"text", "intent"} rows."""
    from sunsupport.bot import load_bot
    from sunsupport.bot.evaluation import evaluate, read_jsonl

    rows = read_jsonl(file)
    report = evaluate(load_bot(get_settings().kb_path), rows)
    click.echo(report.format())


if __name__ == "__main__":
    main()
