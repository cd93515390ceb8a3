"""The transition model: children looked after by age band × placement group, a year at a time.

**State.** A child looked after at 31 March is in one of 20 states: an age band
(``contract.AGE_BANDS``, 5) × a placement group (``contract.FORECAST_GROUPS``,
4). A year later they are in one of those 20 states or have left care.

**Rates** come from the ``flows`` tables of the reference window (the last
``WINDOW`` years with flows, pooled):

* *staying, moving and ageing*: for each starting state, the share of children
  who a year later are in each state or have left: the counts of the window,
  plus ``PRIOR_WEIGHT`` pseudo-children spread as the same group's pattern over
  every age band (so a state with no children still has sensible rates);
* *entries*: children who start to be looked after in a year and are still
  looked after at its end, by age band at the end of the year, per 10,000
  children of that age (``population``; without it, per year), and how they
  spread over the groups.

**Simulation.** From the last 31 March's children, ``SIMULATIONS`` futures are
drawn (fixed seed: the same figures every build). Each simulated year draws
every child's next state (multinomial draws) and the year's entries (Poisson,
with the entry rate itself drawn from its uncertainty: the Gamma posterior of
the window's counts widened by the window's year-to-year scatter), and every
simulated future draws its own transition rates from their Dirichlet posterior,
so the range reflects both chance and how well the window pins the rates down.

**A change of trend.** Rates do not stay put: the window's average lags a
rate that is rising or falling, and a year can break the pattern (an entry
surge, a fall). So each future also lets the entry rate and the chance of
leaving care drift, year by year, as a random walk whose steps have the spread
of the history's own year-on-year changes beyond chance (``drift_from_history``:
the root mean square of the change in the log of each year's rate, over every
year of flows up to the origin, less the part a count's own chance variation
explains). The drift is centred (the multipliers average 1), so it
widens the range, more the further ahead, and leaves the central forecast
where the window puts it.

The forecast is the mean of the futures; the range their 10th and 90th
percentiles.

Example: 100 children in (10 to 15, fostering), of whom each year 80 stay in
fostering in the same band, 10 turn 16 in fostering and 10 leave; no entries.
A year later the forecast is 80 in (10 to 15, fostering) and 10 in (16 and over,
fostering), with a range from the binomial scatter (about 75 to 85).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import contract

BANDS = tuple(contract.AGE_BANDS)
GROUPS = tuple(contract.FORECAST_GROUPS)
STATES = tuple((b, g) for b in BANDS for g in GROUPS)
N_STATES = len(STATES)
LEFT = N_STATES  # outcome index of leaving care
STATE_INDEX = {s: i for i, s in enumerate(STATES)}

WINDOW = 3
MIN_WINDOW = 2
SIMULATIONS = 1000
SEED = 20260331
PRIOR_WEIGHT = 1.0
LOW_Q, HIGH_Q = 10, 90


@dataclass
class Rates:
    """Counts (and populations) of the reference window, from which rates are drawn."""

    window: tuple[int, ...]
    moves: np.ndarray        # (20, 21) children from state to state or left, pooled over the window
    entries: np.ndarray      # (years, 20) entries still looked after at the year's end, by state
    exposure: np.ndarray     # (years, 5) population of each band (1.0 without population)
    per_population: bool = False
    #: (entries, leaving): spread of the yearly change in the log of each rate (``drift_from_history``)
    drift: tuple[float, float] = (0.0, 0.0)

    # -- point estimates (the mean of the posteriors) --
    def transition_probabilities(self) -> np.ndarray:
        alpha = self.moves + PRIOR_WEIGHT * self._prior()
        return alpha / alpha.sum(axis=1, keepdims=True)

    def entry_rate(self) -> np.ndarray:
        """Entries per unit of exposure, by band (per child of the band when per_population)."""
        by_band = self.entries.reshape(len(self.window), len(BANDS), len(GROUPS)).sum(axis=2)
        return by_band.sum(axis=0) / self.exposure.sum(axis=0)

    def entry_mix(self) -> np.ndarray:
        """(5, 4): how each band's entries spread over the groups."""
        e = self.entries.sum(axis=0).reshape(len(BANDS), len(GROUPS)) + PRIOR_WEIGHT * self._entry_prior()
        return e / e.sum(axis=1, keepdims=True)

    def _prior(self) -> np.ndarray:
        """The same group's pattern pooled over bands, shifted to each band (ageing kept)."""
        prior = np.zeros((N_STATES, N_STATES + 1))
        m = self.moves.reshape(len(BANDS), len(GROUPS), N_STATES + 1)
        for g in range(len(GROUPS)):
            pooled = m[:, g, :]
            total = pooled.sum()
            left = pooled[:, LEFT].sum() / total if total else 0.1
            to_group = pooled[:, :LEFT].reshape(len(BANDS), len(BANDS), len(GROUPS)).sum(axis=(0, 1))
            to_group = to_group / to_group.sum() if to_group.sum() else np.eye(len(GROUPS))[g]
            for b in range(len(BANDS)):
                ageing = m[b, :, :LEFT].reshape(len(GROUPS), len(BANDS), len(GROUPS)).sum(axis=(0, 2))
                ageing = ageing / ageing.sum() if ageing.sum() else np.eye(len(BANDS))[b]
                row = (1 - left) * np.outer(ageing, to_group).ravel()
                prior[b * len(GROUPS) + g, :LEFT] = row
                prior[b * len(GROUPS) + g, LEFT] = left
        return prior

    def _entry_prior(self) -> np.ndarray:
        pooled = self.entries.sum(axis=0).reshape(len(BANDS), len(GROUPS)).sum(axis=0)
        mix = pooled / pooled.sum() if pooled.sum() else np.full(len(GROUPS), 1 / len(GROUPS))
        return np.tile(mix, (len(BANDS), 1))


def state_vector(frame: pd.DataFrame | None, band: str = "age_band", group: str = "placement_group",
                 value: str = "children") -> np.ndarray | None:
    """Children by state from a frame with band, group and count columns (None if no frame)."""
    if frame is None or frame.empty:
        return None
    out = np.zeros(N_STATES)
    for b, g, n in zip(frame[band], frame[group], frame[value]):
        if (b, g) in STATE_INDEX and not pd.isna(n):
            out[STATE_INDEX[(b, g)]] += float(n)
    return out


def rates_from_flows(flows_by_year: dict[int, pd.DataFrame],
                     population: dict[tuple[int, str], float] | None = None) -> Rates:
    """Pool the window's ``flows`` tables into counts (``Rates``). Years oldest first."""
    years = tuple(sorted(flows_by_year))
    moves = np.zeros((N_STATES, N_STATES + 1))
    entries = np.zeros((len(years), N_STATES))
    per_population = bool(population) and all((y, b) in population for y in years for b in BANDS)
    exposure = np.ones((len(years), len(BANDS)))
    for k, year in enumerate(years):
        f = flows_by_year[year]
        for fs, ab0, ts, ab1, n in zip(f["from_state"], f["age_band_start"], f["to_state"], f["age_band_end"],
                                       f["children"]):
            if pd.isna(n):
                continue
            to = LEFT if ts == "left" else STATE_INDEX.get((ab1, ts))
            if to is None:
                continue
            if fs == "entered":
                if to != LEFT:
                    entries[k, to] += n
            elif (ab0, fs) in STATE_INDEX:
                moves[STATE_INDEX[(ab0, fs)], to] += n
        if per_population:
            exposure[k] = [population[(year, b)] for b in BANDS]
    return Rates(years, moves, entries, exposure, per_population)


def yearly_counts(flows: pd.DataFrame) -> tuple[float, float, float]:
    """(entered, left, start) in one year's flows: children who started and were still looked after at the
    year's end; children looked after at the start who had left a year later; children looked after at
    the start."""
    entered = left = start = 0.0
    for fs, ts, n in zip(flows["from_state"], flows["to_state"], flows["children"]):
        if pd.isna(n):
            continue
        if fs == "entered":
            entered += 0.0 if ts == "left" else float(n)
        else:
            start += float(n)
            left += float(n) if ts == "left" else 0.0
    return entered, left, start


def drift_from_history(flows_by_year: dict[int, pd.DataFrame],
                       population: dict[tuple[int, str], float] | None = None) -> tuple[float, float]:
    """How much the entry rate and the leaving rate moved from one year to the next, beyond chance.

    Rates: entries per child of the population of the five bands (per year
    without population); leaving: children who left over children looked after
    at the start. For each rate, over consecutive years, the mean of the
    squared change in its log, less what chance alone gives (a Poisson count n
    has a log that varies by about 1/n; a share p of n by (1 - p)/(n p)), kept
    at 0 or more; its square root is the step of the random walk. 0 with fewer
    than two years. Example: 400, 440 and 400 entries from the same population
    change by +9.5% and -9.5%; chance alone explains about 0.069² of the
    0.095², so the spread is about 0.066.
    """
    years = sorted(flows_by_year)
    per_population = bool(population) and all((y, b) in population for y in years for b in BANDS)
    rates = []
    for year in years:
        entered, left, start = yearly_counts(flows_by_year[year])
        exposure = sum(population[(year, b)] for b in BANDS) if per_population else 1.0
        rates.append(((entered / exposure, 1 / entered) if entered > 0 else None,
                      (left / start, 1 / left - 1 / start) if left > 0 and start > left else None))
    spreads = []
    for k in (0, 1):
        excess = [np.log(b[k][0] / a[k][0]) ** 2 - a[k][1] - b[k][1]
                  for a, b, ya, yb in zip(rates, rates[1:], years, years[1:]) if yb == ya + 1 and a[k] and b[k]]
        spreads.append(float(np.sqrt(max(np.mean(excess), 0.0))) if excess else 0.0)
    return spreads[0], spreads[1]


def expected_path(rates: Rates, start: np.ndarray, years: tuple[int, ...],
                  exposure: dict[int, np.ndarray] | None = None) -> np.ndarray:
    """The expected children by state at 31 March of each year (no simulation): array (years, 20).

    Each year: last year's children times the transition probabilities, plus
    the expected entries (the window's rate by band × that year's population,
    spread over the groups by the window's mix). Used to compare reference
    windows on earlier years, where only the central forecast matters.
    """
    p = rates.transition_probabilities()[:, :N_STATES]
    rate, mix = rates.entry_rate(), rates.entry_mix()
    counts = np.asarray(start, dtype=float)
    out = np.zeros((len(years), N_STATES))
    for k, year in enumerate(years):
        pop = (exposure or {}).get(year) if rates.per_population else None
        if rates.per_population and pop is None:
            pop = rates.exposure[-1]
        counts = counts @ p + ((rate * (pop if rates.per_population else 1.0))[:, None] * mix).ravel()
        out[k] = counts
    return out


@dataclass
class Levers:
    """Scenario changes by simulated year (years ending 31 March). Empty: the baseline."""

    entries: dict[int, np.ndarray] = field(default_factory=dict)      # year -> (5,) multiplier by band
    exits: dict[int, np.ndarray] = field(default_factory=dict)        # year -> (5,) multiplier by band
    #: year -> (from group, to group, share, band indices) moved after the year's transitions
    shifts: dict[int, list[tuple[int, int, float, tuple[int, ...]]]] = field(default_factory=dict)

    def entry_factor(self, year: int) -> np.ndarray:
        return self.entries.get(year, np.ones(len(BANDS)))

    def exit_factor(self, year: int) -> np.ndarray:
        return self.exits.get(year, np.ones(len(BANDS)))


def simulate(rates: Rates, start: np.ndarray, years: tuple[int, ...],
             exposure: dict[int, np.ndarray] | None = None, levers: Levers | None = None,
             simulations: int = SIMULATIONS, seed: int = SEED) -> np.ndarray:
    """Simulated children by state at 31 March of each of ``years``: array (simulations, years, 20).

    ``start`` is the children by state at the 31 March before the first year;
    ``exposure[year]`` the population of each band that year (needed when the
    rates are per population). The same seed gives the same futures, so the
    baseline and a scenario differ only by the scenario.
    """
    levers = levers or Levers()
    rng = np.random.default_rng(seed)
    # What every future draws before the levers act (its rates, its drift) is the same for the baseline and
    # each scenario: drawn once for the same inputs (``_BEFORE_LEVERS``), the generator then stands where the
    # drawing left it, so the draws that follow are the very ones.
    key = _inputs_key(rates, start, years, exposure, simulations, seed)
    drawn = _BEFORE_LEVERS.get(key)
    if drawn is None:
        futures = _futures(rng, rates, simulations, len(years))
        for array in futures:
            array.flags.writeable = False  # shared by the simulations of these inputs: read only
        drawn = {"futures": futures, "state": rng.bit_generator.state}
        if len(_BEFORE_LEVERS) >= 8:
            del _BEFORE_LEVERS[next(iter(_BEFORE_LEVERS))]
        _BEFORE_LEVERS[key] = drawn
    else:
        rng.bit_generator.state = drawn["state"]
    probs_by_outcome, stay_total, entry_rates, mix_by_outcome, walk_entries, walk_leaving = drawn["futures"]
    drift_leaving = rates.drift[1]

    counts = np.tile(np.asarray(np.rint(start), dtype=np.int64), (simulations, 1))
    out = np.zeros((simulations, len(years), N_STATES))
    for k, year in enumerate(years):
        # The first year's moves, where no lever changes them, are the same in every future of these inputs.
        first_moves = k == 0 and year not in levers.exits
        if first_moves and "first_moves" in drawn:
            state, moved_counts = drawn["first_moves"]
            rng.bit_generator.state = state
            counts = moved_counts.copy()
        else:
            p = probs_by_outcome
            factor = levers.exit_factor(year)
            if not np.allclose(factor, 1) or drift_leaving > 0:
                left = np.clip(probs_by_outcome[LEFT].reshape(simulations, N_STATES)
                               * np.repeat(factor, len(GROUPS))[None, :] * walk_leaving[:, k][:, None], 0, 1).ravel()
                stay = probs_by_outcome[:LEFT] / stay_total * (1 - left)
                p = np.concatenate([stay, left[None, :]])
            moved = _multinomial(rng, counts.ravel(), p)  # (21 to, sims × 20 from)
            counts = np.ascontiguousarray(moved[:N_STATES].reshape(N_STATES, simulations, N_STATES).sum(axis=2).T)
            if first_moves:
                drawn["first_moves"] = (rng.bit_generator.state, counts.copy())
        pop = (exposure or {}).get(year) if rates.per_population else None
        if rates.per_population and pop is None:
            pop = rates.exposure[-1]
        lam = (entry_rates * (pop if rates.per_population else 1.0) * levers.entry_factor(year)[None, :]
               * walk_entries[:, k][:, None])
        arrivals = rng.poisson(lam)  # (sims, 5)
        counts += _multinomial(rng, arrivals.ravel(), mix_by_outcome).T.reshape(simulations, N_STATES)
        for g_from, g_to, share, bands in levers.shifts.get(year, []):
            for b in bands:
                i, j = b * len(GROUPS) + g_from, b * len(GROUPS) + g_to
                shifted = rng.binomial(counts[:, i], min(max(share, 0.0), 1.0))
                counts[:, i] -= shifted
                counts[:, j] += shifted
        out[:, k, :] = counts
    return out


#: The draws before the levers act (``_futures``) and where they left the generator, by the simulation's inputs
#: (``_inputs_key``: every input but the levers), for the baseline and the scenarios made from the same inputs;
#: with, once made, the first year's moves when no lever changes them. A few kept (the latest).
_BEFORE_LEVERS: dict[bytes, dict] = {}


def _inputs_key(rates: Rates, start, years, exposure, simulations: int, seed: int) -> bytes:
    """A digest of everything ``simulate`` reads but the levers."""
    digest = hashlib.sha256()
    for part in (rates.moves, rates.entries, rates.exposure, np.asarray(rates.drift, dtype=float),
                 np.asarray(start, dtype=float), np.asarray(years, dtype=float)):
        part = np.ascontiguousarray(part, dtype=float)
        digest.update(repr(part.shape).encode() + part.tobytes())
    digest.update(repr((rates.per_population, len(rates.window), simulations, seed)).encode())
    for year, values in sorted((exposure or {}).items()):
        digest.update(repr(year).encode() + np.ascontiguousarray(values, dtype=float).tobytes())
    return digest.digest()


def _futures(rng, rates: Rates, simulations: int, n_ahead: int) -> tuple:
    """Each future's own rates and drift, drawn in this order: (transition probabilities outcome first
    (21, sims × 20), each state's probability of staying in care (sims × 20), entry rates (sims, 5), entry mix
    outcome first (4, sims × 5), entry and leaving walks (sims, years))."""
    n_years = len(rates.window)
    # Each future's own transition rates (Dirichlet posterior, drawn as normalised Gammas).
    alpha = rates.moves + PRIOR_WEIGHT * rates._prior()
    probs = _dirichlet(rng, alpha, simulations)  # (sims, 20, 21)
    # Entry rates by band: Gamma posterior of the pooled count, widened by the between-year scatter.
    by_year = rates.entries.reshape(n_years, len(BANDS), len(GROUPS)).sum(axis=2)
    total, expo = by_year.sum(axis=0), rates.exposure.sum(axis=0)
    mean_rate = total / expo
    yearly = by_year / rates.exposure
    between = yearly.var(axis=0, ddof=1) if n_years > 1 else np.zeros(len(BANDS))
    posterior_var = (total + 0.5) / expo ** 2
    var = posterior_var + np.maximum(between - mean_rate / (expo / n_years), 0)
    shape = np.where(var > 0, (mean_rate + 1e-12) ** 2 / np.maximum(var, 1e-18), 1.0)
    scale = np.where(mean_rate > 0, var / np.maximum(mean_rate, 1e-12), 0.0)
    entry_rates = rng.gamma(np.maximum(shape, 1e-6), np.maximum(scale, 1e-12), size=(simulations, len(BANDS)))
    entry_rates[:, mean_rate == 0] = 0.0
    emix_alpha = rates.entries.sum(axis=0).reshape(len(BANDS), len(GROUPS)) + PRIOR_WEIGHT * rates._entry_prior()
    entry_mix = _dirichlet(rng, emix_alpha, simulations)  # (sims, 5, 4)
    # A change of trend: each future's entry and leaving rates drift as a centred random walk.
    drift_entries, drift_leaving = rates.drift
    steps = rng.standard_normal((2, simulations, n_ahead))
    walk_entries = np.exp(np.cumsum(drift_entries * steps[0] - drift_entries ** 2 / 2, axis=1))
    walk_leaving = np.exp(np.cumsum(drift_leaving * steps[1] - drift_leaving ** 2 / 2, axis=1))

    # The years' draws take each outcome's cells side by side (outcome first); the same draws in the same order.
    cells = simulations * N_STATES
    probs_by_outcome = np.ascontiguousarray(probs.reshape(cells, N_STATES + 1).T)  # (21, sims × 20)
    stay_total = np.maximum(probs[:, :, :LEFT].sum(axis=2), 1e-12).ravel()
    mix_by_outcome = np.ascontiguousarray(entry_mix.reshape(simulations * len(BANDS), len(GROUPS)).T)
    return probs_by_outcome, stay_total, entry_rates, mix_by_outcome, walk_entries, walk_leaving


def _dirichlet(rng, alpha: np.ndarray, size: int) -> np.ndarray:
    """``size`` draws of a Dirichlet per row of ``alpha``: array (size, *alpha.shape)."""
    draws = rng.standard_gamma(np.broadcast_to(alpha, (size, *alpha.shape)))
    return draws / np.maximum(draws.sum(axis=-1, keepdims=True), 1e-300)


def _multinomial(rng, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Multinomial draws for every cell at once, as a chain of binomials.

    ``n`` (cells,) counts, ``p`` (k, cells) probabilities, outcome first;
    returns (k, cells). Outcome j takes Binomial(remaining, p_j / remaining
    probability), drawn only where a child can go (most cells cannot), cell
    by cell in order.
    """
    k = p.shape[0]
    out = np.zeros(p.shape, dtype=np.int64)
    remaining = n.astype(np.int64)  # a copy: n is not changed
    mass = np.ones(remaining.shape)
    for j in range(k - 1):
        pj = p[j]
        cond = np.clip(np.where(mass > 1e-12, pj / np.maximum(mass, 1e-12), 0.0), 0.0, 1.0)
        live = np.flatnonzero((remaining > 0) & (cond > 0))
        if live.size:
            draw = rng.binomial(remaining[live], cond[live])
            out[j, live] = draw
            remaining[live] -= draw
        mass = mass - pj
    out[k - 1] = remaining
    return out


def summarise(samples: np.ndarray, years: tuple[int, ...]) -> pd.DataFrame:
    """Mean, 10th and 90th percentile by year, for every state, group, band and the total.

    Rows: year, age_band ('all' or a band), placement_group ('all' or a group),
    children (mean), low, high.
    """
    sims = samples.shape[0]
    cube = samples.reshape(sims, samples.shape[1], len(BANDS), len(GROUPS))
    labels = ([("all", "all")] + [("all", g) for g in GROUPS] + [(b, "all") for b in BANDS]
              + [(b, g) for b in BANDS for g in GROUPS])
    frames = []
    for k, year in enumerate(years):
        c = cube[:, k]
        pieces = np.concatenate([c.sum(axis=(1, 2))[:, None], c.sum(axis=1), c.sum(axis=2),
                                 c.reshape(sims, -1)], axis=1)
        low, high = np.percentile(pieces, [LOW_Q, HIGH_Q], axis=0)
        frames.append(pd.DataFrame({"year": year, "age_band": [b for b, _ in labels],
                                    "placement_group": [g for _, g in labels], "children": pieces.mean(axis=0),
                                    "low": low, "high": high}))
    return pd.concat(frames, ignore_index=True)
