"""Which episodes each year's figures are computed from: the year's own return decides.

A council's returns overlap: the episodes open at 31 March appear again in the next
year's return, often completed (an end date, a reason), sometimes corrected or
contradicted. The figures of a year are computed from that year's return and what
came before it, never from a later one: for a child, the year's view holds the
episodes of the year's return and, from earlier returns, only the episodes that
start before the child's first episode in it. A later return never overrides an
earlier year's figures, and an earlier return never overrides a later year's.

Who is counted in a year: the children the year's return holds (header or
episodes). Two cases the returns themselves imply are added, and reported:

* a child in the year's header with no episode in it, whom the previous return
  left in an open episode: that episode is carried into the year (rule "EPI"; the
  header says the child was looked after);
* a child not in the year's return whose earlier return recorded an end date in
  this year (after its own year ended, rule 385, most often 1 April): the
  ceasing is counted in the year it falls in.

For most children every view agrees with the latest one (up to each year's end),
so the episodes are worked through once and shared by every year; a child whose
returns disagree gets one copy of their episodes per year (``view`` = the year).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .rules import year_bounds

BIG = np.iinfo(np.int64).max
#: Columns that must agree between returns for an episode to be the same episode.
SAME_EPISODE = ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "URN", "HOME_POST", "PL_POST")


@dataclass
class Views:
    rows: np.ndarray  # positions in the episodes frame, in timeline order
    view: np.ndarray  # -1 (every year the child is counted) or the one year the row belongs to
    sid: np.ndarray  # sequence number: one per child, one per child and year for copies
    members: dict[int, np.ndarray]  # year -> bool per child: counted in the year
    carried: dict[int, np.ndarray] = field(default_factory=dict)  # year -> children carried (EPI)
    late_ceasing: dict[int, np.ndarray] = field(default_factory=dict)  # year -> children added by rule 385
    disagreeing: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # children with copies


def _comparable(values: pd.Series) -> np.ndarray:
    """Category codes of a categorical column (blank: -1), else the values as recorded."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy()
    return values.to_numpy(dtype=object)


def _same(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if x.dtype != object:
        return x == y
    return (x == y) | (pd.isna(x) & pd.isna(y))


def _as_int(dates: np.ndarray, open_value: int) -> np.ndarray:
    values = dates.astype("datetime64[ns]").view(np.int64).copy()
    values[np.isnat(dates)] = open_value
    return values


def build_views(ep: pd.DataFrame, years: list[int], n_kids: int, header_kids: dict[int, np.ndarray]) -> Views:
    """The rows of every year's view (``ep`` sorted by ``_year``, ``kid``, ``decom``, ``dec``, ``_row``).

    ``header_kids``: year -> the children (kid numbers) in the year's header.
    """
    n, ny = len(ep), len(years)
    kid = ep["kid"].to_numpy().astype(np.int64)
    yi = np.searchsorted(years, ep["_year"].to_numpy())
    decom = _as_int(ep["decom"].to_numpy(), BIG)
    dec = _as_int(ep["dec"].to_numpy(), BIG)
    starts, ends = year_bounds(np.asarray(years))
    starts, ends = starts.view(np.int64), ends.view(np.int64)

    # first[k, i]: the child's first start in return i (BIG where the return does not hold them).
    first = np.full((n_kids, ny), BIG, dtype=np.int64)
    group_first = np.ones(n, dtype=bool)
    group_first[1:] = (kid[1:] != kid[:-1]) | (yi[1:] != yi[:-1])
    first[kid[group_first], yi[group_first]] = decom[group_first]  # rows are sorted: a group's first starts first
    has_rows = first < BIG
    has_rows[kid[group_first], yi[group_first]] = True  # a child whose only start is missing still has rows

    survive = []
    for j in range(ny):
        # cut[k, i]: the earliest first start among returns i+1..j (rows of return i before it survive).
        cut = np.full((n_kids, ny), BIG, dtype=np.int64)
        running = np.full(n_kids, BIG, dtype=np.int64)
        for i in range(j, -1, -1):
            cut[:, i] = running
            running = np.minimum(running, first[:, i])
        survive.append((yi <= j) & (decom < cut[kid, yi]))

    members, carried, late = {}, {}, {}
    for j, year in enumerate(years):
        member = has_rows[:, j].copy()
        in_header = np.zeros(n_kids, dtype=bool)
        in_header[header_kids.get(year, np.zeros(0, dtype=np.int64))] = True
        earlier = survive[j] & (yi < j)
        # Carried (EPI): in the header, no episode in the return, an earlier episode still open at 1 April.
        still_open = earlier & (dec >= starts[j])
        carry = np.zeros(n_kids, dtype=bool)
        carry[kid[still_open]] = True
        carry &= in_header & ~member
        # Ceasing recorded by an earlier return after its own year ended, falling in this year (rule 385).
        ends_here = earlier & (dec >= starts[j]) & (dec <= ends[j])
        late_kids = np.zeros(n_kids, dtype=bool)
        late_kids[kid[ends_here]] = True
        late_kids &= ~member & ~in_header
        members[year] = member | in_header | late_kids
        carried[year], late[year] = np.flatnonzero(carry), np.flatnonzero(late_kids)

    # Children whose earlier views disagree with the latest one, up to the earlier year's end.
    final = survive[-1]
    disagree = np.zeros(n_kids, dtype=bool)
    fields = [_comparable(ep[c]) for c in SAME_EPISODE if c in ep]
    rec = _comparable(ep["REC"])
    for j in range(ny - 1):
        end = ends[j]
        counted = members[years[j]][kid]
        dropped = np.flatnonzero(survive[j] & ~final & (decom <= end) & counted)
        later = np.flatnonzero(final & (yi > j) & (decom <= end) & counted)
        if not len(dropped) and not len(later):
            continue
        # Pair each dropped row with the later row of the same child and start (keys are unique
        # but for episodes starting the same day: then a pair may mismatch, and the child gets copies).
        day = (decom // 86_400_000_000_000).astype(np.int64)
        key_a, key_b = kid[dropped] * (1 << 20) + day[dropped], kid[later] * (1 << 20) + day[later]
        order_b = np.argsort(key_b, kind="stable")
        pos = np.searchsorted(key_b[order_b], key_a).clip(max=max(len(later) - 1, 0))
        matched = (key_b[order_b][pos] == key_a) if len(later) else np.zeros(len(dropped), dtype=bool)
        disagree[kid[dropped[~matched]]] = True
        unmatched_b = ~np.isin(key_b, key_a[matched])
        disagree[kid[later[unmatched_b]]] = True
        ia, ib = dropped[matched], later[order_b[pos[matched]]]
        differs = np.zeros(len(ia), dtype=bool)
        for values in fields:
            differs |= ~_same(values[ia], values[ib])
        open_a, open_b = dec[ia] > end, dec[ib] > end
        differs |= open_a != open_b
        closed = ~open_a & ~open_b
        differs |= closed & ((dec[ia] != dec[ib]) | ~_same(rec[ia], rec[ib]))
        disagree[kid[ia[differs]]] = True

    # The timeline: the latest view for children whose views agree; a copy per year for the others.
    shared = np.flatnonzero(final & ~disagree[kid])
    parts_rows, parts_view, parts_sid = [shared], [np.full(len(shared), -1)], [kid[shared]]
    copies = np.flatnonzero(disagree)
    next_sid = n_kids
    for j, year in enumerate(years):
        rows = np.flatnonzero(survive[j] & disagree[kid] & members[year][kid])
        if not len(rows):
            continue
        # one sequence number per (child, year)
        local = np.searchsorted(copies, kid[rows])
        parts_rows.append(rows)
        parts_view.append(np.full(len(rows), year))
        parts_sid.append(next_sid + local)
        next_sid += len(copies)
    rows = np.concatenate(parts_rows)
    view = np.concatenate(parts_view).astype(np.int64)
    sid = np.concatenate(parts_sid).astype(np.int64)
    order = np.lexsort((ep["_row"].to_numpy()[rows], yi[rows], dec[rows], decom[rows], sid))
    return Views(rows=rows[order], view=view[order], sid=sid[order], members=members, carried=carried,
                 late_ceasing=late, disagreeing=copies)
