"""`python -m extraction` as a real subprocess: JSON lines round trip and the readable mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .texts import ARTICLES

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extraction", *args], input=stdin, capture_output=True, text=True,
        cwd=ROOT, timeout=120,
    )


def test_jsonl_round_trip_survives_a_bad_line() -> None:
    lines = [
        json.dumps({"id": "a", "text": ARTICLES["company"], "published": "2024-02-03"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "b", "text": ARTICLES["plan"], "published": None}, ensure_ascii=False),
        json.dumps({"id": "c", "text": ARTICLES["company"], "published": "garbage"}, ensure_ascii=False),
    ]
    out = run(["--jsonl"], "\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    recs = [json.loads(x) for x in out.stdout.splitlines()]
    assert [r["id"] for r in recs] == ["a", None, "b", "c"]
    first = recs[0]["agreements"][0]
    assert first["regions"] == ["Калужская область"]
    assert first["partners"][0]["name"] == "Ромашка"
    assert first["signatories"][0] == {"name": "Владислав Шапша", "role": "губернатор Калужской области"}
    assert set(first) >= {"doc_type", "countries", "date", "event", "amount"}
    assert recs[1]["agreements"] == [] and recs[2]["agreements"] == []
    assert recs[3]["agreements"][0]["date"] is None
    assert "line 2" in out.stderr


def test_file_mode_prints_a_readable_card(tmp_path: Path) -> None:
    f = tmp_path / "article.txt"
    f.write_text(ARTICLES["header_footer"], encoding="utf-8")
    out = run([str(f), "--published", "2025-07-18"])
    assert out.returncode == 0, out.stderr
    assert "Краснодарский край" in out.stdout
    assert "Нефтемаш" in out.stdout
    assert "17.07.2025" in out.stdout
    assert "Степан Иванов" in out.stdout


def test_explain_shows_sentences_rules_and_rejected_near_misses(tmp_path: Path) -> None:
    f = tmp_path / "article.txt"
    f.write_text(
        "Губернатор Курганской области Вадим Шумков в среду встретился с председателем правления ПАО "
        "«Промсвязьбанк» Петром Фрадковым. Итогом встречи стало подписание соглашения о сотрудничестве.\n\n"
        "В июне стороны подпишут еще одно соглашение — о поддержке малого бизнеса.",
        encoding="utf-8")
    out = run([str(f), "--published", "2024-03-14", "--explain"])
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Курганская область" in text and "Промсвязьбанк" in text
    # the sentence the agreement came from, and why the signers and the date are what they are
    assert "[1] Итогом встречи стало подписание соглашения" in text
    assert "signatories [0]: no signer in the signing sentences: the people of the meeting" in text
    assert "date [0]: the meeting or visit the signing came out of" in text
    # the near-miss, with the reason it was turned down
    assert "rejected:" in text and "подпишут" in text and "not signed (yet)" in text
