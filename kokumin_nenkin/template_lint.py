"""Template check run by `make lint`: a `{#` comment must close on its own line.

Django's `{# … #}` comment is single-line only. When its `#}` is on a later line the comment is
not a comment: the page shows it as text. This reads every template the way Django's lexer
does and reports each `{#` left in the text, outside `{% comment %}` and `{% verbatim %}`.

    python -m kokumin_nenkin.template_lint            # every templates/ folder of the project
    python -m kokumin_nenkin.template_lint PATH ...   # these files, or the templates/ under PATH
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.template.base import COMMENT_TAG_START, Lexer, TokenType

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Folders never holding our templates: installed packages, caches, collected static files.
_SKIPPED_DIRS = {"node_modules", "__pycache__", "static", "staticfiles", "var"}


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int

    def __str__(self) -> str:
        return (
            f"{_shown(self.path)}:{self.line}: '{{#' is not closed by '#}}' on the same line, "
            "so Django shows the comment as text: use {% comment %}…{% endcomment %}"
        )


def unclosed_comments(source: str) -> Iterator[int]:
    """The line of each `{#` that Django's lexer leaves as text (its `#}` is on a later line,
    or missing)."""
    skip_until = ""  # the closing tag of the {% comment %} or {% verbatim %} block we are in
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(maxsplit=1)[0] if token.contents else ""
            if skip_until:
                if token.contents == skip_until:
                    skip_until = ""
            elif name in ("comment", "verbatim"):
                skip_until = "end" + (token.contents if name == "verbatim" else name)
        elif token.token_type == TokenType.TEXT and not skip_until:
            first_line = token.lineno or 1  # Lexer always sets it; the stubs allow None
            start = token.contents.find(COMMENT_TAG_START)
            while start != -1:
                yield first_line + token.contents.count("\n", 0, start)
                start = token.contents.find(COMMENT_TAG_START, start + 2)


def check_file(path: Path) -> list[Problem]:
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return []  # an image or other binary file kept beside the templates
    return [Problem(path, line) for line in unclosed_comments(source)]


def template_dirs(root: Path) -> Iterator[Path]:
    """Every folder named `templates` under root (the project's and each app's)."""
    for current, dirs, _files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        if Path(current).name == "templates":
            dirs[:] = []  # its files are all read below
            yield Path(current)


def template_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_file():
            yield path
            continue
        for folder in template_dirs(path):
            yield from sorted(p for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    files = list(template_files([Path(a) for a in args] or [PROJECT_ROOT]))
    problems = [problem for path in files for problem in check_file(path)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} unclosed template comment(s) in {len(files)} template(s).")
        return 1
    print(f"Templates: {len(files)} checked, no multi-line {{# #}} comment.")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
