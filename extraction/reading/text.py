"""Text as it is stored and matched: control and invisible characters gone, NFKC, look-alikes folded.

Hostile or careless input hides behind characters people cannot see: a NUL byte (PostgreSQL refuses
the row), a zero-width space or a right-to-left override inside a name (one invisible character
makes a "new" article, and lookups miss the name), Latin letters that look Cyrillic ("МТС" typed with
a Latin C). `clean_text` is applied to every text before it is extracted, stored or compared.
"""

from __future__ import annotations

import re
import sys
import unicodedata

# Latin letters that look like Cyrillic ones, and back.
_LAT_TO_CYR = dict(zip("ABCEHKMOPTXYaceopxy", "АВСЕНКМОРТХУасеорху", strict=True))
_CYR_TO_LAT = {cyr: lat for lat, cyr in _LAT_TO_CYR.items()}
_LAT_TO_CYR_TABLE = str.maketrans(_LAT_TO_CYR)
# After casefolding, capital look-alikes turn into lower-case letters that no longer look alike
# ("MTC" -> "mtc"): the matching side folds those too.
_FOLDED_LAT_TO_CYR = {**_LAT_TO_CYR, **dict(zip("bhkmt", "внкмт", strict=True))}
_FOLDED_TABLE = str.maketrans(_FOLDED_LAT_TO_CYR)
_CYR_TO_LAT_TABLE = str.maketrans(_CYR_TO_LAT)
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _format_characters() -> str:
    """Every format (Cf) character: zero-width spaces and joiners, bidi controls, BOM, soft hyphen…"""
    ranges = [(0, 0x20000), (0xE0000, 0xE1000)]  # Cf lives in these planes only
    spans: list[list[int]] = []
    for start, end in ranges:
        for code in range(start, min(end, sys.maxunicode + 1)):
            if unicodedata.category(chr(code)) != "Cf":
                continue
            if spans and spans[-1][1] == code - 1:
                spans[-1][1] = code
            else:
                spans.append([code, code])
    # a class of ranges, not of single characters: several times faster to match
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in spans
    )


# C0 controls but tab and newline, DEL, C1 controls, lone surrogates (not encodable: the base refuses
# them), and format characters. Vertical whitespace that is not "\n" becomes "\n".
_INVISIBLE = re.compile(f"[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ud800-\udfff{_format_characters()}]")
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_MIXED = re.compile("[А-Яа-яЁё][A-Za-z]|[A-Za-z][А-Яа-яЁё]")


def _fold_mixed_words(text: str) -> str:
    """In a word mixing Cyrillic and Latin letters, turn the look-alikes into the word's script.

    "MТС" (Latin M) -> "МТС"; "Gаzprom" (Cyrillic а) -> "Gazprom". A word whose odd letters have
    no look-alike ("Яndex") is left as written. Linear: each word is looked at once.
    """
    out: list[str] = []
    last = 0
    pos = 0
    n = len(text)
    while True:
        hit = _MIXED.search(text, pos)
        if hit is None:
            break
        start = hit.start()
        while start > last and text[start - 1].isalpha():
            start -= 1
        end = hit.end()
        while end < n and text[end].isalpha():
            end += 1
        word = text[start:end]
        latin = [c for c in word if c in _LATIN]
        cyrillic = [c for c in word if _is_cyrillic(c)]
        if all(c in _LAT_TO_CYR for c in latin):
            word = word.translate(_LAT_TO_CYR_TABLE)
        elif all(c in _CYR_TO_LAT for c in cyrillic):
            word = word.translate(_CYR_TO_LAT_TABLE)
        out.append(text[last:start])
        out.append(word)
        last = pos = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def clean_text(text: str) -> str:
    """`text` with control and format characters removed, NFKC-normalized (but "№" kept: NFKC
    spells it "No"), line breaks as "\\n", and look-alike letters folded inside mixed-script words."""
    if not text:
        return text
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    if not text.isascii():
        text = "№".join(unicodedata.normalize("NFKC", part) for part in text.split("№"))
        text = _INVISIBLE.sub("", text)  # NFKC can compose nothing invisible back, but be sure
        text = _fold_mixed_words(text)
    return text


def clean_optional(text: str | None) -> str | None:
    return clean_text(text) if text is not None else None


def cyrillic_lookalike(word: str) -> str:
    """A folded all-Latin word made only of Cyrillic look-alikes in Cyrillic ("mtc" -> "мтс"), else
    as is.

    Used on the matching side only: a Latin "MTC" typed by a user finds the company МТС, while
    a Latin name stays stored as it was written.
    """
    if word and word.isascii() and word.isalpha() and all(c in _FOLDED_LAT_TO_CYR for c in word):
        return word.translate(_FOLDED_TABLE)
    return word


def cyrillic_lookalikes(text: str) -> str:
    """`cyrillic_lookalike` applied to each space-separated word of `text`."""
    return " ".join(cyrillic_lookalike(w) for w in text.split(" "))
