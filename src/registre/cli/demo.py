"""`registre demo`: a workspace with the example policy, a synthetic database and every document."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import registre
from registre.cli.console import err, fail, out, print_diagnostics, require_free_port
from registre.cli.demo_server import serve_demo
from registre.core.demo import GenerationReport, generate_demo_databases
from registre.core.documents import render_notice, render_register, render_subprocessors
from registre.core.policy import Policy, check_policy
from registre.core.sources.connection import SourceError, normalise_url

EXAMPLE = Path(registre.__file__).resolve().parents[2] / "examples" / "cloud-host"
# (file name, renderer arguments): every document of the workspace, in each language.
DOCUMENTS = [
    ("register-controller.xlsx", "register", {"role": "controller", "fmt": "xlsx"}),
    ("register-controller.pdf", "register", {"role": "controller", "fmt": "pdf"}),
    ("register-controller.html", "register", {"role": "controller", "fmt": "html"}),
    ("register-controller.md", "register", {"role": "controller", "fmt": "md"}),
    ("register-controller.csv", "register", {"role": "controller", "fmt": "csv"}),
    ("register-processor.xlsx", "register", {"role": "processor", "fmt": "xlsx"}),
    ("register-processor.pdf", "register", {"role": "processor", "fmt": "pdf"}),
    ("privacy-notice.html", "notice", {"fmt": "html"}),
    ("privacy-notice.pdf", "notice", {"fmt": "pdf"}),
    ("privacy-notice.md", "notice", {"fmt": "md"}),
    ("subprocessors.html", "subprocessors", {"fmt": "html"}),
    ("subprocessors.xlsx", "subprocessors", {"fmt": "xlsx"}),
    ("subprocessors.md", "subprocessors", {"fmt": "md"}),
]
RENDERERS = {"register": render_register, "notice": render_notice, "subprocessors": render_subprocessors}


def demo(
    directory: Annotated[Path, typer.Option("--dir", "-d", help="Where to build the workspace.")] = Path("demo"),
    subjects: Annotated[int, typer.Option("--subjects", "-n", min=1, help="People in the synthetic CRM.")] = 1000,
    tenants: Annotated[int, typer.Option("--tenants", min=1, help="Client tenants of the platform.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generator: same seed, same data.")] = 2026,
    serve: Annotated[
        bool, typer.Option("--serve", help="Then serve the console and the portal on --host and --port.")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="With --serve: the address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="With --serve: the port.")] = 8000,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="A database for both demo systems (postgresql://..., mysql://...) instead of SQLite files.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build the demo workspace: the example policy, its databases (SQLite, or --url) and its documents."""
    if serve:
        require_free_port(host, port)  # before minutes of work, not after
    environ = demo_environment(url)
    policy_path = copy_example(directory)
    loaded = check_policy(policy_path, environ)
    if loaded.errors or loaded.policy is None:
        print_diagnostics(loaded.diagnostics)
        fail("the example policy does not pass its checks")
    policy = loaded.policy
    report = generate_with_progress(policy, subjects, tenants, seed)
    written = render_documents(policy, directory / "documents")
    print_summary(directory, policy_path, report.rows, written, report.sample_contacts)
    if url is not None:
        if serve:
            os.environ.update(environ)  # the server and its jobs, in this process, read the policy's databases
        out.print(
            "\nThe policy reads its databases from the environment: before other commands, run\n"
            f"  export CRM_DATABASE_URL='{url}' PLATFORM_DATABASE_URL='{url}'",
            markup=False,
        )
    if serve:
        serve_demo(directory, report, host=host, port=port)


def demo_environment(url: str | None) -> dict[str, str]:
    """The variables that point the example policy's two systems at `url` (none: SQLite in the workspace)."""
    if url is None:
        return {}
    try:
        normalise_url(url)
    except SourceError as error:
        fail(f"--url: {error}", 2)
    return {"CRM_DATABASE_URL": url, "PLATFORM_DATABASE_URL": url}


def copy_example(directory: Path) -> Path:
    if not EXAMPLE.is_dir():
        fail(f"the example policy is not at {EXAMPLE}: run the demo from a clone of the repository")
    directory.mkdir(parents=True, exist_ok=True)
    for source in sorted(EXAMPLE.glob("*.yaml")):
        shutil.copyfile(source, directory / source.name)
    return directory / "registre.yaml"


def generate_with_progress(policy: Policy, subjects: int, tenants: int, seed: int) -> GenerationReport:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("Generating the synthetic CRM", total=subjects)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        crm, platform = policy.systems["crm"].url, policy.systems["platform"].url
        return generate_demo_databases(
            crm,
            None if platform == crm else platform,  # one database holds both systems' tables
            subjects=subjects,
            tenants=tenants,
            seed=seed,
            progress=advance,
        )


def render_documents(policy: Policy, target: Path) -> list[Path]:
    written = []
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as progress:
        task = progress.add_task("Rendering the documents", total=len(DOCUMENTS) * 2)
        for lang in ("fr", "en"):
            (target / lang).mkdir(parents=True, exist_ok=True)
            for name, kind, arguments in DOCUMENTS:
                path = target / lang / name
                path.write_bytes(RENDERERS[kind](policy, lang=lang, **arguments))  # type: ignore[operator]
                written.append(path)
                progress.advance(task)
    return written


def print_summary(
    directory: Path,
    policy_path: Path,
    rows: dict[str, int],
    written: list[Path],
    samples: list[dict[str, str]],
) -> None:
    table = Table(title="Synthetic databases", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in rows.items():
        table.add_row(name, f"{count:,}")
    out.print(table)
    out.print(f"\n[bold]Documents[/] ({len(written)} files) in {directory / 'documents'}:")
    for lang in ("fr", "en"):
        names = ", ".join(path.name for path in written if path.parent.name == lang)
        out.print(f"  {lang}/ {names}")
    if samples:
        out.print(f"\nSample people to try requests with: {', '.join(s['email'] for s in samples[:3])}")
    out.print(
        f"\nThe policy is {policy_path}. Next:\n"
        f"  registre check --policy {policy_path}\n"
        f"  registre map --live --policy {policy_path}\n"
        f"  registre ropa --policy {policy_path} --lang en --format md -o -"
    )
