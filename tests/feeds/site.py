"""A local news site on 127.0.0.1 serving feeds and article pages, changeable while it runs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Resource:
    body: bytes
    content_type: str = "application/rss+xml"
    charset: str | None = "utf-8"
    etag: str | None = None  # answered with 304 when the client sends it back
    last_modified: str | None = None  # likewise, through If-Modified-Since
    delay: float = 0.0


class FeedSite:
    """`site.put(path, body, ...)` serves bytes; `site.handle(path, handler)` anything else.
    Counts hits per path, the conditional GETs, and the most requests it had in flight at once."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.resources: dict[str, Resource] = {}
        self.handlers: dict[str, Handler] = {}
        self.hits: dict[str, int] = {}
        self.not_modified: dict[str, int] = {}
        self.inflight = 0
        self.max_inflight = 0
        self.base = ""
        self._runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: bytes, content_type: str = "application/rss+xml", **options: object) -> str:
        self.resources[path] = Resource(body, content_type, **options)  # type: ignore[arg-type]
        return self.url(path)

    def handle(self, path: str, handler: Handler) -> str:
        self.handlers[path] = handler
        return self.url(path)

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs if request.query_string else request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        self.inflight += 1
        self.max_inflight = max(self.max_inflight, self.inflight)
        try:
            if path in self.handlers:
                return await self.handlers[path](request)
            resource = self.resources.get(path)
            if resource is None:
                return web.Response(status=404, text="not found")
            if resource.delay:
                await asyncio.sleep(resource.delay)
            etag_holds = resource.etag and request.headers.get("If-None-Match") == resource.etag
            date_holds = resource.last_modified and request.headers.get("If-Modified-Since") == resource.last_modified
            if etag_holds or date_holds:
                self.not_modified[path] = self.not_modified.get(path, 0) + 1
                return web.Response(status=304)
            headers = {"ETag": resource.etag} if resource.etag else {}
            if resource.last_modified:
                headers["Last-Modified"] = resource.last_modified
            content_type = resource.content_type
            if resource.charset:
                content_type += f"; charset={resource.charset}"
            headers["Content-Type"] = content_type
            return web.Response(body=resource.body, headers=headers)
        finally:
            self.inflight -= 1

    async def start(self) -> FeedSite:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._serve)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://{self.host}:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
