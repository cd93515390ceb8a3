"""Chart summaries: what a sentence adds (totals, the largest group, the highest year)."""
from __future__ import annotations

import re
from collections import defaultdict

from .. import contract
from .common import Expr
from .model import Model
from .readers import Reader
from .vocabulary import _code, _norm, la

NEUTRAL_SUMMARY = re.compile(r"some figures are withheld|^No figures|^No forecast|no .* to show", re.I)
_NUMBER = r"(-?[\d,]+(?:\.\d+)?)"


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _half(text: str) -> float:
    return 0.5 * 10 ** -(len(text.split(".")[1]) if "." in text else 0)


def _rows_with(r: Reader, **match) -> list[dict]:
    return [row for row in r.rows.values() if all(_norm(str(row.get(k))) == _norm(str(v)) for k, v in match.items())]


def _sum_terms(rows) -> Expr:
    return tuple(t for row in rows for t in row["terms"])


def summary_trend(r: Reader, text: str, m: Model, where: str) -> bool:
    pairs = re.findall(_NUMBER + r",? in (\d{4})", text)
    if not pairs:
        return False
    by_year = {row["year"]: row for row in r.rows.values() if "year" in row}
    for value, year in pairs:
        row = by_year.get(int(year))
        if row is None:
            return False
        m.show(row["terms"], _num(value), 0, r.source, where)
    for word, sign in (("highest", 1), ("lowest", -1)):
        found = re.search(rf"the {word} figure, {_NUMBER}, in (\d{{4}})", text)
        if found:
            top = by_year[int(found.group(2))]
            for row in by_year.values():
                if row is not top:
                    big, small = (top["terms"], row["terms"]) if sign > 0 else (row["terms"], top["terms"])
                    m.at_least(big, small, r.source, where)
    return True


def summary_series(r: Reader, text: str, m: Model, where: str) -> bool:
    """'<what>: <series> from A in Y1 to B in Yn; ...' (starts and ceases)."""
    body = text.split(": ", 1)[-1].rstrip(".")
    for clause in body.split("; "):
        found = re.fullmatch(r"(.+?) (?:from )?" + _NUMBER + r" in (\d{4})(?: to " + _NUMBER + r" in (\d{4}))?",
                             clause)
        if not found:
            return False
        series = _code(contract.MOVEMENTS, found.group(1))
        for value, year in ((found.group(2), found.group(3)), (found.group(4), found.group(5))):
            if value is None:
                continue
            rows = [row for row in r.rows.values() if row.get("year") == int(year) and row.get("series") == series]
            if len(rows) != 1:
                return False
            m.show(rows[0]["terms"], _num(value), 0, r.source, where)
    return True


def summary_periods(r: Reader, text: str, m: Model, where: str) -> bool:
    """'...(not added up into the year's figure): <period>: A started, B ceased; <period>: ...'."""
    body = text.split("figure): ", 1)[-1].rstrip(".")
    for clause in body.split("; "):
        label, _, figures = clause.rpartition(": ")
        for part in figures.split(", "):
            found = re.fullmatch(_NUMBER + r" (started|ceased)", part)
            if not found:
                return False
            rows = [row for row in r.rows.values() if row.get("label") == label and row.get("series") == found.group(2)]
            if len(rows) != 1:
                return False
            m.show(rows[0]["terms"], _num(found.group(1)), 0, r.source, where)
    return True


def summary_ranking(r: Reader, text: str, m: Model, where: str) -> bool:
    found = re.fullmatch(r"Of the " + _NUMBER + r" .+?, the largest group was (.+?) \(" + _NUMBER + r"\)"
                         r"(?:, followed by (.+) \(" + _NUMBER + r"\))?\.", text)
    if not found:
        return False
    rows = [row for row in r.rows.values() if not row.get("group")]  # a council's group rows add up others
    source = r.source
    m.show(_sum_terms(rows), _num(found.group(1)), 0, source, where)
    ranked = []
    for label, value in ((found.group(2), found.group(3)), (found.group(4), found.group(5))):
        if label is None:
            continue
        match = [row for row in rows if _norm(row["label"]) == _norm(label)]
        if len(match) != 1:
            return False
        m.show(match[0]["terms"], _num(value), 0, source, where)
        for row in rows:
            if row is not match[0] and not any(row is x for x in ranked):
                m.at_least(match[0]["terms"], row["terms"], source, where)
        ranked.append(match[0])
    return True


def summary_by_age(r: Reader, text: str, m: Model, where: str) -> bool:
    found = re.fullmatch(r"At 31 March (\d{4}) the largest age group of children looked after was (.+?) \("
                         + _NUMBER + r" of " + _NUMBER + r"\)(?:, compared with " + _NUMBER + r" a year earlier)?\.",
                         text)
    if not found:
        return False
    vocab = r.context.vocab
    year = int(found.group(1))
    band = vocab.code("age_band", found.group(2), contract.LOOKED_AFTER_BREAKDOWNS["age_band"])
    terms = vocab.terms("age_band", band, lambda c: la(year, "age_band", c)) if band else None
    if not terms:
        return False
    source = r.source
    this_year = [row for row in r.rows.values() if row.get("year") == year and not row.get("group")]
    top = [row for row in this_year if _norm(row["label"]) == _norm(found.group(2))]
    m.show(terms, _num(found.group(3)), 0, source, where)
    m.show(_sum_terms(this_year), _num(found.group(4)), 0, source, where)
    for row in this_year:
        if top and row is not top[0]:
            m.at_least(top[0]["terms"], row["terms"], source, where)
    if found.group(5):
        m.show(vocab.terms("age_band", band, lambda c: la(year - 1, "age_band", c)), _num(found.group(5)), 0, source,
               where)
    return True


def summary_placements(r: Reader, text: str, m: Model, where: str) -> bool:
    found = re.match(_NUMBER + r" placements and " + _NUMBER + r" weeks of care", text)
    found_weeks = re.match(r"Of " + _NUMBER + r" weeks of care in the year, (.+) accounted for " + _NUMBER, text)
    # The sentence adds up the rows that hold their own figures, not a council's group rows too.
    rows = [row for row in r.rows.values() if not row["group"]]
    source, vocab = r.source, r.context.vocab

    def column(name, part):
        return tuple((c + (name,), 1.0) for row in part for c in row["cells"])

    if found:
        m.show(column("placements", rows), _num(found.group(1)), 0, source, where)
        weeks = found.group(2)
    elif found_weeks:
        weeks = found_weeks.group(1)
        code = vocab.code("placement_type", found_weeks.group(2), contract.PLACEMENT_TYPES)
        leaves = set(vocab.members("placement_type", code) or ()) if code else set()
        part = [row for row in rows if row["type"] in leaves]
        if not part:
            return False
        slack = 0.05 * (len(part) + 1)
        m.add(column("weeks_of_care", part), _num(found_weeks.group(3)) - slack, _num(found_weeks.group(3)) + slack,
              source, where)
    else:
        return False
    # The sentence adds up the table's figures as shown (each rounded to 0.1 of a week).
    slack = 0.05 * (len(rows) + 1)
    m.add(column("weeks_of_care", rows), _num(weeks) - slack, _num(weeks) + slack, source, where)
    return True


def _column_summary(r: Reader, text: str, m: Model, where: str, pattern: str, key: str) -> bool:
    """'Of N ..., M ... <group>' / 'received N ..., the busiest month was <group> with M.'"""
    found = re.search(pattern, text)
    if not found:
        return False
    rows = list(r.rows.values())
    source = r.source
    m.show(_sum_terms(rows), _num(found.group("total")), 0, source, where)
    groups: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[_norm(row[key])].append(row)
    wanted = _norm(found.group("group"))
    top = next((g for g in groups if g == wanted or g.startswith(wanted)), None)
    if top is None:
        return False
    m.show(_sum_terms(groups[top]), _num(found.group("part")), 0, source, where)
    for name, part in groups.items():
        if name != top:
            m.at_least(_sum_terms(groups[top]), _sum_terms(part), source, where)
    return True


def summary_routes(r, text, m, where):
    return _column_summary(r, text, m, where, r"Of (?P<total>[\d,]+) new placements, (?P<part>[\d,]+) \(.*?\) "
                           r"were made through (?P<group>.+), the most of any route\.", "column")


def summary_referrals(r, text, m, where):
    return _column_summary(r, text, m, where, r"received (?P<total>[\d,]+) referrals, .*the busiest month was "
                           r"(?P<group>.+) with (?P<part>[\d,]+)\.", "row")


def summary_routes_by_period(r: Reader, text: str, m: Model, where: str) -> bool:
    """'New placements in part of the year, as published (...): <period>: N; <period>: N.': each period's total."""
    body = text.split("figure): ", 1)[-1].rstrip(".")
    for clause in body.split("; "):
        label, _, figure = clause.rpartition(": ")
        rows = [row for row in r.rows.values() if row.get("label") == label]
        if not rows or not re.fullmatch(_NUMBER, figure):
            return False
        m.show(_sum_terms(rows), _num(figure), 0, r.source, where)
    return True


def summary_restates(r, text, m, where):
    """Summaries that repeat figures of their own table (rates, percentages, forecasts): nothing new."""
    return True


SUMMARIES = {
    "looked_after_trend": summary_trend,
    "uasc_trend": summary_trend,
    "starts_and_ceases_trend": summary_series,
    "starts_and_ceases_by_period": summary_periods,
    "looked_after_by_placement_type": summary_ranking,
    "looked_after_by_provider": summary_ranking,
    "looked_after_by_legal_status": summary_ranking,
    "started_by_need": summary_ranking,
    "ceased_by_reason": summary_ranking,
    "looked_after_by_age": summary_by_age,
    "placements_by_type_and_age": summary_placements,
    "weeks_of_care_by_type_and_age": summary_placements,
    "commissioning_routes": summary_routes,
    "routes_by_period": summary_routes_by_period,
    "referrals_by_month": summary_referrals,
    "looked_after_rate_trend": summary_restates,
    "stability_trend": summary_restates,
    "care_leavers_outcomes": summary_restates,
    "projection_by_age": summary_restates,
    "projection": summary_restates,
    "forecast_trend": summary_restates,
    "backtest": summary_restates,
    "backtest_table": summary_restates,
    "distance_from_home": summary_restates,
    "placement_mix_trend": summary_restates,
    "looked_after_characteristics": summary_restates,
    "spend_by_service": summary_restates,   # money: the total and the largest service, shown in the table
    "unit_costs": summary_restates,
    "unit_costs_table": summary_restates,
}
