"""The DfE's children looked after measures, from a ``CaseHistory``.

Each function is pure: a case history (or frames from it) and a year (ending 31
March) in, a frame out. Counts are true counts; suppression is a later stage.
Definitions follow the DfE's "Children looked after in England including
adoptions" statistics and the SSDA903 guidance.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import contract
from . import codes as C, postcodes
from .history import CaseHistory


def year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the year ending 31 March ``year``: 1 April to 31 March."""
    return pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 3, 31)


def age_on(dob: pd.Series, on: pd.Timestamp) -> pd.Series:
    """Age in whole years on the date ``on`` (a birthday counts on the day).

    Example: born 1 April 2010 is 15 on 31 March 2026 and 16 on 1 April 2026.
    """
    dob = pd.to_datetime(dob)
    before_birthday = (dob.dt.month > on.month) | ((dob.dt.month == on.month) & (dob.dt.day > on.day))
    return on.year - dob.dt.year - before_birthday.astype(int)


def age_band(age: pd.Series) -> pd.Series:
    """contract.AGE_BANDS code of an age: under 1, 1-4, 5-9, 10-15, 16 and over."""
    bins = [-np.inf, 1, 5, 10, 16, np.inf]
    return pd.Series(pd.cut(age, bins=bins, right=False, labels=list(contract.AGE_BANDS)).astype(str),
                     index=age.index)


def open_on(episodes: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Episodes open on ``day``: started on or before it and not ended by it.

    An episode ending on 31 March (DEC = 31/03) is not open at 31 March: the child
    ceased that day. One ending on 1 April was open.
    """
    return episodes[(episodes["decom"] <= day) & (episodes["dec"].isna() | (episodes["dec"] > day))]


def in_year(episodes: pd.DataFrame, year: int) -> pd.DataFrame:
    """Episodes open at any time during the year (a day or more within it)."""
    start, end = year_bounds(year)
    return episodes[(episodes["decom"] <= end) & (episodes["dec"].isna() | (episodes["dec"] > start))]


def current(history: CaseHistory, year: int, day: pd.Timestamp | None = None) -> pd.DataFrame:
    """Each child's episode open on ``day`` (31 March ``year`` by default) in ``year``'s view.

    Short breaks (LS V3/V4) excluded; where two episodes are open (they overlap), the
    one that started later. Computed once per history, year and day.
    """
    day = year_bounds(year)[1] if day is None else day
    key = ("current", year, day)
    if key not in history._cache:
        ep = open_on(history.in_return(year), day)
        history._cache[key] = ep[~ep["short_break"]].drop_duplicates("cid", keep="last")
    return history._cache[key]


def year_episodes(history: CaseHistory, year: int) -> pd.DataFrame:
    """``in_year`` of ``year``'s view, computed once per history and year."""
    key = ("in_year", year)
    if key not in history._cache:
        history._cache[key] = in_year(history.in_return(year), year)
    return history._cache[key]


def looked_after_at_31_march(history: CaseHistory, year: int, la_code: str) -> pd.DataFrame:
    """One row per child looked after at 31 March ``year``, with every breakdown's code.

    DfE definition: children looked after at 31 March, excluding those looked after
    under an agreed series of short-term placements (LS V3, V4). The child's
    episode open at 31 March gives legal status, placement type (PLACE), provider
    (PLACE_PROVIDER), distance (HOME_POST to PL_POST, 20 miles or less / over) and
    location (PL_POST's local authority against ``la_code``, a GSS code such as
    E06000063); age is at 31 March; UASC if the year's UASC file holds the child
    and they had not ceased to be UASC (DUC) by 31 March.

    Example: A (episode 1/2/2025 open, C2, U4) counts; B (V3 short breaks open)
    does not; C (ended 31/03/2026) does not; D (ended 01/04/2026) does.
    """
    _, end = year_bounds(year)
    ep = current(history, year)
    uasc = history.uasc[(history.uasc["year"] == year) & (history.uasc["duc"].isna() | (history.uasc["duc"] > end))]
    home, placed = _postcodes(history, ep)
    la_known = la_code in postcodes.known_la_codes()
    out = pd.DataFrame({
        "child": ep["child"].to_numpy(),
        "total": "all",
        "age_band": age_band(age_on(pd.Series(history.child_values("dob", ep)), end)).to_numpy(),
        "sex": history.child_values("sex", ep),
        "ethnicity": history.child_values("ethnicity", ep),
        "legal_status": ep["legal_status"].to_numpy(),
        "placement_type": ep["placement_type"].to_numpy(),
        # No provider is recorded for temporary and other placements (rules 178, 213, 526) where the
        # placement before it does not say (episodes.py): provider not known.
        "provider": ep["provider"].astype(object).fillna(contract.NOT_KNOWN).to_numpy(),
        "distance": postcodes.distance_band(home, placed).to_numpy(),
        "location": (postcodes.location(placed, la_code) if la_known
                     else pd.Series("not_known", index=placed.index)).to_numpy(),
        "uasc": np.where(ep["child"].isin(uasc["child"]), "uasc", "not_uasc"),
        "home_status": home["status"].to_numpy(),
        "placement_status": placed["status"].to_numpy(),
    })
    return out


def _postcodes(history: CaseHistory, ep: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Home and placement postcode lookups for rows of ``current`` (looked up once per history).

    Only the episodes open at some year's 31 March are looked up, all years at once.
    """
    if "postcodes" not in history._cache:
        at = np.unique(np.concatenate([current(history, y).index.to_numpy() for y in history.years]))
        history._cache["postcodes"] = at, postcodes.for_episodes(history.episodes.iloc[at])
    at, found = history._cache["postcodes"]
    rows = found.iloc[np.searchsorted(at, ep.index.to_numpy())]  # episodes has a RangeIndex: labels are positions
    home = pd.DataFrame({"east": rows["home_east"].to_numpy(), "north": rows["home_north"].to_numpy(),
                         "status": rows["home_status"].to_numpy()})
    placed = pd.DataFrame({"east": rows["pl_east"].to_numpy(), "north": rows["pl_north"].to_numpy(),
                           "la": rows["pl_la"].to_numpy(), "status": rows["pl_status"].to_numpy()})
    return home, placed


def looked_after_table(snapshot: pd.DataFrame) -> pd.DataFrame:
    """The ``looked_after`` contract table from ``looked_after_at_31_march``.

    One row per category of every breakdown (zero rows included), so each
    breakdown adds up to the total. Example: three children aged 3, 12 and 16
    give total 3; age_1_to_4 1, age_10_to_15 1, age_16_and_over 1, the rest 0.
    """
    rows = []
    for breakdown, categories in contract.LOOKED_AFTER_BREAKDOWNS.items():
        codes, uniques = pd.factorize(snapshot[breakdown].to_numpy(dtype=object), use_na_sentinel=True)
        counts = dict(zip(uniques, np.bincount(codes[codes >= 0], minlength=len(uniques))))
        for category in categories:
            rows.append((breakdown, category, int(counts.get(category, 0))))
    return pd.DataFrame(rows, columns=["breakdown", "category", "children"])


def starts_and_ceases(history: CaseHistory, year: int) -> pd.DataFrame:
    """The ``starts_and_ceases`` contract table.

    DfE definition: children who started to be looked after in the year (a new
    period of care beginning 1 April to 31 March), by the category of need (CIN)
    of their first start in the year; children who ceased (a period ending in the
    year with an E reason), by the reason of their last ceasing. Periods under
    short breaks (LS V3/V4) are excluded. A child counts once in each.

    Example: E starts 10/05/2025 (N1), ceases 01/09/2025 (E4A), starts again
    01/12/2025 (N4): started 1 (abuse_or_neglect), ceased 1 (returned_home).
    """
    starts, ceases = started_in_year(history, year), ceased_in_year(history, year)
    need = starts["need"].value_counts()
    reason = ceases["reason_ceased"].value_counts()
    rows = [("started", "all", len(starts))]
    rows += [("started", code, int(need.get(code, 0))) for code in contract.CATEGORIES_OF_NEED]
    rows += [("ceased", "all", len(ceases))]
    rows += [("ceased", code, int(reason.get(code, 0))) for code in contract.REASONS_CEASED]
    return pd.DataFrame(rows, columns=["movement", "reason", "children"])


def started_in_year(history: CaseHistory, year: int) -> pd.DataFrame:
    """Each child's first start in the year: ``child``, ``decom``, ``cin`` and ``need`` (contract code).

    A start is the first episode of a period of care (see ``read_903``), outside
    short breaks (LS V3/V4), with DECOM from 1 April to 31 March. The first episode
    of a history that begins mid-period (not RNE S, on or before 1 April of the
    first year read) is not a start.
    """
    start, end = year_bounds(year)
    ep = history.in_return(year)
    ep = ep[~ep["short_break"] & ep["start"] & ep["decom"].between(start, end)]
    ep = ep.drop_duplicates("child", keep="first")
    return pd.DataFrame({"child": ep["child"], "decom": ep["decom"], "cin": ep["cin"].astype(object),
                         "need": ep["cin"].astype(object).map(C.CATEGORY_OF_NEED)})


def ceased_in_year(history: CaseHistory, year: int) -> pd.DataFrame:
    """Each child's last ceasing in the year: ``child``, ``dec``, ``rec``, ``reason_ceased``.

    A ceasing is the last episode of a period of care with DEC from 1 April to 31
    March, outside short breaks (LS V3/V4).
    """
    start, end = year_bounds(year)
    ep = history.in_return(year)
    ep = ep[~ep["short_break"] & ep["ceased"] & ep["dec"].between(start, end)]
    ep = ep.drop_duplicates("child", keep="last")
    return pd.DataFrame({"child": ep["child"], "dec": ep["dec"], "rec": ep["rec"].astype(object),
                         "reason_ceased": ep["reason_ceased"]})


def placements_in_year(history: CaseHistory, year: int) -> pd.Series:
    """Placements each child had during the year under the history's ``PlacementRule``.

    The placement open on 1 April counts as one; each later episode that starts
    a new placement under the rule adds one. Temporary placements (T0-T4) and
    short breaks are not counted under the DfE rule, nor the return to the same
    carer after a temporary placement.
    """
    ep = year_episodes(history, year)
    ids = ep["stability_placement"].to_numpy()
    cid = ep["cid"].to_numpy()[ids >= 0]
    ids = ids[ids >= 0]
    first = np.concatenate([[True], ids[1:] != ids[:-1]]) if len(ids) else np.zeros(0, dtype=bool)
    counts = np.bincount(cid[first], minlength=len(history.children))
    kids = np.flatnonzero(counts)
    return pd.Series(counts[kids], index=pd.Index(history.children.index[kids], name="child"), name="placements")


def placement_stability(history: CaseHistory, year: int, snapshot: pd.DataFrame) -> pd.DataFrame:
    """The ``placement_stability`` contract table (short and long term).

    Short term (DfE): of children looked after at 31 March (``snapshot``), those
    with three or more placements during the year (``placements_in_year``).

    Long term (DfE): of children looked after at 31 March, aged under 16, who had
    been looked after continuously for at least 2½ years, those in the same
    placement for at least 2 years, or placed for adoption (A3-A6) where the
    adoptive placement and the placement before it together last 2 years.

    Example (year 2026): F, 10, in care since 1/6/2022, same U4 carer since
    1/1/2024: in the long-term cohort and counted. G, 12, in care since
    1/1/2024: not in the cohort (under 2½ years).
    """
    _, end = year_bounds(year)
    counts = placements_in_year(history, year).reindex(snapshot["child"]).fillna(0)
    short = ("short_term", int((counts >= 3).sum()), len(snapshot))

    now = current(history, year)
    ages = age_on(pd.Series(history.child_values("dob", now), index=now.index), end)
    cohort = now[(ages < 16) & (now["period_start"] <= end - pd.DateOffset(months=30))]
    two_years = end - pd.DateOffset(years=2)
    adopted = cohort["place"].isin(C.ADOPTION_PLACES) & (cohort["previous_stability_start"] <= two_years)
    meets = (cohort["stability_start"] <= two_years) | adopted
    long = ("long_term", int(meets.sum()), len(cohort))
    return pd.DataFrame([short, long], columns=["measure", "children", "cohort"])


def placements_by_type_and_age(history: CaseHistory, year: int) -> pd.DataFrame:
    """The ``placements_by_type_and_age`` contract table.

    Every placement open at any time in the year (short breaks, LS V3/V4,
    excluded; a placement is the episodes from one that starts a placement, by
    the RNE rule, to the next; temporary placements count here), by the
    placement type of its first episode in the year and the child's age band on
    the later of its start and 1 April. Weeks of care: days within the year
    (the end date is the first day not in the placement) divided by 7.

    Example (year 2026): H, born 1/6/2020, placed U4 from 1/1/2025 to 1/6/2025:
    one placement, age_1_to_4 (4 on 1 April 2025), 61 days = 8.71 weeks.
    """
    start, end = year_bounds(year)
    ep = year_episodes(history, year)
    ep = ep[~ep["short_break"]]
    after = end + pd.Timedelta(days=1)
    first = ep["decom"].clip(lower=start).to_numpy()
    last = ep["day_end"].fillna(after).clip(upper=after).to_numpy()
    days = np.clip((last - first).astype("timedelta64[D]").astype(np.int64), 0, None)
    placement = ep["placement"].to_numpy()
    # A placement's episodes are consecutive rows (placement numbers rise row by row).
    heads = np.flatnonzero(np.r_[True, placement[1:] != placement[:-1]]) if len(ep) else np.zeros(0, dtype=int)
    per_days = np.add.reduceat(days, heads) if len(ep) else days
    resumed = history.resumed[history.resumed["row"].isin(ep.index)]
    if len(resumed):  # days an earlier episode covers again after an overlapping later one ended
        owner = ep.index.get_indexer(resumed["row"].to_numpy())
        extra = (resumed["end"].fillna(after).clip(upper=after).to_numpy()
                 - resumed["start"].clip(lower=start).to_numpy()).astype("timedelta64[D]").astype(np.int64)
        np.add.at(per_days, np.searchsorted(heads, owner, side="right") - 1, np.clip(extra, 0, None))
    cid = ep["cid"].to_numpy()[heads]
    kind = ep["placement_type"].astype(object).to_numpy()[heads]
    ages = _age_between(history.children["dob"].to_numpy()[cid], first[heads])
    bands = np.searchsorted(np.array([1, 5, 10, 16]), ages, side="right")
    types = list(contract.PLACEMENT_TYPES)
    type_code = pd.Index(types, dtype=object).get_indexer(kind)
    cell = type_code * len(contract.AGE_BANDS) + bands
    n_cells = len(types) * len(contract.AGE_BANDS)
    ok = type_code >= 0
    placements = np.bincount(cell[ok], minlength=n_cells)
    weeks_days = np.bincount(cell[ok], weights=per_days[ok], minlength=n_cells)
    pairs = np.unique(cell[ok].astype(np.int64) * len(history.children) + cid[ok])
    children = np.bincount(pairs // len(history.children), minlength=n_cells)
    return pd.DataFrame({"placement_type": np.repeat(types, len(contract.AGE_BANDS)),
                         "age_band": np.tile(list(contract.AGE_BANDS), len(types)),
                         "children": children.astype(int), "placements": placements.astype(int),
                         "weeks_of_care": weeks_days / 7})


def _age_between(dob: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Age in whole years on each day ``on`` of children born ``dob`` (a birthday counts on the day)."""
    born, day = pd.DatetimeIndex(dob), pd.DatetimeIndex(on)
    before = (born.month > day.month) | ((born.month == day.month) & (born.day > day.day))
    return np.asarray(day.year - born.year - before.astype(int))


def care_leaver_age_group(oc3: pd.DataFrame, year: int) -> pd.Series:
    """contract.CARE_LEAVER_AGES code from the age reached at the birthday in the year.

    17 or 18 -> age_17_to_18, 19 to 21 -> age_19_to_21, other ages -> missing.
    """
    _, end = year_bounds(year)
    age = age_on(oc3["dob"], end)
    return pd.Series(np.select([age.between(17, 18), age.between(19, 21)], ["age_17_to_18", "age_19_to_21"],
                               default=None), index=oc3.index)


def care_leavers(history: CaseHistory, year: int) -> pd.DataFrame:
    """The ``care_leavers`` contract table, from the year's OC3 rows.

    DfE definitions, each of all care leavers in the age group (the cohort, each
    young person once, rule INT34): in touch (IN_TOUCH YES); in suitable
    accommodation (an ACCOM code of rule 133's list with suitability 1); in
    education, employment or training (ACTIV F1/P1, F2/P2, F4/P4, F5/P5, rule 132;
    the older F3/P3, training or employment, by their meaning). A young person who
    died or returned home (IN_TOUCH DIED or RHOM) is in neither, whatever else is
    recorded (rule 344). Staying put:
    care leavers whose care ended on turning 18 with REC E17 (aged 18 and
    remained with current carers, including staying put); the OC3 does not say
    whether they still live there.

    Example: J (19, YES, F2, H1) and K (20, NO, G5, S2): cohort 2; in touch 1,
    suitable 1, EET 1.
    """
    oc3 = history.oc3[(history.oc3["year"] == year) & ~history.oc3["repeat"]].copy()
    oc3["age_group"] = care_leaver_age_group(oc3, year)
    oc3 = oc3[oc3["age_group"].notna()]
    _, end = year_bounds(year)
    ep = history.until(year)
    stayed = set(ep.loc[(ep["rec"] == "E17") & (ep["dec"] <= end), "child"])
    not_applicable = oc3["rule_344"].to_numpy()  # died or returned home: activity and accommodation are 0
    flags = pd.DataFrame({
        "in_touch": oc3["in_touch"] == "YES",
        "suitable_accommodation": oc3["accom"].isin(list(C.SUITABLE_ACCOMMODATION)) & ~not_applicable,
        "education_employment_training": oc3["activ"].isin(list(C.EET_ACTIVITIES | C.EET_FORMER)) & ~not_applicable,
        "staying_put": oc3["child"].isin(stayed),
    })
    rows = []
    for group in contract.CARE_LEAVER_AGES:
        mask = oc3["age_group"] == group
        for measure in contract.CARE_LEAVER_MEASURES:
            rows.append((group, measure, int(flags.loc[mask, measure].sum()), int(mask.sum())))
    return pd.DataFrame(rows, columns=["age_group", "measure", "children", "cohort"])


def headline(history: CaseHistory, year: int) -> dict[str, float]:
    """The published 903 figures a repair can change, for the quality report's effects.

    Children looked after at 31 March, started, ceased, the short-term stability
    count, the long-term cohort and count, placements in the year and weeks of care.
    """
    _, end = year_bounds(year)
    at_end = current(history, year)
    snapshot = pd.DataFrame({"child": at_end["child"].to_numpy()})
    stability = placement_stability(history, year, snapshot).set_index("measure")
    placed = placements_by_type_and_age(history, year)
    return {
        "looked after at 31 March": len(at_end),
        "started": len(started_in_year(history, year)),
        "ceased": len(ceased_in_year(history, year)),
        "three or more placements": int(stability.loc["short_term", "children"]),
        "long-term stability cohort": int(stability.loc["long_term", "cohort"]),
        "same placement two years": int(stability.loc["long_term", "children"]),
        "placements": int(placed["placements"].sum()),
        "weeks of care": round(float(placed["weeks_of_care"].sum()), 1),
    }
