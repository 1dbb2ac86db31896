"""What the speed benchmarks share: percentiles of samples, and a server run in its own
process on a free loopback port."""

from __future__ import annotations

import asyncio
import math
import os
import socket
import statistics
import sys
import tempfile
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def quantile_ms(samples: list[float], q: float) -> float:
    """The q-quantile of samples in seconds, in milliseconds, by nearest rank: the smallest
    sample with at least a share q of all samples at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000


def median_p95_ms(samples: list[float]) -> tuple[float, float]:
    return median_ms(samples), quantile_ms(samples, 0.95)


async def serving(
    argv: list[str], environ: dict[str, str], port: int
) -> asyncio.subprocess.Process:
    """A server in its own process, as in production: its event loop runs only its work,
    not the load generator's or the mock's."""
    # Its errors go to a file, not a pipe: a pipe nobody reads would stall a chatty server.
    with tempfile.TemporaryFile() as errors:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *argv, env={**os.environ, **environ}, cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL, stderr=errors,
        )  # fmt: skip
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                if process.returncode is not None:  # it failed at start: say why
                    errors.seek(0)
                    why = errors.read().decode(errors="replace").strip()[-2000:]
                    raise RuntimeError(f"{' '.join(argv)} exited at start:\n{why}")
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            return process
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{' '.join(argv)} did not answer /healthz within 30 s")


async def stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    await process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
