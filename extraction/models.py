"""Plain data types that extraction produces and the rest of the app consumes."""

from __future__ import annotations

from dataclasses import dataclass, field

DOC_TYPES = (
    "соглашение",
    "меморандум",
    "договор",
    "дорожная карта",
    "протокол",
    "концессионное соглашение",
    "другое",
)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date whose parts may each be unknown."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    def to_dict(self) -> dict[str, int | None]:
        return {"year": self.year, "month": self.month, "day": self.day}


@dataclass(frozen=True, slots=True)
class Amount:
    """A sum of money named by an agreement; `currency` is an ISO 4217 code (RUB, USD, EUR...)."""

    value: float
    currency: str

    def to_dict(self) -> dict[str, float | str]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {"value": value, "currency": self.currency}


@dataclass(frozen=True, slots=True)
class Partner:
    """An organization that is a party: canonical short name plus the spellings seen."""

    name: str
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "aliases": list(self.aliases)}


@dataclass(frozen=True, slots=True)
class Signatory:
    """A person who signed, name in the nominative case, with a role when the text gives one."""

    name: str
    role: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "role": self.role}


@dataclass(slots=True)
class Agreement:
    """One signed agreement as reported by an article."""

    doc_type: str = "соглашение"
    regions: list[str] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    signatories: list[Signatory] = field(default_factory=list)
    date: PartialDate | None = None
    event: str | None = None
    amount: Amount | None = None
    evidence: list[str] = field(default_factory=list)
    confidence: float = 1.0  # calibrated probability that the agreement is real and right, in [0, 1]

    def to_dict(self) -> dict[str, object]:
        """The gold format of ../shared/data/GOLD_FORMAT.md, plus `evidence`."""
        return {
            "doc_type": self.doc_type,
            "regions": list(self.regions),
            "partners": [p.to_dict() for p in self.partners],
            "countries": list(self.countries),
            "signatories": [s.to_dict() for s in self.signatories],
            "date": self.date.to_dict() if self.date else None,
            "event": self.event,
            "amount": self.amount.to_dict() if self.amount else None,
            "evidence": list(self.evidence),
            "confidence": round(self.confidence, 3),
        }
