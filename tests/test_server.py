"""The aiohttp server over real loopback HTTP, and `spred serve` as a process."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import orjson
from aiohttp.test_utils import TestServer

from bot import __version__
from bot.config import Settings
from bot.server import KNOWLEDGE, STORE, build_app
from tests.conftest import make_solution, solution_dict
from tests.serving import health

ROOT = Path(__file__).resolve().parents[1]


async def test_healthz_reports_status_version_adapters_and_size(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "kb.json").write_bytes(orjson.dumps([solution_dict()]))
    subprocess.run(
        [sys.executable, "-m", "bot", "import", str(tmp_path / "kb.json"), "--data", str(data)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    # No platform configured: Slack off; Teams off too when switched off (on loopback
    # without settings it would serve the Bot Framework Emulator). The web's public pages
    # are always on.
    app = build_app(Settings(data_dir=data), environ={"SPRED_TEAMS": "off"})
    server = TestServer(app, host="127.0.0.1")
    async with server, aiohttp.ClientSession() as http:
        async with http.get(server.make_url("/healthz")) as response:
            assert response.status == 200
            body = await response.json()
        async with http.get(server.make_url("/nothing-here")) as missing:
            assert missing.status == 404
    assert body == {
        "status": "ok",
        "version": __version__,
        "adapters": {"slack": False, "teams": False, "web": True},
        "platforms": {"web": "ok"},
        "solutions": 1,
        "store": {"backend": "tinydb", "ok": True},
    }


async def test_healthz_says_degraded_while_the_data_directory_is_gone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = build_app(Settings(data_dir=data), environ={"SPRED_TEAMS": "off"})
    async with TestServer(app, host="127.0.0.1") as server, aiohttp.ClientSession() as http:
        data.rename(tmp_path / "elsewhere")  # a volume unmounted under the running server
        async with http.get(server.make_url("/healthz")) as response:
            assert response.status == 200  # the contract's; the state is in the body
            gone = await response.json()
        (tmp_path / "elsewhere").rename(data)
        async with http.get(server.make_url("/healthz")) as response:
            back = await response.json()
    assert (gone["status"], gone["store"]) == ("degraded", {"backend": "tinydb", "ok": False})
    assert (back["status"], back["store"]) == ("ok", {"backend": "tinydb", "ok": True})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spred(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_spred_serve_starts_answers_and_stops(tmp_path: Path) -> None:
    port = _free_port()
    proc = _spred("serve", "--port", str(port), "--data", str(tmp_path / "data"))
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}" in first
        body = health(port, proc=proc, within=10)
        assert body["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _spred("serve", "--port", str(port), "--data", str(tmp_path / "data"))
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert "Traceback" not in err


def test_a_bad_setting_stops_start_up_with_its_name(tmp_path: Path) -> None:
    env = {**os.environ, "SPRED_LANGUAGE": "fr"}
    proc = _spred("serve", "--data", str(tmp_path / "data"), env=env)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 1
    assert "SPRED_LANGUAGE must be 'da' or 'en'" in err


async def test_the_running_server_picks_up_an_import(tmp_path: Path) -> None:
    import asyncio

    data = tmp_path / "data"
    server = TestServer(
        build_app(Settings(data_dir=data, refresh_seconds=0.05), environ={}), host="127.0.0.1"
    )
    async with server, aiohttp.ClientSession() as http:
        (tmp_path / "kb.json").write_bytes(orjson.dumps([solution_dict()]))
        imported = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "import", str(tmp_path / "kb.json"), "--data", str(data),
            cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert await imported.wait() == 0
        for _ in range(200):  # bounded: up to about ten seconds
            async with http.get(server.make_url("/healthz")) as response:
                if (await response.json())["solutions"] == 1:
                    break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the server never saw the imported solution")


async def test_the_server_closes_demand_an_import_answers_and_keeps_the_letter(
    tmp_path: Path,
) -> None:
    import asyncio

    from knowledge.records import Demand, DemandStatus
    from knowledge.store import open_store

    data = tmp_path / "data"
    store = await open_store(data)
    await store.demand.upsert(
        Demand(id="d1", question="kortere ventetid hjemmeplejen visitation", asker="slack:U1",
               notify=True)
    )  # fmt: skip
    await store.close()
    app = build_app(Settings(data_dir=data, refresh_seconds=0.05), environ={})
    async with TestServer(app, host="127.0.0.1"):
        await app[STORE].solutions.upsert(make_solution())  # as `spred import` would
        for _ in range(200):
            demand = await app[STORE].demand.get("d1")
            if demand is not None and demand.status is DemandStatus.ANSWERED:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the server never closed the answered demand")
        assert demand.answered_by == "kortere-ventetid"
        [letter] = await app[STORE].outbox.all()
        assert letter.to == "slack:U1"  # waits for the Slack adapter to deliver it
        assert letter.delivered_at is None


def test_a_client_leaving_mid_body_costs_one_quiet_line(tmp_path: Path) -> None:
    # `spred serve` itself: aiohttp's test server cancels handlers when a client leaves,
    # which hides what the real server logs.
    port = _free_port()
    proc = _spred("serve", "--port", str(port), "--data", str(tmp_path / "data"))
    try:
        health(port, proc=proc)
        for path in ("/api/messages", "/healthz"):
            with socket.create_connection(("127.0.0.1", port)) as client:
                client.sendall(
                    f"POST {path} HTTP/1.1\r\nHost: spred\r\nContent-Type: "
                    'application/json\r\nContent-Length: 1000\r\n\r\n{"type": "mess'.encode()
                )
                time.sleep(0.2)
        time.sleep(0.3)
        assert health(port, proc=proc)["status"] == "ok"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err
    assert "ERROR" not in err
    left = [line for line in err.splitlines() if "left before its request was complete" in line]
    assert len(left) == 1, err


async def test_an_import_is_noticed_while_a_delivery_hangs(tmp_path: Path) -> None:
    """The knowledge base is looked at on its own schedule: background work that takes long
    (here a delivery that never returns) does not hold up noticing an import."""
    import asyncio

    from bot.messages import Notice, Reply
    from bot.outbox import Outbox
    from bot.server import CORE, KNOWLEDGE
    from knowledge.store import open_store

    data = tmp_path / "data"
    store = await open_store(data)
    await Outbox(store=store).send(Notice(to="slack:U1", reply=Reply(text="Hej"), kind="test"))
    await store.close()
    app = build_app(Settings(data_dir=data, refresh_seconds=0.05), environ={})
    delivering = asyncio.Event()

    async def hangs(_: Notice) -> bool:
        delivering.set()
        await asyncio.Event().wait()  # a platform that never answers
        return True

    async with TestServer(app, host="127.0.0.1"):
        app[CORE].outbox.register("slack", hangs)
        await asyncio.wait_for(delivering.wait(), 10)  # the background round is stuck now
        other = await open_store(data)  # as `spred import` in another process
        await other.solutions.upsert(make_solution())
        await other.close()
        for _ in range(200):  # bounded: up to about ten seconds
            if app[KNOWLEDGE].ask("kortere ventetid hjemmeplejen"):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the import was not noticed while a delivery hung")


async def test_what_the_server_loaded_is_left_out_of_full_garbage_collections(
    tmp_path: Path,
) -> None:
    app = build_app(Settings(data_dir=tmp_path / "data"), environ={"SPRED_TEAMS": "off"})
    async with TestServer(app, host="127.0.0.1"):
        index = app[KNOWLEDGE].matcher.index
        assert gc.is_tracked(index)  # an object the collector would walk, but for this
        assert not any(o is index for o in gc.get_objects())  # in no generation of it
