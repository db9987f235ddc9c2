"""The limited fetch: time limits, byte cap, redirects followed by hand and re-checked."""

from __future__ import annotations

import asyncio
import email.utils
import socket
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from .errors import (
    AddressNotAllowedError,
    BadStatusError,
    ConnectError,
    FetchError,
    FetchTimeoutError,
    InvalidUrlError,
    NotTextError,
    RedirectLoopError,
    TooLargeError,
    TooManyRedirectsError,
)
from .guard import BlockedAddressError, GuardedResolver, is_ip_address
from .limits import FetchLimits
from .sniff import binary_type, looks_like_html
from .urls import normalize_url, validate_url

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

# Sessions built by make_session: their connector resolves through GuardedResolver.
_GUARDED: weakref.WeakSet[aiohttp.ClientSession] = weakref.WeakSet()


@dataclass(frozen=True, slots=True)
class RawPage:
    """A fetched body that passed every check, before decoding."""

    url: str  # final URL, after redirects
    status: int
    is_html: bool
    charset: str | None  # from the Content-Type header
    body: bytes
    etag: str | None = None  # validators for a conditional GET next time
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """A 304 answer to a conditional GET: the body is empty, the last copy still holds."""
        return self.status == 304


def make_session(
    limits: FetchLimits | None = None, *, resolver: AbstractResolver | None = None
) -> aiohttp.ClientSession:
    """A ClientSession whose every connection goes through the SSRF-guarded resolver.

    ``resolver`` replaces aiohttp's default resolver inside the guard (tests map names
    to addresses with it). Must be called inside a running event loop.
    """
    limits = limits or FetchLimits.from_env()
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(resolver, allow_private=limits.allow_private),
        limit=50,
        limit_per_host=8,
        ttl_dns_cache=30,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        headers=request_headers(limits),
        trust_env=False,  # a proxy from the environment would connect instead of the checked address
        timeout=aiohttp.ClientTimeout(
            total=None, sock_connect=limits.connect_timeout, sock_read=limits.read_timeout
        ),
    )
    _GUARDED.add(session)
    return session


def request_headers(limits: FetchLimits) -> dict[str, str]:
    """Browser-like request headers."""
    return {
        "User-Agent": limits.user_agent,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        "Accept-Language": limits.accept_language,
    }


async def fetch_raw(
    url: str,
    *,
    limits: FetchLimits,
    session: aiohttp.ClientSession,
    accept: frozenset[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> RawPage:
    """Fetch ``url`` within ``limits``; raise a FetchError subclass on any failure.

    ``accept`` widens the MIME types taken (default: HTML and plain text); ``headers`` are sent
    besides the browser-like ones (a feed's ``If-None-Match``: a 304 answer is then a RawPage
    with ``not_modified`` set and no body).
    """
    try:
        async with asyncio.timeout(limits.total_timeout):
            return await _follow(url, limits, session, accept or HTML_TYPES | TEXT_TYPES, headers)
    except TimeoutError as exc:
        raise FetchTimeoutError(limits.total_timeout) from exc


async def _follow(
    url: str,
    limits: FetchLimits,
    session: aiohttp.ClientSession,
    accept: frozenset[str],
    extra_headers: Mapping[str, str] | None,
) -> RawPage:
    current = validate_url(url, allow_private=limits.allow_private)
    seen = {normalize_url(current)}
    preflight = session not in _GUARDED
    redirects = 0
    timeout = aiohttp.ClientTimeout(
        total=None, sock_connect=limits.connect_timeout, sock_read=limits.read_timeout
    )
    headers = {**request_headers(limits), **(extra_headers or {})}
    while True:
        if preflight:
            await _preflight(current, allow_private=limits.allow_private)
        try:
            async with session.get(
                current, allow_redirects=False, timeout=timeout, headers=headers
            ) as resp:
                if resp.status in REDIRECT_STATUSES:
                    location = resp.headers.get("Location")
                    if not location:
                        raise BadStatusError(resp.status)
                    target = _join(resp.url, location)
                    target = validate_url(target, allow_private=limits.allow_private)
                    key = normalize_url(target)
                    if key in seen:
                        raise RedirectLoopError(limits.max_redirects)
                    redirects += 1
                    if redirects > limits.max_redirects:
                        raise TooManyRedirectsError(limits.max_redirects)
                    seen.add(key)
                    current = target
                    continue
                if resp.status == 304 and extra_headers:  # only a conditional GET may be answered so
                    return RawPage(
                        str(resp.url), 304, False, None, b"", _etag(resp), resp.headers.get("Last-Modified")
                    )
                return await _accept(resp, limits, accept)
        except FetchError:
            raise
        except aiohttp.ConnectionTimeoutError as exc:
            raise FetchTimeoutError(limits.connect_timeout) from exc
        except aiohttp.ServerTimeoutError as exc:
            raise FetchTimeoutError(limits.read_timeout) from exc
        except TimeoutError as exc:  # e.g. a DNS lookup timing out inside the connector
            raise FetchTimeoutError(limits.connect_timeout) from exc
        except aiohttp.ClientConnectorError as exc:
            blocked = _blocked(exc)
            if blocked is not None:
                raise AddressNotAllowedError(blocked.host, blocked.address) from exc
            if isinstance(exc, aiohttp.ClientConnectorDNSError):
                raise ConnectError(str(exc), "сайт с таким адресом не найден") from exc
            if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
                raise ConnectError(str(exc), "у сайта неисправный сертификат HTTPS") from exc
            raise ConnectError(str(exc)) from exc
        except aiohttp.InvalidURL as exc:
            raise InvalidUrlError(str(current)) from exc
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            raise ConnectError(f"{type(exc).__name__}: {exc}") from exc


def _join(base: URL, location: str) -> str:
    try:
        return str(base.join(URL(location.strip())))
    except (ValueError, TypeError) as exc:
        raise InvalidUrlError(location, "сайт перенаправил на неверный адрес") from exc


def _blocked(exc: BaseException) -> BlockedAddressError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, BlockedAddressError):
            return current
        seen.add(id(current))
        os_error = getattr(current, "os_error", None)
        if isinstance(os_error, BlockedAddressError):
            return os_error
        current = current.__cause__ or current.__context__
    return None


async def _preflight(url: URL, *, allow_private: bool) -> None:
    """Weaker check for sessions not made by make_session: resolve before connecting.

    The connection resolves again, so DNS rebinding is not excluded here.
    """
    host = url.raw_host or ""
    if is_ip_address(host):
        return  # validate_url checked it
    resolver = GuardedResolver(allow_private=allow_private)
    try:
        await resolver.resolve(host, url.port or 0, socket.AF_UNSPEC)
    except BlockedAddressError as exc:
        raise AddressNotAllowedError(exc.host, exc.address) from exc
    except OSError as exc:
        raise ConnectError(str(exc)) from exc
    finally:
        await resolver.close()


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _etag(resp: aiohttp.ClientResponse) -> str | None:
    return resp.headers.get("ETag")


async def _accept(resp: aiohttp.ClientResponse, limits: FetchLimits, accept: frozenset[str]) -> RawPage:
    if not 200 <= resp.status < 300:
        raise BadStatusError(resp.status, retry_after(resp.headers.get("Retry-After")))
    declared = resp.headers.get("Content-Type")
    mime = resp.content_type.lower() if declared else None
    if mime is not None and mime not in accept:
        raise NotTextError(mime)
    if resp.content_length is not None and resp.content_length > limits.max_bytes:
        raise TooLargeError(limits.max_bytes, 0)
    body = await read_capped(resp, limits.max_bytes)
    binary = binary_type(body)
    if binary is not None:
        raise NotTextError(binary)
    is_html = mime in HTML_TYPES if mime is not None else looks_like_html(body)
    return RawPage(
        str(resp.url),
        resp.status,
        is_html,
        resp.charset if declared else None,
        body,
        _etag(resp),
        resp.headers.get("Last-Modified"),
    )


async def read_capped(resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """Read the body in chunks, aborting as soon as it passes ``max_bytes``."""
    buf = bytearray()
    async for chunk in resp.content.iter_chunked(_CHUNK):
        buf += chunk
        if len(buf) > max_bytes:
            raise TooLargeError(max_bytes, len(buf))
    return bytes(buf)
