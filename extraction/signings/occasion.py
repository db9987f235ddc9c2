"""The occasion of a signing told in a sentence of its own: "Губернатор X встретился с главой компании Y.
Итогом встречи стало подписание соглашения." The meeting's people signed, on the meeting's day."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extraction.finders.mentions import SentenceParties
from extraction.reading.article import Article
from extraction.signings.group import Group

MEETING = re.compile(
    r"\b(?:встрети\w+|встреч[аиуе]\b|встречей\b|провел[аи]?\s+(?:[\w-]+\s+){0,2}встреч\w+|"
    r"посети(?:л|ла|ли)\b|переговоры\b|провел[аи]?\s+переговоры|принял[аи]?\s+(?:делегаци|гост)\w*|"
    r"прибыл[аи]?\s+с\s+(?:рабочим|официальным)\s+визитом)",
    re.I,
)


@dataclass(slots=True)
class Occasion:
    """The meeting sentence next to a group and what it names."""

    index: int
    parties: SentenceParties

    @property
    def signers(self) -> list:
        """Who met whom, when both are named: "X встретился с руководством компании" names no signers."""
        return self.parties.people if len(self.parties.people) >= 2 else []


def find_occasion(art: Article, g: Group) -> Occasion | None:
    """A meeting or visit with named people told in the two sentences before the group's first one (or
    the one after it), and not another document's signing."""
    idx = g.indices
    others = art.other_signings(g)
    near = sorted((k for k in {k for i in idx for k in (i - 1, i - 2, i + 1)} - set(idx) if k not in others),
                  key=lambda k: (min(abs(k - i) for i in idx), k > idx[0]))
    for k in near:
        if k < 0 or k >= len(art.texts):
            continue
        if k == 0 and k < idx[0] and "\n" in art.body[art.sents[0].stop: art.sents[idx[0]].start]:
            continue  # a headline sums up; the body's own sentences tell of the occasion
        if not MEETING.search(art.texts[k]):
            continue
        if k > idx[-1] and "\n" in art.body[art.sents[idx[-1]].stop: art.sents[k].start]:
            continue  # a meeting told after the signing, in a paragraph of its own, is another story
        parties = art.parties_at(k)
        if parties.people:
            return Occasion(k, parties)
    return None
