"""Console mode: /map writes the PNG and names its path; the web page's local address is printed."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from tests.app.test_console import run_bot


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_console_map_writes_a_png_and_prints_the_page_address(tmp_path: Path) -> None:
    port = free_port()
    done = run_bot(["--console"], "/map\n", tmp_path / "console.db", WEB_PORT=str(port))
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"Веб-страница с картой: http://127.0.0.1:{port}/" in done.stdout
    found = re.search(r"\[Картинка сохранена: (.+?\.png)\] Соглашения регионов", done.stdout)
    assert found, done.stdout[-2000:]
    path = Path(found[1])
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("port", ["0"])
def test_console_without_the_page(tmp_path: Path, port: str) -> None:
    done = run_bot(["--console"], "/events\n", tmp_path / "console.db", WEB_PORT=port)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Веб-страница" not in done.stdout
    assert "События" in done.stdout or "пока нет соглашений" in done.stdout
