"""The documents: a short README, every environment variable documented, no dangling relative link."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
CONFIGURATION = DOCS / "configuration.md"

README_MAX_BYTES = 12 * 1024
# Folders whose files are not the bot: their variables belong to the tests or the benchmarks.
SKIP_DIRS = {"tests", "bench", ".venv", ".git", "node_modules", "__pycache__"}
# Added by others: a link to them is not dangling.
LINKS_ADDED_ELSEWHERE = ("docs/img/", "docs/extraction.md")

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
# os.environ.get("X", os.environ["X"], os.getenv("X", environ.get("X" (quotes of either kind)
_LITERAL = re.compile(r"""(?:environ\.get|environ\[|getenv)\(?\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")
# the same with a module constant (GATE_ENV = "TEST_EXTRACT_GATE"; os.environ.get(GATE_ENV, ...))
_CONSTANT = re.compile(rf"(?:environ\.get|environ\[|getenv)\(?\s*({_NAME})\s*[,)\]]")
_MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HTML_LINK = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def _ours(filename: str) -> bool:
    """A file of this project (not of a library in .venv or the standard library)."""
    path = Path(filename)  # "<frozen os>" and the like are no files
    if not path.is_absolute():
        return False
    path = path.resolve()
    return path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv")


class _RecordingEnviron(dict[str, str]):
    """An empty environment that notes every name the project's own code reads from it."""

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()

    def _note(self, key: object) -> None:
        if isinstance(key, str) and _ours(sys._getframe(2).f_code.co_filename):
            self.read.add(key)

    def get(self, key, default=None):  # type: ignore[override]
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)


def _settings_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> set[str]:
    """Every variable `Settings.from_env()` and the settings it hands on (fetch limits, queue, feeds) read."""
    from app.settings import Settings

    Settings.from_env(tmp_path / "none.env").fetch_limits()  # lazy imports done before recording
    environ = _RecordingEnviron()
    monkeypatch.setattr(os, "environ", environ)
    settings = Settings.from_env(tmp_path / "none.env")
    for derived in ("fetch_limits", "queue_limits", "poller_settings"):
        method = getattr(settings, derived, None)
        if method is not None:
            method()
    return environ.read


def _python_files() -> list[Path]:
    files = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        files.extend(Path(dirpath) / f for f in filenames if f.endswith(".py"))
    return files


def _scanned_variables() -> dict[str, Path]:
    """Variables read by name anywhere in the bot's code, with a file that reads each."""
    found: dict[str, Path] = {}
    for path in _python_files():
        source = path.read_text(encoding="utf-8")
        for name in _LITERAL.findall(source):
            found.setdefault(name, path)
        for constant in _CONSTANT.findall(source):
            assigned = re.search(
                rf"^{constant}\s*(?::[^=]+)?=\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']", source, re.M
            )
            if assigned:
                found.setdefault(assigned.group(1), path)
    return found


def _documented_variables() -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]*)`", CONFIGURATION.read_text(encoding="utf-8")))


def test_readme_is_short() -> None:
    size = len(README.read_bytes())
    assert size < README_MAX_BYTES, f"README.md is {size} bytes; move details to docs/"


def test_scan_finds_the_variables_read_by_name() -> None:
    """The scan itself works: these are read outside the settings class."""
    scanned = _scanned_variables()
    assert {"DATABASE_URL", "CACHE_DIR", "TEST_EXTRACT_GATE"} <= set(scanned)


def test_every_variable_is_documented(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from_settings = _settings_variables(monkeypatch, tmp_path)
    assert {"BOT_TOKEN", "FETCH_CONNECT_TIMEOUT"} <= from_settings  # the recording works
    scanned = _scanned_variables()
    documented = _documented_variables()
    missing = sorted((from_settings | set(scanned)) - documented)
    where = {
        name: str(scanned[name].relative_to(ROOT)) if name in scanned else "Settings" for name in missing
    }
    assert not missing, f"not in docs/configuration.md: {where}"


def _relative_links(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # code blocks hold no links
    links = _MARKDOWN_LINK.findall(text) + _HTML_LINK.findall(text)
    return [link for link in links if not re.match(r"^[a-z][a-z0-9+.-]*:|^#|^//", link, re.I)]


def test_relative_links_resolve() -> None:
    documents = [README, *sorted(DOCS.glob("*.md"))]
    broken = []
    for document in documents:
        for link in _relative_links(document):
            target = (document.parent / link.split("#", 1)[0]).resolve()
            relative = target.relative_to(ROOT).as_posix() if target.is_relative_to(ROOT) else str(target)
            if relative.startswith(LINKS_ADDED_ELSEWHERE):
                continue
            if not target.exists():
                broken.append(f"{document.relative_to(ROOT)}: {link}")
    assert not broken, f"links to missing files: {broken}"
