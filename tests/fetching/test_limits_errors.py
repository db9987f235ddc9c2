"""FetchLimits from the environment, and the Russian messages of errors."""

from __future__ import annotations

import pytest

from fetching import (
    BadStatusError,
    FetchError,
    FetchLimits,
    FetchTimeoutError,
    NotTextError,
    TooLargeError,
)
from fetching.limits import ENV_NAMES


def test_defaults() -> None:
    limits = FetchLimits.from_env({})
    assert limits == FetchLimits()
    assert (limits.max_bytes, limits.max_redirects, limits.max_links) == (2 * 1024 * 1024, 5, 3)
    assert limits.allow_private is False
    assert "ru" in limits.accept_language


def test_env_overrides() -> None:
    env = {
        "FETCH_CONNECT_TIMEOUT": "2.5",
        "FETCH_READ_TIMEOUT": "7",
        "FETCH_TOTAL_TIMEOUT": "30",
        "FETCH_MAX_BYTES": "1048576",
        "FETCH_MAX_REDIRECTS": "3",
        "FETCH_MAX_LINKS": "5",
        "FETCH_MAX_DOCUMENT_BYTES": "2000000",
        "FETCH_CACHE_TTL": "0",
        "FETCH_USER_AGENT": "TestAgent/1.0",
        "ALLOW_PRIVATE_URLS": "1",
    }
    limits = FetchLimits.from_env(env)
    assert limits.connect_timeout == 2.5 and limits.read_timeout == 7.0 and limits.total_timeout == 30.0
    assert limits.max_bytes == 1048576 and isinstance(limits.max_bytes, int)
    assert (limits.max_redirects, limits.max_links, limits.max_document_bytes) == (3, 5, 2000000)
    assert limits.cache_ttl == 0 and limits.user_agent == "TestAgent/1.0" and limits.allow_private


def test_every_env_name_maps_to_a_field() -> None:
    names = set(FetchLimits.__dataclass_fields__)
    assert set(ENV_NAMES) <= names


@pytest.mark.parametrize(
    "env",
    [
        {"ALLOW_PRIVATE_URLS": "maybe"},
        {"FETCH_MAX_BYTES": "-1"},
        {"FETCH_MAX_BYTES": "1.5"},
        {"FETCH_READ_TIMEOUT": "x"},
    ],
)
def test_bad_env_values_fail_loudly(env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=next(iter(env))):
        FetchLimits.from_env(env)


def test_allow_private_off_values() -> None:
    assert FetchLimits.from_env({"ALLOW_PRIVATE_URLS": "0"}).allow_private is False
    assert FetchLimits.from_env({"ALLOW_PRIVATE_URLS": ""}).allow_private is False


def test_messages_are_russian_and_specific() -> None:
    assert FetchTimeoutError(10).message_ru == "Не удалось открыть ссылку: сайт не ответил за 10 секунд."
    assert "за 1 секунду" in FetchTimeoutError(1).message_ru
    assert "за 2 секунды" in FetchTimeoutError(2).message_ru
    assert "404" in BadStatusError(404).message_ru and "не найдена" in BadStatusError(404).message_ru
    assert "502" in BadStatusError(502).message_ru
    assert "2 МБ" in TooLargeError(2 * 1024 * 1024).message_ru
    assert "PDF" in NotTextError("application/pdf").message_ru
    err = FetchError("custom", "Сообщение")
    assert (err.code, err.message_ru, str(err)) == ("custom", "Сообщение", "Сообщение")
    assert FetchTimeoutError(3).code == "timeout"
