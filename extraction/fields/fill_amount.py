"""Fill an agreement's sum: from its signing sentences and the investment talk right after them, not a
past total, a tally of several documents or a recalled figure."""

from __future__ import annotations

import re

from extraction.explain import Note
from extraction.finders import gazetteer as gz
from extraction.finders.amounts import find_amounts
from extraction.models import Amount
from extraction.reading.article import Article
from extraction.signings.group import Group
from extraction.signings.signing import RECALL_OPENINGS

INVEST = re.compile(
    r"(?:инвест\w*|(?:про)?финансир\w*|на\s+сумм\w+|оценива\w+\s+в|вложит\w*|вложат|вложен\w*|вкладыва\w*|направ(?:ит|ят|ить)|выдел(?:ит|ят|ить|ено|ены|ена)|"
    r"капиталовложени\w*|стоимост\w+|кредитн\w+\s+лини\w+|лимит\w*\s+(?:кредитовани|финансировани)\w*|"
    r"сумм\w+\s+(?:соглашени|контракт|договор|инвестици)\w*|объ[её]м\w*\s+(?:инвестици|финансировани|вложени)\w*)",
    re.I,
)
# a recalled event, a reference block or a tally: none names this document's sum
BACKGROUND = re.compile(
    rf"^\s*(?:{RECALL_OPENINGS}|справка|для\s+сравнения|всего|в\s+общей\s+сложности)",
    re.I,
)
# "он напомнил, что с 2015 года компания инвестировала ...": a past total, not this document's sum
PAST_TOTAL = re.compile(
    r"\bнапомни\w*|\bнапомина\w*|\bранее\b|\bс\s+(?:19|20)\d\d\s+(?:года|г\.)|\bза\s+последни[ее]\s+(?:\w+\s+)?(?:лет|года?)\b|"
    r"\bуже\s+(?:вложил|инвестировал|направил|выделил|потратил)\w*|"
    r"\bбыл[оаи]?\s+(?:уже\s+)?(?:вложен|инвестирован|потрачен|израсходован)\w*",
    re.I,
)
MENTIONS_DOC = re.compile(r"(?:соглашени|меморандум|договор|документ|дорожн\w+\s+карт|программ)\w*", re.I)
# "общий объём инвестиций по двум соглашениям": a sum of several documents, not this one's
SEVERAL_DOCS = re.compile(
    r"\b(?:соглашени(?:ям|ях|й)|документ(?:ам|ах|ов)|договор(?:ам|ах|ов)|меморандум(?:ам|ах|ов))\b", re.I
)
WINDOW_AFTER = 4
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


# "Соглашение об этом подписано ...": the sentence before says what was agreed
# (also "Такое соглашение подписали ...", "Соответствующий документ подписан ...")
ABOUT_THAT = re.compile(
    r"\b(?:об\s+этом|о\s+том|об\s+этих)\b|"
    r"\b(?:такое|такой|такую|соответствующ(?:ее|ий|ую))\s+(?:соглашение|документ|меморандум|договор)\b",
    re.I,
)


def amount_sentences(art: Article, g: Group) -> list[int]:
    """Sentences that may name the agreement's sum: its signing sentences, investment talk right after, the
    sentence an "об этом" points back to, and a headline about the investment when the article reports one
    document."""
    idx = g.indices
    others = art.other_signings(g)
    scope = list(idx)
    # an article about one document may tell its sum a few paragraphs on
    window = WINDOW_AFTER + (2 if len(art.groups) == 1 else 0)
    lead = [j - 1 for j in idx if j > 0 and ABOUT_THAT.search(art.texts[j]) and j - 1 not in others]
    for j in idx:
        for i in range(j + 1, min(j + 1 + window, len(art.texts))):
            if i in others:
                break
            if BACKGROUND.match(art.texts[i]):
                # "Напомним, компания намерена построить завод.": a reminder with no figure and no past year
                # is an aside; one with a sum or a year starts the background that runs to the end
                if find_amounts(art.texts[i]) or YEAR.search(art.texts[i]) \
                        or len(art.groups) != 1:
                    break
                continue
            if i not in scope:
                scope.append(i)
    if art.title is not None and len(art.groups) == 1 and not g.plural and 0 not in idx \
            and INVEST.search(art.texts[0]):
        scope.append(0)  # "Tele2 инвестирует 500 млн рублей в связь Бурятии" over "... подписали соглашение"
    ordered = [i for i in idx] + [i for i in lead if i not in idx] + sorted(i for i in scope if i not in idx)
    # "подписано 12 соглашений на 110 млрд ... Одно из них — с компанией X": the sum of several documents is
    # not the sum of the one a sentence of the group reports alone
    several = {s.index for s in g.signings if s.plural or s.tally}
    if any(s.index not in several and (s.item or (s.doc_type and not s.plural_ref and not s.anaphoric))
           for s in g.signings):
        ordered = [i for i in ordered if i not in several]
    return [i for i in dict.fromkeys(ordered) if find_amounts(art.texts[i])
            and (i in idx or _talks_investment(art.texts[i], g))]


def _talks_investment(t: str, g: Group) -> bool:
    """A sentence after the signing that speaks of this document's investment, not of a past total."""
    if PAST_TOTAL.search(t) or not (INVEST.search(t) or MENTIONS_DOC.search(t)):
        return False
    return g.plural or not SEVERAL_DOCS.search(t)


# "общая стоимость завода составит 10 млрд, из них по соглашению ...": the whole project's cost, a sum per
# year or per region, last year's figure: not the document's own sum when the sentence has another
OTHER_SUM = re.compile(
    r"(?:общ\w+\s+(?:стоимост|объ[её]м|сумм)\w*|стоимост\w+\s+(?:всего\s+)?(?:завода|проекта|предприятия|объекта|"
    r"комплекса|строительства)|в\s+прошлом\s+году|ежегодно|в\s+год|на\s+каждый|каждому)[^,;]{0,60}$",
    re.I,
)
# "стоимость программы составит ...", "инвестиции в особую экономическую зону составят ...": the sum of a
# whole programme, zone or forum, not of one document
WHOLE_OF = re.compile(
    r"(?:программ|экономическ\w+\s+зон|форум|кластер|нацпроект|национальн\w+\s+проект|бюджет)\w*[^,;.]{0,50}?"
    r"(?:состав|оценива|достиг|превы)\w*[^,;.]{0,15}$",
    re.I,
)
OWN_SUM = re.compile(r"(?:по\s+соглашению|в\s+рамках\s+(?:соглашения|документа|меморандума)|соглашением\s+"
                     r"предусмотрен\w*|документом\s+предусмотрен\w*)[^.;]{0,80}$", re.I)


def _pick(t: str, found: list) -> tuple[object, str]:
    """The document's own sum among a sentence's sums, and why."""
    own = [a for a in found if OWN_SUM.search(t[: a.start])]
    if own:
        return own[0], "the sum the sentence ties to the document («по соглашению», «в рамках соглашения»)"
    plain = [a for a in found if not OTHER_SUM.search(t[: a.start])]
    if plain and plain[0] is not found[0]:
        return plain[0], "the sentence's first sum that is no project's total, yearly or past figure"
    return found[0], "the first sum of the signing sentences or the investment talk right after them"


def first_amount(texts: list[str], indices: list[int]) -> tuple[Amount | None, Note | None]:
    for i in indices:
        found = [a for a in find_amounts(texts[i]) if not WHOLE_OF.search(texts[i][: a.start])]
        if found:
            best, why = _pick(texts[i], found)
            return best.amount, Note("amount", why, i)
    return None, None


def near_amount(texts: list[str], indices: list[int], names: list[str],
                others: list[str] = ()) -> tuple[Amount | None, Note | None]:
    """The sum written after this organization's name and before the next organization's, in one sentence."""
    for i in indices:
        t = texts[i]
        low = t.casefold()
        for n in names:
            at = low.find(n.casefold())
            if at < 0:
                continue
            ends = [j for o in others if (j := low.find(o.casefold(), at + len(n))) > at]
            end = min(ends, default=len(t))
            found = [a for a in find_amounts(t) if at < a.start < end]
            if found:
                return found[0].amount, Note("amount", f"the sum written after «{n}», before the next partner", i)
    return None, None


def region_amount(texts: list[str], indices: list[int], region: str) -> tuple[Amount | None, Note | None]:
    """The sum written after this region's name (and before the next region's) in one sentence."""
    for i in indices:
        t = texts[i]
        marks = gz.find_regions(t, adjectives=True)
        for k, m in enumerate(marks):
            if m.region.name != region:
                continue
            end = marks[k + 1].start if k + 1 < len(marks) else len(t)
            found = [a for a in find_amounts(t) if m.end <= a.start < end]
            if found:
                return found[0].amount, Note("amount", f"the sum written after {region}, before the next region", i)
    return None, None
