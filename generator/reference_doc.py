"""Reference pages generated from the code, so they cannot fall behind it.

``placeholders_markdown(context)`` lists every name a commissioner can write in
``{{ ... }}`` (walked from a real context, repeated code branches shown once
as ``<age band>`` with their codes), every filter, every chart and table, and
the restricted-block syntax. ``commands_markdown()`` lists every command of
``generator.cli`` with its options.

``python -m generator.reference_doc`` writes ``docs/placeholders.md`` (from
the example authority's latest statement year) and ``docs/commands.md``;
``tests/test_docs.py`` fails when either file falls behind.
"""
from __future__ import annotations

import argparse
import inspect
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import contract
from .values import Change, Figure, Namespace

PROJECT_DIR = Path(__file__).resolve().parent.parent
PLACEHOLDERS_PATH = PROJECT_DIR / "docs" / "placeholders.md"
COMMANDS_PATH = PROJECT_DIR / "docs" / "commands.md"
REGENERATE = "python -m generator.reference_doc"

# ---------------------------------------------------------------------------
# The example context
# ---------------------------------------------------------------------------


def example_view(project: Path = PROJECT_DIR):
    """The example authority's latest statement year, as the build sees it."""
    from .config import load_authority
    from .load import load_dataset

    authority = load_authority(project / "authority.yml")
    dataset, _ = load_dataset(project / "data", authority)
    return dataset.view(max(authority.statement_years))


def example_context(project: Path = PROJECT_DIR):
    """``(view, context)`` for the example's latest statement year."""
    from .context import build_context

    view = example_view(project)
    return view, build_context(view)


# ---------------------------------------------------------------------------
# Walking the context: repeated code branches become one wildcard
# ---------------------------------------------------------------------------

#: Contract code lists a branch's keys may be, and the wildcard each becomes.
CODE_LISTS = {
    "AGE_BANDS": "age band", "SEX": "sex", "ETHNICITY": "ethnicity", "LEGAL_STATUS": "legal status",
    "PLACEMENT_TYPES": "placement type", "PROVIDERS": "provider", "DISTANCE_BANDS": "distance",
    "LOCATIONS": "location", "UASC": "uasc", "CATEGORIES_OF_NEED": "need", "REASONS_CEASED": "reason",
    "STABILITY_MEASURES": "stability measure", "CARE_LEAVER_MEASURES": "care leaver measure",
    "CARE_LEAVER_AGES": "care leaver age", "SERVICES": "service", "PROVIDER_SECTOR": "sector",
    "CARER_TYPES": "carer type", "RECRUITMENT_STAGES": "stage", "PROVISION_TYPES": "provision type",
    "LOCATION_BANDS": "location band", "OFSTED_GRADES": "grade", "ROUTES": "route",
    "REFERRAL_OUTCOMES": "outcome", "ACTION_STATUS": "status", "FORECAST_GROUPS": "placement group",
}
YEAR_N = re.compile(r"^year_\d+$")


@dataclass
class Wildcard:
    label: str                 # "age band"
    codes: list[str]           # the keys it stands for, in context order
    labels: dict[str, str] = field(default_factory=dict)  # code -> reader-facing label


@dataclass
class Row:
    name: str                  # dotted, with wildcards: looked_after.age_band.<age band>.children
    value: object              # the example's leaf (first code of each wildcard)
    example_name: str          # the real dotted name the example comes from

    @property
    def kind(self) -> str:
        if isinstance(self.value, Change):
            return "change"
        if isinstance(self.value, Figure):
            return self.value.kind
        return "text"

    @property
    def sensitive(self) -> bool:
        return bool(getattr(self.value, "sensitive", False))

    @property
    def example(self) -> str:
        return str(self.value)


def _code_list(keys: list[str]) -> tuple[str, dict[str, str]] | None:
    """The wildcard for a set of sibling keys: an exact contract code list, or one of 3+ codes they include."""
    best = None
    for name, label in CODE_LISTS.items():
        codes = getattr(contract, name, None)
        if not isinstance(codes, dict):
            continue
        if set(codes) == set(keys):
            return label, dict(codes)
        if set(codes) | {contract.NOT_KNOWN} == set(keys):  # a DfE list with "not known" added (issue 10)
            return label, {**codes, contract.NOT_KNOWN: "Not known"}
        if len(codes) >= 3 and set(codes) <= set(keys) and (best is None or len(codes) > len(best[1])):
            best = (label, dict(codes))
    return best


def _signature(node) -> object:
    if isinstance(node, dict):
        return tuple(sorted((k, _signature(v)) for k, v in node.items()))
    return "leaf"


def _groups(ns: dict, scenarios: set[str]) -> list[tuple[Wildcard, list[str]]]:
    """Sibling branches to show once: same shape, keys forming a code list, year_n or scenario names."""
    branches = [k for k, v in ns.items() if isinstance(v, dict)]
    found = []
    years = [k for k in branches if YEAR_N.match(k)]
    if len(years) >= 2:
        found.append((Wildcard("n", years), years))
    named = [k for k in branches if k in scenarios]
    if named:
        found.append((Wildcard("scenario", named), named))
    rest = [k for k in branches if not YEAR_N.match(k) and k not in scenarios]
    match = _code_list(rest)
    if match:
        label, labels = match
        keys = [k for k in rest if k in labels]
        found.append((Wildcard(label, keys, labels), keys))
    same_shape = []
    for wildcard, keys in found:
        shapes = {_signature(ns[k]) for k in keys}
        if len(shapes) == 1:
            same_shape.append((wildcard, keys))
    return same_shape


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def walk(context: Namespace) -> tuple[list[Row], dict[str, Wildcard]]:
    """Every name in the context, repeated branches shown once; and each wildcard's codes."""
    scenarios = {k for k, v in context.get("scenario", {}).items() if isinstance(v, dict)}
    rows: list[Row] = []
    wildcards: dict[str, Wildcard] = {}

    def visit(node, name: str, real: str):
        if not isinstance(node, dict):
            rows.append(Row(name, node, real))
            return
        grouped = {}
        for wildcard, keys in _groups(node, scenarios):
            for key in keys:
                grouped[key] = wildcard
        done = set()
        for key, value in node.items():
            if key in grouped:
                wildcard = grouped[key]
                if wildcard.label in done:
                    continue
                done.add(wildcard.label)
                placeholder = f"<{wildcard.label}>"
                known = wildcards.setdefault(wildcard.label, wildcard)
                for code in wildcard.codes:
                    if code not in known.codes:
                        known.codes.append(code)
                visit(value, _join(name, placeholder), _join(real, key))
            else:
                visit(value, _join(name, key), _join(real, key))

    visit(context, "", "")
    return rows, wildcards


# ---------------------------------------------------------------------------
# What each name means
# ---------------------------------------------------------------------------

#: One line for each top-level name: the heading of its group.
GROUPS = {
    "authority": "The council, from `authority.yml`.",
    "": "The statement year (the year ending 31 March).",
    "looked_after": "Children looked after at 31 March (SSDA903), their characteristics and placements.",
    "started": "Children who started to be looked after during the year.",
    "ceased": "Children who ceased to be looked after during the year.",
    "placements": "Placements during the year by placement type and age band, with weeks of care.",
    "stability": "Placement stability (the DfE's short-term and long-term measures).",
    "care_leavers": "Care leavers' outcomes on their birthday in the year.",
    "projection": "The simple projection of children looked after (trend of rates by age band).",
    "benchmarks": "England and statistical neighbour figures from `data/reference/benchmarks.csv`.",
    "spend": "Spend on placements by service and sector, weeks of care and unit costs.",
    "unit_costs": "Unit costs as the council published them (its `unit_costs` table), never re-derived.",
    "budget": "Budgets, outturn, variance and savings as the council published them (its `budget` table).",
    "providers": "Spend with named providers. Commercially sensitive: restricted blocks only.",
    "fostering": "In-house fostering households and places at 31 March.",
    "recruitment": "Foster carer recruitment during the year.",
    "market": "The provider market: registered settings and places.",
    "routes": "New placements by commissioning route.",
    "referrals": "Placement referrals during the year.",
    "actions": "The action plan.",
    "forecast": "The forecast of children looked after for the next three years, by placement group.",
    "backtest": "How accurate the forecast method was on earlier years.",
    "scenario": "The commissioning strategy's scenarios, forecast like the baseline.",
    "projected_spend": "Projected placement spend: the baseline and each scenario.",
    "gap": "The sufficiency gap: forecast demand against capacity, each year and scenario.",
}

#: Meanings of the last part of a name, by the name's ending (longest match wins).
#: A name with no matching ending makes tests/test_docs.py fail: add one here.
MEANINGS = {
    "authority.name": "the council's full name",
    "authority.short_name": "the council's short name",
    "year": "the statement year, e.g. 2026 for 2025 to 2026",
    "previous_year": "the year before the statement year",
    "year_label": "the statement year as '2025 to 2026'",
    "period": "the statement year's dates",
    # looked after
    "looked_after.total": "children looked after at 31 March",
    "looked_after.rate": "children looked after per 10,000 children aged under 18 (from the population "
                         "table; without it, the rate the council published, `rate_per_10000`)",
    "looked_after.change": "change in children looked after on last year",
    "looked_after.rate_change": "change in the rate per 10,000 on last year",
    "looked_after.england_rate": "England's rate per 10,000",
    "looked_after.neighbours_rate": "statistical neighbours' average rate per 10,000",
    ".children": "number of children",
    ".share": "share of the total",
    ".change": "change on last year",
    "looked_after.fostering.children": "children in foster care (all foster placement types)",
    "looked_after.residential.children": "children in children's homes, secure units and other residential care",
    "looked_after.in_house.children": "children placed with the council's own provision",
    "looked_after.external.children": "children placed with external providers (private, voluntary, other councils)",
    "started.total": "children who started to be looked after in the year",
    "started.rate": "starts per 10,000 children aged under 18",
    "started.change": "change in starts on last year",
    "ceased.total": "children who ceased to be looked after in the year",
    "ceased.change": "change in children ceasing on last year",
    # placements
    "placements.total": "placements during the year",
    "placements.children": "children with a placement during the year, counted once for each placement type and "
                           "age band they had (not different children)",
    "placements.weeks_of_care": "weeks of care during the year",
    "placements.per_child": "placements divided by placements.children (a child counted once per type and age band)",
    ".placements": "number of placements",
    ".weeks_of_care": "weeks of care",
    ".share_of_weeks": "share of all weeks of care",
    "placements.by_type.<placement type>.share": "share of all placements in the year",
    "placements.by_age.<age band>.by_type.<placement type>.share": "share of the age band's placements",
    "routes.by_service.<service>.placements": "new placements for the service",
    "routes.by_service.<service>.by_route.<route>.share": "the route's share of the service's new placements",
    # stability, care leavers
    ".percent": "the measure, as a percentage of the cohort",
    ".cohort": "children the measure counts from (its denominator)",
    ".england": "England's figure for the same measure",
    ".neighbours": "statistical neighbours' figure for the same measure",
    "stability.<stability measure>.children": "children meeting the measure",
    "stability.<stability measure>.change": "change in percentage points on last year",
    # projection and forecast
    "projection.method": "how the projection is made, in words",
    ".year": "the year this figure is for",
    ".total": "the total",
    ".low": "low end of the range",
    ".high": "high end of the range",
    "benchmarks.england.looked_after_rate": "England: children looked after per 10,000",
    "benchmarks.england.starts_rate": "England: starts per 10,000",
    "benchmarks.england.foster_share": "England: share of children looked after in foster care",
    "benchmarks.england.residential_share": "England: share in residential care",
    "benchmarks.england.short_term_stability": "England: short-term stability (3 or more placements)",
    "benchmarks.england.long_term_stability": "England: long-term stability (same placement 2 years)",
    "benchmarks.england.placed_over_20_miles": "England: share placed over 20 miles from home",
    "benchmarks.england.placed_outside_boundary": "England: share placed outside the council's boundary",
    "benchmarks.england.care_leavers_in_touch": "England: care leavers 19 to 21 in touch",
    "benchmarks.england.care_leavers_suitable_accommodation":
        "England: care leavers 19 to 21 in suitable accommodation",
    "benchmarks.england.care_leavers_eet": "England: care leavers 19 to 21 in education, employment or training",
    "benchmarks.england.uasc_share": "England: share of children looked after who are unaccompanied",
    # money
    "spend.total": "total spend on placements in the year",
    "spend.change": "change in total spend on last year",
    "spend.in_house_share": "share of spend on in-house provision",
    "spend.in_house_weeks_share": "share of weeks of care in in-house provision",
    ".spend": "spend",
    ".unit_cost": "average weekly cost (spend ÷ weeks of care)",
    "providers.count": "number of providers the council spent with",
    "providers.largest_five_share": "share of external spend with the five largest providers",
    "providers.spend": "total spend with named providers",
    # fostering
    ".households": "fostering households",
    ".approved_places": "approved places",
    ".occupied": "places in use",
    ".occupancy": "share of approved places in use",
    ".vacant_available": "empty places available for a new child",
    ".vacant_not_available": "empty places not available (on hold)",
    ".vacancy_rate": "share of approved places empty and available",
    ".unavailable_rate": "share of approved places empty and not available",
    ".change_households": "change in households on last year",
    "recruitment.enquiries": "enquiries from people interested in fostering",
    "recruitment.initial_visits": "initial visits",
    "recruitment.assessments_started": "assessments started",
    "recruitment.approvals": "households approved",
    "recruitment.deregistrations": "households that stopped fostering",
    "recruitment.net_change": "approvals minus deregistrations",
    "recruitment.conversion": "approvals as a share of enquiries",
    "recruitment.conversion_from_assessment": "approvals as a share of assessments started",
    "recruitment.by_stage.<stage>.households": "households at this stage",
    ".share_of_enquiries": "households at this stage as a share of enquiries",
    # market
    ".settings": "registered settings",
    ".places": "registered places",
    ".in_area_places": "places inside the council's area",
    ".good_or_outstanding_share": "share of graded places rated good or outstanding",
    "routes.total": "new placements in the year",
    "unit_costs.<service>.weekly_cost": "average weekly cost as published",
    ".budget": "budget, as published",
    ".outturn": "outturn (actual or forecast spend), as published",
    ".variance": "outturn minus budget, as published (positive: an overspend)",
    "budget.total.saving": "savings, as published",
    "budget.by_service.<service>.saving": "saving, as published",
    "budget.by_service.<service>.period": "the period the figures are for",
    "budget.by_service.<service>.basis": "what the figures are, in the council's words",
    "unit_costs.<service>.basis": "what the published cost covers, in the council's words",
    "unit_costs.<service>.as_at": "the date or period the published cost is for",
    "referrals.total": "placement referrals in the year",
    "referrals.monthly_average": "referrals in an average month",
    "referrals.busiest_month": "the month with most referrals",
    ".referrals": "number of referrals",
    "actions.total": "actions in the plan",
    ".count": "number of actions",
    "actions.savings": "savings attached to the actions",
    # forecast, backtest, scenarios, spend, gap
    "forecast.method": "the forecast method, in words",
    "forecast.method_code": "the forecast method's code",
    "forecast.window": "the years the forecast learns from",
    "forecast.origin": "the last year of data the forecast starts from",
    "forecast.window_years": "how many years of flows the forecast learns from",
    "forecast.window_choice": "how that window was chosen, in words",
    "backtest.method": "the method the backtest checks",
    "backtest.origins": "earlier years the method was tested from",
    ".mape": "average error, as a percentage of what happened",
    ".signed": "average error in children (positive: forecast too high)",
    ".signed_percent": "average error as a percentage (positive: forecast too high)",
    ".coverage": "share of years where what happened fell inside the range",
    ".forecasts": "number of forecasts checked",
    "scenario.count": "number of scenarios",
    "scenario.<scenario>.name": "the scenario's name",
    "scenario.<scenario>.description": "what the scenario assumes",
    ".difference": "scenario minus baseline, in children",
    "projected_spend.inflation": "yearly rise in unit costs assumed (authority.yml `inflation`)",
    ".three_years": "spend over the three years",
    ".saving": "baseline spend minus scenario spend",
    ".in_house": "in-house spend",
    ".external": "external spend",
    ".<placement group>": "spend on the placement group",
    ".demand": "forecast children needing this kind of home",
    ".demand_high": "high end of forecast demand",
    ".capacity": "places available (in-house, block and framework)",
    ".block": "places under block contracts",
    ".framework": "places expected through frameworks",
    ".gap": "demand minus capacity (positive: homes to find)",
    ".gap_high": "high demand minus capacity",
    ".gap_words": "the gap in words, true whichever way it goes (\"a gap of about 25 places ...\")",
    ".<placement group>.in_house": "in-house places",
    ".<n>.fostering": "spend on foster care",
    ".<n>.residential": "spend on residential care",
    ".<n>.supported": "spend on supported accommodation",
    ".<n>.other": "spend on other placements",
    ".<care leaver measure>.children": "care leavers meeting the measure",
}

#: Suffix hints that qualify the meaning of a branch: added after the leaf's meaning.
CONTEXTS = {
    "<age band>": "in the age band", "<sex>": "of this sex", "<ethnicity>": "in the ethnic group",
    "<legal status>": "with the legal status", "<placement type>": "in the placement type",
    "<provider>": "placed with this provider type", "<distance>": "in the distance band",
    "<location>": "inside or outside the boundary", "<uasc>": "unaccompanied or not",
    "<need>": "with this category of need", "<reason>": "ceasing for this reason",
    "<service>": "for the service", "<sector>": "in this sector", "<carer type>": "for this carer type",
    "<provision type>": "of this provision type", "<location band>": "in the location band",
    "<grade>": "with this Ofsted grade", "<route>": "through this route", "<outcome>": "with this outcome",
    "<status>": "with this status", "<placement group>": "in the placement group", "<n>": "in forecast year n",
    "<scenario>": "under the scenario", "england": "England", "neighbours": "statistical neighbours",
    "fostering": "in foster care", "residential": "in residential care", "in_house": "in in-house provision",
    "external": "with external providers", "baseline": "baseline", "trend": "for the simple trend method",
    "no_change": "for no change (the last count carried forward)",
    "one_year": "one year ahead", "two_year": "two years ahead"
}


def meaning(name: str) -> str | None:
    """The meaning of a dotted name: its exact entry, or the longest matching ending, with its branches."""
    parts = name.split(".")
    generic = re.sub(r"year_\d+", "year_1", name)
    for candidate in (name, generic):
        if candidate in MEANINGS:
            return MEANINGS[candidate]
    for start in range(1, len(parts)):
        ending = "." + ".".join(parts[start:])
        if ending in MEANINGS:
            qualifiers = [CONTEXTS[p] for p in parts[1:start] if p in CONTEXTS]
            return MEANINGS[ending] + (", " + ", ".join(qualifiers) if qualifiers else "")
    if parts[0] == "benchmarks" and parts[-1] in contract.BENCHMARK_MEASURES:  # neighbours: England's wording
        return MEANINGS.get(f"benchmarks.england.{parts[-1]}", "").replace("England", CONTEXTS[parts[1]].capitalize())
    return None


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------

def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


FIGURE_PARTS = """\
## Parts of a figure, for conditional wording

Every figure above is shown as the reader should see it (`{{ looked_after.total }}` gives a number
such as `331`, a figure without data `x`). In a sentence a withheld figure reads as words linked to
the explanation ("a withheld number", "a withheld share"), in tables `c`: no test is needed.
A withheld figure has no value: comparing it or reading its `.value` stops the build. A figure also has:

| Write | Gives |
| --- | --- |
| `.value` | the exact number of a figure that is shown: `{% if fostering.households.value > 300 %}` |
| `.shown` | true unless the figure is withheld (`c`) or missing (`x`) |
| `.symbol` | `c`, `x`, `z` or nothing |

A *change* (kind `change`) reads "up 12 (4%) on last year" and also has:

| Write | Gives |
| --- | --- |
| `.direction` | `up`, `down`, `no change` (or `c` / `x` when a figure is withheld) |
| `.number` | the difference as a figure: `12` |
| `.percent` | the difference as a percentage of last year's figure |
| `.current`, `.previous` | this year's and last year's figures |

```markdown
{% if looked_after.change.direction == "up" %}The number has gone up this year.{% else %}The number has not gone up.{% endif %}
{% if recruitment.net_change > 0 %}We approved more households than we lost.{% endif %}
```

For the change since any earlier year, put the `change` filter with the year after a figure:
`{{ looked_after.total | change(since=2022) }}` reads "up 8 (3%) since 2022", worked out from the
figure the 2022 statement gives for `looked_after.total` (withheld if either figure is withheld,
`x` if there is no 2022 data). The year must be before the statement's year.

Symbols: `c` withheld to protect children's privacy (1 to the suppression threshold);
`x` not available; `z` not applicable; `low` a percentage that rounds to 0 but is not 0.
"""  # noqa: E501 (Jinja examples a writer copies whole)

PERIODS = """\
## Quarters and part years

When a council publishes figures for part of the year (a `period` in `starts_and_ceases.csv`,
`fostering_recruitment.csv` or `commissioning_routes.csv`: `Q1`, `Apr-Jun 2023`, `April to
December`, ...), each period has names of its own. A part-year figure is shown exactly as published,
with its period, and is never added up into a figure for the year: a child who starts in two quarters
is one start in the year, so the quarters do not add up to the year. The names above
(`started.total`, `recruitment.enquiries`, `routes.total` ...) read only the rows for the whole year;
a council that published only quarters has no figure for the year, and those names show `x`.

| Name | Kind | Meaning |
| --- | --- | --- |
| `started.by_period.<period>.total` | count | children who started to be looked after in the period |
| `started.by_period.<period>.by_need.<need>.children` | count | of them, by category of need (where published) |
| `ceased.by_period.<period>.total` | count | children who ceased to be looked after in the period |
| `ceased.by_period.<period>.by_reason.<reason>.children` | count | of them, by reason (where published) |
| `recruitment.by_period.<period>.<stage>` | count | households at the stage in the period (`x` if not published) |
| `routes.by_period.<period>.total` | count | new placements made in the period |
| `routes.by_period.<period>.by_route.<route>.placements` | count | of them, by commissioning route (`.share`: percentage of the period's) |
| `routes.by_period.<period>.by_service.<service>.placements` | count | of them, by service (and `.by_route.<route>.placements .share` within it) |
| `started.by_period.<period>.label` (also `ceased`, `recruitment`, `routes`) | text | the period in words: `Q1 (April to June 2023)`, `April to December 2023` |

- `<period>`: `q1`, `q2`, `q3`, `q4` for a quarter of the financial year (Q1 is April to June); for a
  part year of whole months, its first and last month, `april_to_december` (one month: `april`);
  otherwise its first and last day, `from_2023_04_01_to_2023_12_15`.

For a statement that published April to December (the example authority publishes no part years, so
this example is rendered by `tests/test_periods.py` rather than here):

```text
From {{ started.by_period.april_to_december.label }}, {{ started.by_period.april_to_december.total }} children started to be looked after.
{{ table("starts_and_ceases_by_period") }}
```

A small part-year count of children is withheld like any other (`c`); each period's rows are
protected on their own (new placements with their own service and route totals for the period).
"""  # noqa: E501 (Jinja examples a writer copies whole)

RESTRICTED = """\
## Restricted blocks

Text providers and the public must not see goes between `::: restricted` and `:::`, each on a
line of its own. The internal edition shows the block with the label *Not in the public edition*;
the public edition leaves it out before any placeholder in it is filled.

```markdown
::: restricted
The savings attached to this year's action plan total {{ actions.savings }}.
:::
```

The only block marker is `::: restricted`; blocks cannot be nested; an unclosed or unopened
fence stops the build. A name marked *sensitive* above, or a chart or table marked
*sensitive* below, can only be used inside a restricted block.
"""


def _example(row: Row) -> str:
    """The example's value, and the codes it is for when the name has wildcards: `9` for `under_1`."""
    text = row.example if row.kind != "text" or len(row.example) <= 60 else row.example[:57] + "..."
    codes = [real for shown, real in zip(row.name.split("."), row.example_name.split(".")) if shown != real]
    where = " for " + ", ".join(f"`{c}`" for c in codes) if codes else ""
    return f"`{_cell(text)}`{where}" if text else ""


def _output_note(output, sensitive: set[str]) -> str:
    hits = [s for s in output.sources if s in sensitive or s.split(".")[0] + ".*" in sensitive]
    if not hits:
        return ""
    if len(hits) == len(output.sources):
        return " (sensitive: only inside a restricted block)"
    return " (the public edition leaves out its sensitive columns)"


def placeholders_markdown(context: Namespace, outputs: dict | None = None, year: int | None = None) -> str:
    """The page of every placeholder, filter, chart and table, from a real context."""
    from .catalogue import all_outputs, sensitive_sources
    from .render import FILTERS

    outputs = all_outputs() if outputs is None else outputs
    year = year if year is not None else getattr(context.get("year"), "value", "")
    rows, wildcards = walk(context)
    lines = [
        "# Placeholders, filters, charts and tables",
        "",
        f"<!-- Generated by `{REGENERATE}` from the example authority's {year} context. Do not edit. -->",
        "",
        "Every name a commissioner can write in `{{ ... }}` in the narrative under `content/<year>/`. "
        f"Examples are the example authority's figures for {year}. A name with `<...>` in it stands for "
        "any of the codes listed under its group: `looked_after.age_band.<age band>.children` means "
        "`looked_after.age_band.under_1.children`, `looked_after.age_band.age_1_to_4.children` and so on.",
        "",
        "Kinds: *count* (a whole number), *rate* (per 10,000 children), *percent*, *money* (pounds), "
        "*weeks*, *ratio*, *number*, *year*, *change* (reads \"up 12 (4%) on last year\") and *text*. "
        "*Sensitive* names are drawn from commercially sensitive data: use them only inside a "
        "[restricted block](#restricted-blocks).",
        "",
        "See [the commissioners' guide](commissioners.md) for how to use them.",
        "",
        "## Names",
        "",
    ]
    by_group: dict[str, list[Row]] = {}
    for row in rows:
        by_group.setdefault(row.name.split(".")[0] if "." in row.name else "", []).append(row)
    for group, group_rows in by_group.items():
        heading = f"`{group}`" if group else ", ".join(f"`{r.name}`" for r in group_rows)
        lines += [f"### {heading}", "", GROUPS.get(group, ""), "",
                  "| Name | Kind | Example | Meaning |", "| --- | --- | --- | --- |"]
        used = []
        for row in group_rows:
            kind = row.kind + (", sensitive" if row.sensitive else "")
            lines.append(f"| `{_cell(row.name)}` | {kind} | {_example(row)} | {_cell(meaning(row.name) or '')} |")
            used += [w for w in re.findall(r"<([^>]+)>", row.name) if w not in used]
        lines.append("")
        for label in used:
            wildcard = wildcards[label]
            codes = ", ".join(f"`{c}`" + (f" ({_cell(wildcard.labels[c])})" if c in wildcard.labels else "")
                              for c in wildcard.codes)
            lines.append(f"- `<{label}>`: {codes}")
        if used:
            lines.append("")
    lines.append(FIGURE_PARTS)
    lines.append(PERIODS)
    lines += ["## Filters", "",
              "A filter changes how a value is written: `{{ looked_after.rate | per10k }}`. "
              "Some take a setting in brackets: `{{ stability.short_term.percent | percent(1) }}`.", "",
              "| Filter | Settings | What it does |", "| --- | --- | --- |"]
    for name, function in FILTERS.items():
        skip = 2 if hasattr(function, "jinja_pass_arg") else 1  # Jinja's context, then the value
        params = list(inspect.signature(function).parameters.values())[skip:]
        settings = ", ".join(f"`{p.name}`" for p in params)
        doc = " ".join(line.strip() for line in (inspect.getdoc(function) or "").split("\n\n")[0].splitlines())
        lines.append(f"| `{name}` | {settings} | {_cell(doc)} |")
    lines += ["", "## Charts and tables", "",
              'Write `{{ chart("name") }}` or `{{ table("name") }}` on a line of its own. A chart comes with '
              "its data table and a CSV download; any output can be shown as a table.", "",
              "| Name | Write | Title |", "| --- | --- | --- |"]
    for name, output in outputs.items():
        call = f'{{{{ chart("{name}") }}}}' if output.chart is not None else f'{{{{ table("{name}") }}}}'
        note = _output_note(output, sensitive_sources())
        lines.append(f"| `{name}` | `{call}` | {_cell(output.title)}{note} |")
    lines += ["", RESTRICTED]
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------

def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """(name, help, parser) for each command, in the order they are declared."""
    for action in parser._actions:  # noqa: SLF001 (argparse has no public API for this)
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            helps = {a.dest: a.help for a in action._choices_actions}  # noqa: SLF001
            return [(name, helps.get(name) or "", sub) for name, sub in action.choices.items()]
    return []


def _option(action: argparse.Action) -> str:
    if action.option_strings:
        name = ", ".join(action.option_strings)
        if action.nargs != 0:
            name += " " + (action.metavar or action.dest.upper())
    else:
        name = action.metavar or action.dest
    text = action.help or ""
    if isinstance(action, argparse._AppendAction):  # noqa: SLF001
        text += " (repeatable)" if "repeatable" not in text else ""
    if action.default not in (None, argparse.SUPPRESS) and "default" not in text and action.option_strings:
        text += f" (default: {action.default})"
    return f"| `{name}` | {_cell(text.strip())} |"


def _options(parser: argparse.ArgumentParser) -> list[str]:
    actions = [a for a in parser._actions  # noqa: SLF001
               if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))]  # noqa: SLF001
    if not actions:
        return ["No options.", ""]
    return ["| Option | What it does |", "| --- | --- |", *(_option(a) for a in actions), ""]


def commands_markdown() -> str:
    """Every command of the CLI with its help and options, from ``generator.cli.parser()``."""
    from .cli import parser as make_parser

    parser = make_parser()
    lines = [
        "# Commands", "",
        f"<!-- Generated by `{REGENERATE}` from generator/cli.py. Do not edit. -->", "",
        "Run every command from the project folder with `./run`, which installs what it needs into "
        "`.venv/` on first use: `./run build`, `./run validate` ... (`./run` alone builds). "
        "`./run test` runs the test suite. Without `./run`: `.venv/bin/sufficiency <command>` "
        "or `python -m generator <command>`.", "",
        parser.description or "", "",
        "Options for every command (before the command's name):", "",
        *_options(parser),
    ]
    for name, help_text, sub in _subcommands(parser):
        lines += [f"## `{name}`", "", (help_text[:1].upper() + help_text[1:] + ".") if help_text else "", "",
                  "```sh", f"./run {name}" + "".join(
                      f" <{a.metavar or a.dest}>" for a in sub._actions if not a.option_strings),  # noqa: SLF001
                  "```", "", *_options(sub)]
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    _, context = example_context()
    PLACEHOLDERS_PATH.write_text(placeholders_markdown(context), encoding="utf-8")
    COMMANDS_PATH.write_text(commands_markdown(), encoding="utf-8")
    print(f"Wrote {PLACEHOLDERS_PATH.relative_to(PROJECT_DIR)} and {COMMANDS_PATH.relative_to(PROJECT_DIR)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
