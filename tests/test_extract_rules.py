"""The DfE validator's rules as the extract checks them, on the validator's own test cases.

Each case below re-states a test of csc-validator-be-903 (data-to-insight; the rule's
``test_validate``, 2022-23 rules unless a later year is named): the same rows, and
the rows the validator says fail. Dates the validator cannot read are missing here
(the extract stops on them before any rule: see test_extract_quality.py).
"""
import numpy as np
import pandas as pd
import pytest

from generator.extract.dates import parse_dates
from generator.extract.rules import RULES, episode_rules, header_rules, oc3_rules

EPISODE_COLUMNS = ("CHILD", "DECOM", "DEC", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC")


def episodes(rows, year=2021, previous=None):
    """A return's episodes as ``read_tables`` gives them, sorted as the rules expect.

    ``previous``: rows of the year before's return. Returns the frame; ``index`` holds
    each row's position in ``rows`` (the previous return's rows have index -1).
    """
    frame = pd.DataFrame(rows)
    frame["_year"] = year
    frame["index"] = range(len(frame))
    if previous is not None:
        last = pd.DataFrame(previous)
        last["_year"], last["index"] = year - 1, -1
        frame = pd.concat([last, frame], ignore_index=True)
    for column in EPISODE_COLUMNS:
        if column not in frame:
            frame[column] = None
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    frame["decom"], frame["_bad_decom"], frame["_form_decom"] = parse_dates(frame["DECOM"], with_format=True)
    frame["dec"], frame["_bad_dec"], frame["_form_dec"] = parse_dates(frame["DEC"], with_format=True)
    frame["kid"] = pd.factorize(frame["CHILD"])[0]
    frame["_row"] = range(len(frame))
    frame = frame.sort_values(["_year", "kid", "decom", "dec", "_row"], na_position="last", kind="stable")
    return frame.reset_index(drop=True)


def failing(frame, code):
    mask = episode_rules(frame)[code]
    return sorted(int(i) for i in frame.loc[mask, "index"] if i >= 0)


NA = None


def test_142_a_later_episode_starts_while_this_one_has_no_end():
    rows = [("111", "01/06/2020", "04/06/2020", "X1"), ("111", "05/06/2020", "06/06/2020", NA),
            ("111", "06/06/2020", "08/06/2020", "X1"), ("111", "08/06/2020", "05/06/2020", "X1"),
            ("222", "05/06/2020", "06/06/2020", NA), ("333", "06/06/2020", NA, "E11"), ("333", "07/06/2020", NA, NA),
            ("444", "08/06/2020", "09/06/2020", "X1"), ("444", "09/06/2020", "10/06/2020", "E11"),
            ("444", "15/06/2020", NA, NA), ("555", "11/06/2020", "12/06/2020", "X1"),
            ("6666", "12/06/2020", "13/06/2020", "X1"), ("6666", "13/06/2020", "14/06/2020", "X1"),
            ("6666", "14/06/2020", NA, "X1"), ("6666", "15/06/2020", "16/06/2020", "X1"),
            ("77777", "16/06/2020", "17/06/2020", "X1"), ("77777", "17/06/2020", "18/06/2020", "X1"),
            ("77777", "18/06/2020", NA, "X1"), ("999", NA, NA, NA), ("123", NA, NA, NA)]
    frame = episodes([dict(zip(("CHILD", "DECOM", "DEC", "REC"), r)) for r in rows])
    assert failing(frame, "142") == [1, 5, 13]


def test_148_end_date_and_reason_both_or_neither():
    rows = [("111", "01/06/2020", "04/06/2020", NA), ("111", "05/06/2020", "06/06/2020", "X1"),
            ("111", "06/06/2020", NA, "X1"), ("111", "08/06/2020", "05/06/2020", "X1"),
            ("222", "05/06/2020", "06/06/2020", NA), ("333", "06/06/2020", "07/06/2020", "E11"),
            ("333", "07/06/2020", NA, NA), ("444", "08/06/2020", "09/06/2020", "X1"),
            ("444", "09/06/2020", "10/06/2020", "E11"), ("444", "15/06/2020", NA, NA)]
    frame = episodes([dict(zip(("CHILD", "DECOM", "DEC", "REC"), r)) for r in rows])
    assert failing(frame, "148") == [0, 2, 4]


def test_501_an_episode_starts_before_the_previous_one_ended():
    rows = [("111", "01/06/2020", "04/06/2020"), ("111", "02/06/2020", "06/06/2020"), ("111", "06/06/2020", NA),
            ("111", "08/06/2020", "09/06/2020"), ("222", "10/06/2020", "11/06/2020"),
            ("333", "04/06/2020", "07/06/2020"), ("333", "05/06/2020", NA), ("444", "08/06/2020", "09/06/2020"),
            ("444", "08/06/2020", "10/06/2020"), ("444", "15/06/2020", NA)]
    frame = episodes([dict(zip(("CHILD", "DECOM", "DEC"), r)) for r in rows])
    assert failing(frame, "501") == [1, 6, 8]


def test_355_an_episode_of_less_than_a_day():
    decom = ["01/01/2000", "01/02/2000", "01/03/2000", "01/04/2000", "01/05/2000", "01/06/2000", "04/05/2000"]
    dec = ["01/01/2000", "01/03/2000", NA, "01/04/2000", "03/05/2000", "01/06/2000", "01/05/2000"]
    frame = episodes([{"CHILD": str(i), "DECOM": a, "DEC": b} for i, (a, b) in enumerate(zip(decom, dec))], 2000)
    assert failing(frame, "355") == [0, 3, 5]


def test_354_and_385_dates_after_the_collection_year():
    # The validator's cases end the year on 01/04/2021; years here end on 31 March, so the
    # cases that matter are the same: 01/01/2022 and 01/05/2021 start after it, 08/09/2021
    # and 04/04/2021 end after it.
    decom = ["01/01/2021", "19/02/2010", NA, "01/01/2022", "31/03/2021", "01/05/2021"]
    frame = episodes([{"CHILD": str(i), "DECOM": d} for i, d in enumerate(decom)], 2021)
    assert failing(frame, "354") == [3, 5]
    dec = ["14/03/2021", "08/09/2021", "03/10/2020", "04/04/2021", NA]
    frame = episodes([{"CHILD": str(i), "DECOM": "01/01/2020", "DEC": d} for i, d in enumerate(dec)], 2021)
    assert failing(frame, "385") == [1, 3]


def test_357_a_first_episode_in_the_year_must_be_a_start():
    # collection start 31/03/1995 in the validator's case: the year ending 31 March 1996 here.
    rows = [("000", "01/01/2001", "!!"), ("111", "11/11/2011", "ok"), ("111", "01/01/2000", "S"),
            ("222", "11/11/2011", "ok"), ("222", "01/01/2001", "S"), ("333", "12/12/2012", "ok"),
            ("333", "01/01/2001", "!!"), ("333", "05/05/2005", "ok"), ("444", "05/05/2005", NA),
            ("555", "01/01/1990", "ok")]
    frame = episodes([dict(zip(("CHILD", "DECOM", "RNE"), r)) for r in rows], 1996)
    # The validator's 0, 7 and 9 (its row 4 has no date and is left out here, so 6 and 8).
    assert failing(frame, "357") == [0, 6, 8]


def test_388_continuation_codes_match_the_next_episode():
    rows = [("111", "01/06/2020", "04/06/2020", "X1"), ("111", "05/06/2020", "06/06/2020", "X1"),
            ("111", "06/06/2020", "08/06/2020", "X1"), ("111", "08/06/2020", "05/06/2020", "X1"),
            ("222", "05/06/2020", "06/06/2020", NA), ("333", "06/06/2020", "07/06/2020", "E11"),
            ("333", "07/06/2020", NA, NA), ("444", "08/06/2020", "09/06/2020", "X1"),
            ("444", "09/06/2020", "10/06/2020", "E11"), ("444", "15/06/2020", NA, NA),
            ("555", "11/06/2020", "12/06/2020", "X1"), ("6666", "12/06/2020", "13/06/2020", "X1"),
            ("6666", "13/06/2020", "14/06/2020", "X1"), ("6666", "14/06/2020", "15/06/2020", "X1"),
            ("6666", "15/06/2020", "16/06/2020", "X1"), ("77777", "16/06/2020", "17/06/2020", "X1"),
            ("77777", "17/06/2020", "18/06/2020", "X1"), ("77777", "18/06/2020", NA, NA)]
    frame = episodes([dict(zip(("CHILD", "DECOM", "DEC", "REC"), r)) for r in rows])
    assert failing(frame, "388") == [0, 3, 5, 10, 14]


def test_431_a_start_the_day_the_previous_episode_ended():
    rows = [("111", "S", "01/06/2020", "04/06/2020"), ("111", "S", "05/06/2020", "06/06/2020"),
            ("111", "T", "06/06/2020", "08/06/2020"), ("111", "S", "08/06/2020", "05/06/2020"),
            ("222", "S", "05/06/2020", "06/06/2020"), ("333", "S", "06/06/2020", "07/06/2020"),
            ("333", "S", "10/06/2020", NA), ("444", "S", "08/06/2020", "09/06/2020"),
            ("444", "S", "09/06/2020", "10/06/2020"), ("444", "S", "15/06/2020", NA),
            ("555", "S", "11/06/2020", "12/06/2020"), ("6666", "S", "12/06/2020", "13/06/2020"),
            ("6666", "S", "13/06/2020", "14/06/2020"), ("6666", "S", "14/06/2020", "15/06/2020")]
    frame = episodes([dict(zip(("CHILD", "RNE", "DECOM", "DEC"), r)) for r in rows])
    assert failing(frame, "431") == [3, 8, 12, 13]


def test_432_after_a_ceasing_the_next_episode_is_a_start():
    rows = [("111", "P", "01/06/2020", "E2"), ("111", "P", "05/06/2020", "E3"), ("111", "T", "06/06/2020", "E3"),
            ("111", "S", "08/06/2020", NA), ("222", "S", "05/06/2020", "E3"), ("333", "B", "06/06/2020", "E3"),
            ("333", "U", "10/06/2020", NA), ("444", "S", "07/06/2020", "E3"), ("444", "S", "08/06/2020", "E3"),
            ("444", "T", "09/06/2020", "E3"), ("444", "S", "15/06/2020", "E3")]
    frame = episodes([dict(zip(("CHILD", "RNE", "DECOM", "REC"), r)) for r in rows])
    assert failing(frame, "432") == [1, 2, 6, 9]


def test_433_a_continuation_starts_the_day_the_previous_episode_ended():
    rows = [("101", "20/10/2021", "S", "20/11/2021"), ("102", "19/11/2021", "P", NA),
            ("102", "17/06/2021", "P", "19/11/2021"), ("103", "04/04/2020", "B", "12/09/2020"),
            ("103", "11/09/2020", "B", "06/05/2021"), ("103", "07/05/2021", "B", NA)]
    frame = episodes([dict(zip(("CHILD", "DECOM", "RNE", "DEC"), r)) for r in rows], 2022)
    assert failing(frame, "433") == [4, 5]


def test_437_no_episode_after_death_or_an_adult_age_assessment():
    child = ["101", "102", "102", "103", "103", "103", "104", "104", "104", "104", "105", "105"]
    decom = ["20/10/2021", "19/11/2021", "17/06/2021", "04/04/2020", "11/09/2020", "07/05/2021", "15/02/2020",
             "09/04/2020", "24/09/2020", "30/06/2021", NA, "20/12/2020"]
    rec = ["E2", "E15", "X1", "X1", "E15", NA, "X1", "E4a", "X1", NA, "E2", "X1"]
    frame = episodes([{"CHILD": c, "DECOM": d, "REC": r} for c, d, r in zip(child, decom, rec)])
    assert failing(frame, "437") == [4]


def test_502_and_noe_against_the_previous_return():
    now = [("111", "01/06/2020"), ("111", "05/06/2020"), ("111", "06/06/2020"), ("123", "08/06/2020"),
           ("222", "05/06/2020"), ("333", "06/06/2020"), ("333", "07/06/2020"), ("444", "08/06/2020"),
           ("444", "09/06/2020"), ("444", "15/06/2020"), ("555", "15/06/2020")]
    last = [("111", "05/06/2020", NA), ("123", "08/06/2020", NA), ("222", "09/06/2020", NA),
            ("333", "06/06/2020", "05/06/2020"), ("333", "07/06/2020", "05/06/2020"),
            ("444", "08/06/2020", "05/06/2020"), ("444", "09/06/2020", "05/06/2020"), ("444", "19/06/2020", NA)]
    frame = episodes([dict(zip(("CHILD", "DECOM"), r)) for r in now], 2021,
                     previous=[dict(zip(("CHILD", "DECOM", "DEC"), r)) for r in last])
    assert failing(frame, "502") == [0, 4, 7]
    # NoE: collection start 01/04/2021; 103's episode starts before it and the last return lacks 103.
    frame = episodes([{"CHILD": c, "DECOM": d} for c, d in (("101", "14/03/2021"), ("102", "08/09/2021"),
                                                               ("103", "03/10/2020"))], 2022,
                     previous=[{"CHILD": "101", "DECOM": "14/03/2021"}, {"CHILD": "102", "DECOM": "16/06/2019"}])
    assert failing(frame, "NoE") == [2]


@pytest.mark.parametrize("code, column, values, expected", [
    ("143", "RNE", ["S", "p", "SP", "a", "", NA], [1, 2, 3, 4]),
    ("144", "LS", ["C1", "c1", "section 20", "", NA], [1, 2, 3]),
    ("145", "CIN", ["N0", "N1", "N9", "n8", "", NA], [0, 2, 3, 4]),
    ("149", "REC", ["E4A", "E4b", "X", "", NA], [1, 2, 3]),
    ("141", "DECOM", ["01/01/2021", "19/02/2010", "38/04/2019", "01/01/19", NA], [2, 3]),
])
def test_codes_and_dates(code, column, values, expected):
    frame = episodes([{"CHILD": str(i), column: v, **({} if column == "DECOM" else {"DECOM": "01/01/2021"})}
                      for i, v in enumerate(values)])
    assert failing(frame, code) == expected


def test_146_placement_codes_of_2025_26():
    values = ["A2", "R4", "Z", "P1", "", "t3", NA, "Z14", "H5"]
    frame = episodes([{"CHILD": str(i), "DECOM": "01/01/2026", "PLACE": v} for i, v in enumerate(values)], 2026)
    assert failing(frame, "146") == [0, 1, 2, 4, 5, 8]
    # 2022-23: Z14 is not yet a code, H5 is.
    frame = episodes([{"CHILD": str(i), "DECOM": "01/01/2023", "PLACE": v} for i, v in enumerate(values)], 2023)
    assert failing(frame, "146") == [0, 1, 2, 4, 5, 7]


def test_178_213_526_550_placement_providers():
    place = ["U1", "T0", "U2", "Z1", "T1", NA, "U1", "Z14", "Z11", "z12"]
    provider = ["PR0", "PR1", "", NA, "", NA, "pr4", "PR5", NA, "PR5"]
    rows = [{"CHILD": str(i), "DECOM": "01/01/2026", "PLACE": a, "PLACE_PROVIDER": b}
            for i, (a, b) in enumerate(zip(place, provider))]
    assert failing(episodes(rows, 2026), "178") == [1, 2, 4, 6, 7]  # the 2025-26 case
    assert failing(episodes(rows[:7], 2023), "178") == [1, 2, 4, 6]  # the 2022-23 case
    place = ["T0", "U6", "U1", "U4", "P1", "T2", "T3", NA, "Z1", "Z1", "Z11", "Z12", "Z13", "Z14"]
    provider = [NA, NA, "PR3", "PR4", "PR0", "PR2", "PR1", NA, NA, "notna", NA, NA, "value", "PR6"]
    rows = [{"CHILD": str(i), "DECOM": "01/01/2026", "PLACE": a, "PLACE_PROVIDER": b}
            for i, (a, b) in enumerate(zip(place, provider))]
    assert failing(episodes(rows, 2026), "213") == [5, 6, 12, 13]
    place = ["E1", "P0", "T1", "T3", "Z14", "Z1", "P0", "Z14"]
    provider = ["PR1", "PR2", NA, "PR0", NA, NA, NA, NA]
    rows = [{"CHILD": str(i), "DECOM": "01/01/2026", "PLACE": a, "PLACE_PROVIDER": b}
            for i, (a, b) in enumerate(zip(place, provider))]
    assert failing(episodes(rows, 2026), "526") == [5, 6]
    place = ["P1", "P0", "T1", "T3", "T1", "P1", "P0"]
    provider = ["PR0", "PR2", "PR4", "PR0", NA, "PR0", "PR0"]
    rows = [{"CHILD": str(i), "DECOM": "01/01/2023", "PLACE": a, "PLACE_PROVIDER": b}
            for i, (a, b) in enumerate(zip(place, provider))]
    assert failing(episodes(rows, 2023), "550") == [3, 6]


def header(values, column, year):
    frame = pd.DataFrame({column: values})
    for other in ("SEX", "ETHNIC"):
        if other not in frame:
            frame[other] = "WBRI" if other == "ETHNIC" else "M"
    frame["_year"], frame["kid"] = year, range(len(frame))
    return frame


def test_101_and_103_header_codes():
    result = header_rules(header(["M", "F", "U", 1, "X", NA], "SEX", 2025))
    assert np.flatnonzero(result["101"]).tolist() == [3, 4, 5]  # the 2024-25 case
    result = header_rules(header(["1", "2", "M"], "SEX", 2023))
    assert np.flatnonzero(result["101"]).tolist() == [2]
    result = header_rules(header(["WBRI", "WIRI", "WOTH", "wbri", "White British", "", NA], "ETHNIC", 2023))
    assert np.flatnonzero(result["103"]).tolist() == [3, 4, 5, 6]


def oc3(columns: dict, year=2021, dob=None, died=None):
    frame = pd.DataFrame(columns)
    for column in ("IN_TOUCH", "ACTIV", "ACCOM"):
        if column not in frame:
            frame[column] = "0"
    frame["_year"], frame["kid"] = year, range(len(frame))
    dob = pd.Series(pd.to_datetime(dob or ["01/01/2000"] * len(frame), format="%d/%m/%Y"))
    return oc3_rules(frame, dob, np.asarray(died or [False] * len(frame)))


@pytest.mark.parametrize("code, columns, expected", [
    ("131", {"IN_TOUCH": ["yes", "YES", 1, "REFUSE", "REFU", "", NA]}, [0, 2, 3, 5, 6]),
    ("132", {"ACTIV": ["f1", "F1", 1, 0, "1", "0", "", NA]}, [0, 2, 4, 6, 7]),
    ("133", {"ACCOM": ["B1", "B2", NA, "s2", "K1", "X", "1"]}, [2, 3, 5, 6]),
    ("153", {"IN_TOUCH": ["XXX", NA, "XXX", NA, NA, "XXX"], "ACTIV": ["XXX", NA, NA, "XXX", NA, "XXX"],
             "ACCOM": ["XXX", NA, NA, NA, "XXX", NA]}, [2, 3, 4, 5]),
    ("344", {"IN_TOUCH": ["DIED", "Yes", "RHOM", NA, "DIED", "RHOM"], "ACTIV": ["0", NA, "XXX", NA, "XXX", NA],
             "ACCOM": [0, NA, 0, "XXX", "XXX", 0]}, [2, 4, 5]),
    ("345", {"IN_TOUCH": ["No", "YES", "YES", NA, "Yes"], "ACTIV": [NA, 0, "XXX", NA, "XXX"],
             "ACCOM": [0, NA, "0", "XXX", "XXX"]}, [1, 2]),
])
def test_oc3_codes(code, columns, expected):
    assert np.flatnonzero(oc3(columns)[code]).tolist() == expected


def test_391_care_leavers_under_17():
    result = oc3({"IN_TOUCH": ["DIED", "Yes", "RHOM", NA, NA], "ACTIV": [NA, NA, "XXX", NA, NA],
                  "ACCOM": [NA, NA, NA, "XXX", NA]}, year=2018,
                 dob=["01/01/2001", "01/01/2016", "20/12/1997", "01/01/2002", "03/01/2004"])
    assert np.flatnonzero(result["391"]).tolist() == [1, 3]


def test_every_rule_reported_has_a_treatment():
    assert all(rule.treatment and rule.message for rule in RULES.values())
    frame = episodes([{"CHILD": "1", "DECOM": "01/01/2021"}])
    assert set(episode_rules(frame)) <= set(RULES)
