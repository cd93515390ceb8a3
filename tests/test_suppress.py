"""Small-number suppression: primary, secondary, and the linear-programming audit (issue 4, point 3)."""
import pytest

from generator.suppress import Sum, audit, suppress


def one_way(parts: dict, total_name="total"):
    values = dict(parts)
    values[total_name] = sum(parts.values())
    return values, [Sum(total_name, tuple(parts))]


def test_no_small_counts_no_suppression():
    values, sums = one_way({"a": 10, "b": 0, "c": 25})
    result = suppress(values, sums, 5)
    assert result.withheld == set()


def test_single_small_cell_gets_a_partner():
    # a=3 is primary; b (the smallest other non-zero part, 12) is withheld so that total - c cannot give a.
    values, sums = one_way({"a": 3, "b": 12, "c": 40, "d": 0})
    result = suppress(values, sums, 5)
    assert result.primary == {"a"}
    assert result.secondary == {"b"}
    # a + b = 15 is all a reader knows: a is anywhere from 1 to 14.
    (a,) = [r for r in result.audit if r.cell == "a"]
    assert (a.low, a.high) == (1, 14)


def test_two_small_cells_whose_sum_is_small_need_a_third():
    # a=2, b=2: with total 40 and c=36 shown, a + b = 4 so a is 1..3 (width 2 < 5): withhold c as well.
    values, sums = one_way({"a": 2, "b": 2, "c": 36})
    result = suppress(values, sums, 5)
    assert result.withheld >= {"a", "b", "c"} or "total" in result.withheld
    assert all(r.width >= 5 for r in result.audit)


def test_shared_total_across_two_breakdowns():
    # Total 50 is shared by an age breakdown and a sex breakdown.
    values = {"total": 50, "u1": 4, "old": 46, "m": 30, "f": 20}
    sums = [Sum("total", ("u1", "old")), Sum("total", ("m", "f"))]
    result = suppress(values, sums, 5)
    assert "u1" in result.withheld and "old" in result.withheld
    for r in result.audit:
        assert r.width >= 5


def test_two_way_table_rows_and_columns():
    # 2x2 table with margins: one small cell forces a rectangle of four withheld cells.
    values = {"r1c1": 3, "r1c2": 20, "r2c1": 15, "r2c2": 30,
              "r1": 23, "r2": 45, "c1": 18, "c2": 50, "all": 68}
    sums = [Sum("r1", ("r1c1", "r1c2")), Sum("r2", ("r2c1", "r2c2")),
            Sum("c1", ("r1c1", "r2c1")), Sum("c2", ("r1c2", "r2c2")),
            Sum("all", ("r1", "r2")), Sum("all", ("c1", "c2"))]
    result = suppress(values, sums, 5)
    assert {"r1c1", "r1c2", "r2c1", "r2c2"} <= result.withheld
    assert all(r.width >= 5 for r in result.audit)


def test_audit_finds_a_cell_given_away_by_subtraction():
    values, sums = one_way({"a": 3, "b": 12, "c": 40})
    (finding,) = audit(values, sums, {"a"})
    assert finding.low == finding.high == 3


def test_impossible_protection_fails_loudly():
    # Only one non-zero cell, total equal to it and the total is needed elsewhere shown: nothing to pair with.
    values = {"total": 3, "a": 3, "b": 0}
    sums = [Sum("total", ("a", "b"))]
    result = suppress(values, sums, 5)  # total is itself 3: withheld, so a is free
    assert {"a", "total"} <= result.withheld
    with pytest.raises(KeyError):
        suppress({"a": 1}, [Sum("t", ("a",))], 5)


def test_zero_threshold_turns_suppression_off():
    values, sums = one_way({"a": 3, "b": 12})
    assert suppress(values, sums, 0).withheld == set()


# --- issue 9: cost, bounds and links ---------------------------------------------------------


def test_not_known_is_withheld_before_a_headline_figure():
    # Distance: 2 "not known" must not take "over 20 miles" (a headline figure) with it.
    values, sums = one_way({"within": 250, "over": 44, "not_known": 2})
    costs = {"over": 2, "not_known": 0, "within": 1}
    result = suppress(values, sums, 5, costs=costs)
    assert "over" not in result.withheld
    assert {"not_known", "within"} <= result.withheld
    assert result.reasons["within"] == "not_known"


def test_weeks_of_care_pin_a_withheld_count_unless_withheld_with_it():
    # 5 children with 211 weeks of care: at most 52.3 weeks each, so at least 5 children (issue 9).
    from generator.suppress import Bound
    values = {"total": 40, "a": 5, "b": 35, "weeks_a": 211.0}
    sums = [Sum("total", ("a", "b"))]
    bounds = [Bound("weeks_a", "a", 52.3)]
    (finding,) = [r for r in audit(values, sums, {"a", "b"}, bounds=bounds, counts={"a", "b", "total"})
                  if r.cell == "a"]
    assert finding.low == 5  # 211 / 52.3 = 4.03: five children at least
    result = suppress(values, sums, 5, links={"a": ("weeks_a",)}, bounds=bounds, counts={"a", "b", "total"})
    assert "weeks_a" in result.withheld  # withheld with its count
    assert all(r.width >= 5 for r in result.audit)


def test_only_counts_are_suppressed_and_audited():
    values = {"total": 40, "a": 3, "b": 37, "weeks_a": 2.0}
    sums = [Sum("total", ("a", "b"))]
    result = suppress(values, sums, 5, counts={"a", "b", "total"})
    assert "weeks_a" not in result.primary  # 2 weeks of care is not a count of children
    assert {r.cell for r in result.audit} <= {"a", "b", "total"}


def test_an_audit_with_no_answer_stops_rather_than_passing_everything():
    # Weeks of care bounded by a count of 0 (Bromley's blank children column, added up to 0 before issue 9's
    # fix): no values fit, and the solver's "no answer" had read as "anywhere from 1 up", passing every cell.
    from generator.suppress import Bound
    values = {"total": 40, "a": 3, "b": 37, "weeks_all": 950.0, "weeks_a": 900.0, "weeks_b": 50.0, "nobody": 0}
    sums = [Sum("total", ("a", "b")), Sum("weeks_all", ("weeks_a", "weeks_b"))]
    bounds = [Bound("weeks_a", "nobody", 52.3)]
    with pytest.raises(ValueError, match="contradict"):
        audit(values, sums, {"a", "b", "weeks_a"}, bounds=bounds, counts={"a", "b", "total"})
