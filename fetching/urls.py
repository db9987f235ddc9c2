"""Finding links in messages, and validating/normalizing them before any request."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from typing import Any

from yarl import URL

from .errors import AddressNotAllowedError, InvalidUrlError
from .guard import address_problem

DEFAULT_MAX_LINKS = 3
ALLOWED_SCHEMES = frozenset({"http", "https"})

# http(s)://... or www.... up to whitespace or a character that can't end a bare link.
_URL_RE = re.compile(r"""(?i)\b(?:https?://|www\.)[^\s<>"'«»“”„\[\]{}|\\^`]+""")
_TRAILING = ".,;:!?…)'\"»”"
_HOST_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$")
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".onion")


def _strip_trailing(url: str) -> str:
    """Drop punctuation glued to the end of a link, keeping balanced parentheses."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _with_scheme(url: str) -> str:
    return url if re.match(r"(?i)^[a-z][a-z0-9+.-]*:", url) else "http://" + url


def find_urls(text: str, *, max_links: int = DEFAULT_MAX_LINKS) -> list[str]:
    """http(s) and www. links in ``text``, in order, de-duplicated, at most ``max_links``."""
    found = (_with_scheme(_strip_trailing(m.group(0))) for m in _URL_RE.finditer(text or ""))
    return _dedup(found, max_links)


def _field(entity: Any, name: str) -> Any:
    if isinstance(entity, Mapping):
        return entity.get(name)
    return getattr(entity, name, None)


def urls_from_entities(
    text: str, entities: Iterable[Any] | None, *, max_links: int = DEFAULT_MAX_LINKS
) -> list[str]:
    """Links from Telegram entities (``url`` and ``text_link``), dicts or aiogram objects.

    Telegram counts offsets and lengths in UTF-16 code units, so the text is sliced
    in UTF-16 (an emoji before a link takes two units).
    """
    encoded = (text or "").encode("utf-16-le")
    found: list[str] = []
    for entity in entities or ():
        kind = _field(entity, "type")
        kind = getattr(kind, "value", kind)
        if kind == "text_link":
            url = _field(entity, "url")
        elif kind == "url":
            offset, length = _field(entity, "offset"), _field(entity, "length")
            if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length <= 0:
                continue
            url = encoded[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")
        else:
            continue
        if isinstance(url, str) and url.strip():
            found.append(_with_scheme(url.strip()))
    return _dedup(found, max_links)


def collect_urls(
    text: str, entities: Iterable[Any] | None = None, *, max_links: int = DEFAULT_MAX_LINKS
) -> list[str]:
    """Entity links first, then links found in the text; de-duplicated and capped."""
    links = urls_from_entities(text, entities, max_links=max_links) + find_urls(text, max_links=max_links)
    return _dedup(links, max_links)


def _dedup(urls: Iterable[str], max_links: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for url in urls:
        try:
            key = normalize_url(url)
        except InvalidUrlError:
            key = url
        if key in seen:
            continue
        seen.add(key)
        out.append(url)
        if len(out) >= max_links:
            break
    return out


def parse_url(url: str) -> URL:
    """Parse and check the shape of a fetchable URL; raise InvalidUrlError if it isn't one."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidUrlError(str(url or ""), "пустой адрес")
    raw = url.strip()
    if len(raw) > 2048:
        raise InvalidUrlError(raw, "адрес слишком длинный")
    if any(ch.isspace() or ord(ch) < 32 for ch in raw):
        raise InvalidUrlError(raw, "в адресе есть пробелы или управляющие символы")
    try:
        parsed = URL(raw)
    except (ValueError, TypeError) as exc:
        raise InvalidUrlError(raw) from exc
    scheme = (parsed.scheme or "").lower()
    if not scheme:
        raise InvalidUrlError(raw, "нет схемы http:// или https://")
    if scheme not in ALLOWED_SCHEMES:
        raise InvalidUrlError(raw, f"бот открывает только адреса http и https, а не {scheme}")
    if parsed.user is not None or parsed.password is not None:
        raise InvalidUrlError(raw, "в адресе есть имя пользователя или пароль")
    host = parsed.raw_host
    if not host:
        raise InvalidUrlError(raw, "в адресе нет имени сайта")
    try:
        port = parsed.port
    except ValueError as exc:
        raise InvalidUrlError(raw, "неверный номер порта") from exc
    if port is not None and not 0 < port < 65536:
        raise InvalidUrlError(raw, "неверный номер порта")
    if not _is_ip(host) and not _HOST_RE.match(host.lower()):
        raise InvalidUrlError(raw, "неверное имя сайта")
    return parsed


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def validate_url(url: str | URL, *, allow_private: bool = False) -> URL:
    """Parse ``url`` and refuse it before any request if its host is a refused address.

    Host names are checked again at connection time by ``guard.GuardedResolver``;
    here literal IPs, numeric tricks (``2130706433``, ``127.1``, ``0x7f.1``) and
    local-only names are refused.
    """
    parsed = parse_url(str(url))
    host = (parsed.raw_host or "").lower().rstrip(".")
    if _is_ip(host):
        if address_problem(host, allow_private=allow_private):
            raise AddressNotAllowedError(host, host)
        return parsed
    last_label = host.rsplit(".", 1)[-1]
    if _NUMERIC_LABEL.match(last_label):
        # Shorthand/decimal/hex IPv4 forms that resolvers may map onto an address.
        raise AddressNotAllowedError(host)
    if not allow_private and (host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES) or "." not in host):
        raise AddressNotAllowedError(host)
    return parsed


def normalize_url(url: str | URL) -> str:
    """Canonical form used as a de-duplication key: lower-case scheme and host, IDNA host,
    no default port, no fragment."""
    parsed = parse_url(str(url)).with_fragment(None)
    if parsed.raw_path in ("", "/"):
        parsed = parsed.with_path("/", keep_query=True)  # "https://a.ru" and "https://a.ru/" are one page
    return str(parsed)
