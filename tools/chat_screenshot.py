"""Render a short chat with the real bot as a PNG for the README (`docs/img/chat.png`).

The bot runs for real (seeds, extraction, SQLite in a temp dir) against the test suite's fake Bot
API; its Telegram HTML is drawn in chat bubbles and photographed by headless Chromium.

    .venv/bin/python tools/chat_screenshot.py [OUT.png] ["/region Калужская" ...]
"""

from __future__ import annotations

import asyncio
import html
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.botapp import start_app  # noqa: E402

USER = 4242
DEFAULT = ["/region Калужская", "/partner МТС"]
CSS = """
body { margin: 0; background: #9bb8d3; font: 15px/1.35 -apple-system, 'Segoe UI', Roboto, sans-serif; }
.chat { width: 420px; padding: 14px 10px 20px; box-sizing: border-box; }
.msg { max-width: 86%; margin: 6px 0; padding: 7px 11px; border-radius: 14px; white-space: pre-wrap;
       word-wrap: break-word; box-shadow: 0 1px 1px rgba(0,0,0,.15); }
.me { margin-left: auto; background: #e1ffc7; border-bottom-right-radius: 4px; }
.bot { background: #fff; border-bottom-left-radius: 4px; }
.bot a { color: #168acd; text-decoration: none; }
.kb { max-width: 86%; display: grid; gap: 4px; margin: 2px 0 8px; }
.row { display: flex; gap: 4px; }
.btn { flex: 1; text-align: center; padding: 7px 4px; border-radius: 8px; background: rgba(0,0,0,.18);
       color: #fff; font-size: 13px; font-weight: 500; }
blockquote { margin: 4px 0; padding-left: 8px; border-left: 3px solid #168acd; }
.head { background: #517da2; color: #fff; padding: 12px 16px; font-weight: 600; width: 420px; box-sizing: border-box; }
"""


def bubble(text: str, markup: dict[str, Any] | None, mine: bool) -> str:
    body = html.escape(text) if mine else text  # the bot's text is Telegram HTML already
    out = f'<div class="msg {"me" if mine else "bot"}">{body}</div>'
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = (markup or {}).get("inline_keyboard") or []
    if rows:
        cells = "".join(
            '<div class="row">' + "".join(f'<div class="btn">{html.escape(b["text"])}</div>' for b in row) + "</div>"
            for row in rows
        )
        out += f'<div class="kb">{cells}</div>'
    return out


async def collect(commands: list[str]) -> list[str]:
    parts: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        async for app in start_app(f"sqlite+aiosqlite:///{tmp}/chat.db"):
            for command in commands:
                parts.append(bubble(command, None, True))
                await app.fake.send_text(USER, command)
                call = (await app.fake.wait_for(USER, "sendMessage", timeout=60))[0]
                parts.append(bubble(call.params.get("text", ""), call.params.get("reply_markup"), False))
    return parts


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "docs" / "img" / "chat.png"
    commands = argv[1:] or DEFAULT
    parts = asyncio.run(collect(commands))
    page = (f'<!doctype html><meta charset="utf-8"><style>{CSS}</style>'
            f'<div class="head">Соглашения регионов — бот</div><div class="chat">{"".join(parts)}</div>')
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "chat.html"
        src.write_text(page, encoding="utf-8")
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--screenshot={out}", "--window-size=420,1100", src.as_uri()],
            check=True, capture_output=True, timeout=120,
        )
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
