"""Fetch errors, each with a ready Russian message for the user."""

from __future__ import annotations


class FetchError(Exception):
    """Base of every fetching failure; ``message_ru`` is shown to the user as is."""

    code: str = "fetch_error"

    def __init__(self, code: str | None = None, message_ru: str | None = None) -> None:
        self.code = code or type(self).code
        self.message_ru = message_ru or "Не удалось прочитать ссылку."
        super().__init__(self.message_ru)

    def __str__(self) -> str:
        return self.message_ru


class InvalidUrlError(FetchError):
    """Malformed URL, unsupported scheme, credentials in the URL."""

    code = "bad_url"

    def __init__(self, url: str, reason_ru: str = "это не похоже на адрес веб-страницы") -> None:
        self.url = url
        shown = url if len(url) <= 80 else url[:77] + "..."
        super().__init__(message_ru=f"Не удалось открыть ссылку {shown!r}: {reason_ru}.")


class AddressNotAllowedError(FetchError):
    """The host is (or resolves to) an address the bot must not connect to."""

    code = "blocked_address"

    def __init__(self, host: str, address: str | None = None) -> None:
        self.host = host
        self.address = address
        super().__init__(
            message_ru="Не удалось открыть ссылку: она ведёт на внутренний или служебный адрес, "
            "такие адреса бот не открывает."
        )


class ConnectError(FetchError):
    """DNS failure, refused connection, TLS failure, broken response."""

    code = "connect_failed"

    def __init__(self, detail: str = "", reason_ru: str = "сайт недоступен (не удалось соединиться)") -> None:
        self.detail = detail
        super().__init__(message_ru=f"Не удалось открыть ссылку: {reason_ru}.")


class FetchTimeoutError(FetchError):
    """The site did not answer (or did not finish answering) in time."""

    code = "timeout"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(message_ru=f"Не удалось открыть ссылку: сайт не ответил за {_seconds_ru(seconds)}.")


class TooLargeError(FetchError):
    """The response (or document) is larger than the configured cap."""

    code = "too_large"

    def __init__(self, limit: int, received: int | None = None, *, document: bool = False) -> None:
        self.limit = limit
        self.received = received  # bytes read before giving up (0: refused by Content-Length)
        size = _size_ru(limit)
        if document:
            text = f"Файл слишком большой: бот читает файлы размером до {size}."
        else:
            text = f"Страница слишком большая: больше {size}. Такие страницы бот не читает."
        super().__init__(message_ru=text)


class TooManyRedirectsError(FetchError):
    """More redirects than allowed."""

    code = "too_many_redirects"

    def __init__(self, limit: int, message_ru: str | None = None) -> None:
        self.limit = limit
        super().__init__(
            message_ru=message_ru
            or f"Не удалось открыть ссылку: слишком много перенаправлений (больше {limit})."
        )


class RedirectLoopError(TooManyRedirectsError):
    """A redirect points back at an address already visited."""

    code = "redirect_loop"

    def __init__(self, limit: int) -> None:
        super().__init__(limit, "Не удалось открыть ссылку: сайт перенаправляет по кругу.")


class BadStatusError(FetchError):
    """The site answered with an error status (404, 500, ...)."""

    code = "bad_status"

    def __init__(self, status: int, retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after  # seconds the site asked to wait (Retry-After), if it did
        if status == 404:
            why = "страница не найдена (ошибка 404)"
        elif status in (401, 403):
            why = f"сайт не пускает к странице (ошибка {status})"
        elif status == 429:
            why = "сайт просит обращаться реже (ошибка 429), попробуйте позже"
        elif status >= 500:
            why = f"ошибка на стороне сайта (код {status})"
        else:
            why = f"сайт ответил ошибкой (код {status})"
        super().__init__(message_ru=f"Не удалось открыть ссылку: {why}.")


def is_passing(exc: FetchError) -> bool:
    """A failure that may well not happen again (a timeout, a connection error, 408, 425, 429, 5xx):
    worth another try later. Anything else (404, not a page, a blocked address) is for good."""
    if isinstance(exc, FetchTimeoutError | ConnectError):
        return True
    return isinstance(exc, BadStatusError) and (exc.status in (408, 425, 429) or exc.status >= 500)


class NotTextError(FetchError):
    """The link points at something other than an HTML page or plain text."""

    code = "not_html"

    def __init__(self, content_type: str | None) -> None:
        self.content_type = content_type
        kind = _kind_ru(content_type)
        super().__init__(
            message_ru=f"По ссылке {kind}, а не веб-страница. Бот читает только HTML-страницы и простой текст."
        )


class NoArticleError(FetchError):
    """The page holds no article text the extractor could find."""

    code = "no_article"

    def __init__(self, message_ru: str | None = None) -> None:
        super().__init__(
            message_ru=message_ru
            or "На странице не нашлось текста статьи. Пришлите, пожалуйста, сам текст новости."
        )


class UnsupportedDocumentError(FetchError):
    """A sent document is not a readable .txt/.html file."""

    code = "bad_document"

    def __init__(self, filename: str, reason_ru: str | None = None) -> None:
        self.filename = filename
        super().__init__(
            message_ru=reason_ru
            or "Этот файл бот прочитать не может: нужны текстовые файлы .txt, .html или .htm."
        )


def _seconds_ru(seconds: float) -> str:
    n = round(seconds, 1)
    if n != int(n):
        return f"{n:g} секунды".replace(".", ",")
    n = int(n)
    if n % 10 == 1 and n % 100 != 11:
        word = "секунду"
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        word = "секунды"
    else:
        word = "секунд"
    return f"{n} {word}"


def _size_ru(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} МБ".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:g} КБ".replace(".", ",")
    return f"{size} байт"


def _kind_ru(content_type: str | None) -> str:
    ct = (content_type or "").lower()
    if ct == "application/pdf":
        return "PDF-файл"
    if ct.startswith("image/"):
        return "картинка"
    if ct.startswith("video/"):
        return "видео"
    if ct.startswith("audio/"):
        return "аудио"
    if not ct:
        return "файл неизвестного типа"
    return f"файл типа {ct}"
