"""First-person posts ("Подписал сегодня соглашение с ..."): the signer is the post's author, named in
the channel title or the forwarding header above the text."""

from __future__ import annotations

import re

from extraction.finders.people import Person, find_people
from extraction.reading.nlp import parses

FIRST_PERSON = re.compile(
    r"^\W*(?:(?:сегодня|вчера|только\s+что|наконец|также|ещё|еще|утром|днём|днем|вечером|накануне)[\s,]+)*"
    r"(?:подписал[аи]?|заключил[аи]?)\b|\b(?:я|мы)\s+(?:\w+\s+)?(?:подписал[аи]?|заключил[аи]?)\b"
    # "мы с министром Иваном Ивановым подписали": the speaker and the one named with "с"
    r"|\bмы\s+с\s+[^.!?«»\"]{3,90}?\s(?:подписали|заключили)\b",
    re.I,
)
# what follows a quote when its speaker is named: "», — сообщил губернатор Иван Иванов"
SPEECH_AFTER_QUOTE = re.compile(
    r"^[\s»\"”,]*[-–—]?\s*(?:[^.!?\"«»]{0,60}?\s)?(?:сообщил|заявил|отметил|рассказал|подчеркнул|написал|"
    r"пояснил|сказал|уточнил|добавил|поделил|цитирует|передает|передаёт)\w*",
    re.I,
)


# the words before a bare verb: "Сегодня на Восточном экономическом форуме подписал ..."
# singular only: "В Кремле подписали соглашение" is the impersonal news "they", not the writer
LEAD_TO_VERB = re.compile(r"^\W*(?P<lead>[^.!?«»\"]{0,100}?)\s*\b(?:подписала?|заключила?)\b", re.I)
FUNCTION_TAGS = {"ADVB", "PREP", "CONJ", "PRCL", "NUMR", "PRED"}


def first_person(sentence: str) -> bool:
    """The writer reports their own signing: no subject before the verb, or "я"/"мы"."""
    if FIRST_PERSON.search(sentence):
        return True
    m = LEAD_TO_VERB.match(sentence)
    return bool(m) and _no_subject(m["lead"])


def _no_subject(lead: str) -> bool:
    """Adverbs and prepositional phrases only: every word that could be a nominative subject follows a
    preposition as part of its object ("на Восточном экономическом форуме", "в ходе визита")."""
    in_phrase = False
    for w in re.findall(r"[А-Яа-яЁёA-Za-z0-9.-]+", lead):
        ps = parses(w.lower()) if re.match(r"^[А-Яа-яЁё-]+$", w) else ()
        first = ps[0].tag.grammemes if ps else set()
        if "PREP" in first:
            in_phrase = True
            continue
        if FUNCTION_TAGS & first and not in_phrase:
            continue
        if in_phrase:
            if not ps or "NOUN" in first or w.isupper():
                in_phrase = False  # the head noun (or an abbreviation: "на ВЭФ") closes the phrase
            continue
        if not ps or any("nomn" in p.tag.grammemes for p in ps):
            return False  # a name, an abbreviation or a noun that may be the subject: "МТС", "губернатор"
    return True


def quoted_speaker(sents: list, texts: list[str], quotes: list[tuple[int, int]], index: int) -> Person | None:
    """The speaker named right after the quote that holds sentence `index` ("«Мы подписали ...», —
    сообщил губернатор Иван Иванов"), or None when the quote has no such attribution."""
    at = sents[index].start
    quote = next(((a, b) for a, b in quotes if a <= at < b), None)
    if quote is None:
        return None
    j = next((k for k in range(index, len(sents)) if sents[k].stop >= quote[1]), None)
    if j is None or j - index > 5:
        return None
    after = max(0, quote[1] - sents[j].start)
    if not SPEECH_AFTER_QUOTE.match(texts[j][after:]):
        return None
    people = [p for p in find_people(sents[j], texts[j], [], speakers=True) if p.start >= after and len(p.name_tokens) >= 2]
    return people[0] if people else None


def find_author(sents: list, texts: list[str], before: int) -> Person | None:
    """The first full name in the lines above the first signing sentence (channel title, "Переслано из"),
    else in a short signature line at the end ("Глава Мордовии Артём Здунов")."""
    tail = [i for i in range(max(before + 1, len(texts) - 3), len(texts)) if len(texts[i].split()) <= 8]
    for i in [*range(min(before, 3)), *reversed(tail)]:
        for person in find_people(sents[i], texts[i], []):
            if len(person.name_tokens) >= 2:
                return person
    return None
