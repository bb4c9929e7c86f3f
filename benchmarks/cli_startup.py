"""Benchmark: `registre` commands as whole processes, against psql running the same statements.

1. Build the cloud-host demo databases at N subjects in PostgreSQL (databases
   `registre_cli_bench` for the CRM and `registre_cli_bench_platform`), unless
   `--reuse` finds them built; then create the indexes `registre map --live`
   advises, as a user setting Registre up does.
2. Draw subjects from the CRM: one to read, and a fresh one for every erasure.
3. Run, alternating, each command as a new process, `--runs` times: `registre
   --help`; `registre dsr access` of one subject (bundle with the HTML report,
   no PDF); `registre dsr erase` of one subject; and psql running the
   hand-written statements of `handwritten_sql.py` (the CRM's tables; the
   engine also reads the platform's) for the same subjects, with the same holds;
   `registre retention plan` on the demo's date, and psql running one
   hand-written statement per table that counts the same figures.
   Each `registre` command runs twice per round: cold (`REGISTRE_PRELOAD=off`,
   the process imports everything), and handed to the preloader that
   `registre preload start` started before the first round (the row
   `, preloaded`: the time is still the whole `registre` process, from its
   start to its exit status).
4. Print the median and the best wall time of each, the median CPU time,
   and the peak RSS of the process, against the targets of the issue; the
   floor under the cold commands: a Python process that only imports the
   libraries the engine is built on (Typer, Rich, PyYAML, Pydantic,
   SQLAlchemy with its PostgreSQL dialect, psycopg); and the memory the
   preloader keeps while it waits.

    PYTHONPATH=src .venv/bin/python benchmarks/cli_startup.py --subjects 100000

`--only plan` (repeatable: help, access, erase, plan) times only those
commands and their psql counterparts; `--database` names the CRM's database
(the platform's gets `_platform` appended), so that builds do not collide.

Times are whole processes: interpreter start, imports, policy loading,
connection, reflection, statements, output. They depend on the machine and
its load: run it on an idle machine, and read the psql rows as the floor. On
a loaded machine the CPU column (user + system time) is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import handwritten_sql
import sqlalchemy as sa
from engine_benchmark import KEY

from registre.core.demo import DEMO_TODAY, generate_demo_databases
from registre.core.engine import pseudonym_of
from registre.core.engine.indexes import identity_indexes
from registre.core.policy.loader import parse_policy
from registre.core.retention.indexes import missing_anchor_indexes

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "examples" / "cloud-host" / "registre.yaml"
# The floor of a command that reads or changes a PostgreSQL database: a Python process that only imports the
# libraries the engine is built on, with the collector paused as the console script pauses it.
LIBRARIES = (
    "import gc; gc.disable(); "
    "import typer, rich.console, yaml, pydantic, sqlalchemy, sqlalchemy.dialects.postgresql, psycopg; gc.freeze()"
)
PRELOADED = ", preloaded"
TARGETS = {
    "registre --help": 0.25,
    "registre dsr access": 0.5,
    "registre dsr erase": 0.4,
    "registre retention plan": 3.0,
}


@dataclass
class Series:
    """The runs of one command: wall and CPU times (seconds) and peak RSS (kilobytes)."""

    name: str
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subjects", type=int, default=100_000, help="contacts in the synthetic CRM")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument(
        "--database",
        default="registre_cli_bench",
        help="the CRM's database (created if missing); the platform's is the same name with `_platform`",
    )
    parser.add_argument("--runs", type=int, default=9, help="runs of each command (the median is shown)")
    parser.add_argument("--reuse", action="store_true", help="reuse the databases of a previous run")
    parser.add_argument("--registre", default=str(Path(sys.executable).with_name("registre")), help="the command")
    parser.add_argument("--psql", default="psql", help="the psql command")
    parser.add_argument(
        "--only",
        choices=("help", "access", "erase", "plan"),
        action="append",
        help="time only these commands and their psql counterparts (repeatable; default: all)",
    )
    return parser.parse_args()


def create_database(server: str, name: str) -> str:
    admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server}/{name}"


def built_subjects(url: str) -> int:
    """Contacts in the CRM at `url`; 0 when it has no contacts table."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT count(*) FROM contacts")).scalar_one())
    except sa.exc.ProgrammingError:
        return 0
    finally:
        engine.dispose()


def generate(crm: str, platform: str, subjects: int) -> None:
    started = time.perf_counter()
    result = generate_demo_databases(crm, platform, subjects=subjects)
    print(f"  {result.total_rows:,} rows in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    for url in (crm, platform):
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
        engine.dispose()


def create_advised_indexes(crm: str, platform: str) -> None:
    """The indexes `registre map --live` tells the user to create (retention anchors, identity lookups), created.

    As a user sets up Registre: the identities are compared in their normal form (`lower(trim(email))`...),
    which only an expression index serves.
    """
    urls = {"crm": crm, "platform": platform}
    policy = parse_policy(POLICY, {**os.environ, "CRM_DATABASE_URL": crm, "PLATFORM_DATABASE_URL": platform}).policy
    assert policy is not None
    identities, _problems = identity_indexes(policy)
    advice = [(found.system, found.statement) for found in missing_anchor_indexes(policy)]
    advice += [(found.system, found.statement) for found in identities if found.statement]
    for system, statement in advice:
        engine = sa.create_engine(urls[system], isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(statement.strip().replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1)))
            connection.execute(sa.text("ANALYZE"))
        engine.dispose()
    print(f"  {len(advice)} indexes advised by registre map --live", file=sys.stderr)


def draw_emails(url: str, count: int) -> list[str]:
    """`count` contacts not erased yet (by earlier runs), spread over the table in a fixed pseudo-random order."""
    engine = sa.create_engine(url)
    query = sa.text("SELECT email FROM contacts WHERE last_name <> 'ANONYME' ORDER BY md5(email) LIMIT :count")
    with engine.connect() as connection:
        emails = list(connection.execute(query, {"count": count}).scalars())
    engine.dispose()
    if len(emails) < count:
        raise SystemExit(f"only {len(emails)} contacts left to erase: build the databases again (without --reuse)")
    return emails


def run_process(command: list[str], environment: dict[str, str], work: Path) -> tuple[float, float, int]:
    """Wall time, CPU time (user + system) and peak RSS (KB) of `command` run to completion as a new process.

    The command runs under GNU time, whose report gives the RSS of the command itself (the rusage of
    a child forked from this Python process would count the pages it shared before exec). Fails on a
    non-zero exit.
    """
    report = work / "time.txt"
    timed = ["/usr/bin/time", "-f", "%M", "-o", str(report), *command]
    started = time.perf_counter()
    process = subprocess.Popen(timed, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])}... exited with {process.returncode}: {error}")
    return elapsed, usage.ru_utime + usage.ru_stime, int(report.read_text().split()[-1])


def psql_script(statements: list[str], transaction: bool) -> str:
    """The statements with psql variables (:'email') in place of bound parameters (:email)."""
    body = [re.sub(r"(?<!:):([a-z_]+)", r":'\1'", sql) + ";" for sql in statements]
    return "\n".join(["BEGIN;", *body, "COMMIT;"] if transaction else body) + "\n"


def psql_command(arguments: argparse.Namespace, url: str, script: Path, variables: dict[str, object]) -> list[str]:
    parsed = sa.engine.make_url(url)
    command = [arguments.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", parsed.host or "127.0.0.1"]
    command += ["-p", str(parsed.port or 5432), "-U", parsed.username or "postgres", "-d", parsed.database or ""]
    for name, value in variables.items():
        command += ["-v", f"{name}={value}"]
    return [*command, "-f", str(script)]


def measure(arguments: argparse.Namespace, crm: str, platform: str, work: Path) -> list[Series]:
    """Steps 2 and 3 of the module's docstring."""
    emails = draw_emails(crm, 1 + 3 * arguments.runs)
    reader, erased_cold, erased_preloaded, erased_by_psql = emails[0], emails[1::3], emails[2::3], emails[3::3]
    # As a user runs it: with the bytecode cache (a shell that sets PYTHONDONTWRITEBYTECODE would make every
    # run compile Registre's modules again), written first.
    environment = {
        **{name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"},
        "CRM_DATABASE_URL": crm,
        "PLATFORM_DATABASE_URL": platform,
        "REGISTRE_PSEUDONYM_KEY": KEY,
        "REGISTRE_POLICY": str(POLICY),
    }
    preloaded = {**environment, "XDG_RUNTIME_DIR": str(work / "run")}
    environment["REGISTRE_PRELOAD"] = "off"
    access_sql, erase_sql = work / "access.sql", work / "erase.sql"
    access_sql.write_text(psql_script(list(handwritten_sql.ACCESS.values()), transaction=False))
    erase_sql.write_text(psql_script(handwritten_sql.ERASE_ONE, transaction=True))
    plan_sql = work / "plan.sql"
    plan_sql.write_text(psql_script(handwritten_sql.plan_statements(DEMO_TODAY), transaction=False))
    holds = handwritten_sql._hold_parameters(DEMO_TODAY)
    holds["true"] = "t"
    today = ["--today", DEMO_TODAY.isoformat()]
    registre = arguments.registre
    names = (*TARGETS, *(f"{name}{PRELOADED}" for name in TARGETS), "psql: access", "psql: erase")
    names += ("psql: retention plan", "python: the libraries")
    series = {name: Series(name) for name in names}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], env=environment, check=True)
    (work / "run").mkdir(mode=0o700)
    subprocess.run([registre, "preload", "start", "--idle", "0"], env=preloaded, check=True, stdout=subprocess.DEVNULL)
    try:
        for run in range(arguments.runs):
            access = ["dsr", "access", "--subject", f"email={reader}", *today, "--out", str(work / f"access-{run}")]
            commands = {
                "registre --help": [registre, "--help"],
                "registre dsr access": [registre, *access],
                f"registre dsr access{PRELOADED}": [registre, *access[:-1], str(work / f"access-{run}-preloaded")],
                "psql: access": psql_command(arguments, crm, access_sql, {"email": reader}),
                "registre dsr erase": [registre, "dsr", "erase", "--subject", f"email={erased_cold[run]}", *today],
                f"registre dsr erase{PRELOADED}": [
                    *(registre, "dsr", "erase", "--subject", f"email={erased_preloaded[run]}", *today)
                ],
                "psql: erase": psql_command(
                    arguments,
                    crm,
                    erase_sql,
                    {
                        "email": erased_by_psql[run],
                        "pseudonym": pseudonym_of(f"email:{erased_by_psql[run]}", KEY.encode()),
                        **holds,
                    },
                ),
                "registre retention plan": [registre, "retention", "plan", "--as-of", DEMO_TODAY.isoformat()],
                "psql: retention plan": psql_command(arguments, crm, plan_sql, {}),
                "python: the libraries": [sys.executable, "-c", LIBRARIES],
            }
            commands[f"registre --help{PRELOADED}"] = commands["registre --help"]
            commands[f"registre retention plan{PRELOADED}"] = commands["registre retention plan"]
            for name, command in commands.items():
                if not _selected(name, arguments.only):
                    continue
                seconds, cpu, rss = run_process(command, preloaded if name.endswith(PRELOADED) else environment, work)
                series[name].seconds.append(seconds)
                series[name].cpu_seconds.append(cpu)
                series[name].rss_kb.append(rss)
        status = subprocess.run([registre, "preload", "status"], env=preloaded, capture_output=True, text=True)
        print(f"the preloader: {status.stdout.strip()}", file=sys.stderr)
    finally:
        subprocess.run([registre, "preload", "stop"], env=preloaded, check=True, stdout=subprocess.DEVNULL)
    return [one for one in series.values() if one.seconds]


def _selected(name: str, only: list[str] | None) -> bool:
    """Whether the command `name` (`registre dsr access`, `psql: access`...) is among `--only`."""
    if not only:
        return True
    words = {"help": "--help", "access": "access", "erase": "erase", "plan": "retention plan"}
    return any(name.removesuffix(PRELOADED).endswith(words[choice]) for choice in only) or name.startswith("python:")


def print_table(series: list[Series], arguments: argparse.Namespace, subjects: int) -> None:
    print(f"\n{subjects:,} subjects on PostgreSQL, {arguments.runs} runs of each, whole processes")
    print(f"{'command':<34} {'median':>8} {'best':>8} {'CPU':>8} {'target':>8} {'peak RSS':>10}")
    for one in series:
        target = TARGETS.get(one.name.removesuffix(PRELOADED))
        verdict = "" if target is None else ("  ok" if statistics.median(one.seconds) <= target else "  over")
        print(
            f"{one.name:<34} {statistics.median(one.seconds):>7.3f}s {min(one.seconds):>7.3f}s "
            f"{statistics.median(one.cpu_seconds):>7.3f}s {f'{target:.2f}s' if target else '':>8} "
            f"{max(one.rss_kb) / 1024:>8.0f}MB{verdict}"
        )
    print("median and best: wall time; CPU: median user + system time of the process")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU(s)")


def main() -> None:
    arguments = parse_arguments()
    crm = create_database(arguments.postgres, arguments.database)
    platform = create_database(arguments.postgres, f"{arguments.database}_platform")
    subjects = built_subjects(crm)
    if not (arguments.reuse and subjects):
        print(f"building the demo databases at {arguments.subjects:,} subjects", file=sys.stderr)
        generate(crm, platform, arguments.subjects)
        subjects = built_subjects(crm)
    create_advised_indexes(crm, platform)
    with tempfile.TemporaryDirectory(prefix="registre-cli-bench-") as folder:
        series = measure(arguments, crm, platform, Path(folder))
    print_table(series, arguments, subjects)


if __name__ == "__main__":
    main()
