"""The extract on the peer team's multi-year 903 samples (read-only, never copied here).

``/work/shared/peer903`` holds five returns (2017-18 to 2021-22, files named by the
year the collection starts) with known defects: episodes spanning a whole year left
out of that year's file, open episodes carrying REC, overlapping episodes. Figures
below were checked by hand against the CSVs for a few children.
"""

import pandas as pd
import pytest
from conftest import PEER_903 as PEER  # noqa: E402

from generator.contract import CHILD_LEVEL_COLUMNS
from generator.extract import extract_to_data, measures, read_903

pytestmark = pytest.mark.skipif(not PEER.exists(), reason="peer 903 samples not available")
LA = "E06000063"


@pytest.fixture(scope="module")
def history():
    return read_903(PEER)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    out = tmp_path_factory.mktemp("peer")
    return out, extract_to_data(PEER, out, LA)


def snapshot(history, year):
    return measures.looked_after_at_31_march(history, year, LA).set_index("child")


def test_years_from_file_names(history, extracted):
    # 2017-episodes.csv is 2017-18, the year ending 31 March 2018.
    assert history.years == [2018, 2019, 2020, 2021, 2022]
    out, report = extracted
    assert report.years == [2018, 2019, 2020, 2021, 2022]
    for year in report.years:
        for name in ("looked_after", "starts_and_ceases", "placements_by_type_and_age", "placement_stability",
                     "care_leavers"):
            assert (out / str(year) / f"{name}.csv").exists()


def test_written_files_hold_no_child_level_columns(extracted):
    out, _ = extracted
    for path in out.rglob("*.csv"):
        columns = set(pd.read_csv(path, nrows=0).columns)
        assert not columns & set(CHILD_LEVEL_COLUMNS), path


def test_child_296227_started_moved_and_was_looked_after_at_31_march_2018(history):
    # 2017-episodes.csv: S 11/09/2017 C1 N2 U5 PR4 to 13/09/2017, then P U4 PR1 (open,
    # REC X1 filled in). Born 23/06/2002 (15), SEX 2, ETHNIC NOBT.
    row = snapshot(history, 2018).loc["296227"]
    assert row[["age_band", "sex", "ethnicity", "legal_status", "placement_type", "provider"]].tolist() == [
        "age_10_to_15", "female", "not_known", "interim_care_order", "foster_other", "own_provision"]
    assert measures.started_in_year(history, 2018).set_index("child").loc["296227", "need"] == "disability"
    assert measures.placements_in_year(history, 2018)["296227"] == 2
    # 2018-episodes.csv ends the U4 on 02/10/2018; the last episode is V3 (short breaks): not
    # looked after at 31 March 2019, and the V3 episode is not a placement.
    assert "296227" not in snapshot(history, 2019).index
    assert measures.placements_in_year(history, 2019)["296227"] == 1


def test_child_143799_counted_although_missing_from_the_2018_episodes_file(history):
    # In 2018-header.csv (2018-19) but not in 2018-episodes.csv: her U4 PR4 episode from
    # 18/06/2017 (2017 file, open) ends 17/05/2019 (2019 file). Born 24/02/2008, REFU, D1.
    episodes_2019 = pd.read_csv(PEER / "2018-episodes.csv", dtype=str)
    assert "143799" not in set(episodes_2019["CHILD"])
    row = snapshot(history, 2019).loc["143799"]
    assert row[["age_band", "sex", "ethnicity", "legal_status", "placement_type", "provider"]].tolist() == [
        "age_10_to_15", "female", "not_known", "placement_order", "foster_other", "private"]
    assert measures.placements_in_year(history, 2019)["143799"] == 1
    # 2021: U5 PR1 from 17/05/2019 until 05/05/2020, then U4 PR1: two placements.
    assert measures.placements_in_year(history, 2021)["143799"] == 2
    assert snapshot(history, 2021).loc["143799", "provider"] == "own_provision"


def test_child_101362_ceased_started_and_had_three_placements_in_2018(history):
    # 09/08/2016 V2 U3 ended 04/04/2017 E4B; S 12/06/2017 C2 N2 U4; T 10/12/2017 (open).
    ceased = measures.ceased_in_year(history, 2018).set_index("child")
    assert ceased.loc["101362", "reason_ceased"] == "returned_home"
    assert measures.started_in_year(history, 2018).set_index("child").loc["101362", "need"] == "disability"
    assert measures.placements_in_year(history, 2018)["101362"] == 3
    # Died: 06/01/2020 U5 ended 18/06/2020 E2 (2020 file) -> ceased in 2020-21.
    assert measures.ceased_in_year(history, 2021).set_index("child").loc["101362", "reason_ceased"] == "died"


def test_children_398768_and_868699_ceased_in_2018(history):
    ceased = measures.ceased_in_year(history, 2018).set_index("child")["reason_ceased"]
    assert ceased["398768"] == "adult_social_care"  # E7 on 31/10/2017
    assert ceased["868699"] == "custody_or_remand"  # E14 on 06/04/2017


def test_care_leaver_398768_in_2018_oc3(history):
    # Born 17/12/1999: 18 in 2017-18. IN_TOUCH NREQ (not in touch), ACTIV G5, ACCOM V1.
    oc3 = history.oc3[(history.oc3["year"] == 2018) & (history.oc3["child"] == "398768")]
    assert measures.care_leaver_age_group(oc3, 2018).tolist() == ["age_17_to_18"]
    assert oc3[["in_touch", "activ", "accom"]].values.tolist() == [["NREQ", "G5", "V1"]]


def test_known_defects_are_reported(extracted):
    _, report = extracted
    # Open episodes carrying REC (rule 148), overlaps (501), open episodes before a later one (142),
    # children in the header with no episode (EPI), invalid care leaver codes (132, 133, 344).
    for code in ("148", "501", "142", "EPI", "132", "133", "344", "episodes-out-of-order", "postcode-unknown",
                 "history-begins-mid-period", "returns-disagree"):
        assert report.count(code) > 0, code
    text = str(report)
    assert "2017-reviews.csv: not a header, episodes, UASC or OC3 file; not read" in text


def test_tables_add_up(extracted):
    out, _ = extracted
    for year in range(2018, 2023):
        frame = pd.read_csv(out / str(year) / "looked_after.csv")
        assert frame.groupby("breakdown")["children"].sum().nunique() == 1
        flows = pd.read_csv(out / str(year) / "starts_and_ceases.csv")
        for _, part in flows.groupby("movement"):
            assert part.loc[part["reason"] == "all", "children"].item() == \
                part.loc[part["reason"] != "all", "children"].sum()
