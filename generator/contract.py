"""The data contract: every CSV the generator reads, declared once.

Each table lives at ``data/<year>/<name>.csv`` (``scope="year"``) or
``data/reference/<name>.csv`` (``scope="reference"``). A table declares its
columns (type, unit, allowed codes), its key (the columns that identify a row),
whether it carries a total row, and which columns are commercially sensitive
(the public edition drops them and everything derived from them).

Codes are short ``snake_case`` words. Analysts may also type the code's label
(for example ``10 to 15`` for ``age_10_to_15``): loading maps labels to codes,
ignoring case and spaces.

The contract is documented for analysts on the site's "Data contract" page and
in ``docs/data-contract.md``, both generated from this module, so the document
cannot fall behind the code.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .periods import ACCEPTED as PERIODS_ACCEPTED

# ---------------------------------------------------------------------------
# Code lists (code -> label). Labels are what readers see on the site.
# ---------------------------------------------------------------------------

AGE_BANDS = {
    "under_1": "Under 1",
    "age_1_to_4": "1 to 4",
    "age_5_to_9": "5 to 9",
    "age_10_to_15": "10 to 15",
    "age_16_and_over": "16 and over",
}

SEX = {"male": "Male", "female": "Female", "not_known": "Not known"}

ETHNICITY = {
    "white": "White",
    "mixed": "Mixed or multiple ethnic groups",
    "asian": "Asian or Asian British",
    "black": "Black, African, Caribbean or Black British",
    "other": "Other ethnic group",
    "not_known": "Refused or information not yet available",
}

LEGAL_STATUS = {
    "interim_care_order": "Interim care order",
    "full_care_order": "Full care order",
    "placement_order": "Placement order granted",
    "section_20": "Voluntary agreement under section 20",
    "youth_justice": "Youth justice legal status",
    "child_protection": "Detained for child protection",
}

# DfE placement groups (SSDA903 PLACE codes in brackets).
PLACEMENT_TYPES = {
    "foster_relative_friend": "Foster placement with relative or friend",  # U1-U3
    "foster_other": "Foster placement with other foster carer",  # U4-U6
    "placed_for_adoption": "Placed for adoption",  # A3-A6
    "placed_with_parents": "Placed with parents or others with parental responsibility",  # P1
    "supported_accommodation": "Supported accommodation and independent living",  # P2, H5, K3 ...
    "childrens_home": "Children's homes",  # K2, R? (K2 children's homes)
    "secure": "Secure children's homes and secure units",  # K1
    "residential_other": "Residential schools and other residential settings",  # S1, R1, R2, R5, T0-T4, Z1
    "other": "Other placements",  # Z1 and anything unlisted
}

PROVIDERS = {
    "own_provision": "Own provision (by the council)",  # PR1
    "other_local_authority": "Other local authority provision",  # PR2
    "other_public": "Other public provision",  # PR3
    "private": "Private provision",  # PR4
    "voluntary": "Voluntary or third sector provision",  # PR5
    "parents": "Parents or others with parental responsibility",  # PR0
}

DISTANCE_BANDS = {
    "within_20_miles": "20 miles or less from home",
    "over_20_miles": "Over 20 miles from home",
    "not_known": "Distance not known or not recorded",
}

LOCATIONS = {
    "inside": "Placed inside the council's boundary",
    "outside": "Placed outside the council's boundary",
    "not_known": "Location not known or not recorded",
}

UASC = {"uasc": "Unaccompanied asylum-seeking children", "not_uasc": "Other children"}

#: "Not known" in every breakdown (issue 10): a council that cannot place every child in a category
#: says so in a row of its own rather than inventing a split. Codes added to the DfE lists here are
#: drawn in charts only when they hold children.
NOT_KNOWN = "not_known"
ADDED_NOT_KNOWN = {
    "age_band": "Age not known",
    "legal_status": "Legal status not known",
    "placement_type": "Placement type not known",
    "provider": "Provider not known",
    "uasc": "Not known whether unaccompanied",
}

LOOKED_AFTER_BREAKDOWNS = {
    "total": {"all": "All children looked after"},
    "age_band": {**AGE_BANDS, NOT_KNOWN: ADDED_NOT_KNOWN["age_band"]},
    "sex": SEX,
    "ethnicity": ETHNICITY,
    "legal_status": {**LEGAL_STATUS, NOT_KNOWN: ADDED_NOT_KNOWN["legal_status"]},
    "placement_type": {**PLACEMENT_TYPES, NOT_KNOWN: ADDED_NOT_KNOWN["placement_type"]},
    "provider": {**PROVIDERS, NOT_KNOWN: ADDED_NOT_KNOWN["provider"]},
    "distance": DISTANCE_BANDS,
    "location": LOCATIONS,
    "uasc": {**UASC, NOT_KNOWN: ADDED_NOT_KNOWN["uasc"]},
}


def drawn(breakdown: str, code: str, value) -> bool:
    """Whether a category belongs in a chart or table: every DfE category, and an added "not known"
    only when it holds children (so a council that knows every child's age sees no empty row)."""
    if value is None:
        return False
    return not (code == NOT_KNOWN and breakdown in ADDED_NOT_KNOWN and not value)

CATEGORIES_OF_NEED = {
    "abuse_or_neglect": "Abuse or neglect",  # N1
    "disability": "Child's disability",  # N2
    "parental_illness": "Parental illness or disability",  # N3
    "family_acute_stress": "Family in acute stress",  # N4
    "family_dysfunction": "Family dysfunction",  # N5
    "socially_unacceptable_behaviour": "Socially unacceptable behaviour",  # N6
    "low_income": "Low income",  # N7
    "absent_parenting": "Absent parenting",  # N8
}

REASONS_CEASED = {
    "returned_home": "Returned home to parents or relatives",  # E4A, E4B, E13
    "adopted": "Adopted",  # E11, E12
    "special_guardianship": "Special guardianship order",  # E43-E48 (SGO codes)
    "child_arrangements_order": "Child arrangements (residence) order",  # E41
    "independent_living": "Moved into independent living",  # E5 (E48, E49 from 2016)
    "staying_put": "Aged 18 and stayed with foster carers (staying put)",  # E17
    "adult_social_care": "Transferred to adult social care",  # E6
    "custody_or_remand": "Sentenced to custody or remand ended",  # E7, E14
    "care_transferred": "Care taken over by another council",  # E3
    "age_assessment": "Age assessment found the young person to be 18 or over",  # E9 / E15
    "died": "Died",  # E2
    "other": "Other reasons",  # E8, E16 and the rest
}

MOVEMENTS = {"started": "Started to be looked after", "ceased": "Ceased to be looked after"}

STABILITY_MEASURES = {
    "short_term": "Three or more placements during the year",
    "long_term": "In the same placement for at least two years (or placed for adoption)",
}

CARE_LEAVER_AGES = {"age_17_to_18": "Aged 17 to 18", "age_19_to_21": "Aged 19 to 21"}

CARE_LEAVER_MEASURES = {
    "in_touch": "In touch with the council",
    "suitable_accommodation": "In suitable accommodation",
    "education_employment_training": "In education, employment or training",
    "staying_put": "Staying put with former foster carers",
}

# Services as finance and commissioning teams count them (wider than the DfE
# placement groups: parent and child and short breaks are commissioned apart).
SERVICES = {
    "fostering_relative_friend": "Fostering with relatives or friends (connected carers)",
    "fostering": "Fostering",
    "childrens_home": "Children's homes",
    "supported_accommodation": "Supported accommodation (16+)",
    "parent_and_child": "Parent and child placements",
    "short_breaks": "Short breaks for disabled children",
    "residential_school": "Residential schools",
    "secure": "Secure and remand",
    "other": "Other placements",
}

PROVIDER_SECTOR = {"in_house": "In-house (council)", "external": "External providers"}

CARER_TYPES = {
    "mainstream": "Mainstream foster carers",
    "family_and_friends": "Family and friends (connected) carers",
    "short_breaks": "Short-break foster carers",
    "parent_and_child": "Parent and child foster carers",
}

RECRUITMENT_STAGES = {
    "enquiries": "Enquiries",
    "initial_visits": "Initial home visits",
    "assessments_started": "Assessments started",
    "approvals": "Households approved",
    "deregistrations": "Households deregistered",
}

PROVISION_TYPES = {
    "childrens_home": "Children's homes",
    "fostering_agency": "Independent fostering agencies",
    "supported_accommodation": "Supported accommodation",
    "residential_family_centre": "Residential family centres",
    "residential_school": "Residential special schools",
    "secure": "Secure children's homes",
}

LOCATION_BANDS = {
    "in_area": "Inside the council's area",
    "neighbouring": "In a neighbouring council's area",
    "region": "Elsewhere in the region",
    "outside_region": "Outside the region",
}

OFSTED_GRADES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
    "not_yet_inspected": "Not yet inspected",
    "not_graded": "Not graded by Ofsted",
}

ROUTES = {
    "in_house": "In-house provision",
    "framework": "Framework (regional or sub-regional)",
    "block": "Block contract",
    "spot": "Spot purchase",
}

REFERRAL_OUTCOMES = {
    "placed_in_house": "Placed in-house",
    "placed_framework": "Placed with a framework provider",
    "placed_spot": "Placed by spot purchase",
    "withdrawn": "Referral withdrawn",
    "not_placed": "Not yet placed at month end",
}

ACTION_STATUS = {
    "complete": "Complete",
    "on_track": "On track",
    "at_risk": "At risk",
    "not_started": "Not started",
    "carried_forward": "Carried forward",
}

AREAS = {"england": "England", "statistical_neighbours": "Statistical neighbours"}

BENCHMARK_MEASURES = {
    "looked_after_rate": "Children looked after per 10,000 children aged under 18",
    "starts_rate": "Children starting to be looked after per 10,000 children",
    "foster_share": "Percentage of children looked after in foster placements",
    "residential_share": "Percentage of children looked after in children's homes, secure units and hostels",
    "short_term_stability": "Percentage with three or more placements during the year",
    "long_term_stability": "Percentage in the same placement for two years or more",
    "placed_over_20_miles": "Percentage placed more than 20 miles from home",
    "placed_outside_boundary": "Percentage placed outside the council's boundary",
    "care_leavers_in_touch": "Care leavers aged 19 to 21 in touch (%)",
    "care_leavers_suitable_accommodation": "Care leavers aged 19 to 21 in suitable accommodation (%)",
    "care_leavers_eet": "Care leavers aged 19 to 21 in education, employment or training (%)",
    "uasc_share": "Percentage of children looked after who are unaccompanied asylum-seeking children",
}

MEASURE_UNITS = {"rate_per_10000": "per 10,000 children", "percent": "%"}

#: Dimensions a council may extend with its own categories (``categories:`` in authority.yml, issue 10),
#: each with the DfE (or contract) categories its own map to.
DIMENSIONS: dict[str, dict[str, str]] = {
    **{name: codes for name, codes in LOOKED_AFTER_BREAKDOWNS.items() if name != "total"},
    "service": SERVICES,
    "sector": PROVIDER_SECTOR,
    "route": ROUTES,
    "carer_type": CARER_TYPES,
}

#: How statements commonly write a category, beyond its code and label (issue 10). Keys are compared as
#: ``load.spelling_key`` reads them: case, spaces, hyphens, "years" and "16+" habits ignored.
COMMON_SPELLINGS: dict[str, dict[str, str]] = {
    "age_band": {"under 1": "under_1", "less than 1": "under_1", "0": "under_1", "0 to 0": "under_1",
                 "16 to 17": "age_16_and_over", "16 and older": "age_16_and_over", "16 to 18": "age_16_and_over"},
    "placement_type": {"ifa": "foster_other", "independent fostering agency": "foster_other",
                       "connected carers": "foster_relative_friend", "kinship": "foster_relative_friend",
                       "family and friends": "foster_relative_friend", "semi independent": "supported_accommodation",
                       "adoption": "placed_for_adoption", "placed with parents": "placed_with_parents",
                       "childrens home": "childrens_home", "secure unit": "secure"},
    "service": {"ifa": "fostering", "independent fostering agencies": "fostering", "foster care": "fostering",
                "connected carers": "fostering_relative_friend", "kinship": "fostering_relative_friend",
                "childrens home": "childrens_home", "semi independent": "supported_accommodation",
                "mother and baby": "parent_and_child", "parent and baby": "parent_and_child",
                "secure units": "secure"},
    "sector": {"in house": "in_house", "internal": "in_house", "council": "in_house",
               "independent": "external", "private": "external", "agency": "external", "ifa": "external"},
    "route": {"spot purchase": "spot", "spot purchased": "spot", "block contract": "block",
              "dps": "framework", "dynamic purchasing system": "framework"},
    "sex": {"boys": "male", "boy": "male", "m": "male", "girls": "female", "girl": "female", "f": "female"},
    "uasc": {"yes": "uasc", "no": "not_uasc", "unaccompanied": "uasc"},
}

#: How statements write a total row or column (compared as ``load.spelling_key`` reads them). A row whose
#: key cell reads like this is a total: recognised, checked against the rows it adds up, never added in.
TOTAL_SPELLINGS = ("total", "totals", "grand total", "all", "all ages", "all children", "overall")


def reads_as_total(text) -> bool:
    """A label a reader takes for a total: ``Total``, ``All``, ``All children``, ``Total placements``."""
    words = " ".join(str(text).lower().replace("_", " ").split())
    return words in TOTAL_SPELLINGS or words.startswith(("total ", "all "))


# ---------------------------------------------------------------------------
# Declarations
# ---------------------------------------------------------------------------

COLUMN_TYPES = {
    "integer": "a whole number; Excel's 1,234 is accepted",
    "number": "a number; 1,234.5 is accepted",
    "money": "pounds; £1,234.56 and 1,234 are accepted (cp1252 £ from Excel too)",
    "percent": "a percentage; 12% or 12 means twelve per cent",
    "code": "one of the listed codes (or its label)",
    "text": "free text",
    "date": "a date, YYYY-MM-DD or DD/MM/YYYY",
    "month": "a month, YYYY-MM",
    "year": "a year ending 31 March, e.g. 2026 for April 2025 to March 2026",
    "period": "the part of the year the row is for: " + PERIODS_ACCEPTED,
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    unit: str | None = None
    codes: dict[str, str] | None = None
    #: For a code column whose allowed codes depend on another column's value
    #: (``looked_after.category`` depends on ``breakdown``).
    codes_by: tuple[str, dict[str, dict[str, str]]] | None = None
    required: bool = True
    sensitive: bool = False
    minimum: float | None = 0
    #: The dimension (``DIMENSIONS``) whose local categories a council may use in this column, as declared in
    #: authority.yml (issue 10); "*" for a ``codes_by`` column: the dimension its parent column names.
    dimension: str | None = None

    def __post_init__(self):
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"{self.name}: unknown column type {self.type!r}")


@dataclass(frozen=True)
class Protection:
    """How a table's counts of children are protected (``generator/disclosure.py`` reads this).

    ``counts``: columns that count children (or their placements or referrals):
    1 to the threshold is withheld, and secondary suppression protects them.
    ``linked``: columns that describe the same row's activity and would bound a
    withheld count (weeks of care: a child can have at most 52.3 weeks in a
    year), so they are withheld wherever the row's count is.
    How the cells add up, as a reader can see them:
    ``total_row``: (group column, code column, total group, total code): each
    group's categories add up to the one total row (``looked_after``);
    ``group_total``: (group column, code column, total code): each group has
    its own total row; ``two_way``: (row column, column column): the statement
    publishes row and column margins; ``part_of``: (numerator, denominator):
    a percentage publishes both, so the complement is published too.
    ``bounds``: (linked column, count column, most per count).
    ``headline``: rows whose counts the statement is for (matched column by
    column; a column left out matches any code): secondary suppression
    withholds them only when nothing else protects the cell.
    ``apart``: columns each of whose values is a table of its own (each period's
    rows, the whole year's and each quarter's, add up to their own totals and
    never to another period's: quarters of starts are not the year's starts).
    ``totals_known``: every group's total is taken as known to a reader, printed
    or not (a table a council declares, ``declared.py``: its totals are often
    published elsewhere, as all children by sex is the children looked after).
    Such a total is never withheld to protect a part (only when it is from 1
    to the threshold itself); with no ``total_row``, ``group_total`` or
    ``two_way``, the table's grand total is the one total.
    """

    counts: tuple[str, ...]
    linked: tuple[str, ...] = ()
    total_row: tuple[str, str, str, str] | None = None
    group_total: tuple[str, str, str] | None = None
    two_way: tuple[str, str] | None = None
    part_of: tuple[str, str] | None = None
    bounds: tuple[tuple[str, str, float], ...] = ()
    headline: tuple[dict, ...] = ()
    apart: tuple[str, ...] = ()
    totals_known: bool = False


#: Codes that carry the least information: secondary suppression withholds them first.
LEAST_INFORMATIVE_CODES = ("not_known", "other", "other_public", "residential_other")

#: Most weeks of care one child (or one placement) can have in a year: 366 days / 7.
MAX_WEEKS_A_YEAR = 52.3


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    scope: str = "year"  # "year" or "reference"
    #: Where the figures come from: "ssda903" (written by ``extract``) or the
    #: system an analyst exports from.
    source: str = "ssda903"
    #: Every column of the table is commercially sensitive.
    sensitive: bool = False
    #: (column, code) of the total row for each group, e.g.
    #: ("category", "all"): rows with that code must equal the sum of the rest.
    total_code: tuple[str, str] | None = None
    #: Optional tables may be absent from a year's folder.
    required: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: Counts of children and how they add up (None: nothing here counts children).
    protection: Protection | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def sensitive_columns(self) -> tuple[str, ...]:
        if self.sensitive:
            return self.column_names
        return tuple(c.name for c in self.columns if c.sensitive)


def _count(name: str, description: str, **kw) -> Column:
    return Column(name, "integer", description, unit="children", **kw)


def _published_percent(of: str) -> Column:
    """A percentage as the council published it (issue 10): shown as given where no count is supplied, and
    checked against the counts where both are."""
    return Column("percent", "percent", f"The percentage {of} as published, when the count is not given "
                  "(with the count too, it is checked against it)", unit="%", required=False)


def _period() -> Column:
    """The part of the year a row of a flow table is for (issue 10; ``generator/periods.py``): blank for the whole
    year. Part-year rows are shown as given, each with its period, and never added up into the year's figure."""
    return Column("period", "period", "The part of the year the row is for, when the statement publishes a "
                  "quarter or part year: blank for the whole year ending 31 March", required=False)


def _as_at() -> Column:
    return Column("as_at", "date", "The date the figure is for, when not 31 March of the year (a snapshot "
                  "published at another date)", required=False)


TABLES: tuple[Table, ...] = (
    Table(
        "looked_after",
        "Children looked after at 31 March",
        "Children looked after at 31 March of the year, excluding children looked after only "
        "under an agreed series of short breaks (legal status V3 or V4). One row per category of "
        "each breakdown; the 'total' breakdown has one row, category 'all'. Every other "
        "breakdown's categories add up to the total.",
        (
            Column("breakdown", "code", "Which breakdown the row belongs to",
                   codes={k: k.replace("_", " ").capitalize() for k in LOOKED_AFTER_BREAKDOWNS}),
            Column("category", "code", "The category within the breakdown",
                   codes_by=("breakdown", LOOKED_AFTER_BREAKDOWNS), dimension="*"),
            _count("children", "Children looked after at 31 March in this category", required=False),
            _published_percent("of all children looked after"),
            Column("rate_per_10000", "number", "Children looked after per 10,000 children aged under 18 as published, "
                   "on the total row only (breakdown total, category all): shown as given where the population "
                   "table does not cover the year; with it, checked against the rate the total and the population "
                   "give", unit="per 10,000 children aged under 18", required=False, minimum=0),
            _as_at(),
        ),
        key=("breakdown", "category"),
        protection=Protection(
            counts=("children",), total_row=("breakdown", "category", "total", "all"),
            headline=({"breakdown": "total"}, {"breakdown": "placement_type"},
                      {"breakdown": "distance", "category": "over_20_miles"},
                      {"breakdown": "provider", "category": "own_provision"})),
    ),
    Table(
        "starts_and_ceases",
        "Children starting and ceasing to be looked after",
        "Children who started to be looked after during the year by category of need, and children "
        "who ceased to be looked after during the year by reason. A child who started (or ceased) "
        "more than once in the year is counted once, at their first start (last ceasing). Each "
        "movement has a row with reason 'all', the total. Figures for a quarter or part of the year (the "
        "period column) are shown as published, each with its period, and never added up into the year's: a "
        "child who starts in two quarters is one start in the year.",
        (
            Column("movement", "code", "Started or ceased", codes=MOVEMENTS),
            Column("reason", "code", "Category of need (started) or reason ceased (ceased); 'all' for the total",
                   codes_by=("movement", {"started": {"all": "All", **CATEGORIES_OF_NEED},
                                          "ceased": {"all": "All", **REASONS_CEASED}})),
            _count("children", "Children", required=False),
            _published_percent("of the children who started (or ceased) in the period, as the reason's share"),
            _period(),
        ),
        key=("movement", "reason", "period"),
        total_code=("reason", "all"),
        protection=Protection(counts=("children",), group_total=("movement", "reason", "all"),
                              headline=({"reason": "all"},), apart=("period",)),
    ),
    Table(
        "placements_by_type_and_age",
        "Placements and weeks of care during the year by placement type and age",
        "Every placement open at any time during the year (1 April to 31 March), by placement "
        "type group and the child's age band at the start of the placement or on 1 April if later. "
        "Weeks of care are the days of the placement that fall within the year, divided by 7.",
        (
            Column("placement_type", "code", "Placement type group", codes=PLACEMENT_TYPES, dimension="placement_type"),
            Column("age_band", "code", "Age band", codes=AGE_BANDS, dimension="age_band"),
            _count("children", "Different children with a placement of this type in the year", required=False),
            Column("placements", "integer", "Placements open at any time in the year", unit="placements",
                   required=False),
            Column("weeks_of_care", "number", "Weeks of care within the year", unit="weeks", required=False),
        ),
        key=("placement_type", "age_band"),
        protection=Protection(
            counts=("children", "placements"), linked=("weeks_of_care",), two_way=("placement_type", "age_band"),
            bounds=(("weeks_of_care", "placements", MAX_WEEKS_A_YEAR),
                    ("weeks_of_care", "children", MAX_WEEKS_A_YEAR))),
    ),
    Table(
        "placement_stability",
        "Placement stability",
        "The DfE's two stability measures with their numerators and denominators. Short term: "
        "children looked after at 31 March with three or more placements during the year. Long "
        "term: children under 16 at 31 March, looked after for 2½ years or more, who have been in "
        "the same placement for at least two years or are placed for adoption.",
        (
            Column("measure", "code", "Which measure", codes=STABILITY_MEASURES),
            _count("children", "Children meeting the measure (numerator)", required=False),
            _count("cohort", "Children in the cohort (denominator)", required=False),
            _published_percent("of the cohort"),
        ),
        key=("measure",),
        protection=Protection(counts=("children", "cohort"), part_of=("children", "cohort"), headline=({},)),
    ),
    Table(
        "care_leavers",
        "Care leavers",
        "Care leavers (former relevant children) whose birthday falls in the year, from the SSDA903 "
        "OC3 return: in touch, in suitable accommodation, in education, employment or training; "
        "and those who reached 18 in foster care and stayed put with their carers.",
        (
            Column("age_group", "code", "Age at their birthday in the year", codes=CARE_LEAVER_AGES),
            Column("measure", "code", "Which outcome", codes=CARE_LEAVER_MEASURES),
            _count("children", "Care leavers with the outcome (numerator)", required=False),
            _count("cohort", "Care leavers in the age group (denominator)", required=False),
            _published_percent("of the age group"),
        ),
        key=("age_group", "measure"),
        protection=Protection(counts=("children", "cohort"), part_of=("children", "cohort"), headline=({},)),
    ),
    Table(
        "spend_by_service",
        "Spend and activity by service",
        "Placement spend in the financial year by service and by whether the council or an "
        "external provider delivers it, with the children placed and the weeks of care bought. "
        "From the finance system.",
        (
            Column("service", "code", "Service", codes=SERVICES, dimension="service"),
            Column("sector", "code", "Who provides it (blank when the line does not say)", codes=PROVIDER_SECTOR,
                   dimension="sector", required=False),
            _count("children", "Different children placed in the year", required=False),
            Column("weeks_of_care", "number", "Weeks of care in the year", unit="weeks", required=False),
            Column("spend", "money", "Gross spend in the financial year", unit="£"),
        ),
        key=("service", "sector"),
        source="finance",
        protection=Protection(counts=("children",), linked=("weeks_of_care",), two_way=("service", "sector"),
                              bounds=(("weeks_of_care", "children", MAX_WEEKS_A_YEAR),)),
    ),
    Table(
        "unit_costs",
        "Published unit costs",
        "Average weekly costs as the council publishes them (issue 10): for each service line, the cost a "
        "week, what it covers (its basis: whole cost, payments to carers, excluding overheads ...) and the date "
        "it is for. Shown as given, never re-derived; the unit costs the site computes from spend and weeks of "
        "care (spend_by_service) are separate.",
        (
            Column("service", "code", "Service line", codes=SERVICES, dimension="service"),
            Column("sector", "code", "Who provides it (blank when the line does not say)", codes=PROVIDER_SECTOR,
                   dimension="sector", required=False),
            Column("basis", "text", "What the cost covers, as published, e.g. whole cost, payments to carers",
                   required=False),
            Column("as_at", "text", "The date or period the cost is for, as published, e.g. July 2015",
                   required=False),
            Column("weekly_cost", "money", "Average cost a week, as published", unit="£ a week"),
        ),
        key=("service", "sector", "basis"),
        source="finance",
        required=False,
    ),
    Table(
        "budget",
        "Budgets, outturn and savings as published",
        "Money as the council publishes it (issue 10): for each service line and period, the budget, the outturn "
        "(what was spent), the variance (outturn minus budget: positive is an overspend) and any saving, with "
        "what the figures are (their basis, e.g. gross, net of health contributions, full-year saving). Any "
        "column may be left blank; shown as given, never re-derived. Savings targets that are commercially "
        "sensitive belong in the action plan's saving column instead.",
        (
            Column("service", "code", "Service line (or Total)", codes=SERVICES, dimension="service"),
            Column("period", "text", "The period the figures are for, as published: 2015-16, Q1 2016-17, "
                   "April to September 2016", required=False),
            Column("budget", "money", "Budget for the period", unit="£", required=False),
            Column("outturn", "money", "Outturn (actual or forecast spend) for the period", unit="£",
                   required=False),
            Column("variance", "money", "Outturn minus budget: positive is an overspend", unit="£", required=False,
                   minimum=None),
            Column("saving", "money", "Saving planned or made", unit="£", required=False, minimum=None),
            Column("basis", "text", "What the figures are, as published: gross, net, full-year saving ...",
                   required=False),
        ),
        key=("service", "period"),
        source="finance",
        required=False,
    ),
    Table(
        "spend_with_providers",
        "Spend with named providers",
        "Spend with each external provider in the year by service. Commercially sensitive: the "
        "public edition leaves this table, and everything drawn from it, out entirely.",
        (
            Column("provider", "text", "Provider's name"),
            Column("service", "code", "Service", codes=SERVICES, dimension="service"),
            Column("weeks_of_care", "number", "Weeks of care bought", unit="weeks"),
            Column("spend", "money", "Spend in the year", unit="£"),
        ),
        key=("provider", "service"),
        source="finance",
        sensitive=True,
    ),
    Table(
        "fostering_capacity",
        "In-house fostering capacity at 31 March",
        "The council's own fostering households and places at 31 March. Approved places are "
        "either occupied, vacant and available, or vacant but not available (for example a carer's "
        "break, or a place held for a sibling). Only households are needed: places a statement does not "
        "give are left blank (or out) and show x, never 0; a statement that gives only the number of "
        "households for all carers puts it on a Total row.",
        (
            Column("carer_type", "code", "Type of foster carer", codes=CARER_TYPES, dimension="carer_type"),
            Column("households", "integer", "Approved fostering households", unit="households"),
            Column("approved_places", "integer", "Approved places", unit="places", required=False),
            Column("occupied", "integer", "Places occupied", unit="places", required=False),
            Column("vacant_available", "integer", "Vacant places available for a new child", unit="places",
                   required=False),
            Column("vacant_not_available", "integer", "Vacant places not available", unit="places",
                   required=False),
        ),
        key=("carer_type",),
        source="fostering service",
    ),
    Table(
        "fostering_recruitment",
        "Foster carer recruitment",
        "The recruitment funnel for the year: enquiries, initial visits, assessments started, "
        "households approved; and households that stopped fostering (deregistered). Figures for a quarter or "
        "part of the year (the period column) are shown as published, each with its period, and never added up "
        "into the year's.",
        (
            Column("stage", "code", "Stage", codes=RECRUITMENT_STAGES),
            Column("households", "integer", "Households at this stage in the year", unit="households"),
            _period(),
        ),
        key=("stage", "period"),
        source="fostering service",
    ),
    Table(
        "provider_market",
        "The local provider market at 31 March",
        "Registered settings and places by provision type, where they are, and their latest "
        "Ofsted grade. From Ofsted's register and the council's provider records.",
        (
            Column("provision_type", "code", "Type of provision", codes=PROVISION_TYPES),
            Column("location_band", "code", "Where the settings are", codes=LOCATION_BANDS),
            Column("ofsted_grade", "code", "Latest Ofsted overall effectiveness grade", codes=OFSTED_GRADES),
            Column("settings", "integer", "Homes, agencies or services", unit="settings"),
            Column("places", "integer", "Registered places", unit="places"),
        ),
        key=("provision_type", "location_band", "ofsted_grade"),
        source="market intelligence",
    ),
    Table(
        "commissioning_routes",
        "New placements by commissioning route",
        "Placements made during the year by service and how they were bought. Figures for a quarter or part "
        "of the year (the period column) are shown as published, each with its period, and never added up into "
        "the year's.",
        (
            Column("service", "code", "Service", codes=SERVICES, dimension="service"),
            Column("route", "code", "Commissioning route", codes=ROUTES, dimension="route"),
            Column("placements", "integer", "New placements made in the year", unit="placements"),
            _period(),
        ),
        key=("service", "route", "period"),
        source="commissioning",
        protection=Protection(counts=("placements",), two_way=("service", "route"), apart=("period",)),
    ),
    Table(
        "referrals",
        "Placement referrals by month and outcome",
        "Requests for a placement received by the placements team each month, by what happened.",
        (
            Column("month", "month", "Month the referral was received"),
            Column("outcome", "code", "Outcome", codes=REFERRAL_OUTCOMES),
            Column("referrals", "integer", "Referrals", unit="referrals"),
        ),
        key=("month", "outcome"),
        source="commissioning",
        protection=Protection(counts=("referrals",), two_way=("month", "outcome")),
    ),
    Table(
        "action_plan",
        "Action plan",
        "What the council will do, who leads it, when it is due and where it stands. Savings "
        "targets are commercially sensitive.",
        (
            Column("ref", "text", "Reference, e.g. A1"),
            Column("objective", "text", "The objective the action serves"),
            Column("action", "text", "The action"),
            Column("lead", "text", "The lead, by role (named people are listed in authority.yml)"),
            Column("due", "month", "Month the action is due"),
            Column("status", "code", "Where the action stands at 31 March", codes=ACTION_STATUS),
            Column("saving", "money", "Saving the action is expected to make in a full year", unit="£",
                   required=False, sensitive=True),
        ),
        key=("ref",),
        source="commissioning",
    ),
    # ----- reference -----
    Table(
        "population",
        "Children's population",
        "Children aged 0 to 17 living in the council's area: ONS mid-year estimates, used as the "
        "denominator of rates per 10,000. The estimate for mid-year Y-1 is used for the year "
        "ending 31 March Y, as the DfE does.",
        (
            Column("year", "year", "Year ending 31 March"),
            Column("age_band", "code", "Age band", codes=AGE_BANDS),
            Column("population", "integer", "Children", unit="children"),
        ),
        key=("year", "age_band"),
        scope="reference",
        source="ONS",
    ),
    Table(
        "benchmarks",
        "England and statistical neighbour benchmarks",
        "Published comparators from the DfE's 'Children looked after in England' statistics, by "
        "measure and year.",
        (
            Column("measure", "code", "Measure", codes=BENCHMARK_MEASURES),
            Column("year", "year", "Year ending 31 March"),
            Column("area", "code", "Comparator", codes=AREAS),
            Column("value", "number", "Value (unit as the measure states)"),
        ),
        key=("measure", "year", "area"),
        scope="reference",
        source="DfE",
    ),
)

# ---------------------------------------------------------------------------
# Forecasting tables (issue 6): appended to TABLES, the existing ones unchanged.
# ---------------------------------------------------------------------------

#: Placement groups the forecast projects (stats.children.PLACEMENT_GROUPS).
FORECAST_GROUPS = {
    "fostering": "Fostering (with relatives or friends, or other foster carers)",
    "residential": "Residential (children's homes, secure units, residential schools and other settings)",
    "supported": "Supported accommodation and independent living",
    "other": "Placed with parents, placed for adoption and other placements",
}
FLOW_FROM = {"entered": "Not looked after at the start of the year (started during it)", **FORECAST_GROUPS}
FLOW_TO = {**FORECAST_GROUPS, "left": "Not looked after at the end of the year (ceased during it)"}
SCENARIO_LEVERS = {
    "entries_change_percent": "Change in children starting to be looked after, % (negative: fewer)",
    "exits_change_percent": "Change in the chance of leaving care in a year, % (positive: more leave)",
    "placement_shift_percent": "Share of the children in from_group moved to to_group each year, %",
    "in_house_foster_carers_added": "In-house fostering households added each year (net of those leaving)",
}
ARRANGEMENTS = {
    "in_house": "The council's own provision",
    "block": "Block contract (places paid for whether used or not)",
    "framework": "Framework (places providers offer at agreed prices; not guaranteed)",
}
ALL_AGES = {"all": "All ages", **AGE_BANDS}
ANY_GROUP = {"none": "Not used by this lever", **FORECAST_GROUPS}

FORECAST_TABLES: tuple[Table, ...] = (
    Table(
        "flows",
        "Movements between placement groups during the year",
        "Every child looked after at any time in the year, counted once, by where they were at the start "
        "of the year (31 March of the year before: a placement group, or 'entered' if they were not looked "
        "after then) and where they were at its end (31 March: a placement group, or 'left' if they were not "
        "looked after then), with their age band at each end. For a child who entered, the start age band "
        "is their age on the day they started; for a child who left, the end age band is their age on the "
        "day they ceased. Short breaks (LS V3/V4) are excluded, as at 31 March. The forecast estimates its "
        "rates (entries, moves between groups, leaving care, ageing) from this table; every child looked "
        "after at 31 March appears in one row whose to_state is a group, so those rows add up to the "
        "looked_after total. Only combinations with children are listed.",
        (
            Column("from_state", "code", "Placement group at the start of the year, or entered", codes=FLOW_FROM),
            Column("age_band_start", "code", "Age band at the start of the year (entered: on the day of starting)",
                   codes=AGE_BANDS),
            Column("to_state", "code", "Placement group at the end of the year, or left", codes=FLOW_TO),
            Column("age_band_end", "code", "Age band at the end of the year (left: on the day of ceasing)",
                   codes=AGE_BANDS),
            _count("children", "Children"),
        ),
        key=("from_state", "age_band_start", "to_state", "age_band_end"),
        required=False,
        notes=("Written by the extract from the SSDA903 episodes; without it the forecast falls back to the "
               "trend-and-population method.",),
    ),
    Table(
        "looked_after_by_age_and_placement",
        "Children looked after at 31 March by age band and placement group",
        "Children looked after at 31 March (as in looked_after) by age band and placement group, every "
        "combination listed (0 where none). The cells add up to the looked_after total; the forecast starts "
        "from them.",
        (
            Column("age_band", "code", "Age band at 31 March", codes=AGE_BANDS),
            Column("placement_group", "code", "Placement group", codes=FORECAST_GROUPS),
            _count("children", "Children looked after at 31 March"),
        ),
        key=("age_band", "placement_group"),
        required=False,
    ),
    Table(
        "scenarios",
        "Planned changes (scenarios) for the forecast",
        "What the council's strategy plans to change, declared by commissioners: each row is one lever of "
        "one named scenario, applied from start_year (a year ending 31 March) onwards. The forecast shows "
        "each scenario beside the baseline (no change). Levers: entries_change_percent (age_band or all), "
        "exits_change_percent (age_band or all), placement_shift_percent (from_group to to_group, each "
        "year, of the children still looked after in from_group), in_house_foster_carers_added "
        "(households a year, at the current places per household).",
        (
            Column("scenario", "text", "Short name of the scenario, e.g. Strategy"),
            Column("description", "text", "What the scenario plans, in a sentence", required=False),
            Column("lever", "code", "What changes", codes=SCENARIO_LEVERS),
            Column("age_band", "code", "Age band the lever applies to, or all", codes=ALL_AGES, required=False),
            Column("from_group", "code", "Placement group children move from (placement_shift_percent)",
                   codes=ANY_GROUP, required=False),
            Column("to_group", "code", "Placement group children move to (placement_shift_percent)",
                   codes=ANY_GROUP, required=False),
            Column("value", "number", "Size of the change (its unit as the lever says)", minimum=None),
            Column("start_year", "year", "First year (ending 31 March) the change applies to"),
        ),
        key=("scenario", "lever", "age_band", "from_group", "to_group"),
        source="commissioning",
        required=False,
    ),
    Table(
        "contracted_capacity",
        "Placement capacity at 31 March: in-house, block and framework",
        "Places the council can use at 31 March other than its own foster carers (fostering_capacity): "
        "its own homes and supported accommodation, block-contracted places and places framework providers "
        "have committed. Providers' names are commercially sensitive; totals by service and arrangement "
        "are not.",
        (
            Column("service", "code", "Service", codes=SERVICES, dimension="service"),
            Column("arrangement", "code", "How the places are secured", codes=ARRANGEMENTS),
            Column("provider", "text", "Provider's name (the council's own for in-house)", sensitive=True),
            Column("places", "integer", "Places", unit="places"),
        ),
        key=("service", "arrangement", "provider"),
        source="commissioning",
        required=False,
    ),
)
TABLES = TABLES + FORECAST_TABLES

#: Every table is optional (issue 10): a council starts from what it has, even one year's total, and
#: every figure that needs a table it did not supply shows x (not available), never 0.
TABLES = tuple(replace(t, required=False) for t in TABLES)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
#: Flow tables with a ``period`` column (issue 10): rows for a quarter or part year beside the year's.
PERIOD_TABLES = tuple(t.name for t in TABLES if any(c.type == "period" for c in t.columns))
YEAR_TABLES = tuple(t for t in TABLES if t.scope == "year")
REFERENCE_TABLES = tuple(t for t in TABLES if t.scope == "reference")

#: Column names that identify a child. ``build`` refuses any data file that has one.
CHILD_LEVEL_COLUMNS = ("CHILD", "CHILD_ID", "LACHILDID", "DOB", "UPN", "HOME_POST", "PL_POST",
                       "POSTCODE", "DATE_OF_BIRTH", "MC_DOB", "UASC_DOB")


def codes_for(table: Table, column: Column, row: dict | None = None) -> dict[str, str] | None:
    """The allowed codes of ``column`` (for ``codes_by`` columns, given the row)."""
    if column.codes is not None:
        return column.codes
    if column.codes_by is not None:
        other, mapping = column.codes_by
        if row is None:
            merged: dict[str, str] = {}
            for codes in mapping.values():
                merged.update(codes)
            return merged
        return mapping.get(row.get(other), {})
    return None


def label(codes: dict[str, str], code: str) -> str:
    """The reader-facing label of a code (the code itself if unknown)."""
    return codes.get(code, code)
