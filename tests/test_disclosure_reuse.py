"""A perturbed copy reuses the true view's result only for what reads no table it moved (issue 14): every way a
computation can reach a moved table (``table``, ``history``, ``tables``, a cached result, an attribute nobody
records) makes it worked out again on the copy, so a figure drawn from a withheld count still reads c."""
import pandas as pd

from generator.dataset import YearView
from generator.disclosure import on_copies, perturbed_tables, protect_year, protected_context
from generator.values import Figure

AUTHORITY, REFERENCE = object(), {}  # shared by the view and its copies, as ``Protector.views`` shares them


def looked_after(under_1: int) -> pd.DataFrame:
    ages = {"under_1": under_1, "age_1_to_4": 30, "age_5_to_9": 60, "age_10_to_15": 120, "age_16_and_over": 90}
    rows = [("total", "all", sum(ages.values()))] + [("age_band", code, n) for code, n in ages.items()]
    return pd.DataFrame(rows, columns=["breakdown", "category", "children"])


def fostering() -> pd.DataFrame:
    return pd.DataFrame({"carer_type": ["all"], "households": [40]})


def view_and_copies():
    """A 2026 view whose looked_after has a withheld under-1 count (3 children), and its two perturbed copies."""
    history = {2025: {"looked_after": looked_after(12), "fostering": fostering()},
               2026: {"looked_after": looked_after(3), "fostering": fostering()}}
    view = YearView(2026, history[2026], history, REFERENCE, AUTHORITY)
    protections = {year: protect_year(tables, year, 5) for year, tables in history.items()}
    copies = []
    for copy in range(2):
        moved = {year: perturbed_tables(tables, protections[year].shifts[copy]) for year, tables in history.items()}
        copies.append(YearView(2026, moved[2026], moved, REFERENCE, AUTHORITY))
    assert all(c.history[2026]["looked_after"] is not view.history[2026]["looked_after"] for c in copies)
    assert all(c.history[2026]["fostering"] is view.history[2026]["fostering"] for c in copies)
    return view, copies


def under_1(frame: pd.DataFrame) -> Figure:
    return Figure(float(frame.loc[frame.category == "under_1", "children"].iloc[0]), "count")


class Counted:
    """A builder of one name that counts the views it was run on."""

    def __init__(self, name, make):
        self.name, self.make, self.runs = name, make, 0

    def __call__(self, view):
        self.runs += 1
        return {self.name: self.make(view)}


def test_a_name_that_reads_no_moved_table_is_not_worked_out_again():
    view, copies = view_and_copies()
    households = Counted("households", lambda v: Figure(float(v.table("fostering")["households"].sum()), "count"))
    children = Counted("under_1", lambda v: under_1(v.table("looked_after")))
    names = protected_context([households, children], view, copies)
    assert households.runs == 1  # the true view only: the copies share its table
    assert children.runs == 3
    assert str(names.households) == "40" and str(names.under_1) == "c"


def test_a_table_read_through_history_or_tables_is_caught():
    view, copies = view_and_copies()
    for make in (lambda v: under_1(v.history[2026]["looked_after"]),
                 lambda v: under_1(dict(v.history.items())[2026]["looked_after"]),
                 lambda v: under_1(v.tables["looked_after"]),
                 lambda v: under_1(dict(v.tables)["looked_after"]),
                 lambda v: under_1(v.earlier(2026).table("looked_after"))):
        part = Counted("under_1", make)
        assert str(protected_context([part], view, copies).under_1) == "c"
        assert part.runs == 3


def test_a_result_taken_from_the_views_cache_counts_as_reading_what_it_read():
    view, copies = view_and_copies()

    def cached_under_1(v):  # as the forecast keeps its results on the view
        if "under_1" not in v.cache:
            v.cache["under_1"] = under_1(v.table("looked_after"))
        return v.cache["under_1"]

    first = Counted("first", cached_under_1)
    # Reads nothing but the cache (filled by ``first`` on the true view): still worked out again on the copies.
    second = Counted("second", lambda v: cached_under_1(v))
    names = protected_context([first, second], view, copies)
    assert str(names.first) == "c" and str(names.second) == "c"
    assert second.runs == 3

    # A result stored while nothing was recorded counts as reading everything.
    view, copies = view_and_copies()
    view.cache["households"] = Figure(40.0, "count")
    part = Counted("households", lambda v: v.cache["households"] if "households" in v.cache else Figure(40.0))
    protected_context([part], view, copies)
    assert part.runs == 3


def test_data_read_by_a_way_nobody_recorded_counts_as_everything():
    """A planted dependence: a table reached through an attribute ``YearView`` does not record."""
    view, copies = view_and_copies()
    for v in (view, *copies):
        v.__dict__["planted"] = v._history[2026]["looked_after"]
    part = Counted("under_1", lambda v: under_1(v.planted))
    assert str(protected_context([part], view, copies).under_1) == "c"
    assert part.runs == 3
    true, perturbed = on_copies(lambda v: under_1(v.__dict__["planted"]), view, copies)
    assert all(p is not true for p in perturbed)


def test_declared_tables_are_compared_as_the_copies_hold_them():
    view, copies = view_and_copies()
    view._declared = {"extra": object()}  # a copy holds none (``Protector.views``): reading them is not reused
    part = Counted("declared", lambda v: len(v.declared))
    protected_context([part], view, copies)
    assert part.runs == 3
