"""SSDA903 case-level files -> the contract's 903 tables and a data-quality report.

Public API:

* ``extract_to_data(source, data_dir, la_code, years=None, rule=DFE_RULE) -> QualityReport``
  writes ``looked_after``, ``starts_and_ceases``, ``placements_by_type_and_age``,
  ``placement_stability`` and ``care_leavers`` for each year into ``data_dir/<year>/``.
* ``read_903(source, rule=DFE_RULE) -> CaseHistory``: the merged, cleaned episodes,
  children, UASC and OC3 rows across years (for forecasting transition rates).
* ``PlacementRule``: which episode changes count as a new placement.
* ``measures``: the DfE measures as pure functions.

Child-level data stays in memory: only aggregate tables are written.
"""
from .history import DFE_RULE, CaseHistory, PlacementRule, read_903
from .quality import Finding, QualityReport
from .run import extract_to_data, year_tables

__all__ = ["extract_to_data", "read_903", "CaseHistory", "PlacementRule", "DFE_RULE", "QualityReport",
           "Finding", "year_tables"]
