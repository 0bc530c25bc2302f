"""Markdown and code highlighting, done once when the catalog loads (never per request)."""

from __future__ import annotations

import json
import re

import markdown
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JsonLexer, PythonLexer

MARKDOWN_EXTENSIONS = ["fenced_code", "codehilite", "tables", "sane_lists", "attr_list"]
MARKDOWN_CONFIG = {"codehilite": {"css_class": "highlight", "guess_lang": False}}
_FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)
_LONE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


def markdown_to_html(text: str) -> str:
    """Render block Markdown (lesson prose) to HTML."""
    return markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG)


def inline_markdown(text: str) -> str:
    """Render a one-paragraph Markdown string without the wrapping <p>."""
    html = markdown.markdown(text, extensions=["sane_lists"])
    match = _LONE_PARAGRAPH.match(html.strip())
    return match.group(1) if match else html


def highlight_json(data: object) -> tuple[str, str]:
    """Pretty-print JSON data and return (text, highlighted HTML)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return text, highlight(text, JsonLexer(), _FORMATTER)


def highlight_python(code: str) -> str:
    return highlight(code, PythonLexer(), _FORMATTER)


def pygments_css() -> str:
    """Stylesheet for highlighted code in light and dark mode (used to build static/lessons/pygments.css)."""
    # xcode and lightbulb are the Pygments styles whose every token meets WCAG AA (4.5:1) on their background.
    light = HtmlFormatter(style="xcode").get_style_defs(".highlight")
    dark = HtmlFormatter(style="lightbulb").get_style_defs('[data-bs-theme="dark"] .highlight')
    return f"{light}\n{dark}\n"
