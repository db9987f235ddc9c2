"""What a user's text is: a news article to read, a plain question to the base, or neither.

A short message that is not news ("Калуга", "какие соглашения подписала Калужская область?") is a
question; only text that reads like news is an article. Nonsense ("фывапролд …") is neither.
"""

from __future__ import annotations

import re

from db.morph import is_known
from db.write.files import title_of

WORD = re.compile(r"[A-Za-zА-Яа-яЁё]+(?:-[A-Za-zА-Яа-яЁё]+)*")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_SENTENCE_END = re.compile(r"[.!?…]+(?:\s+|$)")
# what the news of a signing says: its verbs and the documents' names
_SIGNING = re.compile(r"подпис|заключ|соглашени|меморандум|договор|договорил", re.IGNORECASE)
QUESTION_MAX_CHARS = 300
QUESTION_MAX_WORDS = 25
NEWS_MIN_WORDS = 25
MIN_KNOWN_SHARE = 0.5


def known_share(text: str) -> float:
    """The share of the Russian words of `text` (three letters or more) the dictionary knows."""
    words = [w.lower().replace("ё", "е") for w in WORD.findall(text) if _CYRILLIC.search(w) and len(w) >= 3]
    if not words:
        return 0.0
    sample = words[:400]
    return sum(1 for w in sample if all(is_known(part) for part in w.split("-"))) / len(sample)


def looks_like_news(text: str) -> bool:
    """Whether `text` reads as a news item: real Russian words, and either the words of a signing
    in a sentence of some length, or several sentences of prose. Questions are no news."""
    words = WORD.findall(text)
    if len(words) < 6:
        return False
    if text.rstrip().endswith("?") and len(words) < NEWS_MIN_WORDS:
        return False
    if known_share(text) < MIN_KNOWN_SHARE:
        return False
    if _SIGNING.search(text) and len(words) >= 8:
        return True
    sentences = [s for s in _SENTENCE_END.split(text) if len(WORD.findall(s)) >= 4]
    return len(sentences) >= 2 and len(words) >= NEWS_MIN_WORDS


def is_question(text: str) -> bool:
    """A short message in Russian (or a name such as "МТС") that is not news: a question to the base."""
    stripped = text.strip()
    if not stripped or stripped.startswith("/") or len(stripped) > QUESTION_MAX_CHARS:
        return False
    if len(WORD.findall(stripped)) > QUESTION_MAX_WORDS:
        return False
    letters = [c for c in stripped if c.isalpha()]
    visible = [c for c in stripped if not c.isspace()]
    if len(letters) < 2 or len(letters) < 0.5 * len(visible):
        return False  # symbols and numbers: the article path explains
    cyrillic = sum(1 for c in letters if _CYRILLIC.match(c))
    if len(letters) >= 20 and cyrillic < 0.5 * len(letters):
        return False  # a foreign text: the article path says it reads Russian only
    return not looks_like_news(stripped)


HEADLINE_MAX = 120


def _cut(text: str) -> str:
    return text if len(text) <= HEADLINE_MAX else text[: HEADLINE_MAX - 1].rstrip() + "…"


def headline_of(text: str) -> str | None:
    """A pasted article's headline: its first line when more lines follow and it is short (a pasted
    page with a menu first: the first line that reads like a headline, `db.write.files.title_of`),
    else its first sentence; at most HEADLINE_MAX characters."""
    stripped = text.strip()
    first, _, rest = stripped.partition("\n")
    first = " ".join(first.split())
    if rest.strip():
        return _cut(first) if len(WORD.findall(first)) >= 2 and len(first) <= 200 else title_of(stripped, HEADLINE_MAX)
    sentence = " ".join(_SENTENCE_END.split(stripped, maxsplit=1)[0].split())
    return _cut(sentence) if sentence else None


_RELATIVE_DATE = re.compile(
    r"\b(?:позавчера|вчера|сегодня|накануне|на (?:этой|прошлой) неделе|в (?:понедельник|вторник|среду|"
    r"четверг|пятницу|субботу|воскресенье))\b",
    re.IGNORECASE,
)


def has_relative_date(text: str) -> bool:
    """Whether `text` dates something relative to its own day ("вчера", "в среду")."""
    return _RELATIVE_DATE.search(text) is not None


def not_news_reason(text: str) -> str:
    """Why `text` is not read as an article, in Russian."""
    if known_share(text) < MIN_KNOWN_SHARE:
        return "Это не похоже на новость: большинства слов в тексте нет в словаре русского языка."
    return "Это не похоже на новость: в тексте нет ни подписания, ни нескольких предложений связного рассказа."
