"""Markup to text: HTML through a real parser (lxml via BeautifulSoup), Markdown by line rules."""
from __future__ import annotations

import re
import warnings

_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "li", "ul", "ol",
    "dl", "dt", "dd", "table", "tr", "thead", "tbody", "tfoot", "h1", "h2", "h3", "h4", "h5", "h6",
    "br", "hr", "blockquote", "pre", "address", "figure", "figcaption", "form", "fieldset", "caption",
}
_DROP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "embed", "canvas"}


class _Close:
    """What to write once a block element's children are written."""
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def html_to_text(html: str) -> str:
    """Text content of an HTML page: blocks become lines, list items get '- ', table cells ' | '."""
    from bs4 import BeautifulSoup, Comment, NavigableString, Tag

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # XHTML or XML-looking pages are still read as HTML
        try:
            soup = BeautifulSoup(html, "lxml")
        except Exception:  # lxml missing or refusing: fall back to the stdlib parser
            soup = BeautifulSoup(html, "html.parser")
    out: list[str] = []
    # an explicit stack, not recursion: a page nested thousands of levels deep is read too
    stack: list = list(reversed(list(soup.children)))
    while stack:
        child = stack.pop()
        if isinstance(child, _Close):
            out.append(child.text)
            continue
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not CData, Doctype, ProcessingInstruction...
                out.append(re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower() if child.name else ""
        if name in _DROP:
            continue
        kids = list(reversed(list(child.children)))
        if name in ("td", "th"):
            out.append(" | ")
        elif name in _BLOCK:
            out.append("\n")
            if name == "li":
                out.append("- ")
            elif name in ("h1", "h2", "h3", "h4", "h5", "h6"):
                out.append("#" * int(name[1]) + " ")
            stack.append(_Close("\n"))
        stack.extend(kids)

    text = "".join(out)
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"[ \t\u00a0]+", " ", line).strip()
        line = re.sub(r"^\|\s*", "", line)
        if line:
            lines.append(line)
    return "\n".join(lines)


_MD_RULES = [
    (re.compile(r"!\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)"), r"\1"),
    (re.compile(r"\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)"), r"\1"),
    (re.compile(r"\[([^\]\n]{0,500})\]\[[^\]\n]{0,200}\]"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)([^\n]{0,2000}?\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]{0,2000}?\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`\n]{0,2000})`"), r"\1"),
    (re.compile(r"<[^>\n]{0,500}>"), ""),
]


def markdown_to_text(md: str) -> str:
    """Markdown to plain lines: links to their text, emphasis and inline HTML removed,
    headings kept as '# ' lines, table rows as 'cell | cell'."""
    lines = []
    in_code = False
    for line in md.replace("\r\n", "\n").split("\n"):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        if re.match(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", line):
            continue  # table separator row
        if re.match(r"^\s*([-*_])\s*(\1\s*){2,}$", line):
            continue  # horizontal rule
        if line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            line = " | ".join(c for c in cells)
        line = re.sub(r"^(\s*)[*+]\s+", r"\1- ", line)
        for rx, rep in _MD_RULES:
            line = rx.sub(rep, line)
        lines.append(line)
    return "\n".join(lines)
