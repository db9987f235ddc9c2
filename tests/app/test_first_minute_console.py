"""The first minute in the terminal: `python bot.py --console` on a fresh base, through stdin/stdout."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_console import run_bot


def test_first_minute_in_the_console_answers_from_the_seeds(tmp_path: Path) -> None:
    """`python bot.py --console` on a fresh base, its own examples typed at once: they wait for the
    seeds and answer with the seeded cards; /start counts the five seeds."""
    done = run_bot(["--console"], "/region Калужская\n/partner МТС\n/start\n", tmp_path / "fresh.db")
    out = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Регион: Калужская область" in out and "Артамонов" in out
    assert "Партнёр: МТС" in out and "Оренбургская область" in out
    assert "В базе 5 соглашений из 5 статей" in out
    assert "База ещё заполняется" not in out
