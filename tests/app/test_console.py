"""Console mode through its real stdin/stdout: `python bot.py --console`, no token, no network."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file for the module, seeded by a first start with nothing to answer: the seeds
    load in the background, and a bot stopping meanwhile finishes them first."""
    path = tmp_path_factory.mktemp("console") / "console.db"
    first = run_bot(["--console"], "", path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "seeds loaded" in log_file(path).read_text(encoding="utf-8")
    return path


def log_file(db: Path) -> Path:
    return db.with_name(db.stem + ".log")


def run_bot(args: list[str], stdin: str, db: Path, **env_vars: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "BOT_TOKEN": "",  # an empty value also hides any BOT_TOKEN of a developer's .env
        "EXTRACT_WORKERS": "1",
        "LOG_LEVEL": "INFO",
        "CONSOLE_LOG_FILE": str(log_file(db)),
        "PYTHONIOENCODING": "utf-8",
        **env_vars,
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


def test_console_logs_go_to_a_file_not_between_answers(db: Path) -> None:
    log = log_file(db)
    log.unlink(missing_ok=True)
    article = (
        '"""\nПравительство Омской области и АО «Сибирский хлеб» подписали соглашение о сотрудничестве. '
        "Документ подписали губернатор Омской области Виталий Хоценко и генеральный директор "
        'АО «Сибирский хлеб» Олег Иванов.\n"""\n'
    )
    stdin = "/region Калужская\n" + article + "/partner МТС\n/region Атлантида\n"
    done = run_bot(["--console"], stdin, db, LOG_LEVEL="DEBUG")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Регион: Калужская область" in done.stdout and "Не нашёл регион «Атлантида»" in done.stdout
    assert "Нашёл соглашений: 1" in done.stdout and "Сибирский хлеб" in done.stdout
    assert f"Журнал работы бота пишется в файл {log}" in done.stdout
    assert not LOG_LINE.search(done.stdout), done.stdout  # not one log record among the answers
    assert done.stderr == ""  # nor anything on the terminal's other stream, the workers' included
    written = log.read_text(encoding="utf-8")
    assert LOG_LINE.search(written)
    assert "answering" in written and "after start" in written  # the start-up timeline
    assert "is handled" in written  # aiogram's own records of the updates
    assert "[worker]" in written  # the extraction worker's records (it loaded the models)
