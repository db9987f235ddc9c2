"""Mentions of earlier agreements (issue 18): the gold set's figures, single cues, and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from extraction.history import find_mentions
from tests.extraction.mentions_eval import evaluate, load_base, load_gold

ROOT = Path(__file__).resolve().parents[2]


def test_gold_set_figures() -> None:
    gold = load_gold()
    assert len(gold) >= 60
    figures = evaluate(gold, load_base()).as_dict()
    assert figures["link_precision"] >= 0.9, figures  # a wrong link is worse than none
    assert figures["link_recall"] >= 0.8, figures
    assert figures["kind_precision"] >= 0.85, figures
    assert figures["kind_recall"] >= 0.85, figures


def test_heldout_figures() -> None:
    """Sentences written after the rules were tuned: a wrong link stays rarer than one in ten."""
    figures = evaluate(load_gold("mentions_heldout.jsonl"), load_base()).as_dict()
    assert figures["link_precision"] >= 0.9, figures
    assert figures["detect_precision"] >= 0.8 and figures["kind_recall"] >= 0.7, figures


def test_termination_with_year_and_parties() -> None:
    [m] = find_mentions(
        "Правительство Калужской области расторгло соглашение с МТС, заключенное в 2022 году. "
        "Причиной стало невыполнение обязательств.",
        "2024-05-01",
    )
    assert (m.kind, m.year, m.regions, [p.name for p in m.partners]) == (
        "terminated", 2022, ["Калужская область"], ["МТС"]
    )


def test_plan_to_terminate_is_no_termination() -> None:
    [m] = find_mentions("Депутаты потребовали расторгнуть соглашение Свердловской области с РЖД.", "2024-05-01")
    assert m.kind == "other"


def test_new_signing_and_its_terms_are_no_mentions() -> None:
    text = (
        "Губернатор Калужской области и президент МТС подписали соглашение о развитии связи. "
        "В рамках соглашения МТС построит в регионе 100 базовых станций."
    )
    assert find_mentions(text, "2024-05-01") == []


def test_additional_agreement_signed_is_amended_news() -> None:
    [m] = find_mentions(
        "Мурманская область и «Новатэк» подписали допсоглашение к соглашению о сотрудничестве 2019 года.",
        "2024-05-01",
    )
    assert (m.kind, m.signed, m.year) == ("amended", True, 2019)


def test_relative_year() -> None:
    [m] = find_mentions(
        "По соглашению с «Лукойлом», подписанному год назад, в Пермском крае открыт новый стадион.", "2024-05-01"
    )
    assert (m.kind, m.year) == ("progress", 2023)


def test_jsonl_keeps_agreements_and_adds_mentions() -> None:
    text = (
        "Власти Оренбургской области сообщили об изменениях в инвестиционных планах. Соглашение с «Газпром "
        "нефтью», подписанное в 2021 году, расторгнуто по инициативе компании."
    )
    line = json.dumps({"id": "x", "text": text, "published": "2024-05-14"}, ensure_ascii=False)
    out = subprocess.run([sys.executable, "-m", "extraction", "--jsonl"], input=line + "\n{bad\n",
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    first, bad = [json.loads(x) for x in out.stdout.splitlines()]
    assert set(first) == {"id", "agreements", "mentions"}
    [m] = first["mentions"]
    assert (m["kind"], m["year"], m["regions"]) == ("terminated", 2021, ["Оренбургская область"])
    assert bad == {"id": None, "agreements": [], "mentions": []}
