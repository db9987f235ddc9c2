"""Natasha models as lazy per-process singletons and the one NLP pass over a text."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from natasha import (
    Doc,
    MorphVocab,
    NewsEmbedding,
    NewsMorphTagger,
    NewsNERTagger,
    Segmenter,
)
from pymorphy2.analyzer import Parse


@dataclass(frozen=True, slots=True)
class Models:
    """Everything natasha needs, loaded once."""

    segmenter: Segmenter
    morph_tagger: NewsMorphTagger
    ner_tagger: NewsNERTagger
    vocab: MorphVocab


_lock = threading.Lock()
_models: Models | None = None


def models() -> Models:
    """Load the models on first use and keep them for the life of the process."""
    global _models
    if _models is None:
        with _lock:
            if _models is None:
                emb = NewsEmbedding()
                from extraction.finders.gazetteer import morph  # one pymorphy2 dictionary per process, shared

                vocab = morph()
                if not isinstance(vocab, MorphVocab):
                    vocab = MorphVocab()
                _models = Models(Segmenter(), NewsMorphTagger(emb), NewsNERTagger(emb), vocab)
    return _models


def warm_up() -> None:
    """Load the models now (the bot calls this in each worker process)."""
    analyze("Губернатор подписал соглашение.")


def analyze(text: str) -> Doc:
    """Segment, tag morphology and named entities in one pass."""
    m = models()
    doc = Doc(text)
    doc.segment(m.segmenter)
    doc.tag_morph(m.morph_tagger)
    doc.tag_ner(m.ner_tagger)
    return doc


@lru_cache(maxsize=20000)
def parses(word: str) -> tuple[Parse, ...]:
    """pymorphy2 analyses of one word (cached)."""
    return tuple(models().vocab.parse(word))


def inflect(parse: Parse, grams: set[str]) -> str | None:
    """The word form of `parse` with OpenCorpora grammemes `grams`, or None."""
    form = Parse.inflect(parse, grams)
    return form.word if form else None
