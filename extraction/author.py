"""First-person posts ("Подписал сегодня соглашение с ..."): the signer is the post's author, named in
the channel title or the forwarding header above the text."""

from __future__ import annotations

import re

from .people import Person, find_people

FIRST_PERSON = re.compile(
    r"^\W*(?:(?:сегодня|вчера|только\s+что|наконец|также|ещё|еще|утром|днём|днем|вечером|накануне)[\s,]+)*"
    r"(?:подписал[аи]?|заключил[аи]?)\b|\b(?:я|мы)\s+(?:\w+\s+)?(?:подписал[аи]?|заключил[аи]?)\b",
    re.I,
)


def first_person(sentence: str) -> bool:
    """The writer reports their own signing: no subject before the verb, or "я"/"мы"."""
    return bool(FIRST_PERSON.search(sentence))


def find_author(sents: list, texts: list[str], before: int) -> Person | None:
    """The first full name in the lines above the first signing sentence (channel title, "Переслано из"),
    else in a short signature line at the end ("Глава Мордовии Артём Здунов")."""
    tail = [i for i in range(max(before + 1, len(texts) - 3), len(texts)) if len(texts[i].split()) <= 8]
    for i in [*range(min(before, 3)), *reversed(tail)]:
        for person in find_people(sents[i], texts[i], []):
            if len(person.name_tokens) >= 2:
                return person
    return None
