"""Local HTTP servers on 127.0.0.1 and a stub resolver: no traffic leaves loopback."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from fetching import FetchLimits

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Private addresses allowed (the servers are on 127.0.0.1); short timeouts keep tests fast.
LOCAL = FetchLimits(allow_private=True, connect_timeout=2, read_timeout=2, total_timeout=5)


@dataclass
class LocalServer:
    """A running aiohttp server; ``hits`` counts requests per path, ``headers`` keeps the last ones."""

    base: str = ""
    port: int = 0
    hits: dict[str, int] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def total_hits(self) -> int:
        return sum(self.hits.values())


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[dict[str, Handler]], Awaitable[LocalServer]]]:
    """Factory: ``server = await serve({"/path": handler, ...})``."""
    runners: list[web.AppRunner] = []

    async def start(routes: dict[str, Handler]) -> LocalServer:
        server = LocalServer()

        @web.middleware
        async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
            server.hits[request.path] = server.hits.get(request.path, 0) + 1
            server.headers[request.path] = dict(request.headers)
            return await handler(request)

        app = web.Application(middlewares=[count])
        for path, handler in routes.items():
            app.router.add_get(path, handler)
        runner = web.AppRunner(app, shutdown_timeout=0.1, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        server.port = runner.addresses[0][1]
        server.base = f"http://127.0.0.1:{server.port}"
        return server

    yield start
    for runner in runners:
        await runner.cleanup()


class StubResolver(AbstractResolver):
    """Maps names to fixed addresses; unknown names fail like NXDOMAIN (never real DNS)."""

    def __init__(self, mapping: dict[str, list[str]]) -> None:
        self.mapping = mapping
        self.calls: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append(host)
        if host not in self.mapping:
            raise OSError(f"stub: {host} does not resolve")
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for address in self.mapping[host]
        ]

    async def close(self) -> None:
        return None


def html_page(body: str, *, head: str = "", title: str = "Новость") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>{body}</body></html>"


ARTICLE_PARAGRAPHS = (
    "<p>Правительство Тверской области и компания «Северный ветер» подписали соглашение о строительстве "
    "ветропарка мощностью 120 мегаватт на территории Осташковского района.</p>"
    "<p>Соглашение подписали губернатор Тверской области Пётр Соколов и генеральный директор компании "
    "Мария Кузнецова. Объём инвестиций составит четыре миллиарда рублей.</p>"
    "<p>Первая очередь ветропарка должна заработать через два года, сообщили в пресс-службе правительства.</p>"
)
ARTICLE_MARKER = "ветропарка мощностью 120 мегаватт"


@pytest.fixture
async def serve_raw() -> AsyncIterator[Callable[[bytes], Awaitable[str]]]:
    """Factory: a bare TCP server on 127.0.0.1 answering every connection with fixed bytes
    (for responses aiohttp.web would not produce, such as one without Content-Type)."""
    import asyncio

    servers: list[asyncio.Server] = []

    async def start(response: bytes) -> str:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(response)
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        servers.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


def raw_response(body: bytes, headers: str = "") -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\nConnection: close\r\n{headers}\r\n"
    return head.encode("latin-1") + body
