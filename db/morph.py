"""Normal forms of words (pymorphy via natasha's MorphVocab), cached per process."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from db.normalize import words
from extraction.reading.diskmemo import DiskMemo

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


# Lemmas of the names the indexes are built from, kept on disk between runs: with them a start
# builds the region and partner indexes without loading pymorphy2 at all.
_MEMO = DiskMemo("lemmas", Path(__file__))


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Normal form of one folded word ("калужской" -> "калужский")."""
    if not word.isalpha() or len(word) < 3:
        return word
    found = _MEMO.get(word)
    if found is None:
        parses = _analyzer()(word)
        found = parses[0].normal_form.replace("ё", "е") if parses else word
        _MEMO.put(word, found)
    return found


def save_lemmas() -> bool:
    """Keep the lemmas found so far for the next start (True when the file was written)."""
    return _MEMO.save()


def lemma_text(text: str) -> str:
    """Each word of `text` folded and in its normal form."""
    return " ".join(lemma(w) for w in words(text))


@lru_cache(maxsize=100_000)
def is_known(word: str) -> bool:
    """Whether the dictionary knows the folded Russian `word` (not just guesses its form):
    "соглашение" and "Калуга" are known, "фывапролд" is not."""
    return bool(_analyzer().word_is_known(word))
