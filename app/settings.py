"""Bot settings read from the environment (and `.env` via python-dotenv)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from dotenv import load_dotenv

if TYPE_CHECKING:
    from feeds.poller import PollerSettings
    from fetching.limits import FetchLimits
    from intake.queue import QueueLimits
    from shared_state.client import RedisLimits

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def _str(name: str) -> str | None:
    raw = os.environ.get(name, "").strip()
    return raw or None


def _https(raw: str | None) -> str | None:
    """An https address (Telegram opens Mini Apps over https only), else None."""
    return raw if raw and raw.lower().startswith("https://") else None


def _ids(raw: str | None) -> frozenset[int]:
    if not raw:
        return frozenset()
    parts = raw.replace(";", ",").replace(" ", ",").split(",")
    return frozenset(int(p) for p in parts if p.strip().lstrip("-").isdigit())


@dataclass(slots=True)
class Settings:
    """Everything the bot reads from its environment; construct directly in tests."""

    bot_token: str | None = field(default=None, repr=False)  # never in logs
    database_url: str | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    bot_api_url: str | None = None
    log_level: str = "INFO"
    # webhook mode
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    webhook_path: str = "/webhook"
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_url: str | None = None  # public base URL given to setWebhook; None = set it elsewhere
    # several instances: shared state in Redis (None = this process only)
    redis_url: str | None = field(default=None, repr=False)  # may hold a password
    redis_prefix: str = "agreements:"  # keys and channels; lets deployments share one Redis
    # limits that end a wait on a base or Redis that does not answer (docs/reliability.md)
    database_timeout: float | None = 2.5  # seconds a PostgreSQL call may take (0 in the env: none)
    redis_timeout: float = 1.0  # seconds a Redis command (and connecting) may take
    redis_max_connections: int = 256  # the Redis client's pool
    redis_pool_timeout: float = 2.0  # seconds to wait for a free pooled connection before failing
    # per-user throttling (token bucket)
    throttle_burst: int = 5
    throttle_rate: float = 1.0  # tokens per second
    # articles and links
    max_links: int = 3
    max_document_bytes: int = 1024 * 1024
    max_extract_chars: int = 30_000  # longer texts are stored whole, extraction reads this many
    min_article_chars: int = 80
    allow_private_urls: bool = False  # for tests on 127.0.0.1 only
    # the article queue: a share per user, taken in turn (intake.queue)
    queue_per_user: int = 100  # articles queued or being read per user; more are refused, with a notice
    queue_user_chars: int = 2_000_000  # characters (document bytes) queued per user
    queue_total: int = 10_000  # articles queued from all users
    article_consumers: int = 8  # articles read at once (fetching, extraction, storing), all users
    burst_window: float = 0.5  # seconds after a chat's last article before its burst is answered
    burst_progress_interval: float = 3.0  # seconds between edits of a burst's progress message
    drain_timeout: float = 60.0  # seconds to finish queued articles when stopping
    # alerts to followers (alerts.sender)
    alerts_rate: float = 25.0  # messages a second in all (0 = no limit)
    alerts_chat_interval: float = 1.0  # seconds between two messages to one chat (0 = no limit)
    alerts_batch: int = 100  # messages in hand at once
    alerts_poll_interval: float = 1.0  # seconds between looks at the outbox when nothing woke the sender
    alerts_redis_url: str | None = None  # share the pace between instances (redis://host:6379/0)
    alerts_hold: bool = False  # tests only: store alerts but never send them
    # extraction process pool
    extract_workers: int = 1
    # an article still waiting for the models of a fresh start this long gets a one-time notice
    models_notice_after: float = 5.0
    # console mode logs here, not between the bot's answers in the terminal
    console_log_file: Path = ROOT / "data" / "console.log"
    progress_interval: float = 1.0  # seconds between edits of the /reload progress message
    seeds_dir: Path = ROOT / "seeds"
    # the first start of an empty base: queries wait this long for the seeds, with a progress line
    # after `seeds_progress_after` seconds (app.startup.SeedsMiddleware)
    seeds_wait: float = 30.0
    seeds_progress_after: float = 2.0
    # news feeds (feeds.poller)
    feed_poll_seconds: float = 900.0  # every feed is read this often (with jitter)
    feed_max_items: int = 100  # new items read from one feed per poll
    feed_max_bytes: int = 5 * 1024 * 1024  # a feed's body
    feed_poll_budget: float = 120.0  # seconds one poll of a feed may spend reading items
    feed_parse_seconds: float = 10.0  # longest parse of a feed (in a worker process)
    feed_item_attempts: int = 5  # reads of an item whose page fails in passing
    feeds_file: Path | None = None  # one URL a line: added at start
    # extraction's confidence (docs/confidence.md): cards of less sure agreements say «возможно,
    # неточно»; a feed's less sure agreements wait for an admin's /review (above 1: all of them)
    show_confidence: float = 0.5
    feed_min_confidence: float = 0.6
    # the web page (Mini App) and its JSON API (web/): served by this process
    web_host: str = "127.0.0.1"
    web_port: int = 8080  # polling and console mode; webhook mode serves it on the webhook's port
    web_public_url: str | None = None  # the https address Telegram opens; None: no «Открыть карту»
    web_enabled: bool = True  # WEB_PORT=0 turns the page off in polling and console mode

    @classmethod
    def from_env(cls, env_file: str | os.PathLike[str] | None = None) -> Settings:
        """Read settings from the process environment, after loading `.env` (it never overrides)."""
        load_dotenv(env_file or ROOT / ".env", override=False)
        return cls(
            bot_token=_str("BOT_TOKEN"),
            database_url=_str("DATABASE_URL"),
            admin_ids=_ids(_str("ADMIN_IDS")),
            bot_api_url=_str("BOT_API_URL"),
            log_level=(_str("LOG_LEVEL") or "INFO").upper(),
            webhook_host=_str("WEBHOOK_HOST") or "0.0.0.0",
            webhook_port=_int("WEBHOOK_PORT", 8080),
            webhook_path=_str("WEBHOOK_PATH") or "/webhook",
            webhook_secret=_str("WEBHOOK_SECRET"),
            webhook_url=_str("WEBHOOK_URL"),
            redis_url=_str("REDIS_URL"),
            redis_prefix=_str("REDIS_PREFIX") or "agreements:",
            database_timeout=_float("DATABASE_TIMEOUT", 2.5) or None,
            redis_timeout=max(0.05, _float("REDIS_TIMEOUT", 1.0)),
            redis_max_connections=max(2, _int("REDIS_MAX_CONNECTIONS", 256)),
            redis_pool_timeout=max(0.0, _float("REDIS_POOL_TIMEOUT", 2.0)),
            throttle_burst=_int("THROTTLE_BURST", 5),
            throttle_rate=_float("THROTTLE_RATE", 1.0),
            max_links=_int("FETCH_MAX_LINKS", 3),
            max_document_bytes=_int("FETCH_MAX_DOCUMENT_BYTES", 1024 * 1024),
            max_extract_chars=_int("MAX_EXTRACT_CHARS", 30_000),
            min_article_chars=_int("MIN_ARTICLE_CHARS", 80),
            allow_private_urls=os.environ.get("ALLOW_PRIVATE_URLS", "").strip().lower()
            in {"1", "true", "yes", "on"},
            queue_per_user=max(1, _int("ARTICLE_QUEUE_PER_USER", 100)),
            queue_user_chars=max(1, _int("ARTICLE_QUEUE_USER_CHARS", 2_000_000)),
            queue_total=max(1, _int("ARTICLE_QUEUE_TOTAL", 10_000)),
            article_consumers=max(1, _int("ARTICLE_CONSUMERS", 8)),
            burst_window=max(0.0, _float("BURST_WINDOW", 0.5)),
            burst_progress_interval=max(0.5, _float("BURST_PROGRESS_INTERVAL", 3.0)),
            drain_timeout=max(0.0, _float("ARTICLE_DRAIN_TIMEOUT", 60.0)),
            alerts_rate=max(0.0, _float("ALERTS_RATE", 25.0)),
            alerts_chat_interval=max(0.0, _float("ALERTS_CHAT_INTERVAL", 1.0)),
            alerts_batch=max(1, _int("ALERTS_BATCH", 100)),
            alerts_poll_interval=max(0.05, _float("ALERTS_POLL_INTERVAL", 1.0)),
            alerts_redis_url=_str("ALERTS_REDIS_URL"),
            alerts_hold=os.environ.get("ALERTS_HOLD", "").strip().lower() in {"1", "true", "yes", "on"},
            extract_workers=max(1, _int("EXTRACT_WORKERS", 1)),
            models_notice_after=max(0.0, _float("MODELS_NOTICE_AFTER", 5.0)),
            console_log_file=Path(_str("CONSOLE_LOG_FILE") or ROOT / "data" / "console.log"),
            progress_interval=_float("PROGRESS_INTERVAL", 1.0),
            seeds_dir=Path(_str("SEEDS_DIR") or ROOT / "seeds"),
            seeds_wait=max(0.0, _float("SEEDS_WAIT", 30.0)),
            seeds_progress_after=max(0.0, _float("SEEDS_PROGRESS_AFTER", 2.0)),
            feed_poll_seconds=max(1.0, _float("FEED_POLL_SECONDS", 900.0)),
            feed_max_items=max(1, _int("FEED_MAX_ITEMS", 100)),
            feed_max_bytes=max(1024, _int("FEED_MAX_BYTES", 5 * 1024 * 1024)),
            feed_poll_budget=max(1.0, _float("FEED_POLL_BUDGET_SECONDS", 120.0)),
            feed_parse_seconds=max(0.5, _float("FEED_PARSE_SECONDS", 10.0)),
            feed_item_attempts=max(1, _int("FEED_ITEM_ATTEMPTS", 5)),
            feeds_file=Path(feeds_file) if (feeds_file := _str("FEEDS_FILE")) else None,
            web_host=_str("WEB_HOST") or "127.0.0.1",
            web_port=_int("WEB_PORT", 8080),
            web_public_url=_https(_str("WEB_PUBLIC_URL")),
            web_enabled=_int("WEB_PORT", 8080) != 0,
            show_confidence=_float("SHOW_CONFIDENCE", 0.5),
            feed_min_confidence=_float("FEED_MIN_CONFIDENCE", 0.6),
        )

    def redis_limits(self) -> RedisLimits:
        """The Redis client's timeouts and pool (REDIS_* variables)."""
        from shared_state.client import RedisLimits

        return RedisLimits(
            timeout=self.redis_timeout,
            connect_timeout=self.redis_timeout,
            max_connections=self.redis_max_connections,
            pool_timeout=self.redis_pool_timeout,
        )

    def queue_limits(self) -> QueueLimits:
        """The article queue's caps; one user has twice as many articles read at once as there are
        workers (one extracting while the other is fetched or stored), extraction itself is let in
        user by user (`FairGate`)."""
        from intake.queue import QueueLimits

        return QueueLimits(
            per_user=self.queue_per_user,
            user_chars=self.queue_user_chars,
            total=self.queue_total,
            running_per_user=2 * self.extract_workers,
        )

    def poller_settings(self) -> PollerSettings:
        """The feed poller's pace and caps (FEED_* variables)."""
        from feeds.poller import PollerSettings

        return PollerSettings(
            interval=self.feed_poll_seconds,
            max_items=self.feed_max_items,
            max_bytes=self.feed_max_bytes,
            budget=self.feed_poll_budget,
            parse_seconds=self.feed_parse_seconds,
            item_attempts=self.feed_item_attempts,
            min_chars=self.min_article_chars,
            lock_refresh=min(30.0, self.feed_poll_seconds),
        )

    def fetch_limits(self) -> FetchLimits:
        """fetching's limits (timeouts, byte caps, redirects: FETCH_* variables) with this bot's overrides."""
        from fetching.limits import FetchLimits

        return replace(
            FetchLimits.from_env(),
            max_links=self.max_links,
            max_document_bytes=self.max_document_bytes,
            allow_private=self.allow_private_urls,
        )
