"""`python -m extraction page.html --explain` reads an .html file as the bot reads a document:
through trafilatura (the fetching package), with the page's own publication date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = """<html><head><meta charset="utf-8"><title>Тамбов и «Зелёный дом» | Новости</title>
<meta property="article:published_time" content="2025-04-22T09:00:00+03:00"></head><body>
<nav><a href="/">Главная</a> <a href="/about">О нас</a></nav>
<article><h1>Тамбов и «Зелёный дом»</h1><p>21 апреля правительство Тамбовской области и ООО «Зелёный дом»
подписали соглашение о строительстве тепличного комплекса.</p><p>Документ подписали губернатор Тамбовской
области Евгений Первышов и директор компании Олег Смирнов.</p></article>
<footer>© Новости регионов</footer></body></html>"""


def test_explain_reads_html_like_the_bot(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "extraction", str(page), "--explain"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "дата: 21.04.2025" in out.stdout  # the year comes from the page's metadata
    assert "<p>" not in out.stdout and "<title>" not in out.stdout and "Главная" not in out.stdout
    assert "Тамбовская область" in out.stdout and "Зелёный дом" in out.stdout


def test_explain_says_why_an_html_file_cannot_be_read(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body><nav>Меню</nav></body></html>", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "extraction", str(page)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode != 0 and "empty.html" in out.stderr and "Traceback" not in out.stderr
