"""Read the four bands of one indicator together: kind, direction, signature and ladder defects.

Bands are evaluated **first-match from 优 to 差** (domain.md §2.3): in "≥90% | ≥80% | ≥70% |
<70%" 良 is [80, 90), not [80, ∞). The written bounds stay on each band; the effective interval
is derived here and the grid check of domain.md §3.4–§3.5 runs on it (ontology.md §2.12 item 1).

>>> from kg.nlp.thresholds import parse_cell
>>> bands = [parse_cell(t, g) for t, g in zip(["90%", "80%及以上", "70%及以上", "70%以下"], "优良中差")]
>>> analyze_scheme(bands).signature
'ge90%|ge80%|ge70%|lt70%'
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass

from kg.model import Band, NameAnalysis, Scheme
from kg.nlp.lexicon import load_lexicon, unit_kind
from kg.nlp.thresholds import scale_matches

LEX = load_lexicon()

INF = math.inf


@dataclass(frozen=True)
class Interval:
    """A real interval; ``lo=-inf``/``hi=inf`` for open ends."""

    lo: float
    lo_inc: bool
    hi: float
    hi_inc: bool

    def contains(self, x: float) -> bool:
        if x < self.lo or x > self.hi:
            return False
        if x == self.lo and not self.lo_inc:
            return False
        return not (x == self.hi and not self.hi_inc)

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_inc and self.hi_inc))

    def intersect(self, other: Interval) -> Interval:
        lo, lo_inc = max((self.lo, not self.lo_inc), (other.lo, not other.lo_inc))
        hi, hi_inc = min((self.hi, self.hi_inc), (other.hi, other.hi_inc))
        return Interval(lo, not lo_inc, hi, hi_inc)

    def minus(self, other: Interval) -> list[Interval]:
        if self.intersect(other).empty:
            return [self]
        pieces = [
            Interval(self.lo, self.lo_inc, other.lo, not other.lo_inc),
            Interval(other.hi, not other.hi_inc, self.hi, self.hi_inc),
        ]
        return [p.intersect(self) for p in pieces if not p.intersect(self).empty]


_UNIT_SYMBOLS = {"percent": "%", "permille": "‰", "ratio": ":", "score": "分", "date": "@"}


def _unit_symbol(unit: str | None) -> str:
    if unit is None:
        return ""
    return _UNIT_SYMBOLS.get(unit, unit.split(":", 1)[-1])


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.6g}"


def is_numeric(band: Band) -> bool:
    """A band with a number to compare against (not a deadline, level or free word)."""
    return (
        band.status in ("parsed", "malformed")
        and band.deadline is None
        and band.comparator not in (None, "qualitative")
        and band.unit_kind != "date"
    )


def band_category(band: Band) -> str:
    if band.status == "empty":
        return "empty"
    if band.status == "placeholder":
        return "placeholder"
    if band.deadline is not None or band.unit_kind == "date":
        return "deadline"
    if is_numeric(band):
        return "numeric"
    if band.form == "H":
        return "rank_level"
    if band.form == "G":
        return "qualitative"
    return "free_text"


# --- reading the numbers of a ladder ------------------------------------------------------------


@dataclass
class _Reading:
    """How a numeric band is read inside its ladder (unit harmonised, bare values resolved)."""

    band: Band
    interval: Interval
    comparator: str  # ge gt le lt eq range
    value: float | None  # the one bound of a one-sided band or the point
    unit: str | None
    position: float  # a representative value used to tell the ladder's direction


def _harmonised(band: Band, ladder_unit: str | None) -> tuple[float | None, ...]:
    """Bounds of ``band`` in the ladder unit: a unitless "1" in a % ladder is 100% (domain §3.4)."""
    values = (band.lower, band.upper, band.point)
    if ladder_unit == "percent" and band.unit is None:
        numbers = [v for v in values if v is not None]
        if numbers and max(numbers) <= 1 and band.rank == 1 and band.comparator == "unspecified":
            if "fraction_as_percent" not in band.flags:
                band.flags.append("fraction_as_percent")
            return tuple(None if v is None else v * 100 for v in values)
        if numbers and max(numbers) > 1 and "unit_missing" not in band.flags:
            band.flags.append("unit_missing")
    return values


def _read(band: Band, ladder_unit: str | None, direction_hint: str) -> _Reading:
    lower, upper, point = _harmonised(band, ladder_unit)
    cmp = band.comparator
    if cmp == "unspecified":
        if band.rank == 1 and direction_hint != "lower_better":
            cmp, lower = "ge", point
            flag = "bare_best_as_bound"
        elif band.rank == 1:
            cmp, upper = "le", point
            flag = "bare_best_as_bound"
        else:
            cmp, lower, upper = "eq", point, point
            flag = "point_value"
        if flag not in band.flags:
            band.flags.append(flag)
    if cmp in ("ge", "gt"):
        iv, value, pos = Interval(lower, cmp == "ge", INF, False), lower, lower
    elif cmp in ("le", "lt"):
        iv, value, pos = Interval(-INF, False, upper, cmp == "le"), upper, upper
    elif cmp == "eq":
        value = lower if lower is not None else point
        iv, pos = Interval(value, True, value, True), value
    else:  # range
        iv = Interval(lower, bool(band.lower_inclusive), upper, bool(band.upper_inclusive))
        value, pos = None, (lower + upper) / 2
    return _Reading(band, iv, cmp, value, ladder_unit if band.unit is None else band.unit, pos)


def _ladder_unit(bands: list[Band]) -> str | None:
    units = Counter(b.unit for b in bands if is_numeric(b) and b.unit)
    return units.most_common(1)[0][0] if units else None


def _ladder_direction(readings: list[_Reading]) -> str:
    if len(readings) < 2:
        return "unknown"
    best, worst = readings[0], readings[-1]
    if best.position > worst.position:
        return "higher_better"
    if best.position < worst.position:
        return "lower_better"
    ups, downs = ("ge", "gt"), ("le", "lt")
    if best.comparator in ups and worst.comparator in downs:
        return "higher_better"
    if best.comparator in downs and worst.comparator in ups:
        return "lower_better"
    return "unknown"


# --- the grid check ------------------------------------------------------------------------------


def _grid(readings: list[_Reading], unit: str | None) -> list[float]:
    """Values to evaluate: integers for count ladders, else every bound and the midpoints."""
    bounds = sorted(
        {
            v
            for r in readings
            for v in (r.interval.lo, r.interval.hi)
            if v is not None and math.isfinite(v)
        }
    )
    top = max([abs(b) for b in bounds] + [0.0])
    kind = unit_kind(unit)
    integral = kind in (None, "count") and all(float(b).is_integer() for b in bounds)
    hi = max(100.0, top) if kind == "percent" else max(top * 1.6, 1.0)
    lo = min([0.0, *bounds])
    if integral:
        return [float(x) for x in range(int(lo), math.ceil(hi) + 1)]
    points = sorted({lo, hi, *[b for b in bounds if lo <= b <= hi]})
    mids = [(a + b) / 2 for a, b in itertools.pairwise(points)]
    return sorted({*points, *mids})


def ladder_issues(bands: list[Band], direction_hint: str = "unknown") -> tuple[list[str], str]:
    """First-match grid check of an all-numeric ladder (domain.md §3.4–§3.5).

    Returns the issue codes and the ladder's direction, and fills the effective interval and
    ``reachable`` on every numeric band. Non-numeric ladders return ``([], "unknown")``.

    >>> from kg.nlp.thresholds import parse_cell
    >>> bands = [parse_cell(t, g) for t, g in zip(["≥80%", "≤60%", "＞60%", "≤50%"], "优良中差")]
    >>> ladder_issues(bands)[0]
    ['non_monotonic', 'overlap', 'unreachable_band']
    """
    present = [b for b in bands if b.status != "empty"]
    numeric = [b for b in present if is_numeric(b)]
    if len(numeric) < 2 or len(numeric) != len(present):
        return [], "unknown"
    issues: set[str] = set()
    unit = _ladder_unit(numeric)
    kinds = {unit_kind(b.unit) for b in numeric}
    if len(kinds) > 1:
        issues.add("mixed_units")
    # the direction comes from the written bands; a bare 优 value ("100% | ≥95% …") says nothing
    # until the others have spoken, and the name's polarity only decides when they cannot
    readings = [_read(b, unit, "higher_better") for b in numeric]
    bare_best = numeric[0].rank == 1 and numeric[0].comparator == "unspecified"
    written = readings[1:] if bare_best and len(readings) >= 3 else readings
    direction = _ladder_direction(written)
    if direction == "unknown" and direction_hint in ("higher_better", "lower_better"):
        direction = direction_hint
    if bare_best and direction == "lower_better":
        numeric[0].flags.remove("bare_best_as_bound")
        readings[0] = _read(numeric[0], unit, "lower_better")
    if any("unit_missing" in b.flags for b in numeric):
        issues.add("unit_missing")

    # effective intervals: what is left of each band once the better ones took their share
    taken: list[Interval] = []
    for reading in readings:
        pieces = [reading.interval]
        for better in taken:
            pieces = [piece for p in pieces for piece in p.minus(better)]
        _store_effective(reading.band, pieces)
        taken.append(reading.interval)

    issues |= _grid_issues(readings, unit, direction)
    issues |= _overlaps(readings, direction)
    issues |= _operator_issues(readings, unit, direction)
    return sorted(issues), direction


def _grid_issues(readings: list[_Reading], unit: str | None, direction: str) -> set[str]:
    """Walk the value grid first-match: bands nothing reaches, values nothing grades, and
    grades that improve as the value worsens; marks ``reachable`` on every band."""
    issues: set[str] = set()
    grid = _grid(readings, unit)
    assigned: list[int | None] = []
    for x in grid:
        hit = next((r.band.rank for r in readings if r.interval.contains(x)), None)
        assigned.append(hit)
    reached = {r for r in assigned if r is not None}
    for reading in readings:
        reading.band.reachable = reading.band.rank in reached
        if not reading.band.reachable:
            issues.add("unreachable_band")
    if None in assigned:
        issues.add("gap")
    ranks = [r for r in assigned if r is not None]
    if direction == "higher_better":
        worsening = any(b > a for a, b in itertools.pairwise(ranks))
    elif direction == "lower_better":
        worsening = any(b < a for a, b in itertools.pairwise(ranks))
    else:
        worsening = ranks != sorted(ranks) and ranks != sorted(ranks, reverse=True)
    if worsening:
        issues.add("non_monotonic")
    return issues


def _operator_issues(readings: list[_Reading], unit: str | None, direction: str) -> set[str]:
    """What the written operators and values say on their own: an open worst band, a point
    scale, reversed operators, rates above 100%."""
    issues: set[str] = set()
    nested = {"higher_better": ("ge", "gt"), "lower_better": ("le", "lt")}.get(direction, ())
    if readings[-1].band.rank == 4 and readings[-1].comparator in nested:
        # "≥4 | ≥3 | ≥2 | ≥1", "＜0.1‰ | … | ＜1‰": the worst band does not reach the bad end
        issues.add("open_worst_end")
    points = [r for r in readings[1:] if r.comparator == "eq"]
    if len(points) >= 2:
        issues.add("point_scale")
    if direction in ("higher_better", "lower_better"):
        # nested ladders write their middle bands ≥ (higher is better) or ≤ (lower is better);
        # the opposite operators on both middle bands mean the operators were reversed
        reversed_ops = ("le", "lt") if direction == "higher_better" else ("ge", "gt")
        middle = [r for r in readings if r.band.rank in (2, 3)]
        if len(middle) == 2 and all(r.comparator in reversed_ops for r in middle):
            issues.add("polarity_mismatch")
    if unit_kind(unit) == "percent" and any(
        (r.value is not None and r.value > 100)
        or (
            r.comparator in ("ge", "gt")
            and r.value is not None
            and r.value >= 100
            and r.band.comparator != "unspecified"
        )
        or (r.comparator == "range" and r.interval.hi > 100)
        for r in readings
    ):
        issues.add("rate_over_100")
    return issues


def _store_effective(band: Band, pieces: list[Interval]) -> None:
    if not pieces:
        band.effective_lower = band.effective_upper = None
        band.effective_lower_inclusive = band.effective_upper_inclusive = None
        return
    lo = min(pieces, key=lambda p: (p.lo, not p.lo_inc))
    hi = max(pieces, key=lambda p: (p.hi, p.hi_inc))
    band.effective_lower = None if lo.lo == -INF else lo.lo
    band.effective_lower_inclusive = None if lo.lo == -INF else lo.lo_inc
    band.effective_upper = None if hi.hi == INF else hi.hi
    band.effective_upper_inclusive = None if hi.hi == INF else hi.hi_inc


def _overlaps(readings: list[_Reading], direction: str) -> set[str]:
    """Written intervals of a worse band that cut into a better band (not the nested style)."""
    issues: set[str] = set()
    opposite = {"higher_better": ("le", "lt", "range"), "lower_better": ("ge", "gt", "range")}
    for j, worse in enumerate(readings):
        for better in readings[:j]:
            common = worse.interval.intersect(better.interval)
            if common.empty:
                continue
            if common.lo == common.hi:
                if (worse.comparator == "range" or better.comparator == "range") and j == (
                    readings.index(better) + 1
                ):
                    issues.add("shared_endpoint")
                continue
            if worse.comparator in opposite.get(direction, ()):
                eff = _effective_interval(better.band)
                if eff is not None and not eff.intersect(worse.interval).empty:
                    piece = eff.intersect(worse.interval)
                    if piece.lo < piece.hi:
                        issues.add("overlap")
    return issues


def _effective_interval(band: Band) -> Interval | None:
    if band.reachable is False:
        return None
    lo = -INF if band.effective_lower is None else band.effective_lower
    hi = INF if band.effective_upper is None else band.effective_upper
    return Interval(
        lo, bool(band.effective_lower_inclusive), hi, bool(band.effective_upper_inclusive)
    )


# --- signatures -------------------------------------------------------------------------------


def _numeric_token(band: Band, bands: list[Band], direction: str) -> tuple[str, dict]:
    """Signature reading of one numeric band: comparator, bound(s) and unit."""
    cmp = band.comparator
    lower, upper, point = band.lower, band.upper, band.point
    if "fraction_as_percent" in band.flags:
        lower, upper, point = (None if v is None else v * 100 for v in (lower, upper, point))
    unit = band.unit
    if (unit is None and "unit_missing" in band.flags) or "fraction_as_percent" in band.flags:
        unit = "percent"
    if cmp == "unspecified":
        if band.rank == 1:
            cmp = "le" if direction == "lower_better" else "ge"
            lower, upper = (point, None) if cmp == "ge" else (None, point)
        else:
            cmp = "eq"
    value = {"ge": lower, "gt": lower, "le": upper, "lt": upper, "eq": point}.get(cmp)
    if cmp in ("le", "ge") and value is not None:
        # "70%以下" after "70%及以上": under first match 70 belongs to the better band
        for better in bands[: band.rank - 1]:
            if better.status != "empty" and _claims(better, value):
                cmp = "lt" if cmp == "le" else "gt"
                break
    fields = {
        "cmp": cmp,
        "lower": lower if cmp in ("ge", "gt", "range") else None,
        "lower_inc": (cmp == "ge") if cmp in ("ge", "gt") else band.lower_inclusive,
        "upper": upper if cmp in ("le", "lt", "range") else None,
        "upper_inc": (cmp == "le") if cmp in ("le", "lt") else band.upper_inclusive,
        "point": point if cmp == "eq" else None,
        "unit": unit,
    }
    if cmp == "range":
        return f"{_num(lower)}-{_num(upper)}{_unit_symbol(unit)}", fields
    return f"{cmp}{_num(value)}{_unit_symbol(unit)}", fields


def _claims(better: Band, value: float) -> bool:
    """Whether a better band's written interval (as read in the signature) contains ``value``."""
    if better.comparator == "unspecified":
        return better.point == value
    lo = -INF if better.lower is None else better.lower
    hi = INF if better.upper is None else better.upper
    return Interval(
        lo,
        bool(better.lower_inclusive) or lo == -INF,
        hi,
        bool(better.upper_inclusive) or hi == INF,
    ).contains(value)


def signatures(bands: list[Band], direction: str = "unknown") -> tuple[str, str]:
    """The short display signature and the full canonical one, from the same reading.

    Short: ``ge90%|ge80%|ge70%|lt70%``. Full (ontology.md §2.6):
    ``rank:comparator:lower:lowerIncl:upper:upperIncl:point:unit`` joined by ``|``.
    """
    short, full = [], []
    for band in bands:
        if band.status == "empty":
            short.append("")
            full.append(f"{band.rank}:::::::")
            continue
        if is_numeric(band) or band.deadline is not None or band.unit_kind == "date":
            token, f = _numeric_token(band, bands, direction)
            short.append(token)
            inc = {True: "1", False: "0", None: ""}
            full.append(
                f"{band.rank}:{f['cmp']}:{_num(f['lower'])}:{inc[f['lower_inc']] if f['lower'] is not None else ''}"
                f":{_num(f['upper'])}:{inc[f['upper_inc']] if f['upper'] is not None else ''}"
                f":{_num(f['point'])}:{f['unit'] or ''}"
            )
            continue
        text = band.text.replace("|", "/")
        short.append(text)
        kind = "placeholder" if band.status == "placeholder" else "qualitative"
        full.append(f"{band.rank}:{kind}::::::{text}")
    return "|".join(short), "|".join(full)


# --- the scheme ---------------------------------------------------------------------------------


def _pick_scale(bands: list[Band]) -> str | None:
    votes: Counter[str] = Counter()
    for band in bands:
        if band.form in ("G", "J") and band.text:
            votes.update({scale for scale, _ in scale_matches(band.text)})
    if not votes:
        return None
    scale, count = votes.most_common(1)[0]
    return scale if count >= 2 else None


def _apply_scale(bands: list[Band], scale: str) -> None:
    for band in bands:
        for matched, rank in scale_matches(band.text):
            if matched == scale:
                band.qual_scale, band.qual_rank = scale, rank
                if "heuristic_rank" in band.flags:
                    band.flags.remove("heuristic_rank")
                if "ambiguous_scale_rank" in band.flags:
                    band.flags.remove("ambiguous_scale_rank")
                band.form = "G" if band.form == "J" else band.form


def _kind(bands: list[Band]) -> str:
    categories = [band_category(b) for b in bands]
    present = [c for c in categories if c != "empty"]
    if not present:
        return "empty"
    distinct = set(present)
    if distinct == {"placeholder"}:
        return "placeholder"
    distinct.discard("placeholder")
    if len(distinct) > 1:
        if distinct <= {"qualitative", "free_text"}:
            return "qualitative"
        return "mixed"
    kind = distinct.pop()
    if kind == "numeric":
        numeric = [b for b in bands if is_numeric(b)]
        small = all(
            b.unit_kind in (None, "count")
            and all(
                v is None or (float(v).is_integer() and 0 <= v <= 10)
                for v in (b.lower, b.upper, b.point)
            )
            for b in numeric
        )
        if small:
            return "count_scale"
    return kind


_HIGHER_HEADS = (
    "完成",
    "满意",
    "覆盖",
    "办结",
    "合格",
    "达标",
    "知晓",
    "到位",
    "落实",
    "及时",
    "结案",
)


def analyze_scheme(bands: list[Band], analysis: NameAnalysis | None = None) -> Scheme:
    """Kind, direction, signature and issues of four bands read first-match from 优 to 差.

    Mutates the bands in place with what only the ladder can tell: effective intervals,
    reachability, the lexical scale shared by the row, and flags such as ``unit_missing``.
    """
    hint = analysis.direction_hint if analysis else "unknown"
    kind = _kind(bands)
    scale = _pick_scale(bands) if kind in ("qualitative", "free_text", "mixed") else None
    if scale:
        _apply_scale(bands, scale)
        kind = _kind(bands)
    if kind == "count_scale":
        for band in bands:
            if band.form == "C":
                band.form = "E"
    issues, direction = ladder_issues(bands, hint)
    direction = _ranked_direction(bands, kind, direction, issues)
    if direction == "unknown" and hint in ("higher_better", "lower_better"):
        direction = hint
    if analysis is not None and kind in ("numeric", "count_scale"):
        issues += _name_ladder_issues(bands, analysis, direction)
    present = [b for b in bands if b.status != "empty"]
    if 0 < len(present) < len(bands) and kind not in ("placeholder",):
        issues.append("missing_band")
    if any(b.status == "malformed" for b in bands):
        issues.append("malformed_cell")
    short, full = signatures(bands, direction)
    unit = _ladder_unit(bands)
    if unit is None and analysis is not None and kind in ("numeric", "count_scale"):
        unit = analysis.declared_unit
    return Scheme(
        kind=kind,
        direction=direction,
        signature=short,
        issues=sorted(set(issues)),
        unit=unit,
        signature_full=full,
        qual_scale=scale,
    )


def _ranked_direction(bands: list[Band], kind: str, direction: str, issues: list[str]) -> str:
    """The direction once deadlines and ranked scale words are taken into account; an
    ``ordinal_inversion`` is added to ``issues`` where the ranks run the wrong way."""
    if kind == "deadline":
        return "lower_better"
    if kind in ("qualitative", "rank_level", "free_text") or direction == "unknown":
        ranked = [b for b in bands if b.qual_rank is not None and "heuristic_rank" not in b.flags]
        if len(ranked) >= 2:
            ranks = [b.qual_rank for b in ranked]
            if any(b < a for a, b in itertools.pairwise(ranks)):
                issues.append("ordinal_inversion")
            if kind != "numeric" and direction == "unknown":
                direction = "higher_better"
    return direction


def _name_ladder_issues(bands: list[Band], analysis: NameAnalysis, direction: str) -> list[str]:
    """Where a numeric ladder disagrees with its indicator name: the direction the name says
    (``polarity_mismatch``) or the unit it declares or implies (``unit_mismatch``)."""
    issues = []
    hint = analysis.direction_hint
    if hint == "lower_better" and direction == "higher_better":
        issues.append("polarity_mismatch")
    if (
        hint != "lower_better"
        and direction == "lower_better"
        and analysis.measure_head
        and any(h in analysis.measure_head or h in analysis.key for h in _HIGHER_HEADS)
        and not any(w in analysis.key for w in LEX.reduction_words)
    ):
        issues.append("polarity_mismatch")
    percent_cells = sum(b.unit_kind == "percent" for b in bands)
    if analysis.metric_kind in ("count", "amount") and percent_cells >= 2:
        issues.append("unit_mismatch")
    declared = unit_kind(analysis.declared_unit)
    units = {b.unit_kind for b in bands if is_numeric(b) and b.unit_kind}
    if declared and units and declared not in units and declared != "money":
        issues.append("unit_mismatch")
    return issues
