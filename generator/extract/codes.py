"""SSDA903 code lists across collection years, and how each maps to the contract.

Codes are as the DfE's SSDA903 guidance defines them. Where a code was added or
withdrawn, the collection years (ending 31 March) it is valid in are recorded,
so a code used outside its years is *reported* (and still mapped: its meaning
is not in doubt) rather than silently accepted.

Checked against the code lists of the DfE's validator (csc-validator-be-903,
data-to-insight, the rules of 2022-23 to 2025-26: 101, 103, 131-133, 143-146,
149, 178, 213, 526), rule by rule:

* PLACE (146): ``K3`` from 2024-25 (year 2025); ``H5``, ``P2`` and ``Z1`` until
  2024-25, replaced from 2025-26 (year 2026) by ``Z11`` to ``Z14`` (all "other
  placements" here). Agrees with the validator.
* PLACE_PROVIDER (178, 213, 526): PR0-PR5; left blank for temporary placements
  (T0-T4) and other placements (Z1, Z11-Z14), required for every other placement.
* SEX (101): ``1``/``2`` until 2023-24; ``M``/``F``/``U`` from 2024-25. ``0`` and
  ``9`` are in no year's list (kept, as not known, and reported).
* REC (149): the validator lists no ``E43``/``E44`` (special guardianship codes
  replaced by E45-E48): kept, mapped by their meaning, and reported.
* OC3 ACTIV (132): corrected. The list is F1/P1 (higher education), F2/P2 (other
  education), F4/P4 (apprenticeship), F5/P5 (training or employment), G4-G6 (not
  in education, employment or training) and 0 (not known). Earlier versions of
  this module took ``F3``/``P3`` as the training-or-employment codes and missed
  F4/P4/F5/P5: young people in apprenticeships, training or employment were
  counted as not in EET. F3/P3 (older files) are counted by their former meaning
  and reported.
* OC3 ACCOM (133): corrected from "any letter then 1 or 2" to the validator's
  list: S (no fixed abode) and X (custody) have only the unsuitable code 2;
  anything else (``01``, ``S1``, ``X1``) is invalid, counted as not known
  (never suitable) and reported.
* IN_TOUCH (131), LS (144), CIN (145), RNE (143), ETHNIC (103): agree.
"""
from __future__ import annotations

#: PLACE -> contract.PLACEMENT_TYPES code.
PLACEMENT_TYPE = {
    **{c: "foster_relative_friend" for c in ("U1", "U2", "U3")},
    **{c: "foster_other" for c in ("U4", "U5", "U6")},
    **{c: "placed_for_adoption" for c in ("A3", "A4", "A5", "A6")},
    "P1": "placed_with_parents",
    # Independent living (P2), semi-independent (H5), supported accommodation (K3),
    # residential employment (P3).
    **{c: "supported_accommodation" for c in ("P2", "P3", "H5", "K3")},
    "K2": "childrens_home",
    "K1": "secure",
    # Residential schools (S1); NHS/health (R2); family centre or mother and baby
    # unit (R3); young offender institution or prison (R5); residential care home (R1).
    **{c: "residential_other" for c in ("S1", "R1", "R2", "R3", "R5")},
    # Temporary placements (T0-T4) and other placements (Z1, split from 2025-26).
    **{c: "other" for c in ("T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14")},
}
TEMPORARY_PLACES = frozenset({"T0", "T1", "T2", "T3", "T4"})
FOSTER_PLACES = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
ADOPTION_PLACES = frozenset({"A3", "A4", "A5", "A6"})

#: code -> (first year valid, last year valid); years end 31 March. None: open.
PLACE_YEARS = {
    "K3": (2025, None),
    "H5": (None, 2025),
    "P2": (None, 2025),
    "Z1": (None, 2025),
    **{c: (2026, None) for c in ("Z11", "Z12", "Z13", "Z14")},
}

#: Placements for which no PLACE_PROVIDER is recorded (rules 178, 213, 526).
NO_PROVIDER_PLACES = frozenset({"T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14"})

#: PLACE_PROVIDER -> contract.PROVIDERS code.
PROVIDER = {
    "PR0": "parents",
    "PR1": "own_provision",
    "PR2": "other_local_authority",
    "PR3": "other_public",
    "PR4": "private",
    "PR5": "voluntary",
}

#: LS -> contract.LEGAL_STATUS code. V3/V4 (short breaks) are excluded before mapping.
LEGAL_STATUS = {
    "C1": "interim_care_order",
    "C2": "full_care_order",
    "D1": "placement_order",  # freeing order granted (pre-2005 Act); DfE groups it with placement orders
    "E1": "placement_order",
    "V2": "section_20",
    "J1": "youth_justice",
    "J2": "youth_justice",
    "J3": "youth_justice",
    "L1": "child_protection",
    "L2": "child_protection",
    "L3": "child_protection",
    "V3": "short_breaks",
    "V4": "short_breaks",
}
SHORT_BREAKS = frozenset({"V3", "V4"})

#: CIN -> contract.CATEGORIES_OF_NEED code.
CATEGORY_OF_NEED = {
    "N1": "abuse_or_neglect",
    "N2": "disability",
    "N3": "parental_illness",
    "N4": "family_acute_stress",
    "N5": "family_dysfunction",
    "N6": "socially_unacceptable_behaviour",
    "N7": "low_income",
    "N8": "absent_parenting",
}

#: REC (reason episode ceased) -> contract.REASONS_CEASED code. X1 is not a
#: ceasing: the episode ended and another began without a break in care.
REASON_CEASED = {
    "E2": "died",
    "E3": "care_transferred",
    "E4A": "returned_home",
    "E4B": "returned_home",
    "E13": "returned_home",  # left care to live with parents/relatives without parental responsibility
    "E11": "adopted",
    "E12": "adopted",
    "E41": "child_arrangements_order",
    **{c: "special_guardianship" for c in ("E43", "E44", "E45", "E46", "E47", "E48")},
    "E5": "independent_living",  # supportive accommodation
    "E6": "independent_living",  # no formalised support
    "E7": "adult_social_care",
    "E9": "custody_or_remand",  # sentenced to custody
    "E14": "custody_or_remand",  # accommodation on remand ended
    "E15": "age_assessment",
    "E17": "staying_put",  # aged 18 and remained with current carers (staying put)
    "E8": "other",
    "E16": "other",  # moved abroad
}
CONTINUES = "X1"
#: REC codes missing from the validator's list (rule 149): older special guardianship codes.
REC_NOT_IN_LIST = frozenset({"E43", "E44"})
#: Reasons that end care at 18 or by death and so admit no later episode (rule 437).
FINAL_REASONS = frozenset({"E2", "E15"})

#: RNE: reason for new episode.
RNE_CODES = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of placement but same carer(s) only",
    "U": "Change of legal status and placement and carer(s) at the same time",
    "B": "Change of legal status and change of placement but same carer(s) at the same time",
}

#: SEX -> contract.SEX. 1/2 until 2023-24, M/F/U from 2024-25.
SEX = {"1": "male", "2": "female", "M": "male", "F": "female", "U": "not_known",
       "0": "not_known", "9": "not_known"}
SEX_YEARS = {"1": (None, 2024), "2": (None, 2024), "M": (2025, None), "F": (2025, None),
             "U": (2025, None), "0": (0, -1), "9": (0, -1)}

#: ETHNIC -> contract.ETHNICITY (the DfE's groups; Chinese is with "other", as in the 903 list).
ETHNICITY = {
    **{c: "white" for c in ("WBRI", "WIRI", "WIRT", "WOTH", "WROM")},
    **{c: "mixed" for c in ("MWBC", "MWBA", "MWAS", "MOTH")},
    **{c: "asian" for c in ("AIND", "APKN", "ABAN", "AOTH")},
    **{c: "black" for c in ("BCRB", "BAFR", "BOTH")},
    **{c: "other" for c in ("CHNE", "OOTH")},
    **{c: "not_known" for c in ("REFU", "NOBT")},
}

#: OC3 IN_TOUCH (rule 131): YES is in touch; the rest are not (NO, REFU, NREQ no
#: longer requires services, RHOM returned home, DIED).
IN_TOUCH_CODES = frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"})
#: IN_TOUCH values after which activity and accommodation must be 0 (rule 344).
IN_TOUCH_NOT_APPLICABLE = frozenset({"DIED", "RHOM"})
#: OC3 ACTIV (rule 132): full-time (F) or part-time (P) higher education (1), other
#: education (2), apprenticeship (4), training or employment (5); G4-G6 not in
#: EET; 0 not known.
EET_ACTIVITIES = frozenset({"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"})
ACTIV_CODES = EET_ACTIVITIES | {"G4", "G5", "G6", "0"}
#: Older activity codes, not in the validator's list: training or employment (F3/P3),
#: counted as EET by that meaning and reported.
EET_FORMER = frozenset({"F3", "P3"})
#: OC3 ACCOM (rule 133): a letter for the type and 1 (suitable) or 2 (not suitable);
#: S (no fixed abode) and X (custody) are never suitable; 0 not known.
ACCOM_CODES = frozenset({f"{t}{s}" for t in "BCDEGHKRTUVWYZ" for s in "12"} | {"S2", "X2", "0"})
SUITABLE_ACCOMMODATION = frozenset(c for c in ACCOM_CODES if c.endswith("1"))


def valid_in(code: str, year: int, years: dict[str, tuple[int | None, int | None]]) -> bool:
    """Whether ``code`` is in the year's list (codes without limits always are)."""
    first, last = years.get(code, (None, None))
    return (first is None or year >= first) and (last is None or year <= last)
