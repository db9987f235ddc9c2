"""Features of the candidates the rules propose, for the learned scorer: one dict of numbers per candidate.

Every feature comes from what the pipeline already computed: the cue and the kind of the signing sentence,
the rules that filled each field (their notes), where a mention stands against the signing predicate, the
morphology of the words around it. No phrase of any data set is listed here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from extraction.explain import Explained
from extraction.finders import gazetteer as gz
from extraction.finders.orgs import same_org
from extraction.models import Partner
from extraction.reading.article import Article
from extraction.signings.signing import FUTURE, NOT_YET, SIGNED, Signing

Features = dict[str, float]

# the shape of the predicate that fired: a finite verb, a short participle, a noun of the signing...
PREDICATE_KINDS = (
    ("verb", re.compile(r"^(?:подписал|заключил)", re.I)),
    ("short", re.compile(r"^(?:подписан|заключ[её]н)[аоы]?$", re.I)),
    ("participle", re.compile(r"^(?:подписанн|заключенн|заключённ|подписав)", re.I)),
    ("present", re.compile(r"^(?:подписыва|заключа)", re.I)),
    ("noun", re.compile(r"подписани|заключени|скреплени", re.I)),
    ("seal", re.compile(r"подпис(?:ь|и|ями)|скрепил|закрепил|рукам", re.I)),
)
# an attribution of the text to a source: "сообщает ...", "по данным ...", "передаёт ..."
ATTRIBUTION = re.compile(
    r"\b(?:сообща\w*|сообщил\w*|переда[её]т|передал\w*|пишет|писал\w*|по\s+(?:данным|информации|сообщению)|"
    r"со\s+ссылкой|информирует|рассказал\w*|отметил\w*|заявил\w*|цитирует|источник\w*|корреспондент\w*)\b",
    re.I,
)
WITH = re.compile(r"(?:^|\s)(?:с|со)\s+(?:\S+\s+){0,3}$", re.I)
BETWEEN = re.compile(r"\bмежду\s+(?:\S+\s+){0,6}$", re.I)
QUOTED = re.compile(r"[«\"“].+[»\"”]")
LEGAL = re.compile(r"\b(?:ПАО|ОАО|ЗАО|АО|ООО|АНО|ФГУП|ГУП|МУП|ФГБУ|ГБУ|НКО)\b")


def _cap(x: float, top: float) -> float:
    return min(float(x), top)


def predicate(text: str, at: int) -> str:
    """The predicate's words, from the offset the rule found it at."""
    m = SIGNED.match(text, at)
    return m[0] if m else text[at: at + 12]


def predicate_kind(text: str, at: int) -> str:
    word = predicate(text, at)
    return next((k for k, rx in PREDICATE_KINDS if rx.search(word)), "other")


def note_key(field: str, rule: str) -> str:
    """A rule's identity: the field and the first words of its note (the words of our own rules)."""
    words = re.findall(r"[a-z]+", rule.lower())[:4]
    return f"note:{field}:{'_'.join(words)}"


@dataclass(slots=True)
class Context:
    """What every candidate of one article is scored against."""

    art: Article
    signings: dict[int, Signing]
    n_agreements: int
    n_rejected: int


def _signing_features(ctx: Context, e: Explained, f: Features) -> None:
    own = [ctx.signings[i] for i in e.sentences if i in ctx.signings]
    f["n_signing_sents"] = _cap(len(own), 4)
    if not own:
        f["no_own_signing"] = 1.0
        return
    first = own[0]
    text = ctx.art.texts[first.index]
    for name in ("plural", "additive", "anaphoric", "weak", "item", "tally", "plural_ref", "between", "recalled"):
        if any(getattr(s, name) for s in own):
            f[f"sig:{name}"] = 1.0
    f["sig:typed"] = float(any(s.doc_type for s in own))
    f["sig:also"] = float(any(s.also for s in own))
    f[f"pred:{predicate_kind(text, first.predicate_at)}"] = 1.0
    f["pred:in_quote"] = float(all(ctx.art.in_quote(s) for s in own))
    f["sent:title"] = float(first.index == 0 and ctx.art.title is not None)
    f["sent:position"] = first.index / max(1, len(ctx.art.texts))
    f["sent:future_words"] = float(bool(FUTURE.search(text)) or bool(NOT_YET.search(text[: first.predicate_at])))
    f["sent:attribution"] = float(bool(ATTRIBUTION.search(text)))
    f["sent:length"] = _cap(len(text) / 200, 3)
    f["sent:predicate_at"] = first.predicate_at / max(1, len(text))


def agreement_features(ctx: Context, e: Explained) -> Features:
    """Is this candidate a signing reported as done, with the sides right?"""
    a = e.agreement
    f: Features = {"bias": 1.0}
    _signing_features(ctx, e, f)
    f["n_regions"] = _cap(len(a.regions), 4)
    f["n_partners"] = _cap(len(a.partners), 4)
    f["n_countries"] = _cap(len(a.countries), 3)
    f["n_signatories"] = _cap(len(a.signatories), 4)
    f["no_partner_no_country"] = float(not a.partners and not a.countries)
    f["has_date"] = float(a.date is not None)
    f["date_has_day"] = float(a.date is not None and a.date.day is not None)
    f["has_amount"] = float(a.amount is not None)
    f["has_event"] = float(a.event is not None)
    f[f"doc:{a.doc_type}"] = 1.0
    f["art:n_agreements"] = _cap(ctx.n_agreements, 6)
    f["art:n_rejected"] = _cap(ctx.n_rejected, 6)
    f["art:n_sentences"] = math.log1p(len(ctx.art.texts))
    f["art:published"] = float(ctx.art.ref is not None)
    counts = ctx.art.region_counts()
    top = max(counts.values(), default=0)
    f["region_share"] = max((counts.get(r, 0) for r in a.regions), default=0) / top if top else 0.0
    f["signer_regional"] = float(any(s.role and gz.find_regions(s.role) for s in a.signatories))
    f["signer_no_role"] = float(any(not s.role for s in a.signatories))
    for n in e.notes:
        f[note_key(n.field, n.rule)] = 1.0
    return f


def _stems(name: str) -> list[str]:
    words = [w for w in re.findall(r"[\w-]+", name) if len(w) >= 3]
    return [w[: max(3, len(w) - 2)] if len(w) > 4 else w for w in words]


def locate(text: str, names: list[str]) -> tuple[int, int] | None:
    """Where one of `names` stands in `text` (a prefix of each long word, so any case form matches)."""
    best: tuple[int, int] | None = None
    for name in names:
        stems = _stems(name)
        if not stems:
            continue
        rx = r"\W+(?:\w+\W+){0,2}?".join(re.escape(s) + r"\w*" for s in stems)
        m = re.search(rx, text, re.I)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), m.end())
    return best


def mention_features(ctx: Context, e: Explained, names: list[str], kind: str, role: str | None = None,
                     proposed: bool = True) -> Features:
    """Is this organization a party / this person a signer / this region a side of the candidate?
    `proposed`: the rules chose it (else it is one more organization named around the signing)."""
    a = e.agreement
    f: Features = {"bias": 1.0, "proposed": float(proposed)}
    own = [ctx.signings[i] for i in e.sentences if i in ctx.signings]
    texts = ctx.art.texts
    found_in = [(i, span) for i in e.sentences if (span := locate(texts[i], names))]
    f["in_signing_sentence"] = float(any(i in ctx.signings for i, _ in found_in))
    f["in_title"] = float(any(i == 0 and ctx.art.title is not None for i, _ in found_in))
    f["not_in_evidence"] = float(not found_in)
    f["in_roles"] = float(any(s.role and locate(s.role, names) for s in a.signatories))
    f["article_mentions"] = _cap(sum(1 for t in texts if locate(t, names)), 5)
    if found_in:
        i, (start, end) = found_in[0]
        t = texts[i]
        s = ctx.signings.get(i)
        if s is not None:
            d = start - s.predicate_at
            f["after_predicate"] = float(d > 0)
            f["distance"] = _cap(abs(d) / 100, 3)
        before = t[max(0, start - 60): start]
        f["after_with"] = float(bool(WITH.search(before)))
        f["after_between"] = float(bool(BETWEEN.search(before)))
        f["attribution_near"] = float(bool(ATTRIBUTION.search(t[max(0, start - 40): min(len(t), end + 25)])))
        f["sentence_attribution"] = float(bool(ATTRIBUTION.search(t)))
        f["quoted"] = float(bool(QUOTED.search(t[max(0, start - 2): end + 2])))
        f["caps_word"] = float(bool(re.search(r"\b[А-ЯЁA-Z]{4,}\b", t[start:end])))
        f["sentence_start"] = float(start < 3)
        f["case:" + _case_at(ctx, i, start)] = 1.0
    f["n_words"] = _cap(len(names[0].split()), 5)
    f["n_aliases"] = _cap(len(names) - 1, 3)
    f["legal_form"] = float(any(LEGAL.search(n) for n in names))
    f["alias_quoted"] = float(any(QUOTED.search(n) for n in names))
    f["latin"] = float(bool(re.search(r"[A-Za-z]", names[0])))
    f["n_same_kind"] = _cap({"partner": len(a.partners), "signatory": len(a.signatories),
                             "region": len(a.regions)}.get(kind, 0), 5)
    f["n_signing_sents"] = _cap(len(own), 4)
    if role is not None:
        f["role_given"] = float(bool(role))
        f["role_regional"] = float(bool(role) and bool(gz.find_regions(role)))
        f["role_head"] = float(bool(role) and bool(re.match(r"(?:губернатор|глав|мэр|президент|председател|"
                                                            r"министр|руководител|директор|ректор|врио)",
                                                            role, re.I)))
    if kind == "partner":
        f["foreign_unit"] = float(any(gz.find_foreign_units(n) for n in names))
        f["region_name"] = float(any(gz.find_regions(n) for n in names))
    for n in e.notes:
        if n.field in ("partners", "signatories", "regions", "sides", "split", "roundup"):
            f[note_key(n.field, n.rule)] = 1.0
    return f


def extra_partners(ctx: Context, e: Explained) -> list[Partner]:
    """Organizations named in the candidate's sentences or next to them that the rules did not make sides."""
    idx = sorted({j for i in e.sentences for j in (i - 1, i, i + 1) if 0 <= j < len(ctx.art.texts)})
    out: list[Partner] = []
    for j in idx:
        for name, aliases, _ in ctx.art.parties_at(j).partners:
            p = Partner(name, tuple(aliases))
            if not any(same_org(p, q) for q in [*e.agreement.partners, *out]):
                out.append(p)
    return out


def _case_at(ctx: Context, i: int, start: int) -> str:
    """The grammatical case natasha gave the word at `start` of sentence `i`."""
    sent = ctx.art.sents[i]
    for tok in sent.tokens:
        if tok.start - sent.start >= start:
            return (tok.feats or {}).get("Case") or "none"
    return "none"
