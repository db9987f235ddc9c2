"""Text as Telegram measures and parses it: UTF-16 length, HTML entities, auto-detected entities."""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass
from typing import Any

from .errors import _bad


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts message length and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL_RE = re.compile(r"[<&]")
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,9})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z][a-zA-Z0-9]*));")


class _ParseError(Exception):
    pass


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int]:
    """Decode the character entity at text[i] == '&'; strict: a bare '&' is an error."""
    m = _ENTITY_RE.match(text, i)
    if m is None:
        # Telegram's docs require every '&' outside an entity to be escaped as &amp;
        raise _ParseError(f'Character "&" must be escaped as "&amp;" at byte offset {_byte_offset(text, i)}')
    dec, hexa, name = m.groups()
    if name is not None:
        if name not in _NAMED_ENTITIES:
            known = (
                " (a valid HTML entity, but Telegram does not support it)"
                if (name in html.entities.name2codepoint)
                else ""
            )
            raise _ParseError(
                f'Unsupported HTML entity "&{name};"{known} at byte offset {_byte_offset(text, i)}'
            )
        return _NAMED_ENTITIES[name], m.end()
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _ParseError(f"Invalid character code {code} at byte offset {_byte_offset(text, i)}")
    return chr(code), m.end()


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the visible text
    begin: int  # index in the source, for error messages


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (visible text, entities) of an HTML-formatted message or raise _ParseError."""
    out: list[str] = []
    out_len = 0  # UTF-16 length of the visible text so far
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    i, n = 0, len(text)
    while i < n:
        special = _SPECIAL_RE.search(text, i)
        stop = special.start() if special else n
        if stop > i:  # a run of plain text
            chunk = text[i:stop]
            out.append(chunk)
            out_len += utf16_len(chunk)
            i = stop
            continue
        if text[i] == "&":
            ch, i = _decode_entity(text, i)
            out.append(ch)
            out_len += utf16_len(ch)
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            i += 1
            if not stack:
                raise _ParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            j = i
            while i < n and not text[i].isspace() and text[i] != ">":
                i += 1
            name = text[j:i].lower()
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != ">":
                raise _ParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            i += 1
            tag = stack.pop()
            if name and name != tag.name:
                raise _ParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{tag.name}>", found "</{name}>"'
                )
            entity = _make_entity(tag, out_len - tag.start, stack)
            if entity is not None:
                entities.append(entity)
            continue
        j = i
        while i < n and not text[i].isspace() and text[i] != ">":
            i += 1
        if i >= n:
            raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        name = text[j:i].lower()
        if name not in _HTML_TAGS:
            raise _ParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}')
        attrs, i = _parse_attributes(text, i, name, begin)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _ParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, begin)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise _ParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {_byte_offset(text, begin)}'
            )
        stack.append(_OpenTag(name, attrs, out_len, begin))
    if stack:
        raise _ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _parse_attributes(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    attrs: dict[str, str] = {}
    n = len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] == ">":
            return attrs, i + 1
        j = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[j:i].lower()
        if not name:
            raise _ParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] != "=" and tag == "blockquote" and name == "expandable":
            attrs[name] = ""
            continue
        if i >= n or text[i] != "=":
            raise _ParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {_byte_offset(text, begin)}"
            )
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        value: list[str] = []
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            while i < n and text[i] != quote:
                if text[i] == "&":
                    ch, i = _decode_entity(text, i)
                    value.append(ch)
                else:
                    value.append(text[i])
                    i += 1
            if i >= n:
                raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            i += 1
        else:
            while i < n and not text[i].isspace() and text[i] != ">":
                value.append(text[i])
                i += 1
        attrs[name] = "".join(value)


def _make_entity(tag: _OpenTag, length: int, outer: list[_OpenTag]) -> dict[str, Any] | None:
    if length <= 0:
        return None  # Telegram drops empty entities
    kind = _HTML_TAGS[tag.name]
    entity: dict[str, Any] = {"type": kind, "offset": tag.start, "length": length}
    if kind == "text_link":
        entity["url"] = tag.attrs.get("href", "")
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    elif kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "code" and outer and outer[-1].name == "pre":
        language = tag.attrs.get("class", "")
        if language.startswith("language-"):
            outer[-1].attrs["language"] = language.removeprefix("language-")
        return None  # <pre><code class=...> is one pre entity
    elif kind == "pre" and tag.attrs.get("language"):
        entity["language"] = tag.attrs["language"]
    return entity


def _strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace as Telegram does, moving and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    result = []
    for e in entities:
        start = max(e["offset"] - shift, 0)
        end = min(e["offset"] - shift + e["length"], limit)
        if end > start:
            result.append({**e, "offset": start, "length": end - start})
    return stripped, result


def format_text(text: Any, parse_mode: Any, entities: Any, *, what: str = "text") -> tuple[str, list]:
    """Parse a text or caption like Telegram: (visible text, entities) or an ApiError."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        text = str(text)
    mode = (parse_mode or "").lower() if isinstance(parse_mode, str) else ""
    if mode == "html":
        try:
            visible, found = parse_html(text)
        except _ParseError as e:
            raise _bad(f"can't parse entities: {e}") from None
    elif mode in ("", "markdown", "markdownv2"):
        visible, found = text, list(entities) if isinstance(entities, list) else []
    else:
        raise _bad(f"unsupported parse_mode {parse_mode!r}")
    return _strip_text(visible, found)


_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")


def detect_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram's clients attach on their own: bot commands, URLs, mentions."""
    found = []
    for kind, regex in (("bot_command", _COMMAND_RE), ("url", _URL_RE), ("mention", _MENTION_RE)):
        for m in regex.finditer(text):
            found.append(
                {"type": kind, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
            )
    found.sort(key=lambda e: e["offset"])
    return found
