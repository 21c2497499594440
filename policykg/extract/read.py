"""Read a policy file into text: detect the encoding, strip HTML/Markdown markup.

Offsets in policykg count Unicode code points in the text returned here (for HTML,
the document's text content, as the Web Annotation TextPositionSelector defines it).
"""
from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class ReadError(Exception):
    """A file that cannot be read as a policy; the message is one line for the user."""


@dataclass
class Document:
    source: str
    text: str
    encoding: str
    media: str  # text, html or markdown


_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) for raw bytes; raise ReadError for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace").lstrip("\ufeff"), enc
    head = data[:4096]
    if head and head.count(0) > len(head) // 4:
        # UTF-16 without BOM: every other byte is NUL for ASCII-heavy text
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even < len(head) // 16:
            return data.decode("utf-16-le", errors="replace"), "utf-16-le"
        if even > len(head) // 4 and odd < len(head) // 16:
            return data.decode("utf-16-be", errors="replace"), "utf-16-be"
        raise ReadError("binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in ("cp932", "euc_jp"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_japanese(text):
            return text, enc
    from charset_normalizer import from_bytes
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace"), best.encoding
    return data.decode("latin-1"), "latin-1"


def _looks_japanese(text: str) -> bool:
    kana = sum(1 for c in text[:5000] if "\u3040" <= c <= "\u30ff")
    return kana >= 5


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")   # control characters but tab, newlines, form feed


def _control_ratio(text: str) -> float:
    sample = text[:4096]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


def media_of(path: str, text: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    if ext in (".html", ".htm", ".xhtml"):
        return "html"
    if ext in (".md", ".markdown"):
        return "markdown"
    if ext in ("", ".txt") and re.match(r"\s*(<!doctype html|<html)", text[:500], re.I):
        return "html"
    return "text"


def read_bytes(data: bytes, source: str, media: str | None = None) -> Document:
    """Turn raw bytes into a Document (text with markup removed)."""
    if not data.strip():
        raise ReadError("empty file")
    text, enc = decode(data)
    if _control_ratio(text) > 0.05:
        raise ReadError("binary file, not text")
    media = media or media_of(source, text)
    if media == "html":
        from .markup import html_to_text
        text = html_to_text(text)
    elif media == "markdown":
        from .markup import markdown_to_text
        text = markdown_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError("no text in file")
    return Document(source=source, text=text, encoding=enc, media=media)


def read_path(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one policy file; raise ReadError with a one-line reason.

    Only regular files are read: a directory, a FIFO or a device is refused without
    blocking (the file is opened non-blocking and checked with fstat before reading).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise ReadError("is a directory") from None
    except FileNotFoundError:
        raise ReadError("broken symbolic link" if os.path.islink(path) else "no such file") from None
    except PermissionError:
        raise ReadError("permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadError("symbolic link loop") from None
        raise ReadError(exc.strerror or str(exc)) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ReadError("is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise ReadError("not a regular file (a pipe, socket or device)")
        if st.st_size > max_bytes:
            raise ReadError(f"file is {st.st_size:,} bytes, over the limit of {max_bytes:,} (see --max-bytes)")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew while being read
        raise ReadError(f"file is over the limit of {max_bytes:,} bytes (see --max-bytes)")
    return read_bytes(data, path)
