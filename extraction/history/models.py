"""The plain data a mention of an earlier agreement is."""

from __future__ import annotations

from dataclasses import dataclass, field

from extraction.models import PartialDate, Partner

# what the news says happened to the agreement
PROGRESS, AMENDED, TERMINATED, OTHER = "progress", "amended", "terminated", "other"
KINDS = (PROGRESS, AMENDED, TERMINATED, OTHER)


@dataclass(slots=True)
class Mention:
    """One sentence that speaks of an agreement signed earlier.

    `date` is the earlier signing's date when the sentence gives it (its `year` at least); `signed`
    marks an additional agreement reported as signed (an agreement of its own, and news of the one
    it amends); `region_from_article` says the region came from the article, not the sentence.
    """

    sentence: str
    kind: str = OTHER
    regions: list[str] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    date: PartialDate | None = None
    doc_type: str = "соглашение"
    signed: bool = False
    region_from_article: bool = False
    why: str = ""  # the cue that decided the kind (for --explain)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    def to_dict(self) -> dict[str, object]:
        return {
            "sentence": self.sentence,
            "kind": self.kind,
            "regions": list(self.regions),
            "partners": [p.to_dict() for p in self.partners],
            "countries": list(self.countries),
            "year": self.year,
            "date": self.date.to_dict() if self.date else None,
            "doc_type": self.doc_type,
            "signed": self.signed,
        }
