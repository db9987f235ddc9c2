"""Agreement builders and a tiny deterministic extractor for db tests (real extraction is tested elsewhere)."""

from __future__ import annotations

from datetime import date

from db.migrate import MIGRATIONS
from extraction.models import Agreement, Amount, PartialDate, Partner, Signatory

# the newest revision: the migrations are numbered 0001, 0002, ...
HEAD = max(p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def make_agreement(
    regions: list[str] | None = None,
    partners: list[str | Partner] | None = None,
    countries: list[str] | None = None,
    when: tuple[int | None, int | None, int | None] | None = (2021, 6, 3),
    doc_type: str = "соглашение",
    event: str | None = None,
    amount: float | None = None,
    signatories: list[tuple[str, str | None]] | None = None,
    evidence: str = "Стороны подписали соглашение о сотрудничестве.",
) -> Agreement:
    return Agreement(
        doc_type=doc_type,
        regions=list(regions or []),
        partners=[p if isinstance(p, Partner) else Partner(p) for p in partners or []],
        countries=list(countries or []),
        signatories=[Signatory(n, r) for n, r in signatories or []],
        date=PartialDate(*when) if when else None,
        event=event,
        amount=Amount(amount, "RUB") if amount is not None else None,
        evidence=[evidence],
    )


def line_extract(text: str, published: date | None = None) -> list[Agreement]:
    """Reads our own test articles: lines "регион: ...", "партнер: ...", "дата: YYYY-MM-DD", "событие: ...".

    Several agreements are separated by a line "---"; an article without "регион:" yields none.
    """
    out: list[Agreement] = []
    for block in text.split("\n---\n"):
        fields: dict[str, list[str]] = {}
        for line in block.splitlines():
            name, sep, value = line.partition(":")
            if sep:
                fields.setdefault(name.strip().lower(), []).append(value.strip())
        if "регион" not in fields:
            continue
        when = None
        if "дата" in fields:
            y, m, d = (int(x) for x in fields["дата"][0].split("-"))
            when = (y, m, d)
        out.append(
            make_agreement(
                regions=fields["регион"],
                partners=fields.get("партнер", []),
                countries=fields.get("страна", []),
                when=when,
                event=fields.get("событие", [None])[0],
                evidence=block.strip().splitlines()[0],
            )
        )
    return out


def article_text(
    region: str, partner: str, day: str = "2020-05-01", event: str | None = None, extra: str = ""
) -> str:
    lines = [
        f"Новость о подписании соглашения {extra}".strip(),
        f"регион: {region}",
        f"партнер: {partner}",
        f"дата: {day}",
    ]
    if event:
        lines.append(f"событие: {event}")
    return "\n".join(lines) + "\n"
