"""The change since any earlier year (issue 10, point 5): ``{{ looked_after.total | change(since=2022) }}``
is worked out from the 2022 figure, protected as the 2022 statement protects it."""
from pathlib import Path

import pandas as pd
import pytest

from generator.config import load_authority
from generator.context import build_context, measures_context
from generator.disclosure import EarlierYears, Protector, protected_context
from generator.load import load_dataset
from generator.problems import BuildError
from generator.redact import PublicEarlierYears, public_context
from generator.render import OutputRenderer, render_page

ROOT = Path(__file__).resolve().parents[1]
PAGE = "content/2026/sufficiency/need.md"


@pytest.fixture(scope="module")
def castlebridge():
    """The example authority's 2026 statement: its protected names and its earlier years."""
    authority = load_authority(ROOT / "authority.yml")
    dataset, _ = load_dataset(ROOT / "data", authority)
    protector = Protector(dataset, authority.suppression_threshold)
    protector.prepare([2026])
    view, copies = protector.views(2026)
    return protector, protected_context(build_context, view, copies), EarlierYears(view, copies)


def render(text, castlebridge, public=False):
    _, context, earlier = castlebridge
    if public:
        context, earlier = public_context(context), PublicEarlierYears(earlier)
    renderer = OutputRenderer({}, lambda output: None, "sufficiency/need.md")
    return render_page(PAGE, "sufficiency/need.md", text, context, renderer, earlier=earlier)


def error(text, castlebridge):
    with pytest.raises(BuildError) as info:
        render(text, castlebridge)
    return str(info.value.problems[0])


def total(year: int) -> int:
    frame = pd.read_csv(ROOT / "data" / str(year) / "looked_after.csv")
    return int(frame[frame.breakdown == "total"].children.iloc[0])


def in_words(now: float, before: float, since: int) -> str:
    diff = now - before
    direction = "up" if diff > 0 else "down"
    return f"{direction} {abs(diff):,.0f} ({abs(diff) / before * 100:.0f}%) since {since}"


def test_the_change_since_an_earlier_year_is_worked_out_from_that_years_figure(castlebridge):
    now, then = total(2026), total(2022)
    assert now != then and now - then != total(2026) - total(2025)  # not last year's change re-worded
    page = render("We look after {{ looked_after.total }} children, {{ looked_after.total | change(since=2022) }}.",
                  castlebridge)
    assert page.markdown == f"We look after {now:,} children, {in_words(now, then, 2022)}."
    # The same from the change on last year, and since last year it is last year's change.
    assert render("{{ looked_after.change | change(since=2022) }}", castlebridge).markdown == in_words(now, then,
                                                                                                       2022)
    assert render("{{ looked_after.change | change(since=2025) }}", castlebridge).markdown == \
        render("{{ looked_after.change }}", castlebridge).markdown.replace("on last year", "since 2025")


def test_a_percentage_changes_in_points_since_the_year(castlebridge):
    stability = {year: pd.read_csv(ROOT / "data" / str(year) / "placement_stability.csv").set_index("measure")
                 for year in (2022, 2026)}
    share = {year: 100 * frame.loc["short_term", "children"] / frame.loc["short_term", "cohort"]
             for year, frame in stability.items()}
    points = round(abs(share[2026] - share[2022]))
    direction = "up" if share[2026] > share[2022] else "down"
    unit = "percentage point" if points == 1 else "percentage points"
    assert render("{{ stability.short_term.percent | change(since=2022) }}", castlebridge).markdown == \
        f"{direction} {points} {unit} since 2022"


def leaves(names, path=()):
    for key, value in names.items():
        if isinstance(value, dict):
            yield from leaves(value, (*path, key))
        else:
            yield (*path, key), str(value)


def test_each_earlier_year_is_protected_as_its_own_statement_protects_it(castlebridge):
    protector, context, earlier = castlebridge
    own = {year: dict(leaves(protected_context(measures_context, *protector.views(year)))) for year in (2021, 2022)}
    for year, names in own.items():
        assert dict(leaves(earlier.context(year))) == names
    # A count withheld in 2021's statement and shown in 2026's: its change since 2021 is withheld too.
    now = dict(leaves(context))
    withheld = [path for path, shown in own[2021].items()
                if shown == "c" and path[-1] == "children" and now.get(path) not in ("c", "x", None)]
    assert withheld, "the example data has a 2021 count withheld that 2026 shows"
    page = render(f"The number {{{{ {'.'.join(withheld[0])} | change(since=2021) }}}} changed.",
                  castlebridge).markdown
    assert page.startswith("The number [a withheld change](../methods.md#protecting-childrens-privacy")
    assert "since 2021" not in page


def test_a_year_without_data_reads_x_and_says_which_data_it_needed(castlebridge):
    page = render("{{ looked_after.total }} now; since 2010: {{ looked_after.total | change(since=2010) }}.",
                  castlebridge)
    assert page.markdown.startswith(f"{total(2026)} now; since 2010: x.")
    assert "`x` not available" in page.markdown
    assert page.not_available == [(1, ("looked_after.children",), "x")]


def test_a_year_not_before_the_statement_or_not_a_year_stops_the_build_with_the_fix(castlebridge):
    assert error("Intro\n\n{{ looked_after.total | change(since=2027) }}", castlebridge) == (
        f"{PAGE}, line 3: change(since=2027) is not an earlier year: this is the 2026 statement, and a change "
        "is worked out from an earlier year's figure. Hint: write a year before 2026, e.g. "
        "{{ looked_after.total | change(since=2025) }}")
    assert "change(since=2026) is not an earlier year" in error("{{ looked_after.total | change(since=2026) }}",
                                                                castlebridge)
    assert error("{{ looked_after.total | change(since='last time') }}", castlebridge) == (
        f"{PAGE}, line 1: change(since='last time') is not a year. Hint: write the year in full, e.g. "
        "{{ looked_after.total | change(since=2022) }}")
    assert "change(since=22) is not a year" in error("{{ looked_after.total | change(since=22) }}", castlebridge)


def test_the_old_wording_only_form_stops_with_the_new_form(castlebridge):
    # change("since 2024") used to print "since 2024" over the change on last year.
    assert error("{{ looked_after.change | change('since 2024') }}", castlebridge) == (
        f"{PAGE}, line 1: change('since 2024') is not a year: change(\"since ...\") used to change only the "
        "closing words, printing them over the change on last year, and now works the change out from that "
        "year's figure. Hint: for the change since 2024, worked out from the 2024 figure, write "
        "{{ looked_after.total | change(since=2024) }}; for the change on last year write "
        "{{ looked_after.change }}")
    assert "write {{ looked_after.total | change(since=2022) }}" in error("{{ looked_after.total | change }}",
                                                                          castlebridge)


def test_a_sensitive_figure_since_a_year_is_kept_out_of_the_public_edition(castlebridge):
    text = "{{ providers.spend | change(since=2024) }}"
    assert render(text, castlebridge).markdown.endswith("since 2024")
    with pytest.raises(BuildError) as info:
        render(text, castlebridge, public=True)
    assert info.value.problems[0].code == "sensitive-in-prose"


def test_pages_that_do_not_ask_build_no_earlier_year(castlebridge):
    _, context, used = castlebridge
    earlier = EarlierYears(used.view, used.copies)
    renderer = OutputRenderer({}, lambda output: None, "sufficiency/need.md")
    render_page(PAGE, "sufficiency/need.md", "{{ looked_after.change }}", context, renderer, earlier=earlier)
    assert earlier._parts == {}


def test_the_example_statement_says_the_change_since_2022(castlebridge, tmp_path):
    # Castlebridge's 2026 need page, as the public edition publishes it (issue 10's example of the form).
    from generator.catalogue import all_measures, all_outputs
    from generator.docs_tree import render_docs_tree
    from generator.redact import PUBLIC

    protector, context, _ = castlebridge
    view, copies = protector.views(2026)
    tree = render_docs_tree(ROOT, tmp_path / "work", view, context, all_outputs(), all_measures(), PUBLIC,
                            perturbed=copies)
    page = (tree.docs_dir / "sufficiency" / "need.md").read_text(encoding="utf-8")
    now, then, last = total(2026), total(2022), total(2025)
    assert (f"we looked after **{now:,} children**, {in_words(now, last, 2025).replace('since 2025', 'on last year')}"
            f" and {in_words(now, then, 2022)}.") in page
