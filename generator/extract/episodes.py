"""A child's episodes worked through: repairs the return implies, periods of care, placements.

``derive`` takes the episodes of every view (see ``views.py``), one sequence
(``sid``) per child or per child and year, sorted by start, and returns them with
what the measures need. The only changes made to what a return records are the
ones the return itself implies, each named so the quality report can say which
rows it touched and what it changed in the published figures (``effects.py``
derives the same episodes again without it):

* ``identical``: the same episode twice in a return, every column alike: counted once;
* ``142-close``: an episode with no end date followed by a later one (rule 142: it
  should have ended): closed on the day the next starts, as a continuation (X1) if
  the next continues care (RNE not S), else a ceasing for the reason recorded
  (``E8``, other, if none);
* ``148-no-rec``: an ended episode with no reason (rule 148): a continuation if the
  next episode starts that day, otherwise a ceasing for 'other' reasons;
* ``526-p1``: a placement with parents (P1) with no provider: PR0 (rule 550 allows
  PR0 with P1 only);
* ``383-provider``: a temporary placement (T0-T4, which records no provider) takes
  the provider of the placement before it, to which the child returns (rule 383);
* ``dates-decide``: where RNE disagrees with the dates (rules 357, 388, 431-433), the
  dates decide whether a period of care began, as described below.

An open episode's reason ceased is ignored (rule 148: it has not ended).
Overlapping episodes (rule 501) are never cut: **the child is looked after while
any of their episodes is open**. A period of care starts at an episode no earlier
episode covers (it starts after they all ended, or on the day the last one ceased
with an E code) and ends when the last of its episodes ends; its reason is that
episode's. On a day two episodes cover, the one that started later gives the
placement (``day_end`` ends each episode's own days at the next start, and
``resumed`` gives the days an earlier episode covers again after a later one ended).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import codes as C

REPAIRS = ("identical", "142-close", "148-no-rec", "526-p1", "383-provider", "dates-decide")
#: The columns an episode is compared on to call two rows the same episode.
IDENTICAL = ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST",
             "URN")
OPEN = np.iinfo(np.int64).max >> 2
DAY = 86_400_000_000_000


def _cat(values) -> pd.Categorical:
    """As a categorical, categories in order of appearance (sorting many distinct texts is slow)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        return values.array
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def _map_cat(values: pd.Series, mapping: dict) -> pd.Categorical:
    """A categorical's codes mapped through ``mapping`` (unmapped: missing), without touching each row."""
    cat = _cat(values)
    targets = pd.Index(list(dict.fromkeys(mapping.values())), dtype=object)
    new = np.array([targets.get_loc(mapping[c]) if c in mapping else -1 for c in cat.categories], dtype=np.int64)
    return pd.Categorical.from_codes(np.append(new, -1)[cat.codes], categories=targets)


def _with(values: pd.Series, extra) -> pd.Categorical:
    """``values`` as a categorical whose categories include ``extra``."""
    cat = _cat(values)
    missing = [v for v in extra if v not in cat.categories]
    return cat.add_categories(missing) if missing else cat


def _next(values: np.ndarray, fill) -> np.ndarray:
    out = np.empty_like(values)
    out[:-1], out[-1:] = values[1:], fill
    return out


def _prev(values: np.ndarray, fill) -> np.ndarray:
    out = np.empty_like(values)
    out[1:], out[:1] = values[:-1], fill
    return out


def _days(dates: np.ndarray) -> np.ndarray:
    """Whole days since 1970 (open: a very large number)."""
    values = dates.astype("datetime64[ns]").view(np.int64) // DAY
    return np.where(np.isnat(dates), OPEN, values)


def derive(tl: pd.DataFrame, first_year: int, rule, skip=frozenset()) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """(episodes with periods and placements, {repair: input positions it touched}, resumed days).

    ``tl``: the views' rows (``sid``, ``view``, ``kid``, ``child``, the 903 columns,
    ``decom``/``dec`` dates, ``_year``/``_file``/``_row``), sorted by ``sid``, start,
    end (open last) and row. ``first_year``: the first collection year read.
    ``rule``: a ``PlacementRule``. ``skip``: repairs not to make (to measure their effect).
    """
    touched: dict[str, np.ndarray] = {}
    src = np.arange(len(tl))
    sid = tl["sid"].to_numpy()
    same_prev = np.zeros(len(tl), dtype=bool)
    same_prev[1:] = sid[1:] == sid[:-1]

    # The same episode twice in one return.
    year = tl["_year"].to_numpy()
    ident = same_prev & (_prev(year, -1) == year)
    for column in ("decom", "dec"):
        values = tl[column].to_numpy()
        prev = _prev(values, np.datetime64("NaT"))
        ident &= (values == prev) | (np.isnat(values) & np.isnat(prev))
    for column in IDENTICAL:
        if not ident.any():
            break
        codes = _cat(tl[column]).codes.astype(np.int64)
        ident &= codes == _prev(codes, -2)
    touched["identical"] = src[ident]
    if "identical" not in skip and ident.any():
        tl, src, sid = tl[~ident], src[~ident], sid[~ident]
        same_prev = np.zeros(len(tl), dtype=bool)
        same_prev[1:] = sid[1:] == sid[:-1]
    n = len(tl)
    same_next = _next(same_prev, False)

    decom = tl["decom"].to_numpy()
    dec = tl["dec"].to_numpy().copy()
    rne_s = (tl["RNE"] == "S").to_numpy()
    rec_cat = _with(tl["REC"], (C.CONTINUES, "E8"))
    rec = rec_cat.codes.copy()  # work on the category codes: a million texts are slow to handle
    x1, e8 = rec_cat.categories.get_loc(C.CONTINUES), rec_cat.categories.get_loc("E8")
    next_decom = _next(decom, np.datetime64("NaT"))
    is_ceasing = np.append(rec_cat.categories.isin(list(C.REASON_CEASED)), False)[rec]

    # Rule 142: an episode with no end date followed by a later one ended when the next began.
    close = np.isnat(dec) & same_next
    touched["142-close"] = src[close]
    if "142-close" not in skip:
        dec[close] = next_decom[close]
        next_s = _next(rne_s, False)
        rec[close & ~next_s] = x1
        rec[close & next_s & ~is_ceasing] = e8
    # Rule 148: an open episode has no reason ceased; an ended one without a reason gets one.
    rec[np.isnat(dec)] = -1
    no_rec = ~np.isnat(dec) & (rec < 0)
    touched["148-no-rec"] = src[no_rec]
    if "148-no-rec" not in skip:
        contiguous = same_next & (dec == next_decom)
        rec[no_rec & contiguous] = x1
        rec[no_rec & ~contiguous] = e8

    # Periods of care: the child is looked after while any episode is open.
    start_days, end_days = _days(decom), _days(dec)
    most = (1 << 24) - 1  # days fit in 24 bits (to the year 47900); open episodes take the top value
    key = (sid.astype(np.int64) << 24) | np.minimum(end_days, most)
    cover = np.maximum.accumulate(key) if n else key
    holder = np.maximum.accumulate(np.where(key == cover, np.arange(n), -1)) if n else key
    cover_days = cover & most
    cover_days = np.where(cover_days == most, OPEN, cover_days)
    prev_cover = _prev(cover_days, -1)
    prev_holder = _prev(holder, 0)
    prev_cover_rec = rec[prev_holder] if n else rec
    new_period = ~same_prev | (start_days > prev_cover) | ((start_days == prev_cover) & (prev_cover_rec != x1))
    # The dates decide whether care started; with "dates-decide" skipped, RNE S would.
    by_rne = ~same_prev | rne_s
    touched["dates-decide"] = src[new_period != by_rne]
    if "dates-decide" in skip:
        new_period = by_rne
    first_day = np.datetime64(f"{first_year - 1}-04-01")
    truncated = ~same_prev & ~rne_s & (decom <= first_day)
    period = np.cumsum(new_period) - 1
    first_rows = np.flatnonzero(new_period)
    period_start = decom[first_rows][period] if n else decom
    # The ceasing: the last episode of the period to end (none while any is open).
    period_end = np.maximum.reduceat(np.minimum(end_days, OPEN), first_rows) if n else end_days
    ends_period = (end_days == period_end[period]) & (end_days < OPEN)
    candidates = np.flatnonzero(ends_period)
    last_candidate = np.ones(len(candidates), dtype=bool)
    last_candidate[:-1] = period[candidates][1:] != period[candidates][:-1]
    ceased = np.zeros(n, dtype=bool)
    ceased[candidates[last_candidate]] = True

    # Providers the return implies.
    provider_cat = _with(tl["PLACE_PROVIDER"], ("PR0",))
    provider = provider_cat.codes.copy()
    blank = provider < 0
    p1 = blank & (tl["PLACE"] == "P1").to_numpy()
    touched["526-p1"] = src[p1]
    if "526-p1" not in skip:
        provider[p1] = provider_cat.categories.get_loc("PR0")
    temporary = blank & tl["PLACE"].isin(list(C.TEMPORARY_PLACES)).to_numpy()
    take = temporary & same_prev & ~new_period
    touched["383-provider"] = src[take]
    if "383-provider" not in skip and take.any():
        for i in np.flatnonzero(take):  # in order, so a run of temporary placements takes the one before
            provider[i] = provider[i - 1]

    out = pd.DataFrame({
        "child": tl["child"].array, "cid": tl["kid"].to_numpy(), "sid": sid, "view": tl["view"].to_numpy(),
        "decom": decom, "dec": dec,
        "rne": _cat(tl["RNE"]), "ls": _cat(tl["LS"]), "cin": _cat(tl["CIN"]), "place": _cat(tl["PLACE"]),
        "place_provider": pd.Categorical.from_codes(provider, categories=provider_cat.categories),
        "rec": pd.Categorical.from_codes(rec, categories=rec_cat.categories),
        "reason_place_change": _cat(tl["REASON_PLACE_CHANGE"]),
        "home_post": _cat(tl["HOME_POST"]), "pl_post": _cat(tl["PL_POST"]), "urn": _cat(tl["URN"]),
        "year": tl["_year"].to_numpy(), "_file": _cat(tl["_file"]), "_row": tl["_row"].to_numpy(),
    })
    out["placement_type"] = _map_cat(out["place"], C.PLACEMENT_TYPE)
    out["provider"] = _map_cat(out["place_provider"], C.PROVIDER)
    out["legal_status"] = _map_cat(out["ls"], C.LEGAL_STATUS)
    out["short_break"] = out["ls"].isin(C.SHORT_BREAKS)
    out["new_period"] = new_period
    out["start"] = new_period & ~truncated
    out["truncated"] = truncated
    out["period"] = period
    out["period_start"] = period_start
    out["ceased"] = ceased
    reason = _map_cat(out["rec"], {**C.REASON_CEASED, "": "other"})
    reason_codes = reason.codes.copy()
    reason_codes[ceased & (reason_codes < 0)] = reason.categories.get_loc("other")
    reason_codes[~ceased] = -1
    out["reason_ceased"] = pd.Categorical.from_codes(reason_codes, categories=reason.categories)
    new_placement = new_period | out["rne"].isin(rule.new_placement_rne).to_numpy()
    out["placement"] = np.cumsum(new_placement) - 1
    out["stability_placement"] = _stability_placements(out, rule)
    out["stability_start"], out["previous_stability_start"] = _stability_starts(out)

    # Days of care: each episode's own days end where the next begins; days an earlier
    # episode covers again after a later one ended are "resumed" (overlaps only).
    day_end = np.where(same_next & (next_decom < dec), next_decom, dec)
    day_end = np.where(same_next & np.isnat(dec), next_decom, day_end)
    out["day_end"] = day_end
    own_end = _days(day_end)
    next_days = np.where(same_next, _days(next_decom), OPEN)
    gap = (cover_days > own_end) & (own_end < next_days) & (own_end < OPEN)
    rows = np.flatnonzero(gap)
    resumed = pd.DataFrame({
        "row": holder[rows],
        "start": own_end[rows] * DAY,
        "end": np.minimum(cover_days[rows], next_days[rows]),
    })
    resumed["start"] = resumed["start"].astype("datetime64[ns]")
    resumed["end"] = pd.to_datetime(np.where(resumed["end"] >= OPEN, np.iinfo(np.int64).min,
                                             resumed["end"] * DAY)).astype("datetime64[ns]")
    return out, touched, resumed


def _same_carer(ep: pd.DataFrame, rows: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Whether each episode in ``rows`` is with the same carer as the one in ``before``.

    The same URN where both have a real one, else the same PLACE, PL_POST and provider.
    """
    urn = ep["urn"].to_numpy(dtype=object)
    post = ep["pl_post"].to_numpy(dtype=object)
    place = ep["place"].cat.codes.to_numpy()
    provider = ep["place_provider"].cat.codes.to_numpy()
    fake = {"", "XXXXXXX", "SC999999"}
    out = np.zeros(len(rows), dtype=bool)
    for k, (i, j) in enumerate(zip(rows, before)):
        a, b = urn[i], urn[j]
        if isinstance(a, str) and isinstance(b, str) and a.strip() not in fake and b.strip() not in fake:
            out[k] = a.strip() == b.strip()
        else:
            out[k] = (not isinstance(a, str) or a.strip() in fake) and (not isinstance(b, str) or b.strip() in fake) \
                and place[i] == place[j] and provider[i] == provider[j] and str(post[i]).strip() == str(post[j]).strip()
    return out


def _stability_placements(ep: pd.DataFrame, rule) -> np.ndarray:
    """Placement numbers under ``rule`` (see PlacementRule); -1 for episodes not counted."""
    temporary = ep["place"].isin(C.TEMPORARY_PLACES).to_numpy()
    counted = np.ones(len(ep), dtype=bool)
    if rule.exclude_temporary:
        counted &= ~temporary
    if rule.exclude_short_breaks:
        counted &= ~ep["short_break"].to_numpy()
    period = ep["period"].to_numpy()
    after_temporary = np.zeros(len(ep), dtype=bool)
    after_temporary[1:] = temporary[:-1] & (period[1:] == period[:-1])
    rows = np.flatnonzero(counted)
    sub_period = period[rows]
    same_period = np.zeros(len(rows), dtype=bool)
    same_period[1:] = sub_period[1:] == sub_period[:-1]
    new_rne = ep["rne"].isin(rule.new_placement_rne).to_numpy()[rows]
    back_to_same = np.zeros(len(rows), dtype=bool)
    if rule.exclude_temporary:
        check = np.flatnonzero(after_temporary[rows] & same_period)  # positions in ``rows``
        back_to_same[check] = _same_carer(ep, rows[check], rows[check - 1])
    new = ~same_period | (new_rne & ~back_to_same)
    ids = np.full(len(ep), -1, dtype=np.int64)
    ids[rows] = np.cumsum(new) - 1
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
