"""CLI: `python -m extraction --jsonl` (stdin -> stdout, gold format) or `python -m extraction FILE [--explain]`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from pathlib import Path

from extraction import extract, warm_up
from extraction.explain import render, render_agreements
from extraction.history.mentions import find_mentions, render_mentions
from extraction.pipeline import explain

log = logging.getLogger("extraction")


def _published(value: object) -> date | None:
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            log.warning("bad published date %r ignored", value)
    return None


def run_jsonl(inp, out) -> int:
    """Read {"id","text","published"} lines, write {"id","agreements","mentions"} lines; bad lines give []."""
    failures = 0
    for n, line in enumerate(inp, 1):
        if not line.strip():
            continue
        rec_id, rec = None, None
        agreements: list[dict] = []
        try:
            rec = json.loads(line)
            rec_id = rec.get("id")
            found = extract(str(rec.get("text") or ""), _published(rec.get("published")))
            agreements = [a.to_dict() for a in found]
        except Exception as exc:  # one bad line must not end the run
            failures += 1
            print(f"line {n}: {type(exc).__name__}: {exc}", file=sys.stderr)
        mentions = _mentions(rec, n) if isinstance(rec, dict) else []
        out.write(json.dumps({"id": rec_id, "agreements": agreements, "mentions": mentions}, ensure_ascii=False) + "\n")
        out.flush()
    return failures


def _mentions(rec: dict, n: int) -> list[dict]:
    """Mentions of earlier agreements (issue 18); a failure here leaves the agreements as they are."""
    try:
        return [m.to_dict() for m in find_mentions(str(rec.get("text") or ""), _published(rec.get("published")))]
    except Exception as exc:
        print(f"line {n}: mentions: {type(exc).__name__}: {exc}", file=sys.stderr)
        return []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extraction", description=__doc__)
    ap.add_argument("file", nargs="?", help="article text file")
    ap.add_argument("--jsonl", action="store_true", help="JSON lines on stdin -> JSON lines on stdout")
    ap.add_argument("--published", help="publication date YYYY-MM-DD")
    ap.add_argument("--explain", action="store_true",
                    help="for each agreement, the sentences it came from and why each field got its value; "
                         "for each near-miss, why it was turned down")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if a.jsonl:
        warm_up()
        run_jsonl(sys.stdin, sys.stdout)
        return 0
    if not a.file:
        ap.error("give a FILE or --jsonl")
    text, published = _read(a.file)
    published = _published(a.published) or published
    if a.explain:
        print(render(explain(text, published)))
        print("\n" + render_mentions(find_mentions(text, published)))
    else:
        print(render_agreements(extract(text, published)))
    return 0


def _read(path: str) -> tuple[str, date | None]:
    """A file's article text (and an .html page's own date), read as the bot reads a document:
    HTML through trafilatura (`fetching.read_document_article`), not as raw markup."""
    if Path(path).suffix.lower() not in (".html", ".htm", ".xhtml"):
        return Path(path).read_text(encoding="utf-8", errors="replace"), None
    from fetching import FetchError, FetchLimits, read_document_article

    data = Path(path).read_bytes()
    try:
        article = read_document_article(data, path, limits=FetchLimits(max_document_bytes=max(1, len(data))))
    except FetchError as exc:
        raise SystemExit(f"{path}: {exc.message_ru}") from exc
    return article.text, article.published


if __name__ == "__main__":
    sys.exit(main())
