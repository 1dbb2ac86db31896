"""The file store at its limits: a lock another process holds too long, a full disk. Each ends
in one StoreError naming the file and what to do, never a hang or a traceback."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from knowledge.store import LockWait, StoreError, open_store
from knowledge.store.lock import NOTICE_AFTER
from knowledge.store.schema import prepare
from tests.conftest import make_solution, solution_dict
from tests.test_cli import assert_one_line_error, base_env, spred


@contextlib.contextmanager
def held(lock_file: Path) -> Iterator[int]:
    """The exclusive lock on `lock_file`, as another Spred process holds it while it writes
    (flock locks belong to an open file, so this conflicts with the store's own)."""
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


async def test_a_lock_held_too_long_is_told_then_given_up(tmp_path: Path) -> None:
    data = tmp_path / "data"
    told: list[str] = []
    store = await open_store(
        data, lock_wait=LockWait(timeout=NOTICE_AFTER + 0.5, on_wait=told.append)
    )
    try:
        await store.solutions.upsert(make_solution("foer"))
        with held(data / ".solutions.json.lock"):
            with pytest.raises(StoreError) as info:
                await store.solutions.all()
            # Other files are not held: the rest of the store goes on working meanwhile.
            assert await store.people.count() == 0
        message = str(info.value)
        assert message.startswith(f"{data / 'solutions.json'} is still in use by another Spred")
        assert f"after {NOTICE_AFTER + 0.5:g} s" in message
        assert "SPRED_LOCK_TIMEOUT" in message
        assert told == [
            f"waiting for {data / 'solutions.json'}: another Spred process is using it "
            f"(giving up after {NOTICE_AFTER + 0.5:g} s)"
        ]
        # Once the other process is done, the same store reads and writes again.
        await store.solutions.upsert(make_solution("efter"))
        assert {s.id for s in await store.solutions.all()} == {"foer", "efter"}
    finally:
        await store.close()


async def test_a_short_wait_for_a_lock_is_not_told(tmp_path: Path) -> None:
    data = tmp_path / "data"
    told: list[str] = []
    store = await open_store(data, lock_wait=LockWait(timeout=30, on_wait=told.append))
    try:
        with held(data / ".solutions.json.lock") as fd:
            threading.Timer(0.2, fcntl.flock, (fd, fcntl.LOCK_UN)).start()
            await store.solutions.upsert(make_solution())
        assert await store.solutions.count() == 1
        assert told == []
    finally:
        await store.close()


def test_setting_up_waits_for_the_meta_lock_no_longer_than_told(tmp_path: Path) -> None:
    data = tmp_path / "data"
    prepare(data)
    with held(data / ".meta.lock"), pytest.raises(StoreError, match=r"meta\.json is still in use"):
        prepare(data, lock_wait=LockWait(timeout=0.2))


def test_cli_says_what_it_waits_for_and_gives_up_after_the_setting(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert spred("list", cwd=tmp_path, data=data).code == 0
    with held(data / ".solutions.json.lock"):
        run = spred("list", cwd=tmp_path, data=data, env=base_env(SPRED_LOCK_TIMEOUT="1.5"))
    assert run.code == 1, run
    assert "Traceback" not in run.err
    assert run.err.splitlines() == [
        f"spred: waiting for {data / 'solutions.json'}: another Spred process is using it "
        "(giving up after 1.5 s)",
        f"spred: {data / 'solutions.json'} is still in use by another Spred process after "
        "1.5 s; gave up. Try again when it is done, or wait longer by setting "
        "SPRED_LOCK_TIMEOUT (seconds).",
    ]


def test_cli_import_goes_on_once_the_lock_is_released(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = tmp_path / "ny.json"
    source.write_bytes(orjson.dumps([solution_dict("ny")]))
    assert spred("list", cwd=tmp_path, data=data).code == 0
    with held(data / ".solutions.json.lock") as fd:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "import", str(source), "--data", str(data)],
            cwd=tmp_path,
            env=base_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stderr is not None
        waiting = process.stderr.readline().decode()  # said while the lock is held
        fcntl.flock(fd, fcntl.LOCK_UN)
        out, err = process.communicate(timeout=60)
    assert waiting == (
        f"spred: waiting for {data / 'solutions.json'}: another Spred process is using it "
        "(giving up after 30 s)\n"
    )
    assert process.returncode == 0, err
    assert out.decode() == f"Imported 1 solutions (1 new, 0 updated) into {data}.\n"
    assert err == b""


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "lang", "86401"])
def test_a_bad_lock_timeout_is_named(tmp_path: Path, value: str) -> None:
    run = spred(
        "list", cwd=tmp_path, data=tmp_path / "data", env=base_env(SPRED_LOCK_TIMEOUT=value)
    )
    assert_one_line_error(run, "SPRED_LOCK_TIMEOUT must be a number of seconds", repr(value))


# --- a full disk -----------------------------------------------------------------------------


def test_a_data_directory_that_cannot_be_written_is_one_store_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / ".meta.json.tmp").mkdir()  # where meta.json is written first: unwritable
    with pytest.raises(StoreError) as info:
        prepare(data)
    assert str(info.value) == f"cannot set up the data directory {data}: Is a directory"
    assert not (data / "meta.json").exists()


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real, small file system, filled up. Needs the right to mount (root on Linux)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    ) if shutil.which("mount") and os.geteuid() == 0 else None  # fmt: skip
    if made is None or made.returncode != 0:
        pytest.skip("mounting a small file system needs root")
    try:
        # A data directory made while there was room, holding a knowledge base.
        source = tmp_path / "kb.json"
        source.write_bytes(orjson.dumps([solution_dict("gemt")]))
        assert spred("import", source, cwd=tmp_path, data=mount / "kb").code == 0
        filler = os.open(mount / "fyld", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            with contextlib.suppress(OSError):
                while True:
                    os.write(filler, b"\0" * 4096)
        finally:
            os.close(filler)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_new_data_directory_on_a_full_disk_is_one_line(full_disk: Path) -> None:
    new = full_disk / "ny"
    run = spred("list", cwd=full_disk.parent, data=new)
    assert_one_line_error(
        run,
        f"cannot set up the data directory {new}: No space left on device; free space on its disk",
    )


def test_an_import_on_a_full_disk_is_one_line_and_keeps_the_store(full_disk: Path) -> None:
    data = full_disk / "kb"
    before = (data / "solutions.json").read_bytes()
    source = full_disk.parent / "mere.json"
    source.write_bytes(orjson.dumps([solution_dict(f"ny-{i}") for i in range(50)]))
    run = spred("import", source, cwd=full_disk.parent, data=data)
    # The changes' versions are written first: a change is never stored without its version.
    full = data / "solution_versions.json"
    assert_one_line_error(run, f"could not write {full}: No space left")
    assert (data / "solutions.json").read_bytes() == before
    listed = spred("list", "--json", cwd=full_disk.parent, data=data)
    assert listed.code == 0, listed
    assert [line["id"] for line in listed.json_lines] == ["gemt"]
