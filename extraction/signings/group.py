"""One group of signing sentences: the sentences that report one agreement."""

from __future__ import annotations

from dataclasses import dataclass, field

from extraction.finders.mentions import SentenceParties
from extraction.models import Partner
from extraction.signings.signing import Signing


@dataclass(slots=True)
class Group:
    """Signing sentences that report one agreement."""

    signings: list[Signing] = field(default_factory=list)
    parties: list[SentenceParties] = field(default_factory=list)
    weak: list[Signing] = field(default_factory=list)  # "подписанное 14 марта соглашение": dates only
    why: str = ""  # how the first sentence opened this group

    @property
    def plural(self) -> bool:
        """Reports several documents at once ("подписал соглашения с тремя партнёрами")."""
        return any(s.plural for s in self.signings)

    @property
    def item(self) -> bool:
        """Opens with a numbered item of a roundup ("Второе — с ПАО «Б»")."""
        return bool(self.signings) and self.signings[0].item

    @property
    def indices(self) -> list[int]:
        return [s.index for s in self.signings]

    def partners(self) -> list[Partner]:
        return [Partner(n, tuple(a)) for p in self.parties for n, a, _ in p.partners]
