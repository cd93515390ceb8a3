"""What each repair changed in the published figures.

A repair is made only where the return implies it (``episodes.py``, ``views.py``);
the quality report still says, year by year, what it changed. For each repair the
children it touched are worked through twice, with and without it, and the
headline figures of every year compared (``measures.headline``): the difference is
the repair's effect. Children the repair did not touch contribute the same either
way, so only theirs are worked through.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import measures
from .episodes import derive
from .history import CaseHistory

#: Repairs whose effect on the headline figures is measured (a temporary placement's
#: provider changes only the provider breakdown, not a headline figure).
MEASURED = ("identical", "142-close", "148-no-rec", "526-p1")


def _mini(history: CaseHistory, episodes: pd.DataFrame, resumed: pd.DataFrame, members=None) -> CaseHistory:
    empty_oc3 = history.oc3.iloc[:0]
    return CaseHistory(episodes=episodes, children=history.children, members=members or history.members,
                       uasc=history.uasc.iloc[:0], oc3=empty_oc3, years=history.years, rule=history.rule,
                       resumed=resumed)


def _figures(history: CaseHistory, tl: pd.DataFrame, skip=frozenset()) -> dict[int, dict[str, float]]:
    episodes, _, resumed = derive(tl, history.years[0], history.rule, skip)
    mini = _mini(history, episodes, resumed)
    return {year: measures.headline(mini, year) for year in history.years}


def _diff(after: dict, before: dict) -> dict[int, dict[str, float]]:
    return {year: {name: round(value - before[year][name], 1) for name, value in figures.items()
                   if round(value - before[year][name], 1)}
            for year, figures in after.items()}


def effect_of(history: CaseHistory, tl: pd.DataFrame, sids: np.ndarray, repair: str) -> dict[int, dict]:
    """{year: {figure: change}}: what ``repair`` changed for the sequences ``sids``."""
    sub = tl[np.isin(tl["sid"].to_numpy(), sids)].reset_index(drop=True)
    return _diff(_figures(history, sub), _figures(history, sub, frozenset({repair})))


def repair_effects(history: CaseHistory, tl: pd.DataFrame, touched: dict) -> dict[str, dict]:
    """{repair: {year: {figure: change}}} for each measured repair that touched a row."""
    sid = tl["sid"].to_numpy()
    out = {}
    for name in MEASURED:
        rows = touched.get(name)
        if rows is None or not len(rows):
            continue
        out[name] = effect_of(history, tl, np.unique(sid[rows]), name)
    return out


def membership_effects(history: CaseHistory, kids_by_year: dict[int, np.ndarray]) -> dict[int, dict[str, float]]:
    """{year: {figure: change}}: what counting the children ``kids_by_year[year]`` added to that year."""
    out = {}
    cid = history.episodes["cid"].to_numpy()
    for year, kids in kids_by_year.items():
        rows = np.flatnonzero(np.isin(cid, kids))
        episodes = history.episodes.iloc[rows].reset_index(drop=True)
        where = np.full(len(history.episodes), -1, dtype=np.int64)
        where[rows] = np.arange(len(rows))
        resumed = history.resumed[np.isin(history.resumed["row"].to_numpy(), rows)].copy()
        resumed["row"] = where[resumed["row"].to_numpy()]
        member = np.zeros(len(history.children), dtype=bool)
        member[kids] = True
        mini = _mini(history, episodes, resumed, members={year: member})
        figures = measures.headline(mini, year)
        out[year] = {name: value for name, value in figures.items() if value}
    return out


def care_leaver_effects(history: CaseHistory) -> dict[str, dict[int, dict[str, float]]]:
    """{rule: {year: {figure: change}}} for the OC3 treatments that change the care leaver figures."""
    out: dict[str, dict] = {"344": {}, "132": {}, "INT34": {}}
    for year in history.years:
        oc3 = history.oc3[history.oc3["year"] == year]
        group = measures.care_leaver_age_group(oc3, year)
        counted = group.notna().to_numpy()
        eet = oc3["activ"].isin(list(measures.C.EET_ACTIVITIES)).to_numpy()
        former = oc3["activ"].isin(list(measures.C.EET_FORMER)).to_numpy()
        suitable = oc3["accom"].isin(list(measures.C.SUITABLE_ACCOMMODATION)).to_numpy()
        repeat = oc3["repeat"].to_numpy()
        keep = counted & ~repeat
        na = oc3["rule_344"].to_numpy() & keep
        changes = {"care leavers in education, employment or training": -int((na & (eet | former)).sum()),
                   "care leavers in suitable accommodation": -int((na & suitable).sum())}
        out["344"][year] = {k: v for k, v in changes.items() if v}
        out["132"][year] = {k: v for k, v in
                            {"care leavers in education, employment or training":
                             int((keep & former & ~oc3["rule_344"].to_numpy()).sum())}.items() if v}
        out["INT34"][year] = {k: v for k, v in {"care leavers (the cohort)": -int((counted & repeat).sum())}.items()
                              if v}
    return out
