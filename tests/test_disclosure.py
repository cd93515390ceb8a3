"""Disclosure control across every published form (issue 4, point 3): a figure that
depends on a withheld count reads c; a figure that only depends on published totals stays."""
import pandas as pd

from generator.disclosure import (
    _cells_and_sums,
    mask_context,
    mask_frame,
    perturbed_tables,
    protect_year,
)
from generator.values import Change, Figure, Namespace


def looked_after(children_by_age: dict, sexes: dict):
    rows = [("total", "all", sum(children_by_age.values()))]
    rows += [("age_band", code, n) for code, n in children_by_age.items()]
    rows += [("sex", code, n) for code, n in sexes.items()]
    return pd.DataFrame(rows, columns=["breakdown", "category", "children"])


TABLES = {"looked_after": looked_after({"under_1": 3, "age_1_to_4": 30, "age_5_to_9": 60, "age_10_to_15": 120,
                                        "age_16_and_over": 90},
                                       {"male": 160, "female": 143})}


def test_small_count_and_its_partner_are_withheld_and_audited():
    protection = protect_year(TABLES, 2026, 5)
    withheld = {(t, i, c) for t, i, c in protection.withheld_data_cells}
    assert ("looked_after", 1, "children") in withheld  # under 1: 3 children (primary)
    assert ("looked_after", 2, "children") in withheld  # 1 to 4: 30, the smallest other age band (secondary)
    assert ("looked_after", 0, "children") not in withheld  # the total is published
    assert all(result.width >= 5 for result in protection.suppression.audit)


def test_shifts_keep_every_published_total():
    protection = protect_year(TABLES, 2026, 5)
    for shifts in protection.shifts:
        assert shifts, "withheld cells must move"
        assert all(abs(amount) > 1 for amount in shifts.values())
        shifted = perturbed_tables(TABLES, shifts)["looked_after"]
        ages = shifted[shifted.breakdown == "age_band"].children.sum()
        assert abs(ages - 303) < 1e-6  # the total stays 303
        assert shifted.children.iloc[0] == 303


def compute(tables):
    frame = tables["looked_after"]
    ages = frame[frame.breakdown == "age_band"].set_index("category").children
    total = float(frame.children.iloc[0])
    return Namespace(total=Figure(total), under_1=Namespace(children=Figure(float(ages["under_1"])),
                                                            share=Figure(100 * ages["under_1"] / total, "percent")),
                     over_16=Figure(float(ages["age_16_and_over"])),
                     change=Change(Figure(float(ages["under_1"])), Figure(7.0)),
                     biggest=str(ages.idxmax()))


def test_everything_drawn_from_a_withheld_cell_reads_c():
    protection = protect_year(TABLES, 2026, 5)
    true = compute(TABLES)
    copies = [compute(perturbed_tables(TABLES, s)) for s in protection.shifts]
    masked = mask_context(true, copies)
    assert str(masked.total) == "303"
    assert str(masked.over_16) == "90"
    assert str(masked.under_1.children) == "c"
    assert str(masked.under_1.share) == "c"
    assert str(masked.change) == "c"
    assert masked.biggest == "age_10_to_15"


def test_frames_are_matched_by_label_even_when_sorted_by_value():
    true = pd.DataFrame({"Age": ["10 to 15", "Under 1"], "Children": [120, 3]})
    other = pd.DataFrame({"Age": ["Under 1", "10 to 15"], "Children": [9000.5, 120]})
    masked = mask_frame(true, [other], {"Children": "count"})
    assert masked.iloc[0]["Children"] == 120
    assert isinstance(masked.iloc[1]["Children"], Figure) and str(masked.iloc[1]["Children"]) == "c"


def test_a_complement_that_is_small_is_protected():
    # 30 care leavers, 27 in touch: "3 not in touch" would be published by subtraction.
    care = pd.DataFrame({"age_group": ["age_19_to_21"], "measure": ["in_touch"], "children": [27], "cohort": [30]})
    assert _cells_and_sums({"care_leavers": care}).counts
    protection = protect_year({"care_leavers": care}, 2026, 5)
    assert protection.suppression.withheld & {("care_leavers", 0, "children"), ("care_leavers", 0, "cohort")}


def test_a_percentage_typed_beside_a_withheld_count_is_withheld_with_it():
    # Issue 9/10: a council types counts and its printed percentage; the count 3 of 30 is withheld,
    # so the printed 10% (which gives it away with the cohort) must be withheld too.
    from generator.stats import children as stats

    stability = pd.DataFrame({"measure": ["short_term", "long_term"], "children": [3, 40],
                              "cohort": [30, 60], "percent": [10.0, 66.7]})
    tables = {"placement_stability": stability}
    protection = protect_year(tables, 2026, 5)

    def compute(t):
        return Namespace(short=Figure(stats.stability(t["placement_stability"], "short_term")["percent"], "percent"),
                         long=Figure(stats.stability(t["placement_stability"], "long_term")["percent"], "percent"))

    masked = mask_context(compute(tables), [compute(perturbed_tables(tables, s)) for s in protection.shifts])
    assert str(masked.short) == "c"
    assert str(masked.long) != "c"


def test_a_printed_total_follows_the_rows_it_adds_up():
    frame = looked_after({"under_1": 3, "age_1_to_4": 30, "age_5_to_9": 60, "age_10_to_15": 120,
                          "age_16_and_over": 90}, {"male": 160, "female": 143})
    frame.attrs["totals"] = [(99, {"breakdown": "age_band", "category": "under_1", "children": 3})]
    protection = protect_year({"looked_after": frame}, 2026, 5)
    copies = [perturbed_tables({"looked_after": frame}, s)["looked_after"] for s in protection.shifts]
    for copy in copies:
        (row, record), = copy.attrs["totals"]
        assert row == 99 and record["children"] != record["children"]  # blanked (NaN): it moves with its row
    assert frame.attrs["totals"][0][1]["children"] == 3  # the true table is untouched


def test_a_printed_total_whose_rows_lack_the_figure_is_a_count_of_its_own():
    # Bromley prints group totals of children whose rows give placements only: a printed 3 must be withheld.
    frame = pd.DataFrame({"breakdown": ["total", "placement_type", "placement_type"],
                          "category": ["all", "childrens_home", "secure"], "children": [40, None, None]})
    frame.attrs["totals"] = [(9, {"breakdown": "placement_type", "category": "residential", "children": 3})]
    protection = protect_year({"looked_after": frame}, 2026, 5)
    assert ("printed", "looked_after", 0, "children") in protection.suppression.primary
    for shifts in protection.shifts:
        (_, record), = perturbed_tables({"looked_after": frame}, shifts)["looked_after"].attrs["totals"]
        assert record["children"] != 3  # it moves, so whatever shows it reads c


def test_a_declared_tables_totals_are_taken_as_known_never_withheld_and_never_moved():
    """A council's own table of counts (issue 10 item 4): its schema's Protection is the contract's, with every
    group's total taken as known. The totals are never partners, and the perturbed copies keep them, so the
    published table shows them while its small counts read c."""
    from generator.contract import Column, Protection, Table

    table = Table("by_sex", "Children by sex and placement", "", (
        Column("sex", "code", "Sex", codes={"girls": "Girls", "boys": "Boys"}),
        Column("placement", "code", "Placement", codes={"fostering": "Fostering", "other": "Other"}),
        Column("children", "integer", "Children", unit="children")), ("sex", "placement"),
        protection=Protection(counts=("children",), two_way=("sex", "placement"), totals_known=True))
    frame = pd.DataFrame({"sex": ["girls", "girls", "boys", "boys"], "placement": ["fostering", "other"] * 2,
                          "children": [60, 3, 70, 18]})
    protection = protect_year({"by_sex": frame}, 2026, 5, {"by_sex": table})
    assert {c[1] for c in protection.withheld_data_cells if c[0] == "by_sex"} == {0, 1, 2, 3}
    assert not [c for c in protection.suppression.withheld if c[0] == "margin"]
    for shifts in protection.shifts:
        moved = perturbed_tables({"by_sex": frame}, shifts)["by_sex"]
        assert moved.groupby("sex")["children"].sum().to_dict() == {"boys": 88, "girls": 63}
        assert moved.groupby("placement")["children"].sum().to_dict() == {"fostering": 130, "other": 21}
        assert moved["children"].tolist() != frame["children"].tolist()
