"""``read_903``: the 903 returns of every year, as each year's figures see them.

This is the reusable reader: the extract's measures use it, and so can a
forecasting module estimating transition rates (starts, moves between
placement types, ceasings) from the same episodes.

The returns are checked against the DfE validator's rules (``rules.py``), each
year's return on its own; the figures of a year come from that year's return and
the ones before it (``views.py``); a child's episodes are worked through once per
view (``episodes.py``), with only the repairs the return itself implies; the
quality report lists every departure by rule, with what each repair changed in the
published figures (``effects.py``).

``CaseHistory.episodes`` holds one row per episode and view, sorted by sequence
(``sid``) and start date. ``in_return(year)`` gives the rows a year's figures use.
Its columns:

========================  ================================================================
``child``, ``cid``        the CHILD identifier (categorical); the child's number (row of ``children``)
``sid``, ``view``         sequence number; -1 if the row serves every year the child is counted
                          in, else the one year (a child whose returns disagree has one copy a year)
``decom``, ``dec``        start and end dates (``dec`` missing while open)
``day_end``               end of the episode's own days (the next episode's start where they overlap)
``rne ls cin place``      903 codes, upper case, pandas categoricals (``place_provider``, ``rec`` likewise)
``place_provider rec``
``home_post pl_post urn``  as recorded (text)
``year``                  the return (year ending 31 March) the episode came from
``placement_type``        contract.PLACEMENT_TYPES code of ``place``
``provider``              contract.PROVIDERS code of ``place_provider``
``legal_status``          contract.LEGAL_STATUS code of ``ls`` (``short_breaks`` for V3/V4)
``short_break``           LS is V3 or V4 (an agreed series of short breaks)
``new_period``            the episode begins a period of care (no earlier episode covers its start)
``start``                 ... and that is a start (not the first episode of a history read mid-period)
``period``, ``period_start``  the period of care it belongs to and when that began
``ceased``, ``reason_ceased``  the episode ends its period of care; contract.REASONS_CEASED code
``placement``             placement number (a new one at each start and each RNE that changes placement)
``stability_placement``   placement number under the stability rule (-1: not counted)
``_file``, ``_row``       where the row came from (spreadsheet row)
========================  ================================================================

``CaseHistory.children`` has one row per child (index ``child``): ``dob``, ``sex``,
``ethnicity`` (contract codes), from the latest return that has them.
``members`` says which children each year counts; ``uasc`` (``child``, ``year``,
``duc``) and ``oc3`` (``child``, ``year``, ``dob``, ``in_touch``, ``activ``,
``accom``) are the year's rows.

Years are years ending 31 March, taken from the dates in the episodes files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..problems import BuildError, Problem
from . import codes as C, rules as R
from .dates import parse_dates
from .episodes import derive
from .quality import QualityReport, examples
from .read import read_tables
from .views import build_views


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
    members: dict[int, np.ndarray]
    uasc: pd.DataFrame
    oc3: pd.DataFrame
    years: list[int]
    report: QualityReport = field(default_factory=QualityReport)
    rule: PlacementRule = DFE_RULE
    #: Days an earlier episode covers again after an overlapping later one ended: row, start, end.
    resumed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"row": pd.Series(dtype=np.int64), "start": pd.Series(dtype="datetime64[ns]"),
         "end": pd.Series(dtype="datetime64[ns]")}))

    _cache: dict = field(default_factory=dict, repr=False)

    def in_return(self, year: int) -> pd.DataFrame:
        """The episodes ``year``'s figures use: the year's view of the children it counts."""
        if year not in self._cache:
            member = self.members.get(year)
            if member is None:
                member = np.zeros(len(self.children), dtype=bool)
            view = self.episodes["view"].to_numpy()
            cid = self.episodes["cid"].to_numpy()
            self._cache[year] = self.episodes[((view == -1) & member[cid]) | (view == year)]
        return self._cache[year]

    def until(self, year: int) -> pd.DataFrame:
        """Every episode known by the end of ``year`` (any view up to it)."""
        view = self.episodes["view"].to_numpy()
        return self.episodes[(view == -1) | (view <= year)]

    def child_values(self, column: str, episodes: pd.DataFrame) -> np.ndarray:
        """``children[column]`` for each row of ``episodes`` (by position, no index lookups)."""
        return self.children[column].to_numpy()[episodes["cid"].to_numpy()]


def _fail(frame: pd.DataFrame, mask, code: str, message: str, column: str,
          expected: str | None = None, hint: str | None = None, limit: int = 20) -> list[Problem]:
    rows = frame.loc[frame.index[np.asarray(mask, dtype=bool)][:limit]]
    return [Problem(code, message, file=f, row=int(r), column=column,
                    value=None if column in ("CHILD", "DOB") else v, expected=expected, hint=hint)
            for f, r, v in rows[["_file", "_row", column]].itertuples(index=False)]


def _by_year(frame: pd.DataFrame, mask: np.ndarray) -> dict[int, int]:
    years, counts = np.unique(frame["_year"].to_numpy()[mask], return_counts=True)
    return {int(y): int(c) for y, c in zip(years, counts)}


def report_rule(report: QualityReport, code: str, frame: pd.DataFrame, mask: np.ndarray, effects=None,
                treatment: str | None = None):
    """Add rule ``code``'s failures (``mask`` over ``frame``'s rows) to the report."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return None
    rule = R.RULES[code]
    number = None if "-" in code and not code[0].isdigit() else code
    return report.add(code, rule.message, int(mask.sum()), treatment or rule.treatment,
                      examples(frame[mask], rule.column if rule.column in frame else "_row"),
                      rule=number, by_year=_by_year(frame, mask), effects=effects, note=rule.effect)


def _stop_on_bad_episodes(ep: pd.DataFrame, masks: dict) -> None:
    problems: list[Problem] = []
    problems += _fail(ep, ep["CHILD"].isna().to_numpy(), "missing-child", "episode without a CHILD identifier",
                      "CHILD")
    problems += _fail(ep, (ep["_bad_decom"] | ep["decom"].isna()).to_numpy(), "bad-date",
                      "rule 141: episode start date missing or not a date", "DECOM",
                      expected="dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd")
    problems += _fail(ep, ep["_bad_dec"].to_numpy(), "bad-date", "rule 147: episode end date is not a date", "DEC",
                      expected="dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd, or blank while open")
    problems += _fail(ep, masks["356"], "end-before-start", "rule 356: episode ends before it starts", "DEC",
                      hint="check DECOM and DEC on this row")
    problems += _fail(ep, ~ep["PLACE"].isin(list(C.PLACEMENT_TYPE)).to_numpy(), "unknown-code",
                      "rule 146: unknown placement type", "PLACE",
                      expected="a 903 PLACE code (U1-U6, A3-A6, K1-K3, H5, P1-P3, R1-R5, S1, T0-T4, Z1, Z11-Z14)")
    problems += _fail(ep, ~ep["LS"].isin(list(C.LEGAL_STATUS)).to_numpy(), "unknown-code",
                      "rule 144: unknown legal status", "LS",
                      expected="a 903 LS code (C1, C2, D1, E1, J1-J3, L1-L3, V2-V4)")
    problems += _fail(ep, ~ep["RNE"].isin(list(C.RNE_CODES)).to_numpy(), "unknown-code",
                      "rule 143: unknown reason for new episode", "RNE", expected="S, L, P, T, U or B")
    problems += _fail(ep, masks["145"], "unknown-code", "rule 145: unknown category of need", "CIN",
                      expected="N1 to N8")
    unknown_rec = ep["REC"].notna().to_numpy() & ~ep["REC"].isin([*C.REASON_CEASED, C.CONTINUES]).to_numpy()
    problems += _fail(ep, unknown_rec, "unknown-code", "rule 149: unknown reason episode ceased", "REC",
                      expected="X1 or a 903 E code")
    bad_provider = ep["PLACE_PROVIDER"].notna().to_numpy() & ~ep["PLACE_PROVIDER"].isin(list(C.PROVIDER)).to_numpy()
    problems += _fail(ep, bad_provider, "unknown-code", "rule 178: unknown placement provider", "PLACE_PROVIDER",
                      expected="PR0 to PR5")
    needs = masks["526"] & (ep["PLACE"] != "P1").to_numpy() & ~ep["PLACE"].isin(list(C.NO_PROVIDER_PLACES)).to_numpy()
    problems += _fail(ep, needs, "unknown-code", "rule 526: missing placement provider", "PLACE_PROVIDER",
                      expected="PR0 to PR5 (blank only for T0-T4, Z1 and Z11-Z14)")
    if problems:
        raise BuildError(problems, stage="extract")


REPORTED_EPISODE_RULES = ("141", "147", "146", "149", "178", "213", "550", "142", "148", "501", "355", "354",
                          "385", "ended-before-year", "357", "388", "431", "432", "433", "437", "502", "503", "NoE",
                          "526")


def _children(tables, kid_ids: pd.Index, episode_kids: np.ndarray, report: QualityReport) -> pd.DataFrame:
    """One row per child number: dob, sex, ethnicity."""
    header = tables["header"]
    header_dob, bad = parse_dates(header["DOB"])
    if bad.any():
        raise BuildError(_fail(header, bad.to_numpy(), "bad-date", "rule 102: date of birth is not a date", "DOB",
                               expected="dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd"), stage="extract")
    order = np.lexsort((header["_row"].to_numpy(), header["_year"].to_numpy(), header["kid"].to_numpy()))
    h = pd.DataFrame({"kid": header["kid"].to_numpy()[order], "dob": header_dob.to_numpy()[order],
                      "sex": header["SEX"].astype(object).to_numpy()[order],
                      "ethnic": header["ETHNIC"].astype(object).to_numpy()[order]})
    n = len(kid_ids)
    known = h[h["dob"].notna()]
    differs = known.drop_duplicates(["kid", "dob"])["kid"].value_counts()
    report.add("dob-differs-between-returns", "children whose date of birth differs between returns (rule 203)",
               int((differs > 1).sum()), "Used the date in the latest return.")
    dob = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    for kind in ("oc3", "uasc"):  # the header's dates win: written last
        t = tables[kind]
        if len(t):
            d, _ = parse_dates(t["DOB"])
            ok = d.notna().to_numpy()
            dob[t["kid"].to_numpy()[ok]] = d.to_numpy()[ok]
    dob[known["kid"].to_numpy()] = known["dob"].to_numpy()  # sorted by year: the latest return's wins
    latest = h.drop_duplicates("kid", keep="last")
    missing_dob = h["dob"].isna().to_numpy()
    filled = missing_dob & ~np.isnat(dob[h["kid"].to_numpy()])
    report.add("dob-missing", "header rows with no date of birth", int(missing_dob.sum()),
               f"Taken from another return, the UASC or OC3 file where one has it ({int(filled.sum())} of them); "
               "a child with episodes and no date of birth anywhere stops the extract.")
    sex = np.full(n, "", dtype=object)
    ethnic = np.full(n, "", dtype=object)
    sex[latest["kid"].to_numpy()] = pd.Series(latest["sex"]).fillna("").to_numpy()
    ethnic[latest["kid"].to_numpy()] = pd.Series(latest["ethnic"]).fillna("").to_numpy()
    in_header = np.zeros(n, dtype=bool)
    in_header[latest["kid"].to_numpy()] = True
    children = pd.DataFrame({"dob": dob, "sex": pd.Series(sex).map(C.SEX).to_numpy(),
                             "ethnicity": pd.Series(ethnic).map(C.ETHNICITY).to_numpy()},
                            index=pd.Index(kid_ids, name="child", dtype=object))
    with_episodes = np.zeros(n, dtype=bool)
    with_episodes[episode_kids] = True
    report.add("episodes-without-header", "children with episodes but no header row in any return (rule INT03)",
               int((with_episodes & ~in_header).sum()), "Sex and ethnicity counted as not known.")
    children["sex"] = children["sex"].fillna("not_known")
    children["ethnicity"] = children["ethnicity"].fillna("not_known")
    lost = with_episodes & np.isnat(dob)
    if lost.any():
        rows = header[lost[header["kid"].to_numpy()]]
        problems = _fail(rows, np.ones(len(rows), dtype=bool), "missing-dob",
                         "child has episodes but no date of birth in any file", "DOB",
                         hint="age bands need the date of birth: add it to the header")
        if not problems:
            first = tables["episodes"][lost[tables["episodes"]["kid"].to_numpy()]]
            problems = _fail(first, np.ones(len(first), dtype=bool), "missing-dob",
                             "child has episodes but no header row with a date of birth", "CHILD")
        raise BuildError(problems, stage="extract")
    return children


def read_903(source: Path, rule: PlacementRule = DFE_RULE, report: QualityReport | None = None) -> CaseHistory:
    """Read every SSDA903 return under ``source`` into one ``CaseHistory``.

    Each year's return is checked against the DfE validator's rules (``rules.py``) and
    every failure is listed in ``CaseHistory.report`` by rule, with the treatment
    and, where the extract changed what the return records, what that changed in
    the published figures. The treatments, in short: the year's own return decides
    its figures (``views.py``); overlapping episodes are counted as recorded; an
    episode left open before a later one is closed when the next begins (rule 142);
    an ended episode without a reason is a continuation or a ceasing by the dates
    (rule 148); the same row twice is counted once; dates decide whether care started
    (rules 357, 431-433); codes of another year's list are counted by their meaning
    (rules 101, 146, 149); P1 without provider is PR0 (rule 526); a temporary
    placement takes the provider of the placement before it (rule 383); a missing
    DOB is taken from another return or the UASC/OC3 files.

    Stops with ``BuildError`` (file, row, column, value) on: a missing CHILD; a
    DECOM missing or not a date; a DEC or DOB not a date; DEC before DECOM; an
    unknown PLACE, LS, RNE, CIN, REC or PLACE_PROVIDER; a missing provider other
    than where the rules allow it; no CIN on a start; a child with episodes and no
    DOB anywhere; an episode before the child's birth; a folder, file name or year
    column that disagrees with the dates in the file.
    """
    report = report if report is not None else QualityReport()
    tables, lines = read_tables(Path(source))
    report.files.extend(lines)
    ep = tables["episodes"]

    # One number per child across every table (through the categories: no text is hashed twice).
    kinds = ("episodes", "header", "uasc", "oc3")
    categories = [tables[k]["CHILD"].cat.categories for k in kinds]
    kid_ids = pd.Index(pd.unique(np.concatenate([c.to_numpy(dtype=object) for c in categories])), dtype=object)
    for kind, cats in zip(kinds, categories):
        codes = tables[kind]["CHILD"].cat.codes.to_numpy()
        where = np.append(kid_ids.get_indexer(cats), -1)
        tables[kind]["kid"] = where[codes]
        if kind != "episodes":
            tables[kind] = tables[kind][tables[kind]["kid"].to_numpy() >= 0].reset_index(drop=True)
    ep = tables["episodes"]
    order = np.lexsort((ep["_row"].to_numpy(), np.where(ep["dec"].isna(), np.iinfo(np.int64).max,
                                                         ep["dec"].to_numpy().view(np.int64)),
                        ep["decom"].to_numpy().view(np.int64), ep["kid"].to_numpy(), ep["_year"].to_numpy()))
    ep = ep.iloc[order].reset_index(drop=True)
    tables["episodes"] = ep
    masks = R.episode_rules(ep)
    _stop_on_bad_episodes(ep, masks)
    years = sorted(int(y) for y in np.unique(ep["_year"].to_numpy()))

    disorder = np.zeros(len(ep), dtype=bool)
    file_order = np.argsort(order, kind="stable")  # position of each row in file order
    same = np.zeros(len(ep), dtype=bool)
    same[1:] = (ep["kid"].to_numpy()[1:] == ep["kid"].to_numpy()[:-1]) & (ep["_year"].to_numpy()[1:] ==
                                                                            ep["_year"].to_numpy()[:-1])
    disorder[1:] = same[1:] & (file_order[1:] < file_order[:-1])
    report.add("episodes-out-of-order", "episodes not listed in date order for the child (not a DfE rule)",
               int(disorder.sum()), "Sorted by start date (DECOM).", examples(ep[disorder], "DECOM"))
    first_findings = {code: report_rule(report, code, ep, masks[code]) for code in REPORTED_EPISODE_RULES}

    header = tables["header"]
    header_masks = R.header_rules(header)
    for code in ("101", "103", "INT32"):
        report_rule(report, code, header, header_masks[code])
    header_kids = {int(y): header["kid"].to_numpy()[header["_year"].to_numpy() == y] for y in years}
    views = build_views(ep, years, len(kid_ids), header_kids)
    in_episodes = {int(y): np.unique(ep["kid"].to_numpy()[ep["_year"].to_numpy() == y]) for y in years}
    episode_keys = ep["kid"].to_numpy().astype(np.int64) * 10_000 + ep["_year"].to_numpy()
    header_keys = header["kid"].to_numpy().astype(np.int64) * 10_000 + header["_year"].to_numpy().astype(np.int64)
    no_episodes = ~np.isin(header_keys, episode_keys) & np.isin(header["_year"].to_numpy(), years)

    tl = ep.iloc[views.rows].reset_index(drop=True)
    tl["sid"], tl["view"] = views.sid, views.view
    tl["child"] = pd.Categorical.from_codes(tl["kid"].to_numpy(), categories=kid_ids)
    episodes, touched, resumed = derive(tl, years[0], rule)
    start_no_cin = episodes["start"].to_numpy() & episodes["cin"].isna().to_numpy()
    if start_no_cin.any():
        rows = pd.DataFrame({"_file": episodes["_file"].astype(object), "_row": episodes["_row"],
                             "CIN": episodes["cin"].astype(object)})
        raise BuildError(_fail(rows, start_no_cin, "missing-code", "category of need missing on a start", "CIN",
                               expected="N1 to N8"), stage="extract")
    truncated = episodes["truncated"].to_numpy() & ~episodes.duplicated("cid").to_numpy()
    report.add("history-begins-mid-period",
               "children whose earliest episode in the files is not a start (RNE not S) and began on or "
               "before 1 April of the first year read", int(truncated.sum()),
               "The period of care is taken to begin at that episode's DECOM, and it is not counted as a start "
               "(its true start is earlier: long-term stability can only be undercounted).",
               examples(_refs(episodes[truncated]), "RNE"))

    children = _children(tables, kid_ids, np.unique(ep["kid"].to_numpy()), report)
    born_after = episodes["decom"].to_numpy() < children["dob"].to_numpy()[episodes["cid"].to_numpy()]
    if born_after.any():
        raise BuildError(_fail(_refs(episodes), born_after, "start-before-birth",
                               "rule 302: episode starts before the child's date of birth", "DECOM",
                               hint="check DECOM here and DOB in the header"), stage="extract")

    uasc = tables["uasc"]
    duc, _ = parse_dates(uasc["DUC"])
    uasc_rows = pd.DataFrame({"child": uasc["CHILD"], "year": uasc["_year"].astype(int), "duc": duc})
    if "UASC" in header and header["UASC"].notna().any():
        flag = header["UASC"].astype(str).str.strip().str.upper().isin(["1", "TRUE", "Y", "YES"])
        uasc_rows = pd.concat([uasc_rows, pd.DataFrame({"child": header.loc[flag, "CHILD"],
                                                        "year": header.loc[flag, "_year"].astype(int),
                                                        "duc": pd.NaT})])
    oc3_rows = _oc3(tables, children, report)

    history = CaseHistory(episodes=episodes, children=children, members=views.members, uasc=uasc_rows,
                          oc3=oc3_rows, years=years, report=report, rule=rule, resumed=resumed)

    # What the repairs and the views changed in the published figures.
    from .effects import care_leaver_effects, effect_of, membership_effects, repair_effects
    effects = repair_effects(history, tl, touched)
    tl_kid = tl["kid"].to_numpy()
    for code in ("357", "388", "431", "432", "433"):
        if first_findings.get(code) is not None:
            kids = np.unique(ep["kid"].to_numpy()[masks[code]])
            sids = np.unique(tl["sid"].to_numpy()[np.isin(tl_kid, kids)])
            first_findings[code].effects = effect_of(history, tl, sids, "dates-decide")
    for code, change in care_leaver_effects(history).items():
        if report.find(code) is not None:
            report.find(code).effects = change
    for repair, code in (("142-close", "142"), ("148-no-rec", "148")):
        if first_findings.get(code) is not None:  # none: the rows were repeats, or open with a reason
            first_findings[code].effects = effects.get(repair, {})
    src_rows = tl.iloc[touched["identical"]] if len(touched["identical"]) else tl.iloc[:0]
    report.add("identical-rows", "the same episode twice in a return, every column alike (rules 501 or 142 "
               "also list them)", len(src_rows), "Counted once.", examples(src_rows, "DECOM"),
               by_year=_by_year(src_rows, np.ones(len(src_rows), dtype=bool)), effects=effects.get("identical"))
    provided = tl.iloc[touched["383-provider"]] if len(touched["383-provider"]) else tl.iloc[:0]
    report.add("temporary-placement-provider", "temporary placements (T0-T4) with no provider, as rules 178 and "
               "213 require", len(provided), "The provider of the placement before it, to which the child returns "
               "(rule 383), is used for the provider breakdown.", examples(provided, "PLACE"),
               by_year=_by_year(provided, np.ones(len(provided), dtype=bool)))
    carried = {y: k for y, k in views.carried.items() if len(k)}
    report_rule(report, "EPI", header, no_episodes, effects=membership_effects(history, carried) if carried else None,
                treatment=R.RULES["EPI"].treatment + f" Carried: {sum(len(k) for k in carried.values())} "
                "children." if carried else None)
    late = {y: k for y, k in views.late_ceasing.items() if len(k)}
    if late:
        effects_late = membership_effects(history, late)
        finding = report.find("385")
        text = (f" Ceasings counted although that year's return does not hold the child: "
                f"{sum(len(k) for k in late.values())}.")
        if finding is not None:
            finding.treatment += text
            finding.effects = effects_late
    report.add("returns-disagree", "children whose returns disagree about the same years (an episode "
               "changed, added or left out in a later return)", len(views.disagreeing),
               "Each year's figures use that year's return (and earlier ones); a later return never changes an "
               "earlier year's figures.")
    last_return = {}
    for y in years:
        last_return.update(dict.fromkeys(header_kids[y].tolist(), y))
        last_return.update(dict.fromkeys(in_episodes[y].tolist(), y))
    open_at_end = history.episodes[history.episodes["dec"].isna() & (history.episodes["view"] == -1)]
    stale = open_at_end["cid"].map(last_return) < max(years)
    report.add("open-episode-not-in-later-return", "open episodes of children missing from the latest return",
               int(stale.sum()), "Counted only in years whose return holds the child.")
    return history


def _refs(episodes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"_file": episodes["_file"].astype(object).to_numpy(), "_row": episodes["_row"].to_numpy(),
                         "_year": episodes["year"].to_numpy(), "RNE": episodes["rne"].astype(object).to_numpy(),
                         "DECOM": episodes["decom"].to_numpy()}, index=episodes.index)


def _oc3(tables, children: pd.DataFrame, report: QualityReport) -> pd.DataFrame:
    """The OC3 rows with the rules they fail (``rule_131`` ...), reported by rule."""
    oc3 = tables["oc3"]
    dob, _ = parse_dates(oc3["DOB"])
    dob = dob.fillna(pd.Series(children["dob"].to_numpy()[oc3["kid"].to_numpy()], index=oc3.index)) \
        if len(oc3) else dob
    ep = tables["episodes"]
    e2 = ep[(ep["REC"] == "E2").to_numpy()]
    e2_keys = e2["kid"].to_numpy().astype(np.int64) * 10_000 + e2["_year"].to_numpy()
    oc3_keys = oc3["kid"].to_numpy().astype(np.int64) * 10_000 + oc3["_year"].to_numpy().astype(np.int64)
    died = np.isin(oc3_keys, e2_keys) | np.isin(oc3_keys - 1, e2_keys)  # this return or the one before
    masks = R.oc3_rules(oc3, dob, died)
    for code in ("131", "132", "133", "153", "344", "345", "391", "1000", "INT34"):
        report_rule(report, code, oc3, masks[code])
    out = pd.DataFrame({
        "child": oc3["CHILD"].to_numpy(), "cid": oc3["kid"].to_numpy(), "year": oc3["_year"].astype(int).to_numpy(),
        "dob": dob.to_numpy(),
        "in_touch": oc3["IN_TOUCH"].astype(object).fillna("").to_numpy(),
        "activ": oc3["ACTIV"].astype(object).fillna("").to_numpy(),
        "accom": oc3["ACCOM"].astype(object).fillna("").to_numpy(),
        "_file": oc3["_file"].to_numpy(), "_row": oc3["_row"].to_numpy(),
        "rule_344": masks["344"], "rule_132": masks["132"], "rule_133": masks["133"],
        "repeat": oc3.duplicated(["kid", "_year"], keep="last").to_numpy(),
    })
    return out.reset_index(drop=True)
