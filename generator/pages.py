"""Pages the generator writes itself for every year: methods, data downloads,
data contract. Their text comes from the code's own declarations (measures,
outputs, contract), so they cannot fall behind what the site computes."""
from __future__ import annotations

from .catalogue.base import Output
from .redact import PUBLIC
from .values import SYMBOLS


def _front_matter(title: str, description: str) -> str:
    return f"---\ntitle: {title}\ndescription: {description}\n---\n\n"


def methods_page(year: int, measures, outputs: dict[str, Output], authority, edition: str,
                 suppression_summary: str = "", forecast_accuracy_html: str = "") -> str:
    """Every measure with its definition, method and source; every chart and table; symbols."""
    lines = [_front_matter("Methods",
                           f"How every figure in the {year - 1} to {year} statement is defined and computed"),
             "# Methods and definitions", "",
             f"Every figure in this statement is computed by the generator from the data tables for the year "
             f"ending 31 March {year} and earlier years, never typed by hand. Counts of children follow the "
             "Department for Education's definitions in *Children looked after in England including adoptions*. "
             "Percentages are rounded to whole numbers, rates per 10,000 to whole numbers, pounds to the nearest "
             "pound; totals are computed from unrounded figures, so rounded parts may not add up exactly to a "
             "rounded total.", "",
             "## Symbols", "",
             "| Symbol | Meaning |", "| --- | --- |"]
    for symbol, meaning in SYMBOLS.items():
        lines.append(f"| `{symbol}` | {meaning[0].upper() + meaning[1:]} |")
    lines += ["", "## Protecting children's privacy", "",
              f"Counts from 1 to {authority.suppression_threshold} are not published: they are shown as `c`, and "
              "so are percentages, rates and changes computed from them. Where a table has totals, further cells "
              "are withheld so that a withheld figure cannot be worked out by subtraction. A zero is a true zero. "
              "Forecasts and projections are estimates from a model, not counts of children, and are shown "
              "rounded to whole numbers without suppression.",
              ""]
    if suppression_summary:
        lines += [suppression_summary, ""]
    if edition == PUBLIC:
        lines += ["## About this edition", "",
                  "This is the public edition. Commercially sensitive information (spend and fees with named "
                  "providers, budget and negotiation positions, savings targets, named officers' direct contact "
                  "details) has been removed from every page, table, chart and download.", ""]
    else:
        lines += ["## About this edition", "",
                  "This is the internal edition, for the council's own officers and members. It is not for "
                  "publication: it keeps the commercially sensitive information (spend and fees with named "
                  "providers, budget and negotiation positions, savings targets, named officers' direct contact "
                  "details) that the public edition removes. Passages left out of the public edition are marked "
                  "*Not in the public edition*. Share it only through the council's access-controlled channels, "
                  "never on public hosting.", ""]
    lines += ["## Comparisons", "",
              f"England figures are the DfE's published national figures for the same year. Statistical "
              f"neighbours are {authority.statistical_neighbours}; their figure is the average the DfE publishes "
              "for that group. Where a comparator has not been published for the year, it is shown as `x`.", "",
              "## Measures", ""]
    for measure in measures:
        lines += [f"### {measure.title}", "",
                  f"**Definition.** {measure.definition}", "",
                  f"**How we compute it.** {measure.method}", "",
                  f"**Source.** {', '.join(f'`{s}`' for s in measure.source)}. {measure.reference}.", ""]
    if forecast_accuracy_html:
        lines += ["## How accurate our forecasts have been", "",
                  "For every year with enough history we made the forecast as if standing in that year, and "
                  "compared it with what then happened. The errors below, one and two years ahead, are the "
                  "forecast's track record: a forecast is published only with them.", "",
                  forecast_accuracy_html.strip(), ""]
    lines += ["## Charts and tables", "",
              "Every chart has a one-sentence summary, the table of its figures directly below, and a CSV "
              "download of exactly those figures.", ""]
    for name in sorted(outputs):
        output = outputs[name]
        lines.append(f"- **{output.title}** (`{name}`): {output.description or 'figures as shown.'}")
    lines.append("")
    return "\n".join(lines)


def downloads_page(year: int, downloads: dict[str, str], bundles: dict[str, str] | None = None,
                   pdf: str = "") -> str:
    """A list of every CSV the year publishes: ``downloads`` maps file name to title; ``bundles`` the ZIP
    of all of them and the metadata file (file name to description), listed first; ``pdf`` the PDF edition
    (written after MkDocs, so linked in raw HTML, which MkDocs does not look for)."""
    lines = [_front_matter("Data downloads", f"The figures behind every chart and table, {year - 1} to {year}"),
             "# Data downloads", ""]
    if pdf:
        lines += ["## The whole statement", "",
                  f'<p><a href="all/{pdf}">The whole statement as one document, to print or read offline '
                  "(PDF, tagged for screen readers)</a></p>", ""]
    if bundles:
        lines += ["## All the data", ""]
        lines += [f"- [{description}](downloads/all/{filename})" for filename, description in bundles.items()]
        lines += ["", "The metadata file describes every column of every file: its unit, the symbols it uses "
                  "and where the figures come from. Each chart and table on the site names its source too.", "",
                  "## One chart or table at a time", ""]
    lines += ["Each file holds exactly the figures of one chart or table in this statement, as comma-separated "
              "values (CSV, UTF-8) that open in Excel or any spreadsheet. Withheld figures carry the same symbols "
              "as the pages (`c`, `x`, `z`, `low`): see [Methods](methods.md#symbols).", "",
              "| Figures | File |", "| --- | --- |"]
    for filename in sorted(downloads, key=lambda f: downloads[f].lower()):
        lines.append(f"| {downloads[filename]} | [{filename}](downloads/{filename}) |")
    lines.append("")
    return "\n".join(lines)


def contract_page(year: int) -> str:
    from .contract_doc import contract_markdown

    body = contract_markdown()
    if body.startswith("---"):
        return body
    return _front_matter("Data contract", "The tables the statement is built from, for analysts") + body
