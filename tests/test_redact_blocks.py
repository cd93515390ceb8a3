"""Restricted blocks: removed from the public edition, labelled in the internal edition,
and a broken fence is an error with file and line (issue 4, point 2)."""
import pytest

from generator.problems import BuildError
from generator.redact import INTERNAL, PUBLIC, finish_restricted, public_context, split_restricted
from generator.render import OutputRenderer, render_page
from generator.values import Figure, Namespace

TEXT = "Intro.\n\n::: restricted\nOur budget is tight.\n:::\n\nOutro.\n"


def test_public_edition_drops_the_block_and_keeps_line_numbers():
    out = split_restricted(TEXT, "content/2026/x.md", PUBLIC)
    assert "budget" not in out
    assert out.count("\n") == TEXT.count("\n")


def test_internal_edition_labels_the_block():
    out = finish_restricted(split_restricted(TEXT, "content/2026/x.md", INTERNAL))
    assert "Our budget is tight." in out
    assert "Not in the public edition" in out
    assert ":::" not in out


@pytest.mark.parametrize("text, message", [
    ("a\n::: restricted\nsecret\n", "content/2026/x.md, line 2: '::: restricted' is never closed"),
    ("a\n::: restriced\nsecret\n:::\n", "content/2026/x.md, line 2: unknown block marker '::: restriced'"),
    ("a\n\n:::\n", "content/2026/x.md, line 3: a closing ':::' with no '::: restricted' above it"),
])
def test_broken_fences_stop_the_build(text, message):
    with pytest.raises(BuildError) as info:
        split_restricted(text, "content/2026/x.md", PUBLIC)
    assert str(info.value.problems[0]).startswith(message)


def test_misspelt_marker_suggests_the_right_one():
    with pytest.raises(BuildError) as info:
        split_restricted("::: restriced\nx\n:::\n", "f.md", INTERNAL)
    assert "did you mean '::: restricted'?" in str(info.value)


def test_sensitive_figure_in_open_prose_fails_public_edition_only():
    context = Namespace(providers=Namespace(largest_five_share=Figure(61.0, "percent", sensitive=True)))
    text = "Intro\n\nFive providers take {{ providers.largest_five_share }} of spend.\n"
    renderer = OutputRenderer({}, lambda o: None, "x.md")
    assert "61%" in render_page("content/2026/x.md", "x.md", text, context, renderer).markdown
    with pytest.raises(BuildError) as info:
        render_page("content/2026/x.md", "x.md", text, public_context(context), renderer)
    problem = info.value.problems[0]
    assert problem.line == 3 and "providers.largest_five_share" in problem.message


def test_sensitive_figure_inside_restricted_block_is_fine_for_the_public_edition():
    context = Namespace(providers=Namespace(largest_five_share=Figure(61.0, "percent", sensitive=True)))
    text = "Intro\n::: restricted\nFive providers take {{ providers.largest_five_share }}.\n:::\n"
    renderer = OutputRenderer({}, lambda o: None, "x.md")
    redacted = split_restricted(text, "content/2026/x.md", PUBLIC)
    out = render_page("content/2026/x.md", "x.md", redacted, public_context(context), renderer).markdown
    assert "61" not in out
