"""``assistant sources``: folders and websites kept in sync with the index, over ``PolicyAssistant.sources``.

Scripts rely on these exactly: ``add NAME LOCATION [--groups a,b] [--every 6h]``, ``sync [NAME]``
(exit 1 only when a source could not be read at all, 2 for bad input or a sync already running),
``list [--json]``, ``remove NAME``.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from assistant.errors import AssistantError
from assistant.facade import PolicyAssistant
from assistant.settings import Settings
from assistant.sources.models import SyncReport

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Folders and websites whose documents are kept in sync with the index.")


def _assistant() -> PolicyAssistant:
    return PolicyAssistant.from_settings(Settings())


def _fail(error: Exception) -> typer.Exit:
    typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="Lowercase letters, digits and hyphens.")],
    location: Annotated[str, typer.Argument(help="A folder path, or an http(s):// page or sitemap URL.")],
    groups: Annotated[str, typer.Option(help="Access groups its documents get, comma-separated (none: "
                                        "everyone).")] = "",
    every: Annotated[str | None, typer.Option(help="Sync on a schedule inside `assistant serve`: 30m, 6h, "
                                              "1d.")] = None,
    include: Annotated[list[str] | None, typer.Option(help="Only paths matching this glob (repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Never paths matching this glob (repeatable).")] = None,
) -> None:
    """Add a source (nothing is read until it syncs)."""
    assistant = _assistant()
    try:
        config = assistant.sources.add(name, location, groups=[g for g in groups.split(",") if g.strip()],
                                       every=every, include=include or (), exclude=exclude or ())
    except AssistantError as error:
        raise _fail(error) from error
    finally:
        assistant.close()
    typer.echo(f"added {config.name}: {config.kind.value} {config.location}")


@app.command()
def sync(name: Annotated[str | None, typer.Argument(help="One source (default: every source).")] = None) -> None:
    """Sync now: prints what was added, changed, removed and failed per source."""
    assistant = _assistant()
    try:
        assistant.ensure_index()
        reports = assistant.sources.sync(name)
    except AssistantError as error:
        raise _fail(error) from error
    finally:
        assistant.close()
    for report in reports:
        _print(report)
    if any(report.status == "failed" for report in reports):
        raise typer.Exit(code=1)


def _print(report: SyncReport) -> None:
    colour = {"ok": typer.colors.GREEN, "partial": typer.colors.YELLOW, "failed": typer.colors.RED}[report.status]
    typer.secho(f"{report.source}: {report.status} in {report.seconds:.1f} s — {len(report.added)} added, "
                f"{len(report.changed)} changed, {len(report.renamed)} renamed, {len(report.removed)} removed, "
                f"{report.unchanged} unchanged, {len(report.failed)} failed", fg=colour, bold=True)
    if report.error:
        typer.echo(f"  error: {report.error}")
    for label, ids in (("added", report.added), ("changed", report.changed), ("renamed", report.renamed),
                       ("removed", report.removed)):
        for document_id in ids:
            typer.echo(f"  {label} {document_id}")
    for failure in report.failed:
        typer.echo(f"  failed {failure['key']}: {failure['reason']} ({failure['detail']})")


@app.command(name="list")
def list_sources(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Every source with its schedule and its last run."""
    assistant = _assistant()
    try:
        statuses = assistant.sources.statuses()
    finally:
        assistant.close()
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in statuses], ensure_ascii=False, indent=2))
        return
    for status in statuses:
        config, last = status.source, status.last_run
        run = (f"last run {last.started_at} {last.status}: +{len(last.added)} ~{len(last.changed)} "
               f"-{len(last.removed)} !{len(last.failed)}" if last else "never synced")
        typer.echo(f"{config.name}\t{config.kind.value}\t{config.location}\tevery {status.every}\t{run}")


@app.command()
def remove(name: str) -> None:
    """Remove a source; its documents leave the index with it."""
    assistant = _assistant()
    try:
        assistant.ensure_index()
        removed = assistant.sources.remove(name)
    except AssistantError as error:
        raise _fail(error) from error
    finally:
        assistant.close()
    typer.echo(f"removed {name} and its {len(removed)} documents")
