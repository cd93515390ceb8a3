"""The example authority's tables that do not come from the SSDA903 return.

Finance, the fostering service, market intelligence and the placements team keep
these figures in their own systems. For Castlebridge they are drawn from the same
simulated world as the synthetic 903 data (``synth903.simulate()``), so that
where the tables overlap they agree:

* ``spend_by_service``: weeks of care per service and sector are the days the
  simulated children spent in those placements in the year / 7, exactly as
  ``placements_by_type_and_age`` counts them (fostering = foster_other,
  fostering_relative_friend = foster_relative_friend, childrens_home,
  supported_accommodation, secure; parent_and_child (R3) + residential_school
  (S1) = residential_other). Placed for adoption and placed with parents carry
  no placement spend. Short breaks for disabled children (not looked after at
  31 March) come from the short-breaks service's own counts. Spend = weeks x a
  weekly unit cost that rises with inflation, with a little noise.
* ``spend_with_providers``: the external spend of each service shared among
  fictional providers; named providers never add up to more than the service's
  external spend (small spot purchases are not itemised).
* ``fostering_capacity``: occupied places are the simulated children in
  in-house foster placements at 31 March (mainstream, parent and child, family
  and friends carers). Short-break carers' places are kept for planned short
  breaks for disabled children, who are not looked after at 31 March, so they
  count as vacant but not available.
* ``fostering_recruitment``: approvals minus deregistrations equal the change in
  the council's own (non-connected) fostering households.
* ``commissioning_routes`` and ``referrals``: every new placement the simulation
  made in the year, by service and how it was bought; the referrals placed each
  month add up to the same placements.
* ``provider_market``, ``action_plan`` and the reference tables (population,
  benchmarks) are written out here. The forecast's inputs (``contracted_capacity``
  and, for statement years, ``scenarios``) come from
  ``generator.forecast.example_inputs``, which the forecast's owner keeps.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from . import synth903 as S

YEARS = tuple(range(2019, 2027))
SEED = S.SEED

# Weekly unit costs (£) by year, service and sector.
UNIT_COST = {
    ("fostering", "in_house"): (455, 468, 480, 497, 525, 552, 574, 596),
    ("fostering", "external"): (905, 920, 935, 960, 1000, 1045, 1075, 1100),
    ("fostering_relative_friend", "in_house"): (300, 308, 316, 327, 345, 362, 375, 388),
    ("childrens_home", "in_house"): (4150, 4280, 4420, 4650, 4980, 5300, 5550, 5800),
    ("childrens_home", "external"): (4550, 4800, 5100, 5550, 6100, 6600, 6950, 7250),
    ("supported_accommodation", "in_house"): (1150, 1180, 1210, 1250, 1310, 1360, 1410, 1450),
    ("supported_accommodation", "external"): (1250, 1300, 1380, 1500, 1700, 1950, 2150, 2350),
    ("secure", "external"): (8100, 8350, 8600, 9000, 9600, 10100, 10500, 10900),
    ("parent_and_child", "external"): (2550, 2650, 2750, 2900, 3150, 3450, 3700, 3950),
    ("residential_school", "external"): (3600, 3700, 3800, 3950, 4200, 4450, 4650, 4850),
    ("short_breaks", "in_house"): (640, 655, 670, 690, 725, 760, 790, 820),
    ("short_breaks", "external"): (2300, 2380, 2450, 2560, 2750, 2950, 3100, 3200),
}
# Short breaks (not in the 903): children and weeks (nights / 7) by sector.
SHORT_BREAKS = {
    "in_house": ((38, 420), (36, 405), (30, 310), (34, 380), (33, 372), (31, 350), (33, 368), (35, 392)),
    "external": ((9, 150), (9, 158), (7, 120), (10, 171), (11, 183), (12, 196), (12, 190), (11, 184)),
}

# In-house fostering households at 31 March by carer type (mainstream from the simulation).
PANDC_HOUSEHOLDS = {y: S.PANDC_PLACES.get(y, 3) for y in range(2018, 2027)}
SHORT_BREAK_HOUSEHOLDS = {2018: 13, 2019: 12, 2020: 12, 2021: 11, 2022: 10, 2023: 10, 2024: 9,
                          2025: 10, 2026: 11}
ENQUIRIES = {2019: 212, 2020: 246, 2021: 188, 2022: 171, 2023: 158, 2024: 304, 2025: 386, 2026: 352}
APPROVALS = {2019: 9, 2020: 8, 2021: 7, 2022: 6, 2023: 6, 2024: 9, 2025: 16, 2026: 17}


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng([SEED, *[abs(hash_text(k)) for k in key]])


def hash_text(value) -> int:
    """A stable integer for seeding (Python's hash() of str is salted per process)."""
    if isinstance(value, int):
        return value
    return sum((i + 1) * ord(ch) for i, ch in enumerate(str(value)))


# ---------------------------------------------------------------------------
# Facts drawn from the simulated world
# ---------------------------------------------------------------------------

def _placements(sim):
    """Placements (runs of episodes with one placement id) with their dates."""
    out = []
    for child in sim.children:
        by_id: dict[int, dict] = {}
        for ep in child.episodes:
            p = by_id.get(ep.placement_id)
            if p is None:
                p = by_id[ep.placement_id] = dict(child=child.id, start=ep.decom, end=ep.dec, service=ep.service,
                                                  sector=ep.sector, route=ep.route, carer=ep.carer,
                                                  place=ep.place, provider=ep.provider, episodes=[])
            p["end"] = ep.dec
            p["episodes"].append(ep)
        out.extend(by_id.values())
    return out


class Facts:
    """Per-year figures from the simulation that several tables share."""

    def __init__(self, sim=None):
        self.sim = sim or S.simulate()
        self.placements = _placements(self.sim)

    def weeks_and_children(self, year: int) -> dict[tuple[str, str], tuple[int, float]]:
        start, stop = S.year_start(year), S.year_end(year) + dt.timedelta(days=1)
        days: Counter = Counter()
        kids: dict = defaultdict(set)
        for child in self.sim.children:
            for ep in child.episodes:
                if ep.service is None:
                    continue
                a, b = max(ep.decom, start), min(ep.dec or stop, stop)
                if b > a:
                    days[(ep.service, ep.sector)] += (b - a).days
                    kids[(ep.service, ep.sector)].add(child.id)
        return {k: (len(kids[k]), days[k] / 7) for k in days}

    def new_placements(self, year: int) -> list[dict]:
        start, end = S.year_start(year), S.year_end(year)
        return [p for p in self.placements if p["service"] is not None and start <= p["start"] <= end]


# ---------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------

def spend_by_service(facts: Facts, year: int) -> pd.DataFrame:
    i = YEARS.index(year)
    rows = []
    activity = facts.weeks_and_children(year)
    for sector, series in SHORT_BREAKS.items():
        children, weeks = series[i]
        activity[("short_breaks", sector)] = (children, float(weeks))
    for (service, sector), (children, weeks) in sorted(activity.items()):
        cost = UNIT_COST[(service, sector)][i]
        noise = 1 + _rng("spend", year, service, sector).normal(0, 0.015)
        rows.append(dict(service=service, sector=sector, children=children, weeks_of_care=round(weeks, 2),
                         spend=round(weeks * cost * noise)))
    return pd.DataFrame(rows)


PROVIDERS = {
    "fostering": ("Northway Fostering", "Brightwater Family Placements", "Oakleaf Foster Care",
                  "Pennine Family Care", "Mersey Vale Fostering", "Harbour Lights Fostering",
                  "Greenfields Foster Families", "Kinship Circle Fostering Trust"),
    "childrens_home": ("Ashcroft Children's Homes Ltd", "Meadowbank Care Group", "Riverside Young People's Homes",
                       "Larchwood Care", "Cedar Lodge Homes", "Highmoor Residential Care",
                       "Willowbrook Children's Services", "Stonegate Care Partnerships", "Fernhill Homes",
                       "Kestrel Care"),
    "supported_accommodation": ("Stepping Stones Housing Support", "Bridgeway Supported Living",
                                "Anchor Point Youth Housing", "Foundations 16 Plus",
                                "Horizon Young Persons' Service", "Castle Court Foyer Trust"),
    "parent_and_child": ("Haven Family Assessment Centre", "Meadowside Family Centre"),
    "residential_school": ("Brookfield School", "Linden House School", "Ridgeway College"),
    "secure": ("Hilltop Secure Children's Home (Northshire County Council)",
               "Beacon House Secure Unit (Eastmoor Council)"),
    "short_breaks": ("Rainbow Short Breaks", "Oak Tree Respite Centre"),
}


def spend_with_providers(spend: pd.DataFrame, year: int) -> pd.DataFrame:
    """External spend by service shared among named providers (92-97% itemised)."""
    rows = []
    external = spend[spend["sector"] == "external"]
    for row in external.itertuples(index=False):
        names = PROVIDERS[row.service]
        rng = _rng("providers", year, row.service)
        # stable market shares that drift a little from year to year
        base = np.array([1.0 / (k + 1.3) for k in range(len(names))])
        share = base * np.exp(rng.normal(0, 0.25, len(names)))
        used = rng.random(len(names)) < (0.85 if len(names) > 3 else 1.1)
        used[int(np.argmax(share))] = True
        share = np.where(used, share, 0)
        share = share / share.sum() * rng.uniform(0.92, 0.97)
        price = np.exp(rng.normal(0, 0.08, len(names)))
        spend_share = share * price
        spend_share = spend_share / spend_share.sum() * share.sum()
        for name, w, s in zip(names, share, spend_share):
            if w <= 0:
                continue
            weeks = math.floor(row.weeks_of_care * w * 100) / 100
            money = math.floor(row.spend * s)
            if weeks <= 0 or money <= 0:
                continue
            rows.append(dict(provider=name, service=row.service, weeks_of_care=weeks, spend=money))
    return pd.DataFrame(rows)


def fostering_capacity(facts: Facts, year: int) -> pd.DataFrame:
    snap = facts.sim.snapshots[year]
    rng = _rng("capacity", year)
    rows = []
    # mainstream
    households = S.MAINSTREAM_HOUSEHOLDS[year]
    approved = int(households * S.PLACES_PER_HOUSEHOLD)
    available = snap["mainstream_available"] - snap["pandc_occupied"]
    occupied = snap["mainstream_occupied"]
    vacant_available = max(0, available - occupied)
    rows.append(dict(carer_type="mainstream", households=households, approved_places=approved, occupied=occupied,
                     vacant_available=vacant_available, vacant_not_available=approved - occupied - vacant_available))
    # family and friends (connected) carers: approved for a named child
    occupied = snap["ff_occupied"]
    households = math.ceil(occupied / 1.3) + int(rng.integers(1, 4))
    approved = max(occupied + int(rng.integers(2, 5)), households)
    spare = approved - occupied
    rows.append(dict(carer_type="family_and_friends", households=households, approved_places=approved,
                     occupied=occupied, vacant_available=min(spare, int(rng.integers(0, 2))),
                     vacant_not_available=spare - min(spare, int(rng.integers(0, 2)))))
    rows[-1]["vacant_not_available"] = spare - rows[-1]["vacant_available"]
    # short breaks: places kept for planned short breaks for disabled children
    households = SHORT_BREAK_HOUSEHOLDS[year]
    rows.append(dict(carer_type="short_breaks", households=households, approved_places=households,
                     occupied=0, vacant_available=0, vacant_not_available=households))
    # parent and child carers
    households = PANDC_HOUSEHOLDS[year]
    occupied = snap["pandc_occupied"]
    spare = households - occupied
    held = 1 if spare >= 2 else 0
    rows.append(dict(carer_type="parent_and_child", households=households, approved_places=households,
                     occupied=occupied, vacant_available=spare - held, vacant_not_available=held))
    return pd.DataFrame(rows)


def own_households(year: int) -> int:
    """The council's own (non-connected) fostering households at 31 March."""
    return S.MAINSTREAM_HOUSEHOLDS[year] + PANDC_HOUSEHOLDS[year] + SHORT_BREAK_HOUSEHOLDS[year]


def fostering_recruitment(year: int) -> pd.DataFrame:
    rng = _rng("recruitment", year)
    enquiries = ENQUIRIES[year]
    approvals = APPROVALS[year]
    deregistrations = approvals - (own_households(year) - own_households(year - 1))
    visit_rate = 0.30 if year < 2024 else 0.27
    visits = int(round(enquiries * visit_rate * rng.uniform(0.95, 1.05)))
    assessments = max(approvals + 2, int(round(approvals * rng.uniform(1.6, 1.9))))
    return pd.DataFrame([
        dict(stage="enquiries", households=enquiries),
        dict(stage="initial_visits", households=visits),
        dict(stage="assessments_started", households=assessments),
        dict(stage="approvals", households=approvals),
        dict(stage="deregistrations", households=deregistrations),
    ])


# The local market: settings that open, close and get re-graded over the years.
MARKET_PLAN = {
    # provision type: {location band: (settings in 2019, settings in 2026), places per setting (lo, hi)}
    "childrens_home": ({"in_area": (6, 9), "neighbouring": (24, 31), "region": (118, 149),
                        "outside_region": (40, 52)}, (2, 6)),
    "fostering_agency": ({"in_area": (2, 2), "neighbouring": (7, 8), "region": (31, 34),
                          "outside_region": (9, 9)}, (30, 160)),
    "supported_accommodation": ({"in_area": (5, 8), "neighbouring": (12, 16), "region": (38, 47),
                                 "outside_region": (6, 9)}, (4, 20)),
    "residential_family_centre": ({"neighbouring": (1, 1), "region": (4, 4)}, (4, 8)),
    "residential_school": ({"neighbouring": (2, 2), "region": (8, 7)}, (20, 60)),
    "secure": ({"region": (2, 2), "outside_region": (11, 11)}, (8, 24)),
}


def _market_settings():
    """Every setting with its opening and closing year and a grade per year."""
    rng = _rng("market")
    settings = []
    for ptype, (bands, (lo, hi)) in MARKET_PLAN.items():
        for band, (first, last) in bands.items():
            spans = [[2010, 9999] for _ in range(first)]
            spans += [[int(rng.integers(2020, 2027)), 9999] for _ in range(max(0, last - first))]
            for k in range(max(0, first - last)):
                spans[k][1] = int(rng.integers(2020, 2027))
            if first >= 5:  # churn: one closes, another opens
                spans[-1 if last <= first else 0][1] = int(rng.integers(2020, 2027))
                spans.append([int(rng.integers(2020, 2027)), 9999])
            for opened, closes in spans:
                places = int(rng.integers(lo, hi + 1))
                quality = rng.random()
                grades = {}
                for year in YEARS:
                    if ptype == "supported_accommodation":
                        grades[year] = "not_graded" if year < 2025 else (
                            "not_yet_inspected" if year < 2026 or quality < 0.6 else
                            ("good" if quality < 0.9 else "requires_improvement"))
                        continue
                    if year - opened < 1:
                        grades[year] = "not_yet_inspected"
                        continue
                    q = quality + rng.normal(0, 0.08)
                    grades[year] = ("outstanding" if q > 0.83 else "good" if q > 0.22 else
                                    "requires_improvement" if q > 0.04 else "inadequate")
                settings.append(dict(provision_type=ptype, location_band=band, opened=opened, closes=closes,
                                     places=places, grades=grades))
    # the council's third children's home opens in July 2024 (year 2025)
    settings.append(dict(provision_type="childrens_home", location_band="in_area", opened=2025, closes=9999,
                         places=S.BEDS_PER_HOME, grades={y: "not_yet_inspected" if y == 2025 else "good"
                                                         for y in YEARS}))
    return settings


_SETTINGS = None


def provider_market(year: int) -> pd.DataFrame:
    global _SETTINGS
    if _SETTINGS is None:
        _SETTINGS = _market_settings()
    counts: Counter = Counter()
    places: Counter = Counter()
    for s in _SETTINGS:
        if s["opened"] <= year < s["closes"]:
            key = (s["provision_type"], s["location_band"], s["grades"][year])
            counts[key] += 1
            places[key] += s["places"]
    return pd.DataFrame([dict(provision_type=k[0], location_band=k[1], ofsted_grade=k[2], settings=counts[k],
                              places=places[k]) for k in sorted(counts)])


def commissioning_routes(facts: Facts, year: int) -> pd.DataFrame:
    counts = Counter((p["service"], p["route"]) for p in facts.new_placements(year))
    return pd.DataFrame([dict(service=s, route=r, placements=n) for (s, r), n in sorted(counts.items())])


REFERRAL_OUTCOME = {"in_house": "placed_in_house", "framework": "placed_framework", "block": "placed_framework",
                    "spot": "placed_spot"}


def referrals(facts: Facts, year: int) -> pd.DataFrame:
    placed: Counter = Counter()
    for p in facts.new_placements(year):
        placed[(p["start"].strftime("%Y-%m"), REFERRAL_OUTCOME[p["route"]])] += 1
    rng = _rng("referrals", year)
    rows = []
    first = S.year_start(year)
    for m in range(12):
        month = dt.date(first.year + (first.month + m - 1) // 12, (first.month + m - 1) % 12 + 1, 1).strftime("%Y-%m")
        total = sum(placed[(month, o)] for o in ("placed_in_house", "placed_framework", "placed_spot"))
        for outcome in ("placed_in_house", "placed_framework", "placed_spot"):
            rows.append(dict(month=month, outcome=outcome, referrals=placed[(month, outcome)]))
        rows.append(dict(month=month, outcome="withdrawn", referrals=int(rng.binomial(total + 2, 0.2))))
        rows.append(dict(month=month, outcome="not_placed", referrals=int(rng.poisson(0.5 + 0.15 * (year >= 2023)))))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# Action plan: (ref, objective, action, lead, due, {year: status}, saving)
# ---------------------------------------------------------------------------

ACTIONS = (
    ("A01", "More children live with in-house foster carers",
     "Refresh the foster carer fee and allowance scheme so it stays competitive with agencies",
     "Head of Fostering", "2019-10", {2019: "on_track", 2020: "complete"}, 60000),
    ("A02", "Fewer children placed far from home",
     "Agree a sub-regional framework for independent fostering agencies with neighbouring councils",
     "Head of Commissioning", "2021-03", {2019: "not_started", 2020: "on_track", 2021: "at_risk",
                                          2022: "complete"}, 120000),
    ("A03", "Young people leaving care have somewhere suitable to live",
     "Review the supported accommodation offer for 16 and 17 year olds with the housing service",
     "Service Manager, Care Leavers", "2020-09", {2019: "on_track", 2020: "complete"}, None),
    ("A04", "Children's views shape the homes we commission",
     "Involve the Children in Care Council in every tender evaluation panel",
     "Participation Lead", "2021-03", {2020: "on_track", 2021: "complete"}, None),
    ("A05", "More children live with in-house foster carers",
     "Launch a mockingbird-style constellation of foster carers to support each other",
     "Head of Fostering", "2022-03", {2021: "on_track", 2022: "at_risk", 2023: "carried_forward",
                                      2024: "complete"}, 45000),
    ("A06", "Enough local children's home places",
     "Build the business case for a third council children's home in the borough",
     "Head of Commissioning", "2023-03", {2021: "not_started", 2022: "on_track", 2023: "complete"}, None),
    ("A07", "Enough local children's home places",
     "Open the council's third children's home (four beds) and register it with Ofsted",
     "Service Manager, Residential Services", "2024-09", {2023: "on_track", 2024: "on_track",
                                                          2025: "complete"}, 380000),
    ("A08", "Unaccompanied children are welcomed and well supported",
     "Commission supported accommodation for unaccompanied young people arriving through the National "
     "Transfer Scheme, with interpreters and education on site",
     "Head of Commissioning", "2023-12", {2023: "on_track", 2024: "complete"}, None),
    ("A09", "More children live with in-house foster carers",
     "Run a year-long foster carer recruitment campaign; enquiries go to the recruitment team "
     "(day-to-day contact: Priya Holloway, Fostering Recruitment Manager)",
     "Head of Fostering", "2025-03", {2024: "on_track", 2025: "complete"}, 250000),
    ("A10", "Supported accommodation meets the new national standards",
     "Check every supported accommodation provider we use is registered with Ofsted and meets the "
     "national standards",
     "Contracts and Quality Manager", "2024-10", {2024: "on_track", 2025: "complete"}, None),
    ("A11", "Fewer children placed far from home",
     "Agree a block contract for four local children's home beds with a provider in the borough",
     "Head of Commissioning", "2026-03", {2024: "not_started", 2025: "on_track", 2026: "at_risk"}, 300000),
    ("A12", "Better value from external placements",
     "Introduce an annual fee review with our largest twenty providers, linked to outcomes",
     "Commissioning Manager, Placements", "2025-09", {2025: "on_track", 2026: "complete"}, 150000),
    ("A13", "More children live with in-house foster carers",
     "Keep the recruitment campaign going and add a specialist scheme for teenagers and sibling groups",
     "Head of Fostering", "2027-03", {2026: "on_track"}, 200000),
    ("A14", "Young people leaving care have somewhere suitable to live",
     "Extend staying put and staying close so more care leavers can stay near their carers after 18",
     "Service Manager, Care Leavers", "2026-12", {2025: "not_started", 2026: "on_track"}, None),
    ("A15", "Children's views shape the homes we commission",
     "Publish a 'you said, we did' summary for children in care with each statement; questions to "
     "Daniel Okafor, Participation Officer, on 01632 960 417",
     "Participation Lead", "2026-06", {2026: "on_track"}, None),
    ("A16", "Enough local children's home places",
     "Work with providers to open two more small homes for children with complex needs in or near the "
     "borough",
     "Head of Commissioning", "2027-03", {2025: "not_started", 2026: "on_track"}, None),
    ("A17", "Fewer placement moves",
     "Set up a multi-agency edge-of-placement support team for children whose placements are at risk",
     "Head of Children in Care", "2022-09", {2020: "not_started", 2021: "on_track", 2022: "on_track",
                                              2023: "complete"}, 90000),
)


def action_plan(year: int) -> pd.DataFrame:
    rows = []
    for ref, objective, action, lead, due, statuses, saving in ACTIONS:
        if year in statuses:
            rows.append(dict(ref=ref, objective=objective, action=action, lead=lead, due=due,
                             status=statuses[year], saving=saving if saving is not None else float("nan")))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# Reference tables
# ---------------------------------------------------------------------------

#: Children by age band in mid-2018 (the estimate used for the year ending March 2019) and yearly change.
POPULATION_2019 = {"under_1": (2290, -0.011), "age_1_to_4": (9650, -0.008), "age_5_to_9": (12900, -0.004),
                   "age_10_to_15": (15150, 0.009), "age_16_and_over": (4950, 0.014)}


def population() -> pd.DataFrame:
    rows = []
    for band, (base, growth) in POPULATION_2019.items():
        for year in range(2019, 2030):
            g = growth if not (band == "age_10_to_15" and year > 2025) else growth
            if band == "age_10_to_15" and year > 2025:
                g = -0.002
            value = base * (1 + growth) ** min(year - 2019, 6) * (1 + g) ** max(0, year - 2025)
            rows.append(dict(year=year, age_band=band, population=int(round(value, -1))))
    return pd.DataFrame(rows)


BENCHMARKS = {
    # measure: (England 2019..2026, statistical neighbours 2019..2026)
    "looked_after_rate": ((65, 67, 67, 70, 71, 70, 68, 67), (71, 73, 74, 77, 79, 78, 77, 76)),
    "starts_rate": ((27, 25, 24, 25, 26, 27, 26, 25), (29, 27, 26, 27, 28, 29, 28, 27)),
    "foster_share": ((72, 72, 71, 70, 68, 68, 67, 67), (74, 73, 72, 71, 70, 69, 69, 68)),
    "residential_share": ((13, 13, 14, 16, 17, 17, 17, 17), (12, 12, 13, 14, 15, 16, 16, 16)),
    "short_term_stability": ((10, 11, 9, 10, 10, 10, 10, 10), (10, 10, 9, 10, 10, 11, 10, 10)),
    "long_term_stability": ((68, 70, 71, 70, 71, 71, 70, 70), (69, 70, 71, 69, 70, 70, 70, 69)),
    "placed_over_20_miles": ((15, 15, 16, 16, 16, 16, 16, 16), (13, 13, 14, 14, 15, 15, 15, 15)),
    "placed_outside_boundary": ((41, 41, 42, 43, 44, 44, 45, 45), (37, 38, 39, 40, 41, 42, 42, 43)),
    "care_leavers_in_touch": ((90, 91, 92, 92, 93, 93, 93, 93), (91, 92, 92, 93, 93, 94, 93, 94)),
    "care_leavers_suitable_accommodation": ((85, 85, 88, 88, 88, 88, 88, 89), (86, 87, 88, 89, 89, 88, 89, 89)),
    "care_leavers_eet": ((52, 53, 52, 55, 55, 56, 56, 56), (50, 51, 51, 53, 54, 55, 55, 55)),
    "uasc_share": ((6, 6, 5, 6, 9, 9, 8, 7), (4, 4, 4, 5, 7, 8, 8, 7)),
}


def benchmarks() -> pd.DataFrame:
    rows = []
    for measure, (england, neighbours) in BENCHMARKS.items():
        for i, year in enumerate(YEARS):
            rows.append(dict(measure=measure, year=year, area="england", value=england[i]))
            rows.append(dict(measure=measure, year=year, area="statistical_neighbours", value=neighbours[i]))
    return pd.DataFrame(rows)


def year_tables(facts: Facts, year: int) -> dict[str, pd.DataFrame]:
    from ..forecast.example_inputs import year_tables as forecast_inputs

    spend = spend_by_service(facts, year)
    return {**forecast_inputs(year),
        "spend_by_service": spend,
        "spend_with_providers": spend_with_providers(spend, year),
        "fostering_capacity": fostering_capacity(facts, year),
        "fostering_recruitment": fostering_recruitment(year),
        "provider_market": provider_market(year),
        "commissioning_routes": commissioning_routes(facts, year),
        "referrals": referrals(facts, year),
        "action_plan": action_plan(year),
    }


def reference_tables() -> dict[str, pd.DataFrame]:
    return {"population": population(), "benchmarks": benchmarks()}
