"""Why extraction decided what it did: the sentences behind each agreement, the rule behind each field,
and the near-misses it turned down. `python -m extraction FILE --explain` prints it."""

from __future__ import annotations

from dataclasses import dataclass, field

from extraction.models import Agreement


@dataclass(frozen=True, slots=True)
class Note:
    """One field's value and where it came from: the sentence (index) and the rule."""

    field: str
    rule: str
    sentence: int | None = None


@dataclass(slots=True)
class Explained:
    """An agreement with the sentences it came from and a note per decision."""

    agreement: Agreement
    sentences: list[int]
    notes: list[Note] = field(default_factory=list)
    scores: list[tuple[str, float]] = field(default_factory=list)  # the learned scorer's, by candidate


@dataclass(frozen=True, slots=True)
class Rejected:
    """A sentence (or an assembled agreement) that looked like a signing and was turned down."""

    sentence: int | None
    reason: str
    what: str = ""  # for an agreement dropped after assembly: its sides


@dataclass(slots=True)
class Explanation:
    """The whole account of one article."""

    sentences: list[str] = field(default_factory=list)
    agreements: list[Explained] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def _quote(sentences: list[str], i: int | None, width: int = 160) -> str:
    if i is None or not 0 <= i < len(sentences):
        return ""
    s = " ".join(sentences[i].split())
    return s if len(s) <= width else s[: width - 1] + "…"


def render_agreements(agreements: list[Agreement]) -> str:
    """A readable Russian summary of the agreements found."""
    if not agreements:
        return "Подписанных соглашений не найдено."
    lines = []
    for k, a in enumerate(agreements, 1):
        d = a.date
        when = "—"
        if d:
            when = ".".join(f"{x:02d}" if x is not None else "??" for x in (d.day, d.month)) + (
                f".{d.year}" if d.year else " (год неизвестен)")
        lines.append(f"{k}. {a.doc_type.capitalize()}, дата: {when}")
        lines.append(f"   Регионы: {', '.join(a.regions) or '—'}")
        partners = [p.name + (f" ({'; '.join(p.aliases)})" if p.aliases else "") for p in a.partners]
        lines.append(f"   Партнёры: {', '.join(partners) or '—'}")
        if a.countries:
            lines.append(f"   Страны: {', '.join(a.countries)}")
        people = [s.name + (f", {s.role}" if s.role else "") for s in a.signatories]
        lines.append(f"   Подписали: {'; '.join(people) or '—'}")
        if a.event:
            lines.append(f"   Событие: {a.event}")
        if a.amount:
            lines.append(f"   Сумма: {a.amount.value:,.0f} {a.amount.currency}".replace(",", " "))
    return "\n".join(lines)


def render(ex: Explanation) -> str:
    """A plain-text account: per agreement its sentences and fields, then the rejected near-misses."""
    out: list[str] = []
    for k, e in enumerate(ex.agreements, 1):
        out.append(render_agreements([e.agreement]).replace("1.", f"{k}.", 1))
        out.append("   from sentences:")
        out += [f"     [{i}] {_quote(ex.sentences, i)}" for i in e.sentences]
        out.append(f"   confidence: {e.agreement.confidence:.2f}")
        out.append("   why:")
        for n in e.notes:
            where = f" [{n.sentence}]" if n.sentence is not None else ""
            out.append(f"     {n.field}{where}: {n.rule}")
        if e.scores:
            out.append("   learned scores (probability the candidate is right):")
            out += [f"     {label}: {p:.2f}" for label, p in e.scores]
        else:
            out.append("   learned scores: none (the model is off or missing: the rules alone)")
        out.append("")
    if not ex.agreements:
        out += ["no agreement found", ""]
    if ex.rejected:
        out.append("rejected:")
        for r in ex.rejected:
            where = f"[{r.sentence}] {_quote(ex.sentences, r.sentence)}" if r.sentence is not None else r.what
            out.append(f"  - {where}")
            out.append(f"      {r.reason}")
    return "\n".join(out).rstrip()
