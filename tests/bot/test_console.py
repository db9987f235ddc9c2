"""Console mode through its real stdin/stdout: `python bot.py --console`, no token, no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file for the module: the first run loads the seeds, the next one starts faster."""
    return tmp_path_factory.mktemp("console") / "console.db"


def run_bot(args: list[str], stdin: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "BOT_TOKEN": "",  # an empty value also hides any BOT_TOKEN of a developer's .env
        "EXTRACT_WORKERS": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "bot.py", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=180,
        check=False,
    )


def test_console_mode_answers_commands_and_buttons(db: Path) -> None:
    article = (
        '"""\n'
        "Правительство Томской области и ООО «Северный ветер» заключили соглашение о строительстве ветропарка.\n"
        "Соглашение подписали губернатор Томской области Владимир Мазур и генеральный директор компании "
        "Пётр Сидоров.\n"
        '"""\n'
    )
    news = db.parent / "новость.txt"
    news.write_text(
        "Правительство Курской области и АО «Южный берег» подписали соглашение о сотрудничестве. "
        "Документ подписали губернатор Курской области Иван Петров и генеральный директор АО «Южный берег» "
        "Сергей Смирнов.",
        encoding="cp1251",
    )
    stdin = "/start\n/region Калужская\n1\n" + article + f"/region Томская\n/file {news}\n/reload\n"
    done = run_bot(["--console"], stdin, db)
    out = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Консольный режим" in out
    assert "Бот о соглашениях регионов России" in out and "В базе 5 соглашений из 5 статей" in out
    assert "Регион: Калужская область" in out and "Артамонов" in out
    assert "[1] №" in out  # the card button as a numbered choice
    assert "Из текста:" in out and "  │ " in out  # pressing "1" opened the full card with its evidence
    assert "Нашёл соглашений: 1" in out and "Северный ветер" in out  # the multi-line article
    assert "Регион: Томская область" in out
    assert "Курская область" in out and "Южный берег" in out  # a .txt file sent with /file
    assert "База перезагружена" in out  # the console user is the admin
    assert "<b>" not in out and "&quot;" not in out  # HTML turned into plain text


def test_make_run_without_token_falls_back_to_console(db: Path) -> None:
    done = run_bot([], "/region Оренбуржье\n", db)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "BOT_TOKEN не задан" in done.stderr
    assert "Регион: Оренбургская область" in done.stdout and "МТС" in done.stdout
