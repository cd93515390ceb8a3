"""The DfE validator's rules the 903 measures depend on, checked on each year's return.

The DfE's own validator for the SSDA903 return (csc-validator-be-903, maintained by
data-to-insight) cannot share this project's environment (it pins pandas < 2), so
the rules the measures depend on are written here again, in our own words and
code, under the validator's rule numbers. Each is checked on one year's return at
a time, as the validator checks it (the year comes from the file's dates, see
``read.py``; "the previous return" is the year before's, where it was read).
``tests/test_extract_rules.py`` runs the validator's own test cases for each.

A rule marked ``stops`` makes the extract stop with the file, row, column and
value (the figures cannot be computed); the others are listed in the quality
report, rule by rule, with what the extract did and what that changed in the
published figures. Checks that are not DfE rules have a name instead of a number.

Every function takes frames as ``read_tables`` gives them, with ``kid`` (a number
per child) added; episodes sorted by year, child, start, end (open last), row.
Each returns ``{rule code: boolean mask over the frame's rows}``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import codes as C


@dataclass(frozen=True)
class Rule:
    code: str  # the validator's rule number ("142"), or a name for the extract's own checks
    table: str  # "episodes", "header" or "oc3"
    message: str  # what the rule requires, in our words
    column: str  # the column a row reference shows
    treatment: str  # what the extract does with a row that fails it
    stops: bool = False
    #: What the treatment changes in the published figures, where it is not measured.
    effect: str = "none (counted as recorded)"


RULES: dict[str, Rule] = {r.code: r for r in (
    # Dates and codes the figures cannot do without: the extract stops.
    Rule("141", "episodes", "the episode's start date (DECOM) is not a date written dd/mm/yyyy", "DECOM",
         "A date in another form (dd/mm/yy, yyyy-mm-dd) is read as the date it names; a blank or a text that "
         "is no date stops the extract."),
    Rule("147", "episodes", "the episode's end date (DEC) is not a date written dd/mm/yyyy", "DEC",
         "A date in another form (dd/mm/yy, yyyy-mm-dd) is read as the date it names; a text that is no date "
         "stops the extract."),
    Rule("356", "episodes", "the episode ends (DEC) before it starts (DECOM)", "DEC", "Stops the extract.",
         stops=True),
    Rule("143", "episodes", "the reason for new episode (RNE) is not a valid code", "RNE",
         "Stops the extract.", stops=True),
    Rule("144", "episodes", "the legal status (LS) is not a valid code", "LS", "Stops the extract.", stops=True),
    Rule("145", "episodes", "the category of need (CIN) is not a valid code", "CIN", "Stops the extract.",
         stops=True),
    Rule("149", "episodes", "the reason episode ceased (REC) is not a valid code", "REC",
         "Unknown codes stop the extract; the older special guardianship codes E43 and E44 are counted by their "
         "meaning (special guardianship)."),
    # Codes valid in other years: kept and counted by their meaning.
    Rule("146", "episodes", "the placement type (PLACE) is not in the year's code list", "PLACE",
         "Unknown codes stop the extract; a code of another year's list (K3 before 2024-25; H5, P2, Z1 from "
         "2025-26) is counted by its meaning."),
    Rule("178", "episodes", "the placement provider (PLACE_PROVIDER) is not a valid code, or is recorded for a "
         "placement that has none (T0-T4, and Z1 until 2024-25, Z11-Z14 from 2025-26)", "PLACE_PROVIDER",
         "An invalid code stops the extract; a provider on a temporary or other placement is kept."),
    Rule("213", "episodes", "a placement provider is recorded for a temporary placement (T0-T4; from 2025-26 "
         "also Z11-Z14)", "PLACE_PROVIDER", "Kept as recorded."),
    Rule("526", "episodes", "no placement provider (PLACE_PROVIDER) for a placement that needs one", "PLACE",
         "A placement with parents (P1) is taken as PR0, the only provider rule 550 allows with P1; any other "
         "placement stops the extract."),
    Rule("550", "episodes", "provider PR0 (parents) on a placement other than with parents (P1)", "PLACE",
         "Kept as recorded (counted as provided by parents)."),
    # The sequence of episodes within the return.
    Rule("142", "episodes", "a later episode starts, but this one has no end date (DEC) or no reason ceased (REC)",
         "DEC", "An episode with no end date is closed on the day the next episode starts (rule 142 says it "
         "should have ended): as a continuation (X1) if the next episode continues care (RNE not S), otherwise "
         "as a ceasing for the reason recorded, or 'other' if none. A missing REC alone: see rule 148."),
    Rule("148", "episodes", "the end date (DEC) and the reason ceased (REC) are not both filled or both blank",
         "REC", "An open episode's REC is ignored (it has not ended); an ended episode without REC is a "
         "continuation (X1) if the next episode starts that day, otherwise a ceasing for 'other' reasons."),
    Rule("501", "episodes", "the episode starts before the previous episode ended (they overlap)", "DECOM",
         "Counted as recorded, never cut: the child is looked after while any episode is open; on a day two "
         "episodes cover, the one that started later gives the placement."),
    Rule("355", "episodes", "the episode lasted less than a day (DEC equals DECOM)", "DEC",
         "Counted as recorded (no day of care; it may still start a placement or a period of care)."),
    Rule("354", "episodes", "the episode starts after the collection year ended", "DECOM",
         "Counted as recorded (it falls in a later year's figures)."),
    Rule("385", "episodes", "the episode ends after the collection year ended", "DEC",
         "Counted as recorded: open at 31 March; the ceasing is counted in the year it falls in, even where "
         "that year's return does not hold the child."),
    Rule("ended-before-year", "episodes", "the episode ended before the collection year began (not a DfE rule: "
         "a return holds the episodes open during its year)", "DEC",
         "Kept as the child's history; it is in no figure of the year."),
    Rule("357", "episodes", "the child's first episode in the return starts in the year but is not a start "
         "(RNE not S)", "RNE", "The dates decide: counted as a start."),
    Rule("388", "episodes", "the episode ends as a continuation (X1) with no episode starting that day, or "
         "with a ceasing code although the next episode starts that day", "REC",
         "The dates decide: X1 with a gap after it ends care (reason 'other'); a ceasing code with an episode "
         "starting that day is a ceasing and a new start."),
    Rule("431", "episodes", "the episode is a start (RNE S), but the previous episode ended that day or later",
         "RNE", "The dates decide: a start only if the previous episode ceased (an E code) or a day passed; "
         "otherwise a change of placement."),
    Rule("432", "episodes", "the previous episode ceased (an E code), but this one is not a start (RNE not S)",
         "RNE", "The dates decide: counted as a start."),
    Rule("433", "episodes", "the episode continues care (RNE P, L, T, U or B), but no episode ended the day it "
         "started", "RNE", "The dates decide: after a gap, counted as a start."),
    Rule("437", "episodes", "the child died or was found to be an adult (REC E2 or E15), yet a later episode "
         "follows", "REC", "Counted as recorded."),
    # Against the previous year's return.
    Rule("502", "episodes", "the previous return ended with an open episode that started on another day than "
         "the child's first episode in this return", "DECOM",
         "This year's return decides this year's figures; the previous return's figures are left as they are."),
    Rule("503", "episodes", "the child's first episode differs from the open episode the previous return "
         "ended with (RNE, LS, CIN, PLACE or PLACE_PROVIDER: rules 503A-503E)", "DECOM",
         "This year's return decides this year's figures."),
    Rule("NoE", "episodes", "an episode starts before the year, but the previous return holds no episode of "
         "the child", "DECOM", "Counted as recorded."),
    Rule("EPI", "header", "the child is in the header but has no episode in the return", "CHILD",
         "Where the previous return left the child in an open episode, that episode is carried into the year "
         "(the header says the child was looked after); otherwise the child is in no figure."),
    # Header.
    Rule("101", "header", "the sex (SEX) is not in the year's code list (1/2 until 2023-24, M/F/U from "
         "2024-25)", "SEX", "Counted by its meaning (1 or M male, 2 or F female); others as not known."),
    Rule("103", "header", "the ethnicity (ETHNIC) is blank or not a valid code", "ETHNIC",
         "Counted as not known."),
    Rule("INT32", "header", "the child is in the header more than once", "CHILD",
         "The last row is used for sex and ethnicity."),
    # OC3: care leavers.
    Rule("131", "oc3", "IN_TOUCH is blank or not a valid code", "IN_TOUCH", "Counted as not in touch."),
    Rule("132", "oc3", "the activity (ACTIV) is blank or not a valid code", "ACTIV",
         "Counted as not in education, employment or training, except the older codes F3 and P3 "
         "(training or employment), counted as in it."),
    Rule("133", "oc3", "the accommodation (ACCOM) is blank or not a valid code (01, S1 and X1 are not codes)",
         "ACCOM", "Counted as not known: not in suitable accommodation."),
    Rule("153", "oc3", "IN_TOUCH, ACTIV and ACCOM are neither all filled nor all blank", "IN_TOUCH",
         "Each item counted as recorded (a blank as not known)."),
    Rule("344", "oc3", "the young person died or returned home (IN_TOUCH DIED or RHOM), yet an activity or "
         "accommodation is recorded (it must be 0)", "ACTIV",
         "Counted as neither in education, employment or training nor in suitable accommodation, as rule 344 "
         "requires."),
    Rule("345", "oc3", "the council is in touch (YES), yet the activity or accommodation is 0 (not known)",
         "ACTIV", "Counted as recorded (not known)."),
    Rule("391", "oc3", "the young person was not yet 17 at the end of the year", "IN_TOUCH",
         "Left out of the care leaver figures (they are for those aged 17 to 21)."),
    Rule("1000", "oc3", "care leaver information for a child whose care ended because they died (REC E2, this "
         "or the previous return)", "IN_TOUCH", "Counted as recorded."),
    Rule("INT34", "oc3", "the young person is in the OC3 file more than once", "IN_TOUCH",
         "Counted once (the last row)."),
)}

_BY_MEANING = "totals unchanged; the breakdowns count the code by its meaning"
for _code, _effect in {
    "141": "none (read as the date written)", "147": "none (read as the date written)",
    "146": _BY_MEANING, "149": _BY_MEANING, "101": _BY_MEANING,
    "103": "totals unchanged; counted as not known in the ethnicity breakdown",
    "131": "counted as not in touch", "132": "counted as not in education, employment or training",
    "133": "counted as not in suitable accommodation", "391": "left out of the care leaver figures",
    "ended-before-year": "none (in no figure of the year)",
    "502": "none (each year's figures use its own return)", "503": "none (each year's figures use its own return)",
    "526": "only the provider breakdown (P1 counted as provided by parents)",
}.items():
    RULES[_code] = replace(RULES[_code], effect=_effect)

NEW_PLACEMENT_RNE = ("P", "L", "T", "U", "B")


def _shifted(values: np.ndarray, by: int, fill) -> np.ndarray:
    out = np.empty_like(values)
    if by > 0:
        out[:by], out[by:] = fill, values[:-by]
    else:
        out[by:], out[:by] = fill, values[-by:]
    return out


def year_bounds(years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(1 April, 31 March) of each year ending 31 March, as datetime64[ns]."""
    start = (np.asarray(years, dtype=np.int64) - 1 - 1970).astype("datetime64[Y]").astype("datetime64[M]") + 3
    end = start + np.timedelta64(12, "M")
    return start.astype("datetime64[D]").astype("datetime64[ns]"), \
        (end.astype("datetime64[D]") - np.timedelta64(1, "D")).astype("datetime64[ns]")


def _codes(series: pd.Series, values) -> np.ndarray:
    return series.isin(list(values)).to_numpy()


def _valid_in_year(series: pd.Series, years: np.ndarray, limits: dict) -> np.ndarray:
    """False where the code is one with limits and ``years`` is outside them."""
    ok = np.ones(len(series), dtype=bool)
    for code, (first, last) in limits.items():
        rows = (series == code).to_numpy()
        if rows.any():
            bad = np.zeros(len(series), dtype=bool)
            if first is not None:
                bad |= years < first
            if last is not None:
                bad |= years > last
            ok &= ~(rows & bad)
    return ok


def _no_provider(place: pd.Series, year: np.ndarray, rule: str) -> np.ndarray:
    """Placements with no provider in the year's rules: 178/526 (T0-T4 and Z1, or Z11-Z14 from
    2025-26) or 213 (T0-T4, and Z11-Z14 from 2025-26)."""
    temporary = _codes(place, C.TEMPORARY_PLACES)
    z1 = (place == "Z1").to_numpy()
    z11 = _codes(place, ("Z11", "Z12", "Z13", "Z14"))
    new = year >= 2026
    if rule == "213":
        return temporary | (z11 & new)
    return temporary | (z1 & ~new) | (z11 & new)


def episode_rules(ep: pd.DataFrame) -> dict[str, np.ndarray]:
    """Rules on each return's episodes (``ep`` sorted by ``_year``, ``kid``, ``decom``, ``dec``, ``_row``).

    Code columns hold the codes as cleaned (upper case, blank missing); ``decom`` and
    ``dec`` the parsed dates, ``_bad_*`` and ``_form_*`` the cells that are no date or
    not written dd/mm/yyyy (``read.read_tables``).
    """
    n = len(ep)
    year = ep["_year"].to_numpy().astype(np.int64)
    key = ep["kid"].to_numpy().astype(np.int64) * 10_000 + year
    same_prev = np.zeros(n, dtype=bool)
    same_prev[1:] = key[1:] == key[:-1]
    same_next = _shifted(same_prev, -1, False)
    decom, dec = ep["decom"].to_numpy(), ep["dec"].to_numpy()
    start, end = year_bounds(year)
    nat = np.datetime64("NaT")
    prev_dec, next_decom = _shifted(dec, 1, nat), _shifted(decom, -1, nat)
    dec_blank = np.isnat(dec)
    rec = ep["REC"]
    rec_blank = rec.isna().to_numpy()
    x1 = (rec == C.CONTINUES).to_numpy()
    ceasing = _codes(rec, C.REASON_CEASED)
    rne = ep["RNE"]
    rne_s = (rne == "S").to_numpy()
    place, provider = ep["PLACE"], ep["PLACE_PROVIDER"]
    provider_blank = provider.isna().to_numpy()
    out: dict[str, np.ndarray] = {}
    # Dates and codes.
    out["141"] = (ep["_bad_decom"] | ep["_form_decom"]).to_numpy()
    out["147"] = (ep["_bad_dec"] | ep["_form_dec"]).to_numpy()
    out["356"] = ~dec_blank & (dec < decom)
    out["143"] = ~rne.isna().to_numpy() & ~_codes(rne, C.RNE_CODES)
    out["144"] = ~ep["LS"].isna().to_numpy() & ~_codes(ep["LS"], C.LEGAL_STATUS)
    out["145"] = ~ep["CIN"].isna().to_numpy() & ~_codes(ep["CIN"], C.CATEGORY_OF_NEED)
    listed_place = _codes(place, C.PLACEMENT_TYPE) & _valid_in_year(place, year, C.PLACE_YEARS)
    out["146"] = ~place.isna().to_numpy() & ~listed_place
    valid_rec = (_codes(rec, C.REASON_CEASED) & ~_codes(rec, C.REC_NOT_IN_LIST)) | x1
    out["149"] = ~rec_blank & ~valid_rec
    out["178"] = ~provider_blank & (~_codes(provider, C.PROVIDER) | _no_provider(place, year, "178"))
    out["213"] = ~provider_blank & _no_provider(place, year, "213")
    out["526"] = provider_blank & ~_no_provider(place, year, "526")
    out["550"] = (provider == "PR0").to_numpy() & (place != "P1").to_numpy()
    # The sequence of episodes.
    out["142"] = same_next & (dec_blank | rec_blank)
    out["148"] = dec_blank != rec_blank
    out["501"] = same_prev & (decom < prev_dec)
    out["355"] = decom == dec
    out["354"] = decom > end
    out["385"] = dec > end
    out["ended-before-year"] = dec < start
    out["357"] = ~same_prev & (decom >= start) & ~rne_s
    next_same_day = same_next & (dec == next_decom)
    out["388"] = ((same_next & x1 & ~dec_blank & ~np.isnat(next_decom) & (dec != next_decom))
                  | (same_next & ~x1 & ~rec_blank & ~dec_blank & next_same_day)
                  | (~same_next & ~dec_blank & x1))
    out["431"] = same_prev & rne_s & (decom <= prev_dec)
    out["432"] = same_prev & _shifted(ceasing, 1, False) & ~rne_s
    out["433"] = same_prev & _codes(rne, NEW_PLACEMENT_RNE) & (np.isnat(prev_dec) | (prev_dec != decom))
    out["437"] = same_next & _codes(rec, C.FINAL_REASONS)
    out.update(_against_previous(ep, year, start, same_prev))
    return out


def _against_previous(ep: pd.DataFrame, year: np.ndarray, start: np.ndarray,
                      same_prev: np.ndarray) -> dict[str, np.ndarray]:
    """Rules 502, 503A-E, NoE: each return against the one before (where it was read)."""
    n = len(ep)
    out = {code: np.zeros(n, dtype=bool) for code in ("502", "503", "NoE")}
    years = np.unique(year)
    if n == 0 or len(years) < 2:
        return out
    kid = ep["kid"].to_numpy().astype(np.int64)
    yi = np.searchsorted(years, year)
    n_kids = int(kid.max()) + 1
    slot = kid * len(years) + yi
    first = ~same_prev
    last = np.zeros(n, dtype=bool)
    last[:-1] = ~same_prev[1:]
    last[-1] = True
    first_row = np.full(n_kids * len(years), -1, dtype=np.int64)
    last_row = np.full(n_kids * len(years), -1, dtype=np.int64)
    first_row[slot[first]] = np.flatnonzero(first)
    last_row[slot[last]] = np.flatnonzero(last)
    has_previous = np.zeros(len(years), dtype=bool)
    has_previous[1:] = years[1:] == years[:-1] + 1
    # For each return's first episode of a child: the previous return's last episode of the child.
    rows = np.flatnonzero(first & has_previous[yi])
    before = last_row[slot[rows] - 1]
    decom, dec = ep["decom"].to_numpy(), ep["dec"].to_numpy()
    # NoE: the child's episodes that start before the year, with no episode in the previous return.
    missing = np.zeros(n, dtype=bool)
    missing[rows[before < 0]] = True
    group = np.cumsum(first) - 1
    missing = missing[np.flatnonzero(first)][group]
    out["NoE"] = missing & (decom < start) & has_previous[yi]
    found = before >= 0
    rows, before = rows[found], before[found]
    open_before = np.isnat(dec[before])
    out["502"][rows[open_before & (decom[rows] != decom[before])]] = True
    differs = np.zeros(len(rows), dtype=bool)
    for column in ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER"):
        values = ep[column].astype(object).to_numpy()
        now, then = values[rows], values[before]
        change = ~((now == then) | (pd.isna(now) & pd.isna(then)))
        if column == "PLACE":  # the 2024-25 change of supported accommodation codes (H5 to K3) is expected
            change &= ~((now == "K3") & (then == "H5"))
        differs |= change
    out["503"][rows[open_before & differs]] = True
    return out


def header_rules(header: pd.DataFrame) -> dict[str, np.ndarray]:
    """Rules 101, 103 and INT32 on each return's header."""
    year = header["_year"].to_numpy().astype(np.int64)
    sex = header["SEX"].astype(object)
    valid_sex = _codes(sex, [c for c in C.SEX if c not in ("0", "9")]) & _valid_in_year(sex, year, C.SEX_YEARS)
    dup = header.duplicated(["kid", "_year"], keep=False).to_numpy()
    return {"101": ~valid_sex, "103": ~_codes(header["ETHNIC"].astype(object), C.ETHNICITY), "INT32": dup}


def oc3_rules(oc3: pd.DataFrame, dob: pd.Series, died: np.ndarray) -> dict[str, np.ndarray]:
    """Rules 131-133, 153, 344, 345, 391, 1000 and INT34 on each return's OC3 rows.

    ``dob`` is each row's date of birth; ``died`` marks rows whose child's episodes in
    this or the previous return ended with REC E2.
    """
    in_touch, activ, accom = (oc3[c].astype(object).fillna("").astype(str) for c in ("IN_TOUCH", "ACTIV", "ACCOM"))
    blank = [s == "" for s in (in_touch, activ, accom)]
    _, end = year_bounds(oc3["_year"].to_numpy())
    too_young = np.asarray(pd.DatetimeIndex(dob) + pd.DateOffset(years=17) > pd.DatetimeIndex(end))
    all_blank = (blank[0] & blank[1] & blank[2]).to_numpy()
    out = {
        "131": ~in_touch.isin(C.IN_TOUCH_CODES).to_numpy(),
        "132": ~activ.isin(C.ACTIV_CODES).to_numpy(),
        "133": ~accom.isin(C.ACCOM_CODES).to_numpy(),
        "153": ~((~blank[0] & ~blank[1] & ~blank[2]).to_numpy() | all_blank),
        "344": (in_touch.isin(C.IN_TOUCH_NOT_APPLICABLE) & ((activ != "0") | (accom != "0"))).to_numpy(),
        "345": ((in_touch == "YES") & ((activ == "0") | (accom == "0"))).to_numpy(),
        "391": too_young & ~all_blank,
        "1000": np.asarray(died, dtype=bool),
        "INT34": oc3.duplicated(["kid", "_year"], keep=False).to_numpy(),
    }
    return out
