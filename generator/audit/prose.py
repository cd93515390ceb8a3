"""The published audit's reading of prose: what each number in a sentence means.

Every figure in the narrative comes from a placeholder (``{{ looked_after.total }}``):
numbers are never typed. A reader understands "we looked after 332 children" as
the total; the audit gets the same understanding by lining each rendered
sentence up with its Markdown source (``content/<year>/...md``): the source
becomes a pattern (its words literally, each placeholder a gap, each
``{% if %}`` a choice of its branches), the pattern is matched against the
page's paragraphs, list items and headings, and what fills each gap is read
as that placeholder's figure. The placeholder's meaning (ARCHITECTURE.md's
names) becomes the same kind of constraint as a table cell: a count, a
percentage of its denominator, a rate, a change on last year
("down 4 (1%) on last year": this year's count is 4 fewer, and 4 is 0.5% to
1.5% of last year's). A branch of ``{% if looked_after.change.direction == "up" %}``
that was printed says which way a count moved.

Only what was published is read: the source says what a gap means, never
its value. Names that are not about children (money, carers, places, the
forecast model) are skipped. Sentences that cannot be lined up are
reported (``Reading.prose_unmatched``), so none is skipped silently.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .. import contract, inputs
from ..stats.children import PLACEMENT_GROUPS
from .common import expr
from .model import Model
from .published import page_text, parse_number
from .vocabulary import la, la_group, la_total

BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd"}
SKIP_TAGS = {"figure", "table", "svg", "script", "style", "nav", "template"}


class _ProseParser(HTMLParser):
    """The text of every paragraph, list item and heading inside the page's article."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._stack: list[list[str]] = []
        self._skip = 0
        self._article = 0
        self._headerlink = 0

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self._article += 1
        if not self._article:
            return
        if tag in SKIP_TAGS:
            self._skip += 1
        elif tag == "a" and "headerlink" in (dict(attrs).get("class") or "").split():
            self._headerlink += 1
        elif tag in BLOCK_TAGS and not self._skip:
            self._stack.append([])

    def handle_endtag(self, tag):
        if tag == "article":
            self._article -= 1
        if not self._article:
            return
        if tag in SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._headerlink:
            self._headerlink -= 1
        elif tag in BLOCK_TAGS and self._stack and not self._skip:
            text = " ".join("".join(self._stack.pop()).split())
            if text:
                self.blocks.append(text)

    def handle_data(self, data):
        if self._article and self._stack and not self._skip and not self._headerlink:
            self._stack[-1].append(data)


def page_blocks(path: Path) -> list[str]:
    parser = _ProseParser()
    text = page_text(path)
    # Figures and generated table blocks carry no prose: drop them before parsing (they nest divs).
    text = re.sub(r"<figure\b.*?</figure>", " ", text, flags=re.S)
    text = re.sub(r'<div class="figure-block".*?<p class="figure-download">.*?</p>\s*</div>', " ", text, flags=re.S)
    parser.feed(text)
    return parser.blocks


# ---------------------------------------------------------------------------
# Markdown source -> patterns
# ---------------------------------------------------------------------------

_TOKEN = re.compile(r"({{.*?}}|{%.*?%})", re.S)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def markdown_blocks(text: str) -> list[tuple[str, bool]]:
    """(block, restricted) for the paragraphs, list items and headings of a Markdown page that hold a
    placeholder; ``restricted``: inside a ``::: restricted`` fence (only the internal edition has it)."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        text = text[end + 4:] if end > 0 else text
    blocks, current = [], []
    restricted = False

    def flush():
        if current:
            blocks.append((" ".join(current), restricted))
            current.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(":::"):
            flush()
            restricted = stripped[3:].strip().startswith("restricted")
            continue
        if not stripped or stripped.startswith(("|", "<")):
            flush()
            continue
        if re.match(r"{{\s*(chart|table)\(", stripped):
            flush()
            continue
        if stripped.startswith("#") or _LIST_ITEM.match(line):
            flush()
            current.append(stripped)
            if stripped.startswith("#"):
                flush()
            continue
        current.append(stripped)
    flush()
    return [(b, r) for b, r in blocks if "{{" in b or "{%" in b]


def _plain(text: str) -> str:
    """Markdown inline markup -> the text a reader sees."""
    text = re.sub(r"^\s*#+\s*", "", text)
    text = _LIST_ITEM.sub("", text)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\{:[^}]*\}", "", text)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    text = re.sub(r"(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", text)
    return html.unescape(text)


def _literal(text: str) -> str:
    plain = " ".join(_plain(text).split()) if text.strip() else ""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    pattern = re.escape(lead + plain + trail) if plain else (r"\s*" if text else "")
    return pattern.replace(r"\ ", r"\s*")


@dataclass
class Gap:
    name: str           # the placeholder's name (looked_after.total), or "" when not a plain name
    filters: str


@dataclass
class Branch:
    condition: str      # the if/elif condition ("" for else)
    earlier: tuple      # conditions of earlier branches (false when this one was taken)


class Pattern:
    """A Markdown block as a regular expression with a group per placeholder and per branch."""

    def __init__(self, source: str):
        self.source = source
        self.gaps: dict[str, Gap] = {}
        self.branches: dict[str, Branch] = {}
        tokens = [t for t in _TOKEN.split(source) if t != ""]
        self._tokens = tokens
        self._i = 0
        body = self._sequence(stop=())
        if self._i != len(tokens):
            raise ValueError("unbalanced {% if %}")
        self.regex = re.compile(r"\s*" + body + r"\s*", re.S)

    def _sequence(self, stop: tuple) -> str:
        parts = []
        while self._i < len(self._tokens):
            token = self._tokens[self._i]
            if token.startswith("{%"):
                word = token[2:-2].strip().split(" ", 1)[0]
                if word in stop:
                    return "".join(parts)
                self._i += 1
                if word == "if":
                    parts.append(self._if(token[2:-2].strip()[2:].strip()))
                elif word in ("set", "raw", "endraw"):
                    continue
                else:
                    raise ValueError(f"unsupported {token}")
            elif token.startswith("{{"):
                self._i += 1
                inner = token[2:-2].strip()
                name, _, filters = inner.partition("|")
                name = name.strip()
                group = f"g{len(self.gaps)}"
                self.gaps[group] = Gap(name if re.fullmatch(r"[A-Za-z_][\w.]*", name) else "", filters.strip())
                parts.append(f"(?P<{group}>.*?)")
            else:
                self._i += 1
                parts.append(_literal(token))
        return "".join(parts)

    def _if(self, condition: str) -> str:
        alternatives, earlier = [], []
        while True:
            body = self._sequence(stop=("elif", "else", "endif"))
            group = f"b{len(self.branches)}"
            self.branches[group] = Branch(condition, tuple(earlier))
            alternatives.append(f"(?P<{group}>{body})")
            earlier.append(condition)
            token = self._tokens[self._i]
            word = token[2:-2].strip().split(" ", 1)[0]
            self._i += 1
            if word == "endif":
                if condition:  # no else: printing nothing is a branch too
                    group = f"b{len(self.branches)}"
                    self.branches[group] = Branch("", tuple(earlier))
                    alternatives.append(f"(?P<{group}>)")
                return "(?:" + "|".join(alternatives) + ")"
            condition = token[2:-2].strip()[len(word):].strip() if word == "elif" else ""


# ---------------------------------------------------------------------------
# What a placeholder means
# ---------------------------------------------------------------------------


def _types(group: str) -> tuple:
    return tuple(PLACEMENT_GROUPS[group])


IN_HOUSE = ("own_provision",)
EXTERNAL = ("other_local_authority", "other_public", "private", "voluntary")


@dataclass
class Meaning:
    kind: str                 # count, rounded, percent, change, ratio, projection, projection_total
    terms: tuple              # the figure (numerator)
    den: tuple = ()           # percent / ratio denominator
    before: tuple = ()        # change: last year's figure
    scale: float = 1.0
    slack: float = 0.0        # rounded: how far a printed total may be from its rows beyond its own rounding


def _sum(keys) -> tuple:
    return tuple((k, 1.0) for k in keys)


def meaning(name: str, year: int, context) -> Meaning | None:
    """What a template name stands for, as linear terms of the audit's unknowns (None: not children)."""
    p = name.split(".")
    head, rest = p[0], p[1:]
    if head == "looked_after":
        return _looked_after(rest, year, context)
    if head in ("started", "ceased") and rest:
        movement = head
        detail = "by_need" if movement == "started" else "by_reason"
        total = expr(("starts_and_ceases", year, movement, "all"))
        if rest == ["total"]:
            return Meaning("count", total)
        if rest == ["change"]:
            return Meaning("change", total, before=expr(("starts_and_ceases", year - 1, movement, "all")))
        if rest == ["rate"]:
            population = context.population_total(year)
            return Meaning("rounded", expr(("starts_and_ceases", year, movement, "all"), coef=10_000 / population)) \
                if population else None
        if len(rest) == 3 and rest[0] == "by_period" and rest[2] == "total":
            return Meaning("count", expr(("starts_and_ceases_period", year, rest[1], movement, "all")))
        if len(rest) == 3 and rest[0] == detail:
            part = expr(("starts_and_ceases", year, movement, rest[1]))
            return Meaning("count", part) if rest[2] == "children" else \
                Meaning("percent", part, total) if rest[2] == "share" else None
        return None
    if head == "placements":
        return _placements(rest, year, context.vocab)
    if head == "stability" and len(rest) == 2:
        num = expr(("placement_stability", year, rest[0], "children"))
        den = expr(("placement_stability", year, rest[0], "cohort"))
        return {"percent": Meaning("percent", num, den), "children": Meaning("count", num),
                "cohort": Meaning("count", den)}.get(rest[1])
    if head == "care_leavers" and len(rest) == 3:
        num = expr(("care_leavers", year, rest[0], rest[1], "children"))
        den = expr(("care_leavers", year, rest[0], rest[1], "cohort"))
        return {"percent": Meaning("percent", num, den), "children": Meaning("count", num),
                "cohort": Meaning("count", den)}.get(rest[2])
    if head == "projection" and rest and rest[0].startswith("year_"):
        target = year + int(rest[0].split("_")[1])
        if rest[1:] == ["total"]:
            terms = tuple(t for b in contract.AGE_BANDS for t in context.projection_terms(year, target, b))
            return Meaning("projection_total", terms) if terms else None
        if len(rest) == 4 and rest[1] == "by_age" and rest[3] == "total":
            terms = context.projection_terms(year, target, rest[2])
            return Meaning("projection", terms) if terms else None
        return None
    if head == "routes":
        vocab = context.vocab
        cells = [("commissioning_routes", year, s, r, "placements")
                 for s in vocab.leaves("service", contract.SERVICES) for r in vocab.leaves("route", contract.ROUTES)]
        if len(rest) > 2 and rest[0] == "by_period":  # a quarter's or part year's own cells (issue 10)
            cells = [("commissioning_routes_period", year, rest[1], *c[2:]) for c in cells]
            rest = rest[2:]
        if rest == ["total"]:
            return Meaning("count", _sum(cells))
        if len(rest) == 3 and rest[0] == "by_route":
            routes = set(vocab.members("route", rest[1]) or ())
            part = _sum(c for c in cells if c[-2] in routes)
            if not part:
                return None
            return Meaning("count", part) if rest[2] == "placements" else \
                Meaning("percent", part, _sum(cells)) if rest[2] == "share" else None
        return None
    if head == "referrals":
        months = context.referral_months(year)
        if not months:
            return None
        cells = [("referrals", year, m, o, "referrals") for m in months for o in contract.REFERRAL_OUTCOMES]
        if rest == ["total"]:
            return Meaning("count", _sum(cells))
        if rest == ["monthly_average"]:
            return Meaning("rounded", tuple((c, 1 / len(months)) for c in cells))
        if len(rest) == 3 and rest[0] == "by_outcome":
            part = _sum(c for c in cells if c[3] == rest[1])
            return Meaning("count", part) if rest[2] == "referrals" else \
                Meaning("percent", part, _sum(cells)) if rest[2] == "share" else None
    return None


#: ``| change(since=2022)``: the change since that year's figure.
_SINCE = re.compile(r"\bchange\(\s*(?:since\s*=\s*)?[\"']?(\d{4})[\"']?\s*\)")


def since_meaning(name: str, now: Meaning, since: int, context) -> Meaning | None:
    """``{{ name | change(since=...) }}``: this year's figure minus the same name's figure for that year (a
    count, or the figure a change is of); None for what the audit does not read as a change (shares, rates)."""
    then = meaning(name, since, context)
    if then is None or now.kind != then.kind or now.kind not in ("count", "change"):
        return None
    return Meaning("change", now.terms, before=then.terms)


def _looked_after(rest: list, year: int, context) -> Meaning | None:
    if rest == ["total"]:
        return Meaning("count", la_total(year))
    if rest == ["change"]:
        return Meaning("change", la_total(year), before=la_total(year - 1))
    if rest == ["rate"]:
        population = context.population_total(year)
        return Meaning("rounded", expr(la(year, "total", "all"), coef=10_000 / population)) if population else None
    if len(rest) == 3 and rest[0] in contract.LOOKED_AFTER_BREAKDOWNS and rest[0] != "total":
        breakdown, code, leaf = rest
        vocab = context.vocab
        now = vocab.terms(breakdown, code, lambda c: la(year, breakdown, c))
        before = vocab.terms(breakdown, code, lambda c: la(year - 1, breakdown, c))
        if not now:
            return None
        # A council's own list need not cover every child: its shares are of all children looked after.
        whole = la_total(year) if vocab.own(breakdown) else \
            _sum(la(year, breakdown, c) for c in contract.LOOKED_AFTER_BREAKDOWNS[breakdown])
        return {"children": Meaning("count", now), "share": Meaning("percent", now, whole),
                "change": Meaning("change", now, before=before)}.get(leaf)
    if len(rest) == 2 and rest[0] in ("fostering", "residential", "in_house", "external"):
        side, leaf = rest
        if side in ("fostering", "residential"):
            vocab = context.vocab
            now, before = la_group(year, side, vocab), la_group(year - 1, side, vocab)
            whole = tuple(t for g in PLACEMENT_GROUPS for t in la_group(year, g, vocab))
        else:
            codes = IN_HOUSE if side == "in_house" else EXTERNAL
            now = _sum(la(year, "provider", c) for c in codes)
            before = _sum(la(year - 1, "provider", c) for c in codes)
            whole = _sum(la(year, "provider", c) for c in IN_HOUSE + EXTERNAL)
        return {"children": Meaning("count", now), "share": Meaning("percent", now, whole),
                "change": Meaning("change", now, before=before)}.get(leaf)
    return None


def _placements(rest: list, year: int, vocab) -> Meaning | None:
    """Placements and weeks of care, in the council's own placement types and age bands where it has them
    (a group's figure is its members'). A printed total of weeks of care stands when it is within half a
    week a row of its rows (``subtotals.tolerance``: Bromley's 15,535 against its rows' 15,533)."""
    types, ages = vocab.leaves("placement_type", contract.PLACEMENT_TYPES), vocab.leaves("age_band", contract.AGE_BANDS)
    cells = [("placements_by_type_and_age", year, t, a) for t in types for a in ages]

    def column(name, which=cells):
        return _sum(c + (name,) for c in which)

    def weeks(which=cells):
        return Meaning("rounded", column("weeks_of_care", which), slack=0.5 * (len(which) + 1))

    if rest == ["total"]:
        return Meaning("count", column("placements"))
    if rest == ["children"]:
        return Meaning("count", column("children"))
    if rest == ["weeks_of_care"]:
        return weeks()
    if rest == ["per_child"]:
        return Meaning("ratio", column("placements"), column("children"))
    if len(rest) == 3 and rest[0] in ("by_type", "by_age"):
        index, dimension = (2, "placement_type") if rest[0] == "by_type" else (3, "age_band")
        leaves = set(vocab.members(dimension, rest[1]) or ())
        part = [c for c in cells if c[index] in leaves]
        if not part:
            return None
        return {"placements": Meaning("count", column("placements", part)),
                "weeks_of_care": weeks(part),
                "share_of_weeks": Meaning("percent", column("weeks_of_care", part), column("weeks_of_care"))
                }.get(rest[2])
    return None


# ---------------------------------------------------------------------------
# Reading a page
# ---------------------------------------------------------------------------

_CHANGE = re.compile(r"(up|down) ([\d,]+(?:\.\d+)?)(?: \((less than 1|[\d,.]+)%\))?")


#: Symbols that print no figure and withhold none (GSS: x not available, z not applicable).
NOT_AVAILABLE = {"x", "[x]", "z", "[z]", ".."}


def is_withheld_text(text: str) -> bool:
    """A figure printed as c or in words ("a withheld share", "some"): no number is given."""
    t = text.strip().lower()
    return t == "c" or "withheld" in t or (t != "" and not re.search(r"\d", t) and t not in ("low", "no change"))


def apply_text(model: Model, m: Meaning, text: str, source: str, where: str) -> bool:
    """Add what a printed figure says. Returns False when the text is not a figure the audit can read."""
    text = text.strip()
    if text.lower() in NOT_AVAILABLE:
        return True  # not supplied (x) or not applicable (z): no figure, and nothing withheld
    if is_withheld_text(text):
        if m.kind in ("count", "percent") and m.terms and all(c == 1 for _, c in m.terms):
            model.withhold(m.terms, source, where, share=m.kind == "percent")
        return True
    if m.kind == "change":
        if text.startswith("no change"):
            model.add(m.terms + tuple((k, -c) for k, c in m.before), -0.5, 0.5, source, where)
            return True
        found = _CHANGE.match(text)
        if not found:
            return False
        sign = 1 if found.group(1) == "up" else -1
        amount = float(found.group(2).replace(",", ""))
        diff = m.terms + tuple((k, -c) for k, c in m.before)
        model.add(diff, sign * amount, sign * amount, source, where)
        if found.group(3):
            moved = diff if sign > 0 else tuple((k, -c) for k, c in diff)
            if found.group(3) == "less than 1":
                model.percent(moved, m.before, 0.5, 0.5, source, where)
            else:
                p = float(found.group(3).replace(",", ""))
                model.percent(moved, m.before, p, 0.5 * 10 ** -(len(found.group(3).split(".")[1])
                                                                 if "." in found.group(3) else 0), source, where)
        return True
    if m.kind == "percent" and text.lower() == "low":
        model.percent(m.terms, m.den, 0, None, source, where)
        return True
    parsed = parse_number(text)
    if parsed is None:
        return False
    value, decimals = parsed
    half = 0.5 * 10 ** -decimals
    if m.kind == "count":
        model.show(m.terms, value, 0, source, where)
    elif m.kind == "rounded":
        model.show(m.terms, value, half + m.slack, source, where)
    elif m.kind == "percent":
        model.percent(m.terms, m.den, value, half, source, where)
    elif m.kind == "ratio":  # num / den rounds to value: (value - half) den <= num <= (value + half) den
        model.add(m.terms + tuple((k, -(value + half) * c) for k, c in m.den), -math.inf, 0, source, where)
        model.add(m.terms + tuple((k, -(value - half) * c) for k, c in m.den), 0, math.inf, source, where)
    elif m.kind == "projection":
        model.add(m.terms, -math.inf if value == 0 else value - half, value + half, source, where)
    elif m.kind == "projection_total":
        model.add(m.terms, -math.inf, value + half, source, where)
    return True


_DIRECTION = re.compile(r'^([\w.]+)\.direction\s*==\s*["\'](up|down)["\']$')
_COMPARE = re.compile(r"^([\w.]+)\s*(<|<=|>|>=|==)\s*(-?\d+(?:\.\d+)?)$")


def apply_condition(model: Model, condition: str, truth: bool, year: int, context, source: str, where: str) -> None:
    """A printed branch says its condition held (and the earlier ones did not)."""
    found = _DIRECTION.match(condition)
    if found:
        m = meaning(found.group(1), year, context)
        if m is None or m.kind != "change":
            return
        diff = m.terms + tuple((k, -c) for k, c in m.before)
        up = found.group(2) == "up"
        # "up" printed: up by at least one (whole children); not printed: not up.
        low, high = ((1, math.inf) if up else (-math.inf, -1)) if truth else \
            ((-math.inf, 0) if up else (0, math.inf))
        model.add(diff, low, high, source, where)
        return
    found = _COMPARE.match(condition)
    if found:
        m = meaning(found.group(1), year, context)
        if m is None or m.kind != "count":
            return
        op, value = found.group(2), float(found.group(3))
        if not truth:
            op = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!="}[op]
        bounds = {"<": (-math.inf, value - 1), "<=": (-math.inf, value), ">": (value + 1, math.inf),
                  ">=": (value, math.inf), "==": (value, value)}.get(op)
        if bounds:
            model.add(m.terms, bounds[0], bounds[1], source, where)


def source_pages(content: Path, year: int) -> list[tuple[Path, str]]:
    """(Markdown file, page path as built: 'sufficiency/need/') for a statement year."""
    root = Path(content) / str(year)
    pages = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "index":
            parts = parts[:-1]
        pages.append((path, "/".join(parts) + ("/" if parts else "")))
    return pages


@dataclass
class ProseResult:
    blocks: int = 0
    matched: int = 0
    figures: int = 0
    restricted_absent: int = 0   # restricted passages not in this edition (the public one)
    unmatched: list = None
    unread: list = None

    def __post_init__(self):
        self.unmatched = [] if self.unmatched is None else self.unmatched
        self.unread = [] if self.unread is None else self.unread


def read_prose(edition, content: Path, model: Model, context) -> ProseResult:
    result = ProseResult()
    for year in edition.years:
        for md, page in source_pages(content, year):
            html_path = edition.folder / str(year) / page / "index.html"
            if not html_path.exists():
                continue
            blocks = page_blocks(html_path)
            source = f"prose: {page or 'home'}"
            text = inputs.decode(md.read_bytes()).text.replace("\r\n", "\n")  # as the build read it
            for block, restricted in markdown_blocks(text):
                try:
                    pattern = Pattern(block)
                except (ValueError, re.error) as exc:
                    result.unread.append(f"{md}: {exc}: {block[:80]}")
                    continue
                if not pattern.gaps and not pattern.branches:
                    continue
                result.blocks += 1
                match = next((m for m in map(pattern.regex.fullmatch, blocks) if m), None)
                if match is None:
                    if restricted:
                        result.restricted_absent += 1
                    else:
                        result.unmatched.append((year, page, block))
                    continue
                result.matched += 1
                where = f"{year}/{page}index.html"
                for group, gap in pattern.gaps.items():
                    text = match.group(group)
                    if text is None or not gap.name or "label" in gap.filters:
                        continue
                    m = meaning(gap.name, year, context)
                    since = _SINCE.search(gap.filters)
                    if m is not None and since:
                        m = since_meaning(gap.name, m, int(since.group(1)), context)
                    if m is None:
                        continue
                    snippet = f"{where} ('{text}' for {gap.name})"
                    if apply_text(model, m, text, source, snippet):
                        result.figures += 1
                    else:
                        result.unread.append(f"{snippet}: not a figure the audit can read")
                for group, branch in pattern.branches.items():
                    if match.group(group) is None:
                        continue
                    snippet = f"{where} (the branch of '{branch.condition or 'else'}' that was printed)"
                    if branch.condition:
                        apply_condition(model, branch.condition, True, year, context, source, snippet)
                    for earlier in branch.earlier:
                        apply_condition(model, earlier, False, year, context, source, snippet)
    return result

