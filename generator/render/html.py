"""The report page, where 0.2 had it: `import generator.render.html` gives what render/page/html.py defines (the
page's modules live in render/page/ since the split by job)."""

from generator.render.page.html import WORD_BODY, render_html, uses_word_body

__all__ = ["WORD_BODY", "render_html", "uses_word_body"]
