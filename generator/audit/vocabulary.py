"""Labels to codes: the DfE's categories and a council's own, as its tables print them."""
from __future__ import annotations

from .. import contract
from ..stats.children import PLACEMENT_GROUPS
from .common import Expr, Key, expr


def _norm(text: str) -> str:
    return " ".join(str(text).replace("\u2019", "'").lower().split())


def _code(codes: dict[str, str], text: str) -> str | None:
    wanted = _norm(text)
    for code, label in codes.items():
        if _norm(label) == wanted or _norm(code) == wanted:
            return code
    return None


class Vocabulary:
    """Each dimension's codes and labels as the site's tables print them: the data contract's, or a
    council's own categories (``authority.yml``'s ``categories:``, ``categories.py``) where it declared them.

    A council's category is a leaf (a row of its own), a group (its members' sum: Bromley's Fostering)
    or, for a DfE category its own ones lie within, the sum of those (Bromley's four foster placement
    types make up the DfE's foster placement with other foster carer). A DfE category that one of the
    council's spans (0-4 years spans under 1 and 1 to 4) cannot be worked out: it is a figure of its own.
    Figures are keyed by leaves, so a group's row and its members' rows are one figure, not two."""

    def __init__(self, categories=None):
        from ..categories import Categories

        self.categories = categories if categories is not None else Categories()

    def own(self, dimension: str) -> bool:
        return bool(self.categories.local(dimension))

    def codes(self, dimension: str, base: dict | None = None) -> dict[str, str]:
        """Code -> label: the council's own first, then the contract's (``base``: the contract's list for
        this use, with any added "not known")."""
        base = contract.DIMENSIONS.get(dimension, {}) if base is None else base
        if not self.own(dimension):
            return dict(base)
        own = self.categories.codes(dimension)
        return {**own, **{c: label for c, label in base.items() if c not in own}}

    def _covered(self, dimension: str) -> set[str]:
        return {d for c in self.categories.local(dimension).values() for d in c.dfe}

    def leaves(self, dimension: str, base: dict | None = None) -> list[str]:
        """The codes of rows that hold their own figure (no group, no DfE category made of the council's)."""
        codes = self.codes(dimension, base)
        if not self.own(dimension):
            return list(codes)
        local, groups, covered = self.categories.local(dimension), self.categories.groups(dimension), \
            self._covered(dimension)
        return [c for c in codes if c not in groups and (c in local or c not in covered)]

    def members(self, dimension: str, code: str) -> tuple[str, ...] | None:
        """The leaves a code's figure adds up; None when it cannot be worked out from them."""
        if not self.own(dimension):
            return (code,)
        local, categories = self.categories.local(dimension), self.categories
        if categories.is_group(dimension, code):
            leaves = categories.leaves(dimension, code)
            return tuple(leaf for leaf in leaves if not categories.is_group(dimension, leaf))
        if code in local or code not in self._covered(dimension):
            return (code,)
        if any(code in c.dfe and len(c.dfe) > 1 for c in local.values()):
            return None  # a category of the council's spans it
        return tuple(c for c in self.leaves(dimension) if c in local and local[c].dfe == (code,))

    def is_group(self, dimension: str, code: str) -> bool:
        return self.own(dimension) and self.categories.is_group(dimension, code)

    def match(self, dimension: str, text: str, base: dict | None = None) -> list[str]:
        """Every code whose label, code or alias reads ``text``, in declaration order (a council may give
        two categories one label: Bromley's group Other and its placement type Other)."""
        wanted = _norm(text or "")
        codes = self.codes(dimension, base)
        found = [c for c, label in codes.items() if _norm(label) == wanted or _norm(c) == wanted]
        if not found and self.own(dimension):
            found = [c for alias, c in self.categories.aliases(dimension).items() if _norm(alias) == wanted
                     and c in codes]
        if not found and self.own(dimension):  # a chart in the DfE's categories keeps their labels
            dfe = {**contract.DIMENSIONS.get(dimension, {}), **(base or {})}
            found = [c for c, label in dfe.items() if _norm(label) == wanted]
        return found

    def code(self, dimension: str, text: str, base: dict | None = None, nth: int = 0) -> str | None:
        """The code ``text`` reads as; ``nth``: its occurrence among rows that share every other name (a
        table prints categories in declaration order, so the second Other is the second declared)."""
        found = self.match(dimension, text, base)
        return found[min(nth, len(found) - 1)] if found else None

    def terms(self, dimension: str, code: str, key) -> Expr | None:
        """A code's figure as the sum of its leaves' figures (``key(leaf)`` names each)."""
        leaves = self.members(dimension, code)
        if leaves is None:
            return expr(key(code))
        return tuple((key(leaf), 1.0) for leaf in leaves) if leaves else None

    def placement_group(self, group: str) -> tuple[str, ...]:
        """The leaves of a DfE placement group (``stats.children.PLACEMENT_GROUPS``)."""
        out: list[str] = []
        for t in PLACEMENT_GROUPS[group]:
            leaves = self.members("placement_type", t)
            out += [leaf for leaf in (leaves if leaves is not None else (t,)) if leaf not in out]
        return tuple(out)


#: The contract's codes only (a site built from them): what ``la_group`` and the prose fall back to.
DFE = Vocabulary()


CHARACTERISTICS = {"sex": "Sex", "ethnicity": "Ethnicity", "uasc": "Unaccompanied asylum-seeking"}
FORECAST_GROUP_WORDS = {"all placements": "all", "fostering": "fostering", "residential": "residential",
                        "supported accommodation": "supported", "parents, adoption and other": "other"}
STABILITY_WORDS = {"3 or more placements in the year": "short_term",
                   "same placement for 2 years or more": "long_term"}
MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"), start=1)}
OTHER_AREAS = {_norm(label) for label in contract.AREAS.values()} | {"england"}


def la(year: int, breakdown: str, category: str) -> Key:
    return ("looked_after", year, breakdown, category)


def la_total(year: int) -> Expr:
    return expr(la(year, "total", "all"))


def la_group(year: int, group: str, vocab: Vocabulary = DFE) -> Expr:
    if group == "all":
        return la_total(year)
    return expr(*(la(year, "placement_type", t) for t in vocab.placement_group(group)))
