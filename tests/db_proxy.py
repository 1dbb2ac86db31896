"""A TCP relay between Spred and PostgreSQL that a test can cut and restore, so the database
goes away and comes back under a running server as it would in a network failure or a
restart: cutting closes every connection through it and refuses new ones; restoring
listens again on the same port."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit, urlunsplit

from psycopg.conninfo import conninfo_to_dict


class Relay:
    def __init__(self, database_url: str) -> None:
        target = conninfo_to_dict(database_url)
        self._target = (str(target.get("host") or "127.0.0.1"), int(target.get("port") or 5432))
        self._url = database_url
        self.port = 0  # chosen at the first start, kept after
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        """`database_url` with the relay in place of the database's host and port."""
        parts = urlsplit(self._url)
        user = parts.netloc.rpartition("@")[0]
        netloc = f"{user}@127.0.0.1:{self.port}" if user else f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()
        await self._server.wait_closed()
        self._server = None

    async def _relay(self, client_in: asyncio.StreamReader, client: asyncio.StreamWriter) -> None:
        try:
            server_in, server = await asyncio.open_connection(*self._target)
        except OSError:
            client.transport.abort()
            return
        self._open |= {client, server}
        await asyncio.gather(_pipe(client_in, server), _pipe(server_in, client))
        self._open -= {client, server}


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.transport.abort()
