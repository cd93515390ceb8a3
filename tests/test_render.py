"""Placeholders: values, filters, and errors that name file, line and the nearest name (issue 3, point 5)."""
import re

import pytest

from generator.problems import BuildError
from generator.render import OutputRenderer, relative_link, render_page
from generator.values import Change, Figure, Namespace

CONTEXT = Namespace(
    year=Figure(2026, "year"),
    looked_after=Namespace(
        total=Figure(331),
        rate=Figure(73.46, "rate"),
        change=Change(Figure(331), Figure(319)),
        age_band=Namespace(age_10_to_15=Namespace(children=Figure(120), share=Figure(36.25, "percent"))),
    ),
    spend=Namespace(total=Figure(23_456_789.4, "money")),
)


def render(text, context=CONTEXT):
    renderer = OutputRenderer({}, lambda output: None, "sufficiency/analysis.md")
    return render_page("content/2026/sufficiency/analysis.md", "sufficiency/analysis.md", text, context,
                       renderer).markdown


def error(text):
    with pytest.raises(BuildError) as info:
        render(text)
    return str(info.value.problems[0])


def test_values_and_filters_read_as_a_reader_expects():
    text = ("At 31 March {{ year }} we looked after {{ looked_after.total }} children, {{ looked_after.change }}; "
            "{{ looked_after.rate | per10k }}; {{ looked_after.age_band.age_10_to_15.share }} were 10 to 15; "
            "spend {{ spend.total }}; {{ 1234567 | number }}; {{ 0.5 | percent }}; "
            "{{ looked_after.change | change }}")
    assert render(text) == ("At 31 March 2026 we looked after 331 children, up 12 (4%) on last year; "
                            "73 per 10,000 children; 36% were 10 to 15; spend £23,456,789; 1,234,567; low; "
                            "up 12 (4%) on last year\n\n"
                            "*Symbols on this page:* `low` a figure that rounds to zero but is not zero.\n")


def test_a_symbol_in_prose_is_explained_and_a_page_without_any_figure_says_so():
    # Issue 10: a figure not supplied reads x, and the page says what x means.
    context = Namespace(looked_after=Namespace(total=Figure(168), rate=Figure(None, "rate")))
    assert render("# Need\n\nWe looked after {{ looked_after.total }}; rate {{ looked_after.rate }}.\n", context) == (
        "# Need\n\nWe looked after 168; rate x.\n\n*Symbols on this page:* `x` not available: the figure was not "
        "supplied in the council's data, or cannot be worked out from it.\n")
    assert render("# Need\n\nRate {{ looked_after.rate }}.\n", context).startswith(
        "# Need\n\n**None of the figures on this page are available yet.** The data they come from has not been "
        "supplied, so each is shown as `x`.\n\n\nRate x.")


def test_unknown_name_names_file_line_and_nearest_name():
    assert error("Intro\n\nWe looked after {{ looked_after.totl }} children.\n") == (
        "content/2026/sufficiency/analysis.md, line 3: unknown name 'looked_after.totl'. "
        "Hint: did you mean 'looked_after.total'?")


def test_unknown_top_level_and_nested_names():
    assert "did you mean 'looked_after'" in error("{{ lookedafter.total }}")
    assert "did you mean 'looked_after.age_band.age_10_to_15'" in error(
        "{{ looked_after.age_band.age_10_to_16.children }}")


def test_an_unknown_name_with_no_name_alike_is_offered_the_figures_few_names():
    assert error("{{ looked_after.age_band.age_10_to_15.percent }}").endswith(
        "Hint: did you mean 'looked_after.age_band.age_10_to_15.children' or "
        "'looked_after.age_band.age_10_to_15.share'?")


def test_unknown_name_inside_a_condition_is_an_error_not_false():
    assert "line 2: unknown name 'looked_after.totl'" in error("x\n{% if looked_after.totl > 300 %}many{% endif %}")


def test_misspelt_filter_and_broken_braces():
    assert error("a\n{{ looked_after.total | percnt }}") == (
        "content/2026/sufficiency/analysis.md, line 2: No filter named 'percnt'. Hint: did you mean 'percent'?")
    assert "line 3" in error("\n\n{{ looked_after.total }\n")


def test_unknown_chart_suggests_nearest():
    assert error("{{ chart('looked_after_trnd') }}").startswith(
        "content/2026/sufficiency/analysis.md, line 1: unknown chart 'looked_after_trnd'")


def test_relative_links_from_pages_to_downloads():
    assert relative_link("index.md", "downloads/a.csv") == "downloads/a.csv"
    assert relative_link("sufficiency/index.md", "downloads/a.csv") == "../downloads/a.csv"
    assert relative_link("sufficiency/fostering.md", "downloads/a.csv") == "../../downloads/a.csv"


# --- issue 9: a withheld figure reads as words and gives no value ------------------------------


def _render_text(text: str, **names):
    renderer = OutputRenderer({}, lambda output: None, "sufficiency/need.md")
    return render_page("content/2026/sufficiency/need.md", "sufficiency/need.md", text, Namespace(**names),
                       renderer).markdown


def test_withheld_figures_read_as_words_linked_to_the_explanation():
    withheld = Figure(None, "count", "c")
    share = Figure(None, "percent", "c")
    text = ("{{ n }} lived more than 20 miles away. That is {{ n }} children.\n"
            "- {{ p }} of our children\n| Children | {{ n }} |\n")
    markdown = _render_text(text, n=withheld, p=share)
    assert markdown.startswith("[A withheld number](../methods.md#protecting-childrens-privacy")
    assert ") of children." in markdown.split("\n")[0]
    assert "- [A withheld share](../methods.md#protecting-childrens-privacy" in markdown
    assert "| Children | c |" in markdown
    assert not re.search(r"(^|\s)c\s", markdown.replace("| c |", ""))


def test_using_a_withheld_figures_value_stops_the_build_with_file_and_line():
    withheld = Figure(None, "count", "c")
    for text in ("Line one.\n{{ n.value }} children", "Line one.\n{% if n > 0 %}some{% endif %}"):
        with pytest.raises(BuildError) as caught:
            _render_text(text, n=withheld)
        (problem,) = caught.value.problems
        assert problem.file == "content/2026/sufficiency/need.md" and problem.line == 2
        assert "withheld" in problem.message


def test_the_editions_share_a_table_only_while_its_figures_are_the_very_same():
    """Issue 14: a table made for one edition is reused by the other only when its frame is the same object;
    new figures (the other edition's columns, the preview after a data edit) are always drawn anew."""
    import pandas as pd

    from generator.catalogue.base import Output

    output = Output(name="placements", title="Children by placement type", frame=lambda v: None, sources=())
    first = pd.DataFrame({"Placement": ["Fostering"], "Children": [120]})
    shown = {"frame": first}
    figures: dict = {}

    def page():
        renderer = OutputRenderer({"placements": output}, lambda o: (o, shown["frame"]), "sufficiency/analysis.md",
                                  figures=figures)
        return render_page("content/2026/sufficiency/analysis.md", "sufficiency/analysis.md",
                           "{{ table('placements') }}", Namespace(), renderer).markdown

    internal = page()
    assert ">120<" in internal and page() == internal
    shown["frame"] = pd.DataFrame({"Placement": ["Fostering"], "Children": [135]})  # equal shape, new figures
    assert ">135<" in page() and ">120<" not in page()
