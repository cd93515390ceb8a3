"""Redact: what each edition may publish.

Commissioners fence narrative that providers must not see::

    ::: restricted
    Our budget for next year assumes ...
    :::

The full edition shows the block with a visible label; the provider edition
leaves it out before any placeholder inside it is filled, so nothing from it
can reach MkDocs. An unclosed, unopened or misspelt fence stops the build with
the file and line: a typo must never publish a restricted paragraph.

Line numbers are preserved (removed lines become blank lines) so that
template errors still point at the right line of the commissioner's file.
"""
from __future__ import annotations

import difflib
import re

from .problems import BuildError, Problem
from .values import Change, Figure, Namespace

EDITIONS = ("full", "provider")
FENCE = re.compile(r"^\s*:{3,}\s*(?P<word>[^\s:]*)\s*(?P<rest>.*?)\s*$")
MARKERS = ("restricted",)

START_SENTINEL = "\x00restricted-start\x00"
END_SENTINEL = "\x00restricted-end\x00"

FULL_EDITION_LABEL = (
    '<div class="restricted" markdown="1">\n\n'
    '<p class="restricted__label"><strong>Not in the provider edition.</strong> '
    "Providers do not see this part: it is commercially sensitive.</p>\n"
)


def split_restricted(text: str, source_name: str, edition: str) -> str:
    """Apply ``::: restricted`` fences for an edition, keeping line numbers.

    Provider edition: fenced lines become blank. Full edition: the fences
    become sentinels that ``finish_restricted`` turns into a labelled block
    after rendering.
    """
    lines = text.split("\n")
    out: list[str] = []
    problems: list[Problem] = []
    open_line: int | None = None
    in_code = False
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        match = None if in_code else FENCE.match(line)
        if match is None:
            out.append("" if open_line is not None and edition == "provider" else line)
            continue
        word = match["word"].lower()
        if word == "":
            if open_line is None:
                problems.append(Problem("restricted-unopened", "a closing ':::' with no '::: restricted' above it",
                                        file=source_name, line=number,
                                        hint="open the block with '::: restricted' on its own line"))
                out.append(line)
            else:
                open_line = None
                out.append("" if edition == "provider" else END_SENTINEL)
            continue
        if word not in MARKERS:
            near = difflib.get_close_matches(word, MARKERS, n=1, cutoff=0.5)
            problems.append(Problem("restricted-marker", f"unknown block marker '::: {match['word']}'",
                                    file=source_name, line=number,
                                    hint=f"did you mean '::: {near[0]}'?" if near else
                                    "the only block marker is '::: restricted'"))
            out.append(line)
            continue
        if open_line is not None:
            problems.append(Problem("restricted-nested", "'::: restricted' inside another restricted block",
                                    file=source_name, line=number,
                                    hint=f"close the block opened on line {open_line} with ':::' first"))
            continue
        open_line = number
        out.append("" if edition == "provider" else START_SENTINEL)
    if open_line is not None:
        problems.append(Problem("restricted-unclosed", "'::: restricted' is never closed", file=source_name,
                                line=open_line, hint="end the block with ':::' on its own line"))
    if problems:
        raise BuildError(problems, stage="redact")
    return "\n".join(out)


def finish_restricted(markdown: str) -> str:
    """Full edition: turn the sentinels into a visibly labelled block."""
    return markdown.replace(START_SENTINEL, FULL_EDITION_LABEL).replace(END_SENTINEL, "\n</div>")


class SensitiveInProse(Exception):
    """A commercially sensitive figure used outside a restricted block."""


class WithheldFigure:
    """Stands in for a sensitive figure in the provider edition: any use is an error."""

    def __init__(self, path: str):
        self.path = path

    def _fail(self, *args, **kwargs):
        raise SensitiveInProse(
            f"{self.path!r} is commercially sensitive and this text is not inside a restricted block")

    __str__ = __format__ = __bool__ = __float__ = __int__ = __lt__ = __gt__ = __le__ = __ge__ = _fail

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._fail()


def provider_context(context: Namespace, path: str = "") -> Namespace:
    """The context with every sensitive figure replaced by a ``WithheldFigure``."""
    result = Namespace()
    for key, value in context.items():
        here = f"{path}.{key}" if path else key
        if isinstance(value, Namespace):
            result[key] = provider_context(value, here)
        elif isinstance(value, (Figure, Change)) and value.sensitive:
            result[key] = WithheldFigure(here)
        else:
            result[key] = value
    return result


def provider_frame(output, frame):
    """The figures an output may show in the provider edition.

    Columns drawn only from commercially sensitive contract columns are
    dropped (``frame.attrs["column_sources"]`` says where each column comes
    from); if sensitive sources remain, the whole output is withheld.
    """
    from .catalogue import is_sensitive, sensitive_sources

    sensitive = sensitive_sources()
    column_sources = frame.attrs.get("column_sources")
    if column_sources:
        drop = [c for c, sources in column_sources.items()
                if c in frame.columns and any(s in sensitive for s in sources)]
        kept = frame.drop(columns=drop)
        kept.attrs = {**frame.attrs, "column_sources": {c: s for c, s in column_sources.items() if c not in drop}}
        remaining = {s for c in kept.columns for s in column_sources.get(c, ())}
        if not any(s in sensitive for s in remaining):
            return kept
    elif not is_sensitive(output):
        return frame
    raise SensitiveInProse(f"{output.name!r} is drawn from commercially sensitive data and is not inside a "
                           "restricted block")
