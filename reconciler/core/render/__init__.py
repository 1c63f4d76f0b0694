"""Pure renderers of a `Plan`: text for people, JSON for programs, Markdown for pull requests.

They only format: every value a plan holds passes through `reconciler.core.redact` on the way
out, so callback numbers are masked and secrets never appear. No I/O: callers print or post.
"""

from reconciler.core.render.jsonout import FORMAT_VERSION, render_json
from reconciler.core.render.markdown import MARKDOWN_LIMIT, render_markdown
from reconciler.core.render.text import render_text

__all__ = ["FORMAT_VERSION", "MARKDOWN_LIMIT", "render_json", "render_markdown", "render_text"]
