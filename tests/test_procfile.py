"""The Procfile a platform runs: each line names a command Spred has, and the release
step brings a database's schema up to date as `spred migrate` does."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from bot.cli import _parser
from knowledge.store.postgres import SCHEMA_VERSION
from tests.test_cli import base_env

ROOT = Path(__file__).resolve().parents[1]


def _processes() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    kinds = [line.partition(":") for line in lines if line.strip()]
    return {kind.strip(): command.strip() for kind, _, command in kinds}


def test_the_procfile_serves_on_port_and_migrates_on_release() -> None:
    processes = _processes()
    assert sorted(processes) == ["release", "web"]
    web = shlex.split(processes["web"].replace("$PORT", "5000"))
    release = shlex.split(processes["release"])
    assert web[:3] == release[:3] == ["python", "-m", "bot"]
    served = _parser().parse_args(web[3:])
    assert (served.command, served.host, served.port) == ("serve", "0.0.0.0", 5000)
    assert _parser().parse_args(release[3:]).command == "migrate"


def test_the_release_line_migrates_the_database_it_is_given(database_url: str) -> None:
    # As the platform runs it: through a shell, with DATABASE_URL in the environment (and
    # this test's Python as `python`).
    command = _processes()["release"].replace("python ", f"{shlex.quote(sys.executable)} ", 1)
    done = subprocess.run(
        command,
        shell=True,
        cwd=ROOT,
        env=base_env(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"schema version {SCHEMA_VERSION}" in done.stdout
