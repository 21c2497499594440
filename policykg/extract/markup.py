"""Markup to text: HTML through a real parser (lxml, recovering like a browser), Markdown by line rules."""
from __future__ import annotations

import re

_WS = re.compile(r"\s+")

_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "li", "ul", "ol",
    "dl", "dt", "dd", "table", "tr", "thead", "tbody", "tfoot", "h1", "h2", "h3", "h4", "h5", "h6",
    "br", "hr", "blockquote", "pre", "address", "figure", "figcaption", "form", "fieldset", "caption",
}
_DROP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "embed", "canvas"}


class _TextTarget:
    """lxml parser target: collects the text as the parser reads it (no tree, so no depth limit)."""

    def __init__(self):
        self.out: list[str] = []
        self.dropped = 0     # depth inside script, style, ...

    def start(self, tag, attrib):
        tag = tag.lower() if isinstance(tag, str) else ""
        if tag in _DROP or self.dropped:
            self.dropped += tag in _DROP
            return
        if tag in ("td", "th"):
            self.out.append(" | ")
        elif tag in _BLOCK:
            self.out.append("\n")
            if tag == "li":
                self.out.append("- ")
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.out.append("#" * int(tag[1]) + " ")

    def end(self, tag):
        tag = tag.lower() if isinstance(tag, str) else ""
        if tag in _DROP:
            self.dropped = max(0, self.dropped - 1)
        elif tag in _BLOCK and not self.dropped:
            self.out.append("\n")

    def data(self, text):
        if not self.dropped:
            self.out.append(_WS.sub(" ", text))

    def comment(self, text):
        pass

    def close(self):
        return self.out


def html_to_text(html: str) -> str:
    """Text content of an HTML page: blocks become lines, list items get '- ', table cells ' | '."""
    from lxml import etree
    target = _TextTarget()
    parser = etree.HTMLParser(target=target, recover=True, huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        parser.feed(html)
        out = parser.close()
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        out = target.out
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
