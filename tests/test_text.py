"""extraction.reading.text: what is stored and matched is free of invisible characters and look-alike letters."""

from __future__ import annotations

import time

from db.normalize import content_hash, fold, org_key
from extraction.reading.text import clean_text, cyrillic_lookalike, cyrillic_lookalikes


def test_control_and_format_characters_are_removed() -> None:
    text = "Соглашение\x00 подписано\x01\x7f\x9f: МТ\u200bС,\u202e Ростел\u00adеком\ufeff, \u2066Сбер\u2069"
    assert clean_text(text) == "Соглашение подписано: МТС, Ростелеком, Сбер"
    assert clean_text("строка\r\nдругая\rтретья\x0bчетвёртая\u2028пятая") == "строка\nдругая\nтретья\nчетвёртая\nпятая"
    assert clean_text("\ud800лишний суррогат") == "лишний суррогат"  # not encodable: the base refuses it
    assert clean_text("табуляция\tостаётся") == "табуляция\tостаётся"


def test_nfkc_but_the_number_sign_stays() -> None:
    assert clean_text("ＭＴＣ\u00a0½ м² №5 ﬁ") == "MTC 1⁄2 м2 №5 fi"  # Latin stays Latin when stored


def test_lookalikes_fold_to_the_script_of_the_word() -> None:
    assert clean_text("ПАО «MТС»") == "ПАО «МТС»"  # Latin M in a Cyrillic word
    assert clean_text("CEBEPНЫЙ") == "СЕВЕРНЫЙ"
    assert clean_text("Gаzprom") == "Gazprom"  # a Cyrillic а in a Latin word
    assert clean_text("Яndex") == "Яndex"  # no look-alike for n, d: left as written
    assert clean_text("MTS и МТС") == "MTS и МТС"  # whole words in one script are not touched


def test_matching_folds_all_latin_lookalike_words() -> None:
    assert cyrillic_lookalike("mtc") == "мтс" and cyrillic_lookalike("cola") == "cola"
    assert cyrillic_lookalikes(org_key("MTC")) == org_key("МТС")
    assert fold("M\u200bТС") == fold("МТС")


def test_one_invisible_character_is_the_same_article() -> None:
    text = "Калужская область и Сбербанк подписали соглашение."
    assert content_hash(text) == content_hash(text.replace("Сбер", "Сб\u200bер").replace(" и ", " \u2060и "))


def test_cleaning_is_linear() -> None:
    hostile = "я" + "b" * 200_000 + "\u200b" * 50_000
    normal = "Губернатор подписал соглашение с компанией. " * 5000
    started = time.perf_counter()
    assert clean_text(hostile) == "я" + "b" * 200_000
    clean_text(normal)
    assert time.perf_counter() - started < 2.0  # seconds; quadratic scanning would take minutes
