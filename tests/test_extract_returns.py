"""Hand-made returns for each case of issue 11, with the DfE validator rule each follows.

Every return here is written by the test itself for fictional children (C1, C2 ...),
born on made-up dates; no real person is described. Years end 31 March: the
2024-25 return is the year ending 31 March 2025.
"""
from pathlib import Path

import pandas as pd
import pytest

from generator.extract import extract_to_data, measures, read_903
from generator.problems import BuildError

LA = "E06000007"
EPISODE_COLUMNS = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
                   "HOME_POST", "PL_POST", "URN"]


def episode(child, decom, dec="", rne="S", rec="", place="U4", ls="C2", provider="PR1"):
    return {"CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "CIN": "N1", "PLACE": place,
            "PLACE_PROVIDER": provider, "DEC": dec, "REC": rec, "REASON_PLACE_CHANGE": "", "HOME_POST": "WA1 1AD",
            "PL_POST": "WA4 1AA", "URN": ""}


def write_return(folder: Path, episodes: list[dict], born: dict[str, str] | None = None, oc3: list | None = None,
                 header_only: dict[str, str] | None = None) -> Path:
    """One return: the episodes, a header row for each child in them (and ``header_only``), an OC3 file."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(episodes, columns=EPISODE_COLUMNS).to_csv(folder / "episodes.csv", index=False)
    born = {**{e["CHILD"]: "01/06/2012" for e in episodes}, **(born or {}), **(header_only or {})}
    pd.DataFrame([{"CHILD": c, "SEX": "M", "DOB": d, "ETHNIC": "WBRI"} for c, d in born.items()]).to_csv(
        folder / "header.csv", index=False)
    if oc3 is not None:
        columns = ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]
        pd.DataFrame(oc3, columns=columns).to_csv(folder / "oc3.csv", index=False)
    return folder


def finding(report, code):
    found = report.find(code)
    assert found is not None, f"no finding {code}: {report}"
    return found


# ---------------------------------------------------------------------------
# Overlaps (rule 501) and episodes left open before a later one (rule 142)
# ---------------------------------------------------------------------------

def test_overlapping_episodes_are_counted_as_recorded_never_cut(tmp_path):
    # C1: U4 from 01/05/2024 to 10/01/2025 (E4A); a K2 episode from 01/12/2024 to 20/02/2025 (E4A)
    # overlaps it (rule 501). Care runs without a break to 20/02/2025: one period, one ceasing on the
    # later end, and no day of care is lost.
    source = tmp_path / "903"
    write_return(source / "2024-25", [episode("C1", "01/05/2024", "10/01/2025", rec="E4A"),
                                      episode("C1", "01/12/2024", "20/02/2025", rne="P", rec="E4A", place="K2",
                                              provider="PR4")])
    history = read_903(source)
    rule = finding(history.report, "501")
    assert rule.rule == "501" and rule.by_year == {2025: 1}
    assert "2024-25/episodes.csv row 3" in str(rule)
    ceased = measures.ceased_in_year(history, 2025)
    assert ceased["dec"].tolist() == [pd.Timestamp("2025-02-20")]
    assert len(measures.started_in_year(history, 2025)) == 1
    days = measures.placements_by_type_and_age(history, 2025)
    # U4 01/05/2024 to the K2's start 01/12/2024 (214 days), then K2 to 20/02/2025 (81 days).
    by_type = days.groupby("placement_type")["weeks_of_care"].sum().mul(7).round().astype(int)
    assert (by_type["foster_other"], by_type["childrens_home"]) == (214, 81)


def test_an_earlier_episode_that_outlasts_a_nested_one_covers_its_days_again(tmp_path):
    # C1: U4 01/05/2024 to 01/03/2025 (X1 ... then E4A); a T-free nested K2 01/08/2024-01/09/2024.
    source = tmp_path / "903"
    write_return(source / "2024-25", [episode("C1", "01/05/2024", "01/03/2025", rec="E4A"),
                                      episode("C1", "01/08/2024", "01/09/2024", rne="P", rec="X1", place="K2",
                                              provider="PR4")])
    history = read_903(source)
    days = measures.placements_by_type_and_age(history, 2025)
    by_type = days.groupby("placement_type")["weeks_of_care"].sum().mul(7).round().astype(int)
    # U4: 01/05-01/08 (92) and again 01/09-01/03 (181); K2: 31 days. Every day of care once.
    assert (by_type["foster_other"], by_type["childrens_home"]) == (92 + 181, 31)
    assert measures.ceased_in_year(history, 2025)["dec"].tolist() == [pd.Timestamp("2025-03-01")]


def test_the_years_own_return_decides_who_is_looked_after_at_31_march(tmp_path):
    # The case: the 2021-22 return holds an open episode from 13/01/2022 and a separate
    # episode 24/02-15/03/2022 (E47). The 2022-23 and 2023-24 returns hold only the open episode.
    source = tmp_path / "903"
    write_return(source / "2021-22", [episode("C1", "13/01/2022"),
                                      episode("C1", "24/02/2022", "15/03/2022", rne="P", rec="E47")],
                 born={"C1": "01/06/2010"})
    write_return(source / "2022-23", [episode("C1", "13/01/2022"), episode("C2", "01/05/2022", "01/06/2022",
                                                                            rec="E4A")])
    write_return(source / "2023-24", [episode("C1", "13/01/2022"), episode("C2", "01/05/2023", "01/06/2023",
                                                                            rec="E4A")])
    report = extract_to_data(source, tmp_path / "data", LA)
    totals = {y: pd.read_csv(tmp_path / "data" / str(y) / "looked_after.csv").iloc[0]["children"] for y in report.years}
    # 2022: rule 142 (the open episode is not the last) closes it when the next episode begins (a
    # continuation, RNE P), so C1 ceased on 15/03/2022 (E47) as that return records. 2023 and 2024:
    # their own returns show C1 looked after; the 2022 return does not override them.
    assert totals == {2022: 0, 2023: 1, 2024: 1}
    rule = finding(report, "142")
    assert rule.by_year == {2022: 1}
    # Without the repair (the open episode covering everything), C1 would be looked after at
    # 31 March 2022 and would not have ceased: the report says so.
    assert rule.effects == {2022: {"looked after at 31 March": -1, "ceased": 1, "weeks of care": -2.4},
                            2023: {}, 2024: {}}
    assert "Effect on the published figures: 2022: looked after at 31 March -1, ceased +1" in str(report)
    assert report.find("returns-disagree").rows == 1


# ---------------------------------------------------------------------------
# Same-day episodes
# ---------------------------------------------------------------------------

def test_distinct_episodes_starting_the_same_day_are_both_kept(tmp_path):
    # C1 starts twice on 01/06/2024: a first episode that ended the same day (rule 355, less than a
    # day, E4A) and a new start (S) that day. Both are starts of the child's care on that day; the
    # child is counted once as started, once as ceased, and is looked after at 31 March.
    # C2: the same row twice (every column alike): counted once.
    source = tmp_path / "903"
    write_return(source / "2024-25", [episode("C1", "01/06/2024", "01/06/2024", rec="E4A"),
                                      episode("C1", "01/06/2024", place="K2", provider="PR4"),
                                      episode("C2", "01/07/2024", "01/08/2024", rec="X1"),
                                      episode("C2", "01/07/2024", "01/08/2024", rec="X1"),
                                      episode("C2", "01/08/2024", rne="P", place="U5")])
    history = read_903(source)
    assert finding(history.report, "355").rows == 1
    starts = measures.started_in_year(history, 2025)
    assert sorted(starts["child"]) == ["C1", "C2"]
    assert measures.ceased_in_year(history, 2025)["child"].tolist() == ["C1"]
    placements = measures.placements_in_year(history, 2025)
    assert placements.to_dict() == {"C1": 2, "C2": 2}
    identical = finding(history.report, "identical-rows")
    assert identical.rows == 1 and "2024-25/episodes.csv row 5" in str(identical)
    # Counted twice, C2's repeated row would be a third placement (short-term stability).
    assert identical.effects == {2025: {"three or more placements": -1, "placements": -1}}


# ---------------------------------------------------------------------------
# 1 April: the first year read, and a ceasing on 1 April in the previous return
# ---------------------------------------------------------------------------

def test_a_first_episode_on_1_april_of_the_first_year_without_rne_s_is_not_a_start(tmp_path):
    # The first return read is 2024-25. C1's earliest episode begins on 1 April 2024 with RNE P:
    # it continues an episode of the year before (not read), so it is no start. C2 starts (S) that day.
    source = tmp_path / "903"
    write_return(source / "2024-25", [episode("C1", "01/04/2024", rne="P"), episode("C2", "01/04/2024")])
    history = read_903(source)
    assert measures.started_in_year(history, 2025)["child"].tolist() == ["C2"]
    assert finding(history.report, "history-begins-mid-period").rows == 1


def test_a_ceasing_on_1_april_recorded_in_the_previous_return_is_counted_in_its_year(tmp_path):
    # The 2023-24 return records C1's episode ending on 01/04/2024, after its year (rule 385); the
    # 2024-25 return does not hold C1. C1 was looked after at 31 March 2024 and ceased in 2024-25.
    # (C3 and C4 left care during each year, as in any return: most end dates fall in the year.)
    source = tmp_path / "903"
    write_return(source / "2023-24", [episode("C1", "01/05/2023", "01/04/2024", rec="E4A"),
                                      episode("C2", "01/06/2023"),
                                      episode("C3", "01/05/2023", "01/06/2023", rec="E4A"),
                                      episode("C4", "01/05/2023", "01/07/2023", rec="E4A")])
    write_return(source / "2024-25", [episode("C2", "01/06/2023"),
                                      episode("C3", "01/05/2024", "01/06/2024", rec="E4A")])
    report = extract_to_data(source, tmp_path / "data", LA)
    looked_after = {y: pd.read_csv(tmp_path / "data" / str(y) / "looked_after.csv").iloc[0]["children"]
                    for y in report.years}
    ceased = {y: pd.read_csv(tmp_path / "data" / str(y) / "starts_and_ceases.csv").set_index(
        ["movement", "reason"]).loc[("ceased", "all"), "children"] for y in report.years}
    assert looked_after == {2024: 2, 2025: 1}
    assert ceased == {2024: 2, 2025: 2}  # C3 and C4; C1 (1 April) and C3
    rule = finding(report, "385")
    assert rule.by_year == {2024: 1}
    assert "2025: ceased +1" in str(report)


# ---------------------------------------------------------------------------
# The collection year comes from the dates; a name that disagrees is an error naming both
# ---------------------------------------------------------------------------

def test_a_folder_named_by_the_year_the_collection_starts_is_an_error_naming_both(tmp_path):
    source = tmp_path / "903"
    write_return(source / "2024", [episode("C1", "01/05/2024", "01/06/2024", rec="E4A")])
    with pytest.raises(BuildError) as caught:
        read_903(source)
    text = str(caught.value)
    assert "2024/episodes.csv" in text
    assert "the folder name '2024' reads as 2023-24 (the year ending 31 March 2024)" in text
    assert "the episode dates in the file are of 2024-25 (the year ending 31 March 2025)" in text
    assert caught.value.problems[0].code == "year-name-disagrees"


def test_folder_file_and_column_years_that_agree_with_the_dates_are_accepted(tmp_path):
    rows = [episode("C1", "01/05/2024", "01/06/2024", rec="E4A")]
    for name in ("2024-25", "2024_25", "2025"):
        source = tmp_path / name / "903"
        write_return(source / name, rows)
        assert read_903(source).years == [2025], name
    flat = tmp_path / "flat"
    flat.mkdir()
    pd.DataFrame(rows, columns=EPISODE_COLUMNS).to_csv(flat / "2024-episodes.csv", index=False)
    pd.DataFrame([{"CHILD": "C1", "SEX": "M", "DOB": "01/06/2012", "ETHNIC": "WBRI"}]).to_csv(
        flat / "2024-header.csv", index=False)
    assert read_903(flat).years == [2025]
    pd.DataFrame(rows, columns=EPISODE_COLUMNS).to_csv(flat / "2024-episodes.csv", index=False)
    wrong = tmp_path / "column"
    wrong.mkdir()
    frame = pd.DataFrame(rows, columns=EPISODE_COLUMNS)
    frame.insert(0, "YEAR", "2023-24")
    frame.to_csv(wrong / "episodes.csv", index=False)
    with pytest.raises(BuildError, match="the YEAR value '2023-24' reads as 2023-24"):
        read_903(wrong)


def test_a_few_end_dates_after_the_year_do_not_move_it(tmp_path):
    # Most episodes ended in 2024-25; one end date is after it (rule 385). The year is 2024-25.
    source = tmp_path / "903"
    write_return(source / "2024-25", [episode("C1", "01/05/2024", "01/06/2024", rec="E4A"),
                                      episode("C2", "01/05/2024", "01/07/2024", rec="E4A"),
                                      episode("C3", "01/05/2024", "02/04/2025", rec="E4A")])
    history = read_903(source)
    assert history.years == [2025]
    assert finding(history.report, "385").rows == 1


# ---------------------------------------------------------------------------
# Children in the header without episodes (EPI)
# ---------------------------------------------------------------------------

def test_a_header_child_without_episodes_carries_the_previous_returns_open_episode(tmp_path):
    source = tmp_path / "903"
    write_return(source / "2023-24", [episode("C1", "01/05/2022"), episode("C2", "01/05/2023", "01/06/2023",
                                                                            rec="E4A")])
    write_return(source / "2024-25", [episode("C2", "01/05/2024", "01/06/2024", rec="E4A")],
                 header_only={"C1": "01/06/2012"})
    report = extract_to_data(source, tmp_path / "data", LA)
    assert pd.read_csv(tmp_path / "data" / "2025" / "looked_after.csv").iloc[0]["children"] == 1
    rule = finding(report, "EPI")
    assert rule.by_year == {2025: 1}
    assert rule.effects[2025]["looked after at 31 March"] == 1


# ---------------------------------------------------------------------------
# OC3: codes the validator rejects, and rows recorded as died or returned home with an activity
# ---------------------------------------------------------------------------

def test_care_leaver_codes_follow_rules_132_133_and_344(tmp_path):
    source = tmp_path / "903"
    leavers = [
        ("L1", "01/06/2005", "YES", "F4", "01"),  # apprenticeship: EET; ACCOM 01 invalid (133): not suitable
        ("L2", "01/06/2005", "YES", "F5", "S1"),  # employment: EET; S1 invalid (133, S is never suitable)
        ("L3", "01/06/2005", "DIED", "F2", "H1"),  # died: activity and accommodation must be 0 (344)
        ("L4", "01/06/2005", "RHOM", "G5", "B1"),  # returned home: 344
        ("L5", "01/06/2005", "YES", "F3", "D1"),  # F3: an older code (132), counted by its meaning
        ("L6", "01/06/2005", "YES", "P2", "D1"),
        ("L6", "01/06/2005", "YES", "P2", "D1"),  # twice in the OC3 file (INT34): counted once
    ]
    write_return(source / "2024-25", [episode("C1", "01/05/2024", "01/06/2024", rec="E4A")],
                 born={c: d for c, d, *_ in leavers}, oc3=[dict(zip(["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"], r))
                                                          for r in leavers])
    report = extract_to_data(source, tmp_path / "data", LA)
    frame = pd.read_csv(tmp_path / "data" / "2025" / "care_leavers.csv")
    got = {m: (n, c) for a, m, n, c in frame.itertuples(index=False) if a == "age_19_to_21"}
    # The cohort: six young people (L6 once).
    assert got["in_touch"] == (4, 6)  # L1, L2, L5, L6
    assert got["education_employment_training"] == (4, 6)  # L1 F4, L2 F5, L5 F3, L6 P2; not L3 (died)
    assert got["suitable_accommodation"] == (2, 6)  # L5 D1, L6 D1; not 01, S1, nor L4's B1 (returned home)
    assert finding(report, "133").rows == 2
    assert "2024-25/oc3.csv rows 2 (ACCOM='01'), 3 (ACCOM='S1')" in str(report)
    rule = finding(report, "344")
    assert rule.rows == 2
    assert rule.effects[2025] == {"care leavers in education, employment or training": -1,
                                  "care leavers in suitable accommodation": -2}  # L3 H1, L4 B1
    assert finding(report, "132").effects[2025] == {"care leavers in education, employment or training": 1}
    assert finding(report, "INT34").rows == 2


# ---------------------------------------------------------------------------
# The report names rows, never children
# ---------------------------------------------------------------------------

def test_the_report_holds_no_child_identifier_date_of_birth_or_postcode(tmp_path):
    source = tmp_path / "903"
    write_return(source / "2024-25", [episode("CHILD901", "01/05/2024", "10/01/2025", rec="X1"),
                                      episode("CHILD901", "01/12/2024", rne="P")],
                 born={"CHILD901": "17/09/2013"}, header_only={"CHILD902": "03/03/2011"})
    text = str(read_903(source).report)
    for secret in ("CHILD901", "CHILD902", "17/09/2013", "03/03/2011", "WA1 1AD", "WA4 1AA"):
        assert secret not in text, secret
    assert "Rule 388" in text and "Rule 501" in text and "Rule EPI" in text


# ---------------------------------------------------------------------------
# Placements recorded without a provider (rules 178, 213, 526)
# ---------------------------------------------------------------------------

def test_temporary_and_other_placements_need_no_provider(tmp_path):
    # 2025-26: C1 in a U4 (PR4), then a temporary T4 with no provider, open at 31 March: the provider of
    # the placement the child returns to (rule 383). C2 in Z11 (other placement) with no provider: not
    # known. C3 with parents (P1) and no provider: PR0 (rule 550). None of these stops the extract.
    source = tmp_path / "903"
    write_return(source / "2025-26", [episode("C1", "01/05/2025", "20/03/2026", rec="X1", provider="PR4"),
                                      episode("C1", "20/03/2026", rne="P", place="T4", provider=""),
                                      episode("C2", "01/06/2025", place="Z11", provider=""),
                                      episode("C3", "01/06/2025", place="P1", provider=""),
                                      episode("C4", "01/05/2025", "01/06/2025", rec="E4A")])
    report = extract_to_data(source, tmp_path / "data", LA)
    frame = pd.read_csv(tmp_path / "data" / "2026" / "looked_after.csv")
    provider = {c: n for b, c, n in frame.itertuples(index=False) if b == "provider" and n}
    assert provider == {"private": 1, "not_known": 1, "parents": 1}
    assert finding(report, "temporary-placement-provider").rows == 1
    assert finding(report, "526").rows == 1  # C3: P1 needs a provider
    assert finding(report, "provider-not-recorded").rows == 1
