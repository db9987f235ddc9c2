"""A TCP proxy for fault injection, switchable at run time between:

- PASS: bytes flow both ways;
- REFUSE: new connections are reset at once, open ones are cut;
- HANG: connections are accepted and kept, nothing is answered (a frozen server); open ones stall;
  leaving HANG cuts the connections that stalled, as a restarted server would;
- CUT: every connection is cut right after the client's next bytes reach the server (mid-query:
  the server may have done what it was asked, the client never hears of it).

    async with FaultProxy("127.0.0.1", 5432) as proxy:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{proxy.port}/test"
        proxy.mode = HANG
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Iterator

PASS, REFUSE, HANG, CUT = "pass", "refuse", "hang", "cut"


class FaultProxy:
    """Listens on 127.0.0.1:`port` and forwards to `host`:`target_port`."""

    def __init__(self, host: str, target_port: int) -> None:
        self.host = host
        self.target_port = target_port
        self.port = 0
        self._mode = PASS
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._thawed = asyncio.Event()
        self._thawed.set()
        self.connections = 0  # accepted so far

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        assert mode in (PASS, REFUSE, HANG, CUT), mode
        leaving_hang = self._mode == HANG and mode != HANG
        self._mode = mode
        if mode == HANG:
            self._thawed.clear()
        else:
            self._thawed.set()
        if mode == REFUSE or leaving_hang:
            self.cut_all()

    @contextlib.contextmanager
    def fault(self, mode: str) -> Iterator[None]:
        """`mode` inside the block, PASS again after it (whatever happens in it)."""
        self.mode = mode
        try:
            yield
        finally:
            self.mode = PASS

    def cut_all(self) -> None:
        """Reset every open connection (both sides)."""
        for writer in list(self._writers):
            _reset(writer)
        self._writers.clear()

    async def start(self) -> FaultProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self.cut_all()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    async def __aenter__(self) -> FaultProxy:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve(reader, writer)
        finally:
            self._tasks.discard(task)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._mode == REFUSE:
            _reset(writer)
            return
        self._writers.add(writer)
        if self._mode == HANG:  # accepted, never answered: wait until thawed (then it is cut)
            await self._thawed.wait()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            _reset(writer)
            return
        self._writers.add(up_writer)
        await asyncio.gather(
            self._pump(reader, up_writer, writer, from_client=True),
            self._pump(up_reader, writer, up_writer, from_client=False),
            return_exceptions=True,
        )
        for w in (writer, up_writer):
            self._writers.discard(w)
            _reset(w)

    async def _pump(
        self,
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        other: asyncio.StreamWriter,
        *,
        from_client: bool,
    ) -> None:
        while True:
            data = await source.read(65536)
            if not data:
                break
            await self._thawed.wait()  # a frozen server: the bytes wait (and the connection is cut)
            if sink not in self._writers or (self._mode == CUT and not from_client):
                break  # cut: the server's answer never reaches the client
            sink.write(data)
            await sink.drain()
            if self._mode == CUT and from_client:  # the server got the query; its answer is lost
                await asyncio.sleep(0.05)
                break
        for w in (sink, other):
            _reset(w)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with an RST (SO_LINGER 0), as a crashed or refusing server does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(Exception):
        writer.close()
