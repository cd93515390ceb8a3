"""An independent audit of what a built edition published: can a reader work out a withheld figure?

The build suppresses small counts (shown as ``c``) and audits its own choice
(``suppress.py``). This module checks the result the way an outsider would:
it reads only the files an edition published (every CSV download, every data
table in the HTML pages and every chart summary), never the data or the
generator's suppression, and for every figure shown as ``c`` it solves two
integer programmes (scipy's ``milp``, which runs HiGHS): the smallest and
the largest value the figure can take given everything published. A figure
whose range is narrower than the threshold (5 by default, as in
``authority.yml``) could be pinned down by a reader: the audit reports it,
with the published sources that pin it.

What a reader knows, as linear constraints on whole numbers:

- every published count, and that ``c`` is a count from 1 up (zero is always
  shown, never withheld);
- sums the data contract declares: each breakdown of children looked after
  adds up to the total; categories of need and reasons for ceasing add up to
  the children who started or ceased; placement groups are sums of placement
  types (``stats.children.PLACEMENT_GROUPS``, stated on the methods page);
- every published percentage with its denominator, as the interval its
  rounding allows (34% of 120 means 40.2 to 41.4, so 41);
- rates per 10,000 with the ONS population (public: ``data/reference/population.csv``);
- the same figure in another table, another page or another year's statement
  (the union of every year of the edition is solved at once);
- weeks of care: one child has one home at a time, so a cell's weeks of care
  are at most 366/7 = 52.29 times its children; children are at most its
  placements;
- the projection by age band (a published method: a straight line through the
  last five years' rates per 10,000, times the projected population) is a
  linear function of the earlier years' counts;
- spend = average weekly cost × weeks of care (by service and provider), within
  the printed cost's rounding;
- chart summaries: a total, the largest group ("the largest group was X (197),
  followed by Y (45)" means every other group is at most 45), the highest or
  lowest year of a trend;
- sentences, when the narrative's source is given (``audit.prose``): every
  figure a placeholder printed, changes on last year, and which way an
  ``{% if %}`` went.
- tables a council declared (``read_declared``), read without their schema:
  whole-number columns are counts, a row named as a total (``Total``,
  ``All ...``) adds up the rows that share its other names, and a group
  with no printed total is taken to have a total a reader may know from
  elsewhere, so its only ``c`` is a finding.

A council's own categories (``authority.yml``'s ``categories:``, passed as ``categories``) are read
as its tables print them (``Vocabulary``): its labels, a label two categories share told apart by
the order they are printed in, a group row as its members' sum (weeks of care within the rounding
a printed subtotal may carry, ``subtotals.tolerance``), and its own list as at most the total (it
need not cover every child). Published figures that contradict each other are problems whether or
not a withheld figure depends on them (``Solver.check``).

Not modelled (listed in ``Reading.not_modelled``, so nothing is skipped
silently): forecasts from the simulation model (not invertible) and what is
computed from them, and figures about carers, places, settings and actions
(not counts of children). Not used: a lower bound on weeks of care from the
placements (a placement can start and end on the same day: 0 days).

The parts, in the order the audit runs: ``published`` (reading the files), ``vocabulary``
(labels to codes), ``readers`` and ``summaries`` (what each table and chart summary says),
``prose`` (what each sentence says), ``model`` and ``reading`` (the constraints), ``solve``
(the integer programmes) and ``findings``.

Use ``audit_edition(folder)`` on an edition folder (one holding year folders
``2024/``, ``2025/`` ...); ``python -m generator audit site/`` prints the
findings per year.
"""
from .common import expr
from .findings import LONE_IN_GROUP, Audit, Finding, audit_edition, describe, edition_folders
from .model import Model
from .published import page_text, parse_number, read_edition, year_folders
from .reading import Reading, add_structure, read_model
from .solve import Interval, Solver
from .summaries import NEUTRAL_SUMMARY

__all__ = ["LONE_IN_GROUP", "NEUTRAL_SUMMARY", "Audit", "Finding", "Interval", "Model", "Reading", "Solver",
           "add_structure", "audit_edition", "describe", "edition_folders", "expr", "page_text", "parse_number",
           "read_edition", "read_model", "year_folders"]
