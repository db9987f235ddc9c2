"""Find the sentences of an article that speak of an earlier agreement, and read each one."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from razdel import sentenize

from extraction.finders import gazetteer as gz
from extraction.finders.dates import from_iso
from extraction.finders.mentions import LOCATION_PREP, SentenceParties, analyze_sentence
from extraction.finders.orgs import LEGAL_FORMS, QUOTED_RE, is_place, nominative_head
from extraction.history.cues import ADDITIONAL, kind_of, speaks_of_earlier
from extraction.history.cues import DOC as DOC_NOUN
from extraction.history.models import AMENDED, OTHER, PROGRESS, Mention
from extraction.history.when import signing_date
from extraction.models import PartialDate, Partner
from extraction.reading.article import reference_date
from extraction.reading.cleaning import clean
from extraction.signings.signing import DOC, DOC_TYPE, Signing, detect

# a sentence that opens with the document noun refers back to the parties named just before it
_ANAPHORIC_CHARS = 40
MAX_SENTENCE = 1000
# "подписанное в 2020 году соглашение … продлено": the signing named by a participle is the earlier one
PARTICIPLE = re.compile(r"(?:подписанн|подписан[аоы]?\b|заключ[её]нн)\w*", re.I)
EARLIER = re.compile(r"\b(?:ранее|прошлом\s+году|позапрошлом|год\s+назад|(?:лет|года)\s+назад|напомним|действующ\w+)", re.I)
# a name in capitals natasha may miss: "КАМАЗ", "РЖД", "КАМАЗом"
CAPS = re.compile(r"(?<![\w-])([А-ЯЁA-Z]{3,})(?:ом|ем|а|у|е)?(?![\w-])")


@dataclass(slots=True)
class _Sent:
    """What `analyze_sentence` reads of a natasha sentence, for a text analysed on its own."""

    spans: list
    tokens: list
    start: int = 0


def _parties(text: str) -> SentenceParties:
    from extraction.reading.nlp import analyze

    doc = analyze(text)
    return analyze_sentence(_Sent(list(doc.spans), list(doc.tokens)), text, None)


def _article_region(title: str | None, texts: list[str]) -> str | None:
    """The one region the article is about as an actor: named at least twice (the title counts
    twice) and more than any other; None otherwise."""
    counts: Counter[str] = Counter()
    for i, t in enumerate([title or "", *texts]):
        for m in gz.find_regions(t):
            if not LOCATION_PREP.search(t[max(0, m.start - 12) : m.start]):
                counts[m.region.name] += 2 if i == 0 else 1
    top = counts.most_common(2)
    if not top or top[0][1] < 2 or (len(top) == 2 and top[1][1] == top[0][1]):
        return None
    return top[0][0]


def _doc_type(sentence: str) -> str:
    """The kind of the document spoken of (not the additional agreement that amends it)."""
    rest = ADDITIONAL.sub(" ", sentence)
    found = [d for d in DOC.finditer(rest) if d.lastgroup not in ("doc", None)]
    return DOC_TYPE.get(found[0].lastgroup or "", "соглашение") if found else "соглашение"


def _fallback_partners(sentence: str) -> list[Partner]:
    """Quoted names and names in capitals, for a sentence where natasha found no organization."""
    names: list[str] = []
    for m in QUOTED_RE.finditer(sentence):
        name = nominative_head(m[1].strip())
        if name and not is_place(name):
            names.append(name)
    for m in CAPS.finditer(sentence):
        word = m[1]
        if word not in LEGAL_FORMS and not is_place(word) and not any(word in n for n in names):
            names.append(word)
    return [Partner(n) for n in dict.fromkeys(names)]


def _earlier_signing(sentence: str, signing: Signing) -> bool:
    """The signing the sentence names is a participle of an earlier one, and the news is what
    happened to it ("соглашение, подписанное в 2020 году, продлено")."""
    return bool(PARTICIPLE.match(sentence, signing.predicate_at)) and kind_of(sentence)[0] != OTHER


def _dated_earlier(sentence: str, mention: Mention, ref: PartialDate | None) -> bool:
    """The sentence itself places the agreement before the article: an earlier year, "ранее"."""
    if EARLIER.search(sentence):
        return True
    return mention.year is not None and (ref is None or ref.year is None or mention.year < ref.year)


def _read(sentence: str, ref: PartialDate | None, previous: str | None) -> Mention:
    parties = _parties(sentence)
    regions = list(dict.fromkeys(parties.regions + parties.city_regions + parties.location_regions))
    partners = [Partner(name, tuple(aliases)) for name, aliases, _ in parties.partners]
    countries = list(parties.countries)
    if not partners and not countries:
        partners = _fallback_partners(sentence)
    lead = DOC_NOUN.search(sentence[:_ANAPHORIC_CHARS])
    if previous and not partners and not countries and lead:
        before = _parties(previous)  # "Соглашение расторгнуто": the sides were named just before
        partners = [Partner(name, tuple(aliases)) for name, aliases, _ in before.partners]
        countries = list(before.countries)
        regions = regions or list(dict.fromkeys(before.regions + before.city_regions))
    kind, why = kind_of(sentence)
    return Mention(
        sentence=sentence,
        kind=kind,
        regions=regions,
        partners=partners,
        countries=countries,
        date=signing_date(sentence, ref),
        doc_type=_doc_type(sentence),
        why=why,
    )


def find_mentions(text: str, published: date | str | None = None) -> list[Mention]:
    """Every sentence of the article that speaks of an agreement signed earlier, read into a Mention.

    A sentence that reports a new signing is no mention, except an additional agreement: it is
    news (kind `amended`) of the agreement it amends as well as an agreement of its own.
    """
    cleaned = clean(text or "")
    if not cleaned.lines:
        return []
    ref = reference_date(from_iso(published) if published else None, cleaned.published)
    texts = [s.text for s in sentenize(cleaned.text)]
    found: list[Mention] = []
    region: str | None = None
    region_known = False
    signings = {i: detect(t, i) for i, t in enumerate(texts) if len(t) <= MAX_SENTENCE}
    reports_signing = any(s is not None and not s.recalled for s in signings.values())
    seen: set[str] = set()
    for i, sentence in enumerate(texts):
        if len(sentence) > MAX_SENTENCE or sentence in seen or not speaks_of_earlier(sentence):
            continue
        seen.add(sentence)
        signing = signings.get(i)
        additional = bool(ADDITIONAL.search(sentence))
        if signing is not None and not additional and not _earlier_signing(sentence, signing):
            continue  # a new signing: extraction reports it as an agreement
        mention = _read(sentence, ref, texts[i - 1] if i else None)
        if signing is not None and additional:
            mention.kind, mention.signed, mention.why = AMENDED, True, "an additional agreement signed"
        if not mention.partners and not mention.countries:
            continue  # no side to tell which agreement it speaks of
        if reports_signing and mention.kind in (PROGRESS, OTHER) and not _dated_earlier(sentence, mention, ref):
            continue  # "в рамках соглашения …" in the article of its signing: the terms of the new one
        if not mention.regions:
            if not region_known:
                region, region_known = _article_region(cleaned.title, texts), True
            if region:
                mention.regions, mention.region_from_article = [region], True
        found.append(mention)
    return found


def render_mentions(mentions: list[Mention]) -> str:
    """A plain-text account of the mentions (for `python -m extraction FILE --explain`)."""
    if not mentions:
        return "no mention of an earlier agreement"
    out = ["mentions of earlier agreements:"]
    for k, m in enumerate(mentions, 1):
        sides = "; ".join(m.regions + [p.name for p in m.partners] + m.countries) or "no side"
        year = f", signed {m.year}" if m.year else ""
        out.append(f"  {k}. [{m.kind}{', signed now' if m.signed else ''}] {sides}{year}")
        out.append(f"     {' '.join(m.sentence.split())[:200]}")
        if m.why:
            out.append(f"     why: {m.why}" + (" (region from the article)" if m.region_from_article else ""))
    return "\n".join(out)
