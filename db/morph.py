"""Normal forms of words (pymorphy via natasha's MorphVocab), cached per process."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from db.normalize import words

_lock = threading.Lock()
_vocab: Any = None


def _analyzer() -> Any:
    global _vocab
    if _vocab is None:
        with _lock:
            if _vocab is None:
                # natasha's MorphVocab wraps pymorphy2 and works on Python 3.11+.
                from natasha import MorphVocab

                _vocab = MorphVocab()
    return _vocab


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Normal form of one folded word ("калужской" -> "калужский")."""
    if not word.isalpha() or len(word) < 3:
        return word
    parses = _analyzer()(word)
    return parses[0].normal_form.replace("ё", "е") if parses else word


def lemma_text(text: str) -> str:
    """Each word of `text` folded and in its normal form."""
    return " ".join(lemma(w) for w in words(text))
