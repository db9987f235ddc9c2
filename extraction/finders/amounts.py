"""Sums of money: "1 миллиард рублей", "2,5 млрд руб.", "$8,5 млрд", "€100 млн", "более миллиарда рублей"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extraction.models import Amount

_NUM = r"\d{1,3}(?:[  ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = (
    r"трлн\.?|триллион(?:а|ов)?|млрд\.?|миллиард(?:а|ов)?|млн\.?|миллион(?:а|ов)?|"
    r"тыс\.?|тысяч[аи]?"
)
_CUR = (
    r"белорусских\s+рубл(?:ей|я|ь)|бел\.\s*руб\.?|рубл(?:ей|я|ь)|руб\.?|р\.|"
    r"доллар(?:ов|а)?(?:\s+США)?|долл\.?|евро|юан(?:ей|я|ь)|тенге|сом(?:ов|а)?|"
    r"гривен|гривны|гривна|иен|йен|фунт(?:ов|а)?\s+стерлингов|"
    r"RUB|USD|EUR|CNY|KZT|BYN|KGS|UZS|UAH|[₽$€¥£]"
)
# sums in words: "три миллиарда рублей", "полтора миллиона", "двадцать пять млн"
UNITS = {"один": 1, "одна": 1, "одного": 1, "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3, "трёх": 3,
         "четыре": 4, "четырех": 4, "четырёх": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6, "семь": 7,
         "семи": 7, "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9, "полтора": 1.5, "полторы": 1.5,
         "полутора": 1.5}
TENS = {"десять": 10, "десяти": 10, "двадцать": 20, "двадцати": 20, "тридцать": 30, "тридцати": 30,
        "сорок": 40, "сорока": 40, "пятьдесят": 50, "пятидесяти": 50, "шестьдесят": 60, "семьдесят": 70,
        "восемьдесят": 80, "девяносто": 90, "сто": 100, "ста": 100, "двести": 200, "двухсот": 200,
        "триста": 300, "трехсот": 300, "трёхсот": 300, "четыреста": 400, "пятьсот": 500, "пятисот": 500}
_WORDS = "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))
_WNUM = rf"(?:(?:{_WORDS})\s+){{0,2}}(?:{_WORDS})"
PREFIX_CUR = {"$": "USD", "€": "EUR", "¥": "CNY", "₽": "RUB", "£": "GBP"}

AMOUNT_RE = re.compile(
    # "1 млрд 200 млн рублей"
    rf"(?P<bnum>\d+(?:[.,]\d+)?)\s*(?P<bscale>трлн\.?|млрд\.?|миллиард(?:а|ов)?)\s+(?P<snum>\d{{1,3}})\s*"
    rf"(?P<sscale>млрд\.?|миллиард(?:а|ов)?|млн\.?|миллион(?:а|ов)?)\s*(?P<bcur>{_CUR})(?![а-яё])"
    rf"|(?P<pre>[$€¥₽£])\s?(?P<pnum>{_NUM})\s*(?P<pscale>{_SCALE})?"
    rf"|(?:(?:(?P<num>{_NUM})|(?<![а-яё])(?P<wnum>{_WNUM}))\s*)?(?P<scale>{_SCALE})\s*(?P<cur>{_CUR})(?![а-яё])"
    rf"|(?P<num2>{_NUM})\s*(?P<cur2>{_CUR})(?![а-яё])"
    # "концессия ... на 7,2 миллиарда": a headline's sum in roubles with the currency left out
    rf"|(?<=на\s)(?P<num3>{_NUM})\s*(?P<scale3>трлн\.?|млрд\.?|миллиард(?:а|ов)?|млн\.?|миллион(?:а|ов)?)"
    r"(?!\s*(?:[а-яё]|\$|€))",
    re.I,
)


def _scale(word: str | None) -> float:
    if not word:
        return 1.0
    w = word.lower()
    if w.startswith(("трлн", "триллион")):
        return 1e12
    if w.startswith(("млрд", "миллиард")):
        return 1e9
    if w.startswith(("млн", "миллион")):
        return 1e6
    return 1e3


def _currency(word: str) -> str:
    if word in PREFIX_CUR:  # "5 млрд ₽": the sign written after the number
        return PREFIX_CUR[word]
    w = word.lower()
    if w.startswith(("бел", "byn")):
        return "BYN"
    if w.startswith(("руб", "р.", "rub")):
        return "RUB"
    if w.startswith(("долл", "usd")):
        return "USD"
    if w.startswith(("евро", "eur")):
        return "EUR"
    if w.startswith(("юан", "cny")):
        return "CNY"
    if w.startswith(("тенге", "kzt")):
        return "KZT"
    if w.startswith(("сом", "kgs")):
        return "KGS"
    if w.startswith(("грив", "uah")):
        return "UAH"
    if w.startswith(("иен", "йен")):
        return "JPY"
    if w.startswith("фунт"):
        return "GBP"
    return w.upper()


def words_number(raw: str) -> float:
    """ "двадцать пять" -> 25, "полтора" -> 1.5."""
    return sum(UNITS.get(w, 0) + TENS.get(w, 0) for w in raw.lower().split()) or 1.0


def _number(raw: str | None) -> float:
    if not raw:
        return 1.0
    return float(re.sub(r"[  ]", "", raw).replace(",", "."))


@dataclass(frozen=True, slots=True)
class AmountMention:
    """A sum found in text with its character span."""

    start: int
    end: int
    amount: Amount


def find_amounts(text: str) -> list[AmountMention]:
    """Every sum of money in `text`, in order."""
    out: list[AmountMention] = []
    for m in AMOUNT_RE.finditer(text):
        if m["bnum"]:
            value = _number(m["bnum"]) * _scale(m["bscale"]) + _number(m["snum"]) * _scale(m["sscale"])
            cur = _currency(m["bcur"])
        elif m["pre"]:
            value = _number(m["pnum"]) * _scale(m["pscale"])
            cur = PREFIX_CUR[m["pre"]]
        elif m["scale"]:
            value = (words_number(m["wnum"]) if m["wnum"] else _number(m["num"])) * _scale(m["scale"])
            cur = _currency(m["cur"])
        elif m["num2"]:
            value = _number(m["num2"])
            cur = _currency(m["cur2"])
        else:
            value = _number(m["num3"]) * _scale(m["scale3"])
            cur = "RUB"
        out.append(AmountMention(m.start(), m.end(), Amount(value, cur)))
    return out
