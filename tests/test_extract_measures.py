"""The DfE measures on hand-made fictional children (issue 5).

``tests/fixtures/903/2025-26`` is one return, the year ending 31 March 2026
(1 April 2025 to 31 March 2026). The children, and what each contributes:

- C001 boy, born 10/06/2015 (10 at 31 March): U4 own carer since 01/05/2023, open,
  spanning 31 March. Home WA1 1AD, placed WA4 1AA (Warrington, ~2 miles): within
  20 miles, inside. Long-term cohort (in care since before 30/09/2023, under 16)
  and meets it (same placement since before 31/03/2024).
- C002 girl, born 01/02/2012 (14): U5 from 01/11/2024 (V2), ceased 01/06/2025 E4A
  (returned home); re-entered 15/09/2025 (S, C1, N1) to a private K2 in SW1A 1AA:
  over 20 miles, outside. Started once (N1), ceased once (returned home), 2 placements.
- C003 boy, born 20/01/2018 (8): U4 since 10/01/2024; T4 for four days from
  01/07/2025; back to the same U4 carer 05/07/2025; a new U5 carer 01/10/2025; legal
  status only (L, E1) 10/01/2026. 2 placements under the DfE rule (the temporary one and
  the return not counted), 4 if temporary placements count. Placed WN1 1AA/WN1 1AB
  (Wigan, ~11 miles): within 20 miles, outside.
- C004 girl: two V3 short breaks (one open at 31 March): in no figure.
- C005 boy, born 15/08/2007: U4 until his 18th birthday 15/08/2025, ceased E17
  (staying put). Care leaver aged 18: in touch, F2 (EET), D1 (suitable).
- C006 girl, born 01/12/2007: H5 (a code withdrawn for 2025-26) until 18,
  01/12/2025, ceased E5 (independent living). Care leaver aged 18: NO, G5, H2.
- C007, born 01/09/2005: OC3 only, aged 20: YES, F1, H1.
- C008 girl, born 01/06/2025 (under 1): U4 05/06/2025 (S, N1), then A4 placed for
  adoption 01/12/2025 (U). Home postcode sector only (WA1 2): distance not known.
- C009 boy, born 01/01/2013: P1 from 10/01/2025, ceased 31/03/2026 E13: not looked
  after at 31 March; ceased (returned home); 364 days in the year.
- C010 boy, born 09/09/2016 (9), ethnicity NOBT: U1 01/02/2025 then U2 01/08/2025 (open
  with REC E4A filled in). Rows out of order, one duplicated, two-digit years. No home
  postcode: distance not known.
- C011 girl, born 02/02/2020 (6): U4 since 01/06/2022, A5 placed for adoption
  01/02/2025. Long-term cohort; meets it through adoption (the placement before it began
  more than two years ago). Placement postcode ZZ9 9ZZ (not in the directory).
- C012 boy, born 04/04/2014 (11): K2 2021 to 2025 (its DEC overlaps the next episode),
  then U4 with another council (PR2) from 01/01/2025. Long-term cohort, does not meet it.
- C013 girl, born 10/10/2010 (15), UASC (DUC 2028), DOB only in the UASC file: U4
  20/04/2025 (S, N8), K2 01/06/2025 (P), another K2 01/09/2025 (T), legal status only
  01/11/2025 (L). Three placements: the short-term measure's one child.
- C014 boy, born 05/05/2009 (16), SEX 1 (the old code list): K3 since 01/03/2025.
"""
from pathlib import Path

import pandas as pd
import pytest

from generator.extract import PlacementRule, measures, read_903, year_tables

FIXTURE = Path(__file__).parent / "fixtures" / "903"
WARRINGTON = "E06000007"


@pytest.fixture(scope="module")
def history():
    return read_903(FIXTURE)


@pytest.fixture(scope="module")
def tables(history):
    return year_tables(history, 2026, WARRINGTON)[0]


def as_dict(frame, *key):
    value = frame.columns[-1] if frame.columns[-1] != "cohort" else "children"
    return {tuple(r[k] for k in key) if len(key) > 1 else r[key[0]]: r[value] for _, r in frame.iterrows()}


def looked_after(tables, breakdown):
    frame = tables["looked_after"]
    frame = frame[frame["breakdown"] == breakdown]
    return {c: n for c, n in zip(frame["category"], frame["children"]) if n}


def test_looked_after_at_31_march_excludes_short_breaks_and_ceased_that_day(tables):
    # C001, C002, C003, C008, C010, C011, C012, C013, C014; not C004 (V3), C005/C006
    # (ceased at 18), C009 (ceased on 31 March itself).
    assert looked_after(tables, "total") == {"all": 9}


def test_looked_after_by_age_band_at_31_march(tables):
    assert looked_after(tables, "age_band") == {
        "under_1": 1,  # C008
        "age_5_to_9": 3,  # C003 (8), C010 (9), C011 (6)
        "age_10_to_15": 4,  # C001 (10), C002 (14), C012 (11), C013 (15)
        "age_16_and_over": 1,  # C014 (16)
    }


def test_looked_after_by_sex_ethnicity_and_uasc(tables):
    assert looked_after(tables, "sex") == {"male": 5, "female": 4}  # C014's SEX 1 is male
    assert looked_after(tables, "ethnicity") == {"white": 4, "mixed": 2, "asian": 1, "black": 1, "not_known": 1}
    assert looked_after(tables, "uasc") == {"uasc": 1, "not_uasc": 8}  # C013


def test_looked_after_by_legal_status(tables):
    assert looked_after(tables, "legal_status") == {
        "interim_care_order": 1,  # C002 C1
        "full_care_order": 4,  # C001, C010, C012, C013 (C2 after L)
        "placement_order": 3,  # C003 (E1 after L), C008, C011
        "section_20": 1,  # C014
    }


def test_looked_after_by_placement_type_and_provider(tables):
    assert looked_after(tables, "placement_type") == {
        "foster_relative_friend": 1,  # C010 U2
        "foster_other": 3,  # C001 U4, C003 U5, C012 U4
        "placed_for_adoption": 2,  # C008 A4, C011 A5
        "childrens_home": 2,  # C002, C013
        "supported_accommodation": 1,  # C014 K3
    }
    assert looked_after(tables, "provider") == {"own_provision": 4, "other_local_authority": 1, "private": 4}


def test_distance_and_location_from_postcode_centroids(tables):
    # within: C001, C003 (Wigan), C012, C013 (both in Westminster), C014 (same postcode)
    # over: C002 (Warrington to Westminster); not known: C008 (sector only), C010 (blank),
    # C011 (ZZ9 9ZZ is not in the directory).
    assert looked_after(tables, "distance") == {"within_20_miles": 5, "over_20_miles": 1, "not_known": 3}
    # outside Warrington: C002, C003, C013; not known: C011 only (home postcode not needed)
    assert looked_after(tables, "location") == {"inside": 5, "outside": 3, "not_known": 1}


def test_every_breakdown_adds_up_to_the_total(tables):
    frame = tables["looked_after"]
    sums = frame.groupby("breakdown")["children"].sum()
    assert set(sums) == {9}


def test_starts_by_need_and_ceases_by_reason(tables):
    frame = tables["starts_and_ceases"]
    counts = {(m, r): n for m, r, n in frame.itertuples(index=False) if n}
    assert counts == {
        ("started", "all"): 3,  # C002's re-entry, C008, C013; not C004's short breaks
        ("started", "abuse_or_neglect"): 2,  # C002 (N1 at the re-entry), C008
        ("started", "absent_parenting"): 1,  # C013 N8
        ("ceased", "all"): 4,
        ("ceased", "returned_home"): 2,  # C002 E4A, C009 E13
        ("ceased", "staying_put"): 1,  # C005 E17
        ("ceased", "independent_living"): 1,  # C006 E5
    }


def test_short_term_stability_under_the_dfe_rule(history, tables):
    assert measures.placements_in_year(history, 2026).to_dict() == {
        "C001": 1, "C002": 2, "C003": 2, "C008": 2, "C010": 2, "C011": 1, "C012": 1, "C013": 3, "C014": 1,
        "C005": 1, "C006": 1, "C009": 1,
    }
    row = tables["placement_stability"].set_index("measure").loc["short_term"]
    assert (row["children"], row["cohort"]) == (1, 9)  # C013 of the nine at 31 March


def test_counting_temporary_placements_is_a_configurable_rule():
    history = read_903(FIXTURE, rule=PlacementRule(exclude_temporary=False))
    assert measures.placements_in_year(history, 2026)["C003"] == 4
    tables = year_tables(history, 2026, WARRINGTON)[0]
    row = tables["placement_stability"].set_index("measure").loc["short_term"]
    assert (row["children"], row["cohort"]) == (2, 9)  # C003 and C013


def test_long_term_stability(tables):
    # Cohort: under 16, in care since 30/09/2023 or earlier: C001, C011, C012.
    # Meets: C001 (same placement since 01/05/2023), C011 (placed for adoption; the
    # U4 before it began 01/06/2022). C012 moved 01/01/2025.
    row = tables["placement_stability"].set_index("measure").loc["long_term"]
    assert (row["children"], row["cohort"]) == (2, 3)


def test_placements_and_weeks_of_care_by_type_and_age(tables):
    frame = tables["placements_by_type_and_age"]
    got = {(t, a): (c, p, round(w * 7)) for t, a, c, p, w in frame.itertuples(index=False) if p}
    # (children, placements, days); age at the later of the placement's start and 1 April 2025.
    assert got == {
        # C001 365 days (aged 9 on 1 April 2025); C003 91 + 88 + 182 days in three U4/U5 placements
        ("foster_other", "age_5_to_9"): (2, 4, 726),
        # C002 61 days, C012 365, C013 42
        ("foster_other", "age_10_to_15"): (3, 3, 468),
        ("foster_other", "age_16_and_over"): (1, 1, 136),  # C005 1 April to 15 August
        ("foster_other", "under_1"): (1, 1, 179),  # C008 5 June to 1 December
        ("childrens_home", "age_10_to_15"): (2, 3, 502),  # C002 198; C013 92 + 212 (T is a new placement)
        ("other", "age_5_to_9"): (1, 1, 4),  # C003's T4
        ("supported_accommodation", "age_16_and_over"): (1, 1, 244),  # C006 H5
        ("supported_accommodation", "age_10_to_15"): (1, 1, 365),  # C014, 15 on 1 April 2025
        ("placed_for_adoption", "under_1"): (1, 1, 121),  # C008
        ("placed_for_adoption", "age_5_to_9"): (1, 1, 365),  # C011
        ("placed_with_parents", "age_10_to_15"): (1, 1, 364),  # C009 ceased 31 March
        ("foster_relative_friend", "age_5_to_9"): (1, 2, 365),  # C010 122 + 243
    }
    assert frame["weeks_of_care"].sum() == pytest.approx(3839 / 7)  # the days above added up


def test_care_leavers_from_oc3(tables):
    frame = tables["care_leavers"]
    got = {(a, m): (n, c) for a, m, n, c in frame.itertuples(index=False)}
    assert got == {
        ("age_17_to_18", "in_touch"): (1, 2),  # C005 YES, C006 NO
        ("age_17_to_18", "suitable_accommodation"): (1, 2),  # D1 yes, H2 no
        ("age_17_to_18", "education_employment_training"): (1, 2),  # F2 yes, G5 no
        ("age_17_to_18", "staying_put"): (1, 2),  # C005 ceased E17
        ("age_19_to_21", "in_touch"): (1, 1),  # C007
        ("age_19_to_21", "suitable_accommodation"): (1, 1),
        ("age_19_to_21", "education_employment_training"): (1, 1),
        ("age_19_to_21", "staying_put"): (0, 1),
    }


def test_age_on_counts_the_birthday_itself():
    dob = pd.Series(pd.to_datetime(["2010-04-01", "2010-03-31", "2008-02-29"]))
    assert measures.age_on(dob, pd.Timestamp("2026-03-31")).tolist() == [15, 16, 18]
    assert measures.age_band(pd.Series([0, 1, 4, 5, 9, 10, 15, 16, 17])).tolist() == [
        "under_1", "age_1_to_4", "age_1_to_4", "age_5_to_9", "age_5_to_9", "age_10_to_15", "age_10_to_15",
        "age_16_and_over", "age_16_and_over"]
