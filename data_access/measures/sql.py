"""SQL for any set of measures, at any level, for one year or several: the one place a
measure's definition becomes a query.

Each fact table the measures need is scanned once, grouped by year, the level's column and
any extra grouping; the facts are joined on those keys; then each figure is its numerator
over its denominator, withheld per entity below its minimum size. Values are bound as named
parameters, never formatted in.

Small cells are protected for scopes that may see aggregates only (`Scope.lihat_orang` false):
a figure describing 1 to MIN_SEL-1 persons is hidden with its size, and where that leaves
exactly one hidden part among the entities of a year (or the groups of an entity), the
smallest other part is hidden too, so that no hidden cell is the total minus the parts shown.
"""

from __future__ import annotations

from ..filters import ALL, Filters, Scope, bind_list, where
from . import catalog
from .catalog import FACTS, MEASURES
from .model import Measure
from .levels import LEVELS


def expand(keys, grouped: bool = False) -> list[Measure]:
    """The measures asked for and those their derived figures divide or their size is counted
    by (`size_of`, unless grouped further), each once, in order."""
    out: dict[str, Measure] = {}
    for key in keys:
        m = MEASURES[key]
        for part in (*(m.ratio_of or ()), *((m.size_of,) if m.size_of and not grouped else ())):
            out.setdefault(part, MEASURES[part])
        out.setdefault(key, m)
    return list(out.values())


def table_for(fact_key: str, filters: Filters, unit: bool) -> str:
    """A fact's table: its coarse twin without units unless the query filters or groups by unit."""
    fact = FACTS[fact_key]
    return fact.table if not fact.coarse or unit or filters.kode_unit is not None else f"{fact.table}_wilayah"


def figures_sql(keys, filters: Filters, scope: Scope = ALL, *, level: str = "nasional", group: tuple = (),
                years: str | tuple = "filter", codes: tuple | None = None, same_period: bool = False,
                withhold: bool | None = None, part: tuple[str, int] | None = None) -> tuple[str, dict]:
    """(sql, params) giving one row per year, entity (`kode`, `nama`, `jenis` and, for units,
    `kode_instansi`, `instansi`, `jenis_layanan`, unless the level is the nation) and `group`
    value, with a column per measure and `n_<key>` for each measure's size.

    years: "filter" (the filters' year), "all", or a tuple of years. same_period: the months
    of each year up to the mart's cut-off (flows; stocks stay as at year end). withhold: per
    entity, figures below their measure's minimum size are None (default: for every level
    below the nation). part: a part of the year, ("semester", 1) or ("triwulan", 3), for the
    facts that have those columns (the survey). For a scope that sees aggregates only, small
    cells are hidden (`catalog.min_sel`): a hidden figure and its `n_` are None.
    """
    lv = LEVELS[level]
    measures = expand(keys, grouped=bool(group))
    withhold = lv.column is not None if withhold is None else withhold
    protect = catalog.min_sel(scope)
    unit = lv.column == "kode_unit" or "kode_unit" in group
    keys_sql = ["tahun", "kode", *group]
    params: dict = {}
    year_clause = ""
    if years == "filter":
        year_clause = " AND tahun = $tahun"
        params["tahun"] = filters.tahun
    elif years != "all":
        marks, bound = bind_list("tahun_", years)
        year_clause = f" AND tahun IN ({marks})"
        params.update(bound)
    part_clause = ""
    if part is not None:
        if part[0] not in ("semester", "triwulan"):
            raise ValueError(f"bagian tahun tidak dikenal: {part[0]}")
        part_clause = f" AND {part[0]} = $bagian"
        params["bagian"] = int(part[1])
    code_clause = chosen = ""
    if codes is not None and lv.column:
        marks, bound = bind_list("kode_", codes)
        params.update(bound)
        # Protected, the codes are picked at the end: which parts are hidden must not depend on
        # which of them are asked for. A kab/kota's parts are those of its province (`_PARENTS`),
        # so only the provinces of the codes are read; elsewhere the whole level.
        chosen = f" WHERE kode IN ({marks})" if codes else " WHERE FALSE"
        if not protect:
            code_clause = f" AND {lv.column} IN ({marks})" if codes else " AND FALSE"
        elif codes and level == "kabkota":
            provinces, bound = bind_list("induk_", sorted({str(c)[:2] for c in codes}))
            params.update(bound)
            code_clause = f" AND kode_provinsi IN ({provinces})"

    # Small-cell protection decides per population, not per measure: the figures of one fact that
    # describe the same persons (all those over a cell's PNS) share one count and one decision.
    persons = {}
    if protect:
        for m in measures:
            if m.fact:
                persons.setdefault((m.fact, _persons(m, same_period)), f"p{len(persons)}")
    parts = []
    for fact_key in dict.fromkeys(m.fact for m in measures if m.fact):
        fact = FACTS[fact_key]
        clause, bound = where(filters, scope, year=False, person=fact.person)
        params.update(bound)
        selects = []
        for m in (m for m in measures if m.fact == fact_key):
            numerator = m.numerator_sd if same_period and m.numerator_sd else m.numerator
            denominator = m.denominator_sd if same_period and m.denominator_sd else m.denominator
            selects.append(f'{numerator} AS "{m.key}__num"')
            if m.denominator:
                selects.append(f'{denominator} AS "{m.key}__den"')
            if m.size:
                size = m.denominator_sd if same_period and m.denominator_sd and m.size == m.denominator else m.size
                selects.append(f'{size} AS "{m.key}__n"')
        selects += [f'coalesce({sql}, 0) AS "{p}"' for (f, sql), p in persons.items() if f == fact_key]
        period = f" AND {fact.same_period}" if same_period and fact.same_period else ""
        entity = lv.column or "'semua'"
        parts.append(f"""{fact_key} AS (
            SELECT tahun, {entity} AS kode{''.join(f', {g}' for g in group)}, {', '.join(selects)}
            FROM {table_for(fact_key, filters, unit)}
            WHERE {clause}{year_clause}{code_clause}{period}{part_clause}
              {f'AND {lv.column} IS NOT NULL' if lv.column else ''}
            GROUP BY ALL)""")

    facts = list(dict.fromkeys(m.fact for m in measures if m.fact))
    joined = facts[0] + "".join(f" FULL JOIN {f} USING ({', '.join(keys_sql)})" for f in facts[1:])
    columns = []
    for m in measures:
        if m.ratio_of:
            a, b = m.ratio_of
            columns.append(f'"{a}" / nullif("{b}", 0) AS "{m.key}"')
            continue
        if m.denominator:
            value = f'"{m.key}__num" / nullif("{m.key}__den", 0)'
        elif m.unit in ("orang", "unit"):
            value = f'coalesce("{m.key}__num", 0)::BIGINT'
        else:
            value = f'"{m.key}__num"'
        if withhold and m.min_size and m.size:
            size = f'"{m.size_of}"' if m.size_of and not group else f'"{m.key}__n"'
            value = f'CASE WHEN {size} >= {int(m.min_size)} THEN {value} END'
        columns.append(f'{value} AS "{m.key}"')
        if m.size:
            columns.append(f'coalesce("{m.key}__n", 0)::BIGINT AS "n_{m.key}"')
    columns += [f'coalesce("{p}", 0) AS "{p}"' for p in persons.values()]
    body = f"WITH {', '.join(parts)} SELECT {', '.join(keys_sql)}, {', '.join(columns)} FROM {joined}"
    if protect:
        shared = {m.key: persons[(m.fact, _persons(m, same_period))] for m in measures if m.fact}
        body = _protected(body, measures, shared, protect, level, group) + chosen
    if lv.column is None:
        sql = f"SELECT * EXCLUDE (kode) FROM ({body}) ORDER BY {', '.join(['tahun', *group])}"
    else:
        sql = (f"SELECT f.*, n.* EXCLUDE (kode) FROM ({body}) f JOIN ({lv.names}) n ON n.kode = f.kode "
               f"ORDER BY n.nama, f.kode{''.join(f', f.{g}' for g in group)}, f.tahun")
    return sql, params


def _persons(m: Measure, same_period: bool) -> str:
    """Whom a cell of `m` describes; for the same months of a year, those on the payroll by then."""
    if same_period and m.denominator_sd and m.persons_sql == m.denominator:
        return m.denominator_sd
    if same_period and m.numerator_sd and m.persons_sql == m.numerator:
        return m.numerator_sd
    return m.persons_sql


# The totals a level's entities are parts of, besides the nation's: a kab/kota of its province, a
# unit of its agency and of its kab/kota (small-cell protection hides a second part within each).
_PARENTS = {
    "kabkota": "SELECT kode, left(kode, 2) AS induk_1 FROM wilayah WHERE tingkat <> 'provinsi'",
    "unit": "SELECT kode, kode_instansi AS induk_1, kode_kabkota AS induk_2 FROM unit_kerja",
}
PASSES = 2  # complementary passes: a cell hidden for one set of parts may leave another with one


def _protected(body: str, measures: list[Measure], persons: dict[str, str], minimum: int, level: str,
               group: tuple) -> str:
    """`body` with every cell describing 1 to minimum-1 persons hidden (None), its size too, and
    the complementary cells: where a set of parts (the entities of one year and group within
    each total they add up to, `_PARENTS`; the groups of one entity and year) has exactly one
    hidden, the one with the fewest persons among the rest that have any (then the lowest code)
    is hidden as well, in `PASSES` rounds. `persons` names each measure's count of persons
    (measures sharing one share the decision); a derived figure is hidden with either of its
    parts. `figures_sql` reads every entity that shares a set of parts with one asked for (the
    whole level, or a kab/kota's province), so the choice does not depend on the codes asked for."""
    parents = _PARENTS.get(level)
    induk = [c for c in ("induk_1", "induk_2") if parents and c in parents]
    sets = ([["tahun", *group, c] for c in induk] or [["tahun", *group]]) if level != "nasional" else []
    sets += [["tahun", "kode"]] if group else []
    counts = list(dict.fromkeys(persons.values()))
    small = ", ".join(f'"{p}" BETWEEN 1 AND {int(minimum) - 1} AS "{p}_h0"' for p in counts)
    join = f" LEFT JOIN ({parents}) i USING (kode)" if parents else ""
    source = f"SELECT b.*{''.join(f', i.{c}' for c in induk)}, {small} FROM ({body}) b{join}"
    last = PASSES if sets else 0
    for r in range(1, last + 1):
        flags = []
        for p in counts:
            was = f'"{p}_h{r - 1}"'
            alone = [f'(NOT {was} AND "{p}" > 0 AND count(*) FILTER (WHERE {was}) OVER (PARTITION BY {", ".join(k)}) = 1 '
                     f'AND row_number() OVER (PARTITION BY {", ".join(k)}, {was}, "{p}" > 0 ORDER BY "{p}", kode) = 1)'
                     for k in sets]
            flags.append(f'({" OR ".join([was, *alone])}) AS "{p}_h{r}"')
        source = f"SELECT *, {', '.join(flags)} FROM ({source})"
    final = []
    for m in measures:
        parts = m.ratio_of or (m.key,)
        hidden = " OR ".join(f'"{persons[k]}_h{last}"' for k in parts)
        final.append(f'CASE WHEN {hidden} THEN NULL ELSE "{m.key}" END AS "{m.key}"')
        if m.size:
            final.append(f'CASE WHEN {hidden} THEN NULL ELSE "n_{m.key}" END AS "n_{m.key}"')
    internal = [f'"{p}{x}"' for p in counts for x in ["", *(f"_h{r}" for r in range(last + 1))]] + induk
    names = [f'"{m.key}"' for m in measures] + [f'"n_{m.key}"' for m in measures if m.size]
    return f"SELECT * EXCLUDE ({', '.join(internal + names)}), {', '.join(final)} FROM ({source})"
