"""The readings of a plain question: which regions and partners a short text names, and the words
left over for a full-text search ("что подписали на ПМЭФ?" -> search "ПМЭФ")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from db import places
from db.engine import read_connection
from db.morph import lemma
from db.normalize import org_key
from db.read.names import NameIndex, match, partner_index, region_index, region_query_key
from extraction.reading.text import cyrillic_lookalikes

_TOKEN = re.compile(r"[\w][\w-]*")
MAX_GRAM = 4
FUZZY_WORDS = 3  # a text this short may be a misspelt name as a whole ("Цифравая экономика")
# words of a question that name nothing (normal forms)
STOP_LEMMAS = frozenset(
    """
    какой какие что кто где когда как сколько чей зачем почему ли же бы не ни или и а но да нет
    с со в во на о об обо по к ко у от до из за для при про над под между через без
    соглашение меморандум договор подписать подписывать заключить заключать подписание документ
    сотрудничество партнёр партнер регион область страна компания все всё весь есть быть был
    мочь показать найти дать список последний новый который этот тот год
    """.split()  # noqa: SIM905
)
# generic words that may end or begin a name ("Калужская область"), never a name alone
GENERIC_LEMMAS = frozenset({"область", "регион", "страна", "компания", "партнёр", "партнер", "документ"})


@dataclass(slots=True)
class Readings:
    """What a question may ask about: regions and partners (official names, in the order they
    appear), and the remaining words for a full-text search."""

    regions: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def _exact(index: NameIndex, gram: str, key_fn: Callable[[str], str]) -> list[str]:
    """The names `gram` spells exactly (folded, or in its words' normal forms)."""
    key = key_fn(gram)
    if not key:
        return []
    forms = dict.fromkeys([key, " ".join(lemma(w) for w in key.split()), cyrillic_lookalikes(key)])
    for form in forms:
        if form in index.exact:
            return index.names(index.exact[form])
    return []


def _is_stop(token: str) -> bool:
    folded = token.lower().replace("ё", "е")
    return folded in STOP_LEMMAS or lemma(folded) in STOP_LEMMAS


def _is_edge_stop(token: str) -> bool:
    folded = token.lower().replace("ё", "е")
    return _is_stop(token) and folded not in GENERIC_LEMMAS and lemma(folded) not in GENERIC_LEMMAS


async def readings(session: AsyncSession, text: str) -> Readings:
    """Regions and partners named in `text` (whole names, longest first; a text of a few words may
    also be a misspelt name), and the words that name neither."""
    await read_connection(session)
    regions_index, partners_index = await region_index(session), await partner_index(session)
    tokens = _TOKEN.findall(text)
    used = [False] * len(tokens)
    found: list[tuple[int, str, str]] = []  # (position, kind, name)
    for size in range(min(MAX_GRAM, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            span = tokens[start : start + size]
            if any(used[start : start + size]) or _is_edge_stop(span[0]) or _is_edge_stop(span[-1]):
                continue
            if size == 1 and _is_stop(span[0]):
                continue
            if size == 1 and len(span[0]) < 3 and not span[0].isupper():
                continue
            gram = " ".join(span)
            official = places.find_region(gram)
            region_names = [official] if official else _exact(regions_index, gram, region_query_key)
            partner_names = _exact(partners_index, gram, org_key)
            if not region_names and not partner_names:
                continue
            used[start : start + size] = [True] * size
            found += [(start, "r", n) for n in region_names] + [(start, "p", n) for n in partner_names]
    rest = [t for t, u in zip(tokens, used, strict=True) if not u and not _is_stop(t)]
    if not found and 0 < len(rest) <= FUZZY_WORDS:  # "Цифравая экономика", "Оренбурская"
        phrase = " ".join(rest)
        region_match = match(regions_index, phrase, region_query_key)
        partner_match = match(partners_index, phrase, org_key) if not region_match.targets else None
        if region_match.targets:
            found = [(0, "r", n) for n in regions_index.names(region_match.targets)]
        elif partner_match is not None and partner_match.targets:
            found = [(0, "p", n) for n in partners_index.names(partner_match.targets)]
        if found:
            rest = []
    found.sort(key=lambda f: f[0])
    out = Readings(words=rest)
    for _, kind, name in found:
        target = out.regions if kind == "r" else out.partners
        if name not in target:
            target.append(name)
    return out
