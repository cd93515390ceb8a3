"""``read_903``: the 903 returns of every year, merged into one case history.

This is the reusable reader: the extract's measures use it, and so can a
forecasting module estimating transition rates (starts, moves between
placement types, ceasings) from the same episodes.

``CaseHistory.episodes`` holds one row per episode, across every return read,
sorted by child and start date, after the treatments below. Its columns:

========================  ================================================================
``child``                 the CHILD identifier as text
``decom``, ``dec``        start and end dates (``dec`` missing while open)
``rne ls cin place``      903 codes, upper case, pandas categoricals (``place_provider``, ``rec`` likewise)
``place_provider rec``
``home_post pl_post urn``  as recorded (categoricals)
``year``                  the latest return (year ending 31 March) the episode came from
``placement_type``        contract.PLACEMENT_TYPES code of ``place``
``provider``              contract.PROVIDERS code of ``place_provider``
``legal_status``          contract.LEGAL_STATUS code of ``ls`` (``short_breaks`` for V3/V4)
``short_break``           LS is V3 or V4 (an agreed series of short breaks)
``new_period``            the episode starts a period of care (a start)
``period``, ``period_start``  the period of care it belongs to and when that began
``ceased``, ``reason_ceased``  the episode ends its period of care; contract.REASONS_CEASED code
``placement``             placement number (a new one at each start and each RNE that changes placement)
``stability_placement``   placement number under the stability rule (-1: not counted)
``_file``, ``_row``       where the row came from (spreadsheet row)
========================  ================================================================

``CaseHistory.children`` has one row per child (index ``child``): ``dob``, ``sex``,
``ethnicity`` (contract codes), from the latest return that has them.
``returns`` lists which children each year's return holds (``child``, ``year``);
``uasc`` (``child``, ``year``, ``duc``) and ``oc3`` (``child``, ``year``, ``dob``,
``in_touch``, ``activ``, ``accom``) are the year's rows.

Years are years ending 31 March. A child counts in a year only if that year's
return holds them (header or episodes): an episode left open in one return for
a child missing from the next is not carried into the later year.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..problems import BuildError, Problem
from . import codes as C
from .dates import parse_dates
from .quality import QualityReport, examples
from .read import read_tables


@dataclass(frozen=True)
class PlacementRule:
    """Which episode changes count as a new placement (configurable).

    The DfE's rule, the default: an episode starts a new placement when it starts a
    period of care or its RNE is ``P`` (new placement and carer), ``B`` (legal status
    and placement, same carer), ``T`` (placement, same carer) or ``U`` (legal status,
    placement and carer). ``L`` (legal status only) continues the placement.
    With ``exclude_temporary``, temporary placements (PLACE T0-T4: hospital,
    holiday, a carer's holiday, seven days or less) are not counted, and going back
    to the same carer afterwards is not a new placement. With
    ``exclude_short_breaks``, episodes under LS V3/V4 are not counted.

    Example: a child placed U4 (S), moved to T4 for five days (P), back to the same
    U4 carer (P), then a new U5 carer (P) has 2 placements under the DfE rule and 4
    with ``PlacementRule(exclude_temporary=False)``.
    """

    new_placement_rne: frozenset[str] = frozenset({"S", "P", "B", "T", "U"})
    exclude_temporary: bool = True
    exclude_short_breaks: bool = True


DFE_RULE = PlacementRule()


@dataclass
class CaseHistory:
    episodes: pd.DataFrame
    children: pd.DataFrame
    returns: pd.DataFrame
    uasc: pd.DataFrame
    oc3: pd.DataFrame
    years: list[int]
    report: QualityReport = field(default_factory=QualityReport)
    rule: PlacementRule = DFE_RULE

    _cache: dict = field(default_factory=dict, repr=False)

    def in_return(self, year: int) -> pd.DataFrame:
        """Episodes of the children that ``year``'s return holds."""
        if year not in self._cache:
            kids = self.returns.loc[self.returns["year"] == year, "child"]
            cids = self.children.index.get_indexer(kids)
            member = np.zeros(len(self.children), dtype=bool)
            member[cids[cids >= 0]] = True
            self._cache[year] = self.episodes[member[self.episodes["cid"].to_numpy()]]
        return self._cache[year]

    def child_values(self, column: str, episodes: pd.DataFrame) -> np.ndarray:
        """``children[column]`` for each row of ``episodes`` (by position, no index lookups)."""
        return self.children[column].to_numpy()[episodes["cid"].to_numpy()]


def _fail(frame: pd.DataFrame, mask: pd.Series, code: str, message: str, column: str,
          expected: str | None = None, hint: str | None = None, limit: int = 20) -> list[Problem]:
    rows = frame.loc[mask[mask].index[:limit]]
    return [Problem(code, message, file=f, row=int(r), column=column, value=v, expected=expected, hint=hint)
            for f, r, v in rows[["_file", "_row", column]].itertuples(index=False)]




def _out_of_year(frame, column, years, report, what):
    sub = frame[frame[column].isin(list(years))]
    values, y = sub[column].astype(object), sub["_year"]
    first = values.map({k: v[0] for k, v in years.items()}).astype(float)
    last = values.map({k: v[1] for k, v in years.items()}).astype(float)
    mask = pd.Series(False, index=frame.index)
    mask[sub.index] = (y < first.fillna(-np.inf)) | (y > last.fillna(np.inf))
    report.add("code-from-another-year", f"{what} codes not in that year's code list",
               int(mask.sum()), "Kept and mapped by their meaning (the code's group is not in doubt).",
               examples(frame[mask], column))


def _cat(series: pd.Series) -> pd.Categorical:
    """As a categorical, categories in order of appearance (sorting many distinct texts is slow)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.array
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def _obj(series: pd.Series) -> pd.Series:
    return pd.Series(series.to_numpy(dtype=object), dtype=object)


def _episodes(raw: pd.DataFrame, report: QualityReport, rule: PlacementRule) -> pd.DataFrame:
    problems: list[Problem] = []
    ep = raw  # the stacked files, not used again: adding columns in place saves a copy
    for column, values in (("REC", [C.CONTINUES, "E8"]), ("PLACE_PROVIDER", ["PR0"])):
        codes = ep[column] if isinstance(ep[column].dtype, pd.CategoricalDtype) else ep[column].astype("category")
        ep[column] = codes.cat.add_categories([v for v in values if v not in codes.cat.categories])
    problems += _fail(ep, ep["CHILD"].isna(), "missing-child", "episode without a CHILD identifier", "CHILD")
    ep["decom"], bad = parse_dates(ep["DECOM"])
    problems += _fail(ep, bad | ep["decom"].isna(), "bad-date", "episode start date missing or not a date",
                      "DECOM", expected="dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd")
    ep["dec"], bad = parse_dates(ep["DEC"])
    problems += _fail(ep, bad, "bad-date", "episode end date is not a date", "DEC",
                      expected="dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd, or blank while open")
    problems += _fail(ep, ep["dec"] < ep["decom"], "end-before-start", "episode ends before it starts",
                      "DEC", hint="check DECOM and DEC on this row")
    problems += _fail(ep, ~ep["PLACE"].isin(C.PLACEMENT_TYPE), "unknown-code", "unknown placement type",
                      "PLACE", expected="a 903 PLACE code (U1-U6, A3-A6, K1-K3, H5, P1-P3, R1-R5, S1, T0-T4, Z1)")
    problems += _fail(ep, ~ep["LS"].isin(C.LEGAL_STATUS), "unknown-code", "unknown legal status", "LS",
                      expected="a 903 LS code (C1, C2, D1, E1, J1-J3, L1-L3, V2-V4)")
    problems += _fail(ep, ~ep["RNE"].isin(C.RNE_CODES), "unknown-code", "unknown reason for new episode",
                      "RNE", expected="S, L, P, T, U or B")
    problems += _fail(ep, ep["CIN"].notna() & ~ep["CIN"].isin(C.CATEGORY_OF_NEED), "unknown-code",
                      "unknown category of need", "CIN", expected="N1 to N8")
    problems += _fail(ep, ep["REC"].notna() & ~ep["REC"].isin(C.REASON_CEASED) & (ep["REC"] != C.CONTINUES),
                      "unknown-code", "unknown reason episode ceased", "REC", expected="X1 or a 903 E code")
    no_provider = ep["PLACE_PROVIDER"].isna()
    parents = no_provider & (ep["PLACE"] == "P1")
    report.add("provider-missing-placed-with-parents", "PLACE_PROVIDER blank for placements with parents (P1)",
               int(parents.sum()), "Counted as PR0 (parents or others with parental responsibility).",
               examples(ep[parents], "PLACE_PROVIDER"))
    ep.loc[parents, "PLACE_PROVIDER"] = "PR0"
    problems += _fail(ep, ~ep["PLACE_PROVIDER"].isin(C.PROVIDER), "unknown-code",
                      "unknown or missing placement provider", "PLACE_PROVIDER", expected="PR0 to PR5")
    if problems:
        raise BuildError(problems, stage="extract")
    _out_of_year(ep, "PLACE", C.PLACE_YEARS, report, "PLACE")

    # Out of order: within a file, a child's later row starting before an earlier one.
    same_file_child = (ep["CHILD"] == ep["CHILD"].shift()) & (ep["_file"] == ep["_file"].shift())
    disorder = same_file_child & (ep["decom"] < ep["decom"].shift())
    report.add("episodes-out-of-order", "episodes listed out of date order for the child", int(disorder.sum()),
               "Sorted by child and start date (DECOM).", examples(ep[disorder], "DECOM"))
    ep["cid"] = pd.factorize(ep["CHILD"])[0]
    order = np.lexsort((ep["_row"].to_numpy(), ep["_year"].to_numpy(), ep["decom"].to_numpy(), ep["cid"].to_numpy()))
    ep = ep.iloc[order]

    # The same episode (child and start date) twice: in one return, a duplicate;
    # in several returns, the usual carry-over of an open episode.
    dup = ep.duplicated(["cid", "decom"], keep="last")
    within = dup & ep.duplicated(["cid", "decom", "_year"], keep="last")
    report.add("duplicate-episode", "episodes repeated in the same return (same child and DECOM)",
               int(within.sum()), "Kept the last row of each.", examples(ep[within], "DECOM"))
    report.add("episode-in-several-returns", "episodes that appear in more than one year's return",
               int((dup & ~within).sum()),
               "Kept the latest return's version (it has the end date if the episode has ended).")
    ep = ep[~dup].reset_index(drop=True)

    # Open episodes with a reason ceased filled in.
    open_rec = ep["dec"].isna() & ep["REC"].notna()
    report.add("open-episode-with-reason", "open episodes (no DEC) with a reason ceased (REC) filled in",
               int(open_rec.sum()), "Treated as open; REC ignored (an episode cannot cease without an end date).",
               examples(ep[open_rec], "REC"))
    ep.loc[open_rec, "REC"] = None

    same_next = ep["cid"].eq(ep["cid"].shift(-1))
    next_decom = ep["decom"].shift(-1).where(same_next)
    open_then_later = same_next & ep["dec"].isna()
    report.add("open-episode-before-later-episode", "open episodes followed by a later episode of the same child",
               int(open_then_later.sum()), "Closed on the day the next episode starts, as a continuation (X1).",
               examples(ep[open_then_later], "DECOM"))
    overlap = same_next & ep["dec"].notna() & (ep["dec"] > next_decom)
    report.add("overlapping-episodes", "episodes ending after the child's next episode starts",
               int(overlap.sum()), "End date moved back to the next episode's start; a continuation (X1).",
               examples(ep[overlap], "DEC"))
    fix = open_then_later | overlap
    ep.loc[fix, "dec"] = next_decom[fix]
    ep.loc[fix, "REC"] = C.CONTINUES

    contiguous = same_next & (ep["dec"] == next_decom)
    no_rec = ep["dec"].notna() & ep["REC"].isna()
    report.add("closed-episode-without-reason", "ended episodes with no reason ceased (REC)", int(no_rec.sum()),
               "A continuation (X1) if the next episode starts that day; otherwise ceased, reason 'other'.",
               examples(ep[no_rec], "REC"))
    ep.loc[no_rec & contiguous, "REC"] = C.CONTINUES
    ep.loc[no_rec & ~contiguous, "REC"] = "E8"
    x1_gap = ep["dec"].notna() & (ep["REC"] == C.CONTINUES) & ~contiguous
    report.add("continuation-without-next-episode", "episodes ending X1 with no episode starting that day",
               int(x1_gap.sum()), "Treated as the end of the period of care, reason 'other'.",
               examples(ep[x1_gap], "REC"))

    # Periods of care: a new one at the child's first episode, after a gap, or
    # after an episode that ceased (an E code).
    same_prev = ep["cid"].eq(ep["cid"].shift())
    prev_dec, prev_rec = ep["dec"].shift(), ep["REC"].shift()
    new_period = ~same_prev | (ep["decom"] > prev_dec) | (prev_rec != C.CONTINUES) | x1_gap.shift(fill_value=False)
    s_inside = ~new_period & (ep["RNE"] == "S")
    report.add("start-inside-period", "RNE S on an episode that continues care without a break",
               int(s_inside.sum()), "Counted as a new placement, not a new start.", examples(ep[s_inside], "RNE"))
    not_s = new_period & (ep["RNE"] != "S")
    first_year_start = pd.Timestamp(int(ep["_year"].min()) - 1, 4, 1)
    truncated = not_s & ~same_prev & (ep["decom"] < first_year_start)
    report.add("history-begins-mid-period",
               "children whose earliest episode in the files is not a start (RNE not S) and began "
               "before the first year read", int(truncated.sum()),
               "The period of care is taken to begin at that episode's DECOM (its true start is "
               "earlier: long-term stability can only be undercounted).", examples(ep[truncated], "RNE"))
    not_s &= ~truncated
    report.add("start-without-rne-s", "episodes starting a period of care whose RNE is not S",
               int(not_s.sum()), "Counted as a start (the dates show a new period of care).",
               examples(ep[not_s], "RNE"))
    cin_missing = new_period & ep["CIN"].isna()
    if cin_missing.any():
        raise BuildError(_fail(ep, cin_missing, "missing-code", "category of need missing on a start", "CIN",
                               expected="N1 to N8"), stage="extract")

    out = pd.DataFrame({
        "child": pd.Series(ep["CHILD"].to_numpy(), dtype=object),
        "cid": ep["cid"].to_numpy(),
        "decom": ep["decom"].to_numpy(), "dec": ep["dec"].to_numpy(),
        "rne": _cat(ep["RNE"]), "ls": _cat(ep["LS"]), "cin": _cat(ep["CIN"]),
        "place": _cat(ep["PLACE"]), "place_provider": _cat(ep["PLACE_PROVIDER"]),
        "rec": _cat(ep["REC"]), "reason_place_change": _obj(ep["REASON_PLACE_CHANGE"]),
        "home_post": _cat(ep["HOME_POST"]), "pl_post": _cat(ep["PL_POST"]),
        "urn": _cat(ep["URN"]), "year": ep["_year"].to_numpy(),
        "_file": _cat(ep["_file"]), "_row": ep["_row"].to_numpy(),
    })
    out["placement_type"] = out["place"].map(C.PLACEMENT_TYPE).astype(object)
    out["provider"] = out["place_provider"].map(C.PROVIDER).astype(object)
    out["legal_status"] = out["ls"].map(C.LEGAL_STATUS).astype(object)
    out["short_break"] = out["ls"].isin(C.SHORT_BREAKS)
    out["new_period"] = new_period.to_numpy()
    out["period"] = np.cumsum(out["new_period"].to_numpy()) - 1
    out["period_start"] = out.groupby("period")["decom"].transform("first")
    last = ~out["cid"].eq(out["cid"].shift(-1)) | out["new_period"].shift(-1, fill_value=True)
    out["ceased"] = last & out["dec"].notna()
    out["reason_ceased"] = out["rec"].map(C.REASON_CEASED).astype(object).where(out["ceased"])
    out.loc[out["ceased"] & out["reason_ceased"].isna(), "reason_ceased"] = "other"
    new_placement = out["new_period"] | out["rne"].isin(rule.new_placement_rne)
    out["placement"] = np.cumsum(new_placement.to_numpy()) - 1
    out["stability_placement"] = _stability_placements(out, rule)
    out["stability_start"], out["previous_stability_start"] = _stability_starts(out)
    return out


def _carer_key(ep: pd.DataFrame) -> np.ndarray:
    """A number per carer: the URN where there is one, else PLACE, PL_POST and provider."""
    urn_code, urns = pd.factorize(ep["urn"], use_na_sentinel=True)
    real = np.append(~pd.Index(urns, dtype=object).isin(["", "XXXXXXX", "SC999999"]), False)
    post = pd.factorize(ep["pl_post"], use_na_sentinel=True)[0].astype(np.int64) + 1
    place = ep["place"].cat.codes.to_numpy().astype(np.int64) + 1
    provider = ep["place_provider"].cat.codes.to_numpy().astype(np.int64) + 1
    other = (place * (post.max(initial=0) + 1) + post) * 16 + provider
    return np.where(real[urn_code], urn_code, -1 - other)


def _stability_placements(ep: pd.DataFrame, rule: PlacementRule) -> np.ndarray:
    """Placement numbers under ``rule`` (see PlacementRule); -1 for episodes not counted."""
    temporary = ep["place"].isin(C.TEMPORARY_PLACES)
    counted = pd.Series(True, index=ep.index)
    if rule.exclude_temporary:
        counted &= ~temporary
    if rule.exclude_short_breaks:
        counted &= ~ep["short_break"]
    after_temporary = temporary.shift(fill_value=False) & ep["period"].eq(ep["period"].shift())
    sub = ep[counted]
    key = _carer_key(sub)
    same_period = sub["period"].eq(sub["period"].shift())
    same_key = np.concatenate([[False], key[1:] == key[:-1]])
    back_to_same = after_temporary[counted] & same_key & same_period
    if not rule.exclude_temporary:
        back_to_same[:] = False
    new = ~same_period | (sub["rne"].isin(rule.new_placement_rne) & ~back_to_same)
    ids = np.full(len(ep), -1, dtype=np.int64)
    ids[counted.to_numpy()] = np.cumsum(new.to_numpy()) - 1
    return ids


def _stability_starts(ep: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Start of each episode's stability placement, and of the one before it in the same period."""
    ids = ep["stability_placement"].to_numpy()
    counted = ids >= 0
    n = ids.max(initial=-1) + 1
    start = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    period = np.full(n, -1, dtype=np.int64)
    decom = ep["decom"].to_numpy()[counted]
    first = np.concatenate([[True], ids[counted][1:] != ids[counted][:-1]])  # ids ascend in row order
    start[ids[counted][first]] = decom[first]
    period[ids[counted][first]] = ep["period"].to_numpy()[counted][first]
    own = np.where(counted, start[ids.clip(min=0)], np.datetime64("NaT"))
    prev_ok = counted & (ids >= 1)
    prev_id = (ids - 1).clip(min=0)
    prev = np.where(prev_ok & (period[prev_id] == ep["period"].to_numpy()), start[prev_id], np.datetime64("NaT"))
    return own, prev


def _children(tables, episodes: pd.DataFrame, report: QualityReport) -> pd.DataFrame:
    header = tables["header"].copy()
    header["dob"], bad = parse_dates(header["DOB"])
    if bad.any():
        raise BuildError(_fail(header, bad, "bad-date", "date of birth is not a date", "DOB",
                               expected="dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd"), stage="extract")
    header["SEX"] = header["SEX"].astype(object).fillna("")
    header["ETHNIC"] = header["ETHNIC"].astype(object).fillna("")
    header["cid"] = pd.factorize(header["CHILD"])[0]
    header = header.iloc[np.lexsort((header["_row"].to_numpy(), header["_year"].to_numpy(), header["cid"].to_numpy()))]
    # Date of birth: latest return that has one, else the UASC or OC3 files.
    extra = []
    for kind in ("uasc", "oc3"):
        t = tables[kind]
        if len(t):
            d, _ = parse_dates(t["DOB"])
            extra.append(pd.DataFrame({"CHILD": t["CHILD"], "dob": d}))
    known = header.loc[header["dob"].notna(), ["CHILD", "dob"]]
    differs = header.loc[header["dob"].notna()].drop_duplicates(["cid", "dob"])["cid"].value_counts()
    report.add("dob-differs-between-returns", "children whose date of birth differs between returns",
               int((differs > 1).sum()), "Used the date in the latest return.")
    dob = pd.concat([*extra, known]).dropna().drop_duplicates("CHILD", keep="last").set_index("CHILD")["dob"]
    latest = header.drop_duplicates("CHILD", keep="last").set_index("CHILD")
    missing_dob = header["dob"].isna()
    filled = missing_dob & header["CHILD"].isin(dob.index)
    report.add("dob-missing", "header rows with no date of birth", int(missing_dob.sum()),
               f"Taken from another return, the UASC or OC3 file where one has it ({int(filled.sum())} of them); "
               "a child with episodes and no date of birth anywhere stops the extract.",
               examples(header[missing_dob], "DOB"))
    # One row per child in ``cid`` order, so ``children.iloc[cid]`` is the child's row.
    cid, first = np.unique(episodes["cid"].to_numpy(), return_index=True)
    assert (cid == np.arange(len(cid))).all()
    children = pd.DataFrame(index=pd.Index(episodes["child"].to_numpy()[first], name="child", dtype=object))
    children["dob"] = dob.reindex(children.index)
    no_header = ~children.index.isin(latest.index)
    report.add("episodes-without-header", "children with episodes but no header row in any return",
               int(no_header.sum()), "Sex and ethnicity counted as not known.")
    sex = latest["SEX"].reindex(children.index).fillna("")
    ethnic = latest["ETHNIC"].reindex(children.index).fillna("")
    children["sex"] = sex.map(C.SEX)
    children["ethnicity"] = ethnic.map(C.ETHNICITY)
    odd_sex = children["sex"].isna() & ~pd.Series(no_header, index=children.index)
    report.add("unknown-sex", "children whose SEX is blank or not a 903 code", int(odd_sex.sum()),
               "Counted as not known.")
    odd_eth = children["ethnicity"].isna() & ~pd.Series(no_header, index=children.index)
    report.add("unknown-ethnicity", "children whose ETHNIC is blank or not a 903 code", int(odd_eth.sum()),
               "Counted as not known (refused or not yet obtained).")
    children["sex"] = children["sex"].fillna("not_known")
    children["ethnicity"] = children["ethnicity"].fillna("not_known")
    _out_of_year(header, "SEX", C.SEX_YEARS, report, "SEX")
    if children["dob"].isna().any():
        lost = children.index[children["dob"].isna()]
        rows = header[header["CHILD"].isin(lost)]
        problems = _fail(rows, pd.Series(True, index=rows.index), "missing-dob",
                         "child has episodes but no date of birth in any file", "DOB",
                         hint="age bands need the date of birth: add it to the header")
        if not problems:
            first = episodes[episodes["child"].isin(lost)]
            problems = [Problem("missing-dob", "child has episodes but no header row with a date of birth",
                                file=f, row=int(r), column="CHILD", value=c)
                        for f, r, c in first[["_file", "_row", "child"]].head(20).itertuples(index=False)]
        raise BuildError(problems, stage="extract")
    born_after = episodes["decom"] < children["dob"].to_numpy()[episodes["cid"].to_numpy()]
    if born_after.any():
        raise BuildError(_fail(episodes, born_after, "start-before-birth",
                               "episode starts before the child's date of birth", "decom",
                               hint="check DECOM here and DOB in the header"), stage="extract")
    return children


def read_903(source: Path, rule: PlacementRule = DFE_RULE, report: QualityReport | None = None) -> CaseHistory:
    """Read every SSDA903 return under ``source`` into one ``CaseHistory``.

    Treatments (each counted in ``CaseHistory.report``):

    * episodes out of date order: sorted by child and DECOM;
    * the same episode (child, DECOM) twice in one return: the last row kept;
      in several returns: the latest return's version kept;
    * open episodes (no DEC) with REC filled: REC ignored, the episode stays open;
    * an open episode followed by a later episode, or an episode ending after the
      next starts (overlap): ended on the next episode's start, as a continuation (X1);
    * an ended episode without REC: X1 if the next episode starts that day,
      otherwise ceased for 'other' reasons; X1 with no next episode that day: ceased, 'other';
    * RNE disagreeing with the dates (S inside a period, or a new period without S):
      the dates decide whether care started; RNE decides placement changes;
    * codes used outside the years their list allows (K3 before 2024-25, H5/P2/Z1
      after 2024-25, SEX 1/2 after 2023-24 ...): kept and mapped by meaning;
    * P1 episodes without a PLACE_PROVIDER: PR0;
    * a missing DOB: taken from another return or the UASC/OC3 files;
    * SEX or ETHNIC blank or unknown: not known.

    Stops with ``BuildError`` (file, row, column, value) on: a missing CHILD; a
    DECOM missing or not a date; a DEC or DOB not a date; DEC before DECOM; an
    unknown PLACE, LS, RNE, CIN, REC or PLACE_PROVIDER; no CIN on a start; a child
    with episodes and no DOB anywhere; an episode before the child's birth.
    """
    report = report if report is not None else QualityReport()
    tables, lines = read_tables(Path(source))
    report.files.extend(lines)
    episodes = _episodes(tables["episodes"], report, rule)
    children = _children(tables, episodes, report)
    returns = pd.concat([
        pd.DataFrame({"child": tables["header"]["CHILD"], "year": tables["header"]["_year"]}),
        pd.DataFrame({"child": tables["episodes"]["CHILD"], "year": tables["episodes"]["_year"]}),
    ]).dropna().drop_duplicates().reset_index(drop=True)
    years = sorted(int(y) for y in tables["episodes"]["_year"].unique())
    # An episode still open at the end of a later return's year for a child that
    # return does not hold: not carried forward.
    last_return = returns.groupby("child")["year"].max()
    open_ep = episodes[episodes["dec"].isna()]
    stale = open_ep["child"].map(last_return) < max(years)
    report.add("open-episode-not-in-later-return",
               "open episodes of children missing from the latest return",
               int(stale.sum()), "Counted only in years whose return holds the child.")
    uasc = tables["uasc"]
    duc, _ = parse_dates(uasc["DUC"])
    uasc_rows = pd.DataFrame({"child": uasc["CHILD"], "year": uasc["_year"].astype(int), "duc": duc})
    if "UASC" in tables["header"] and tables["header"]["UASC"].notna().any():
        h = tables["header"]
        flag = h["UASC"].astype(str).str.strip().str.upper().isin(["1", "TRUE", "Y", "YES"])
        uasc_rows = pd.concat([uasc_rows, pd.DataFrame({"child": h.loc[flag, "CHILD"],
                                                        "year": h.loc[flag, "_year"].astype(int),
                                                        "duc": pd.NaT})])
    oc3 = tables["oc3"]
    oc3_dob, _ = parse_dates(oc3["DOB"])
    oc3_rows = pd.DataFrame({
        "child": oc3["CHILD"], "year": oc3["_year"].astype(int), "dob": oc3_dob,
        "in_touch": oc3["IN_TOUCH"].astype(object).fillna(""), "activ": oc3["ACTIV"].astype(object).fillna(""),
        "accom": oc3["ACCOM"].astype(object).fillna(""), "_file": oc3["_file"], "_row": oc3["_row"],
    })
    oc3_rows["dob"] = oc3_rows["dob"].fillna(oc3_rows["child"].map(children["dob"]))
    return CaseHistory(episodes=episodes, children=children, returns=returns, uasc=uasc_rows,
                       oc3=oc3_rows.reset_index(drop=True), years=years, report=report, rule=rule)
