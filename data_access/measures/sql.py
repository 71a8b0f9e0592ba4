"""SQL for any set of measures, at any level, for one year or several: the one place a
measure's definition becomes a query.

Each fact table the measures need is scanned once, grouped by year, the level's column and
any extra grouping; the facts are joined on those keys; then each figure is its numerator
over its denominator, withheld per entity below its minimum size. Values are bound as named
parameters, never formatted in.
"""

from __future__ import annotations

from ..filters import ALL, Filters, Scope, bind_list, where
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
    facts that have those columns (the survey).
    """
    lv = LEVELS[level]
    measures = expand(keys, grouped=bool(group))
    withhold = lv.column is not None if withhold is None else withhold
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
    code_clause = ""
    if codes is not None and lv.column:
        marks, bound = bind_list("kode_", codes)
        code_clause = f" AND {lv.column} IN ({marks})" if codes else " AND FALSE"
        params.update(bound)

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
    body = f"WITH {', '.join(parts)} SELECT {', '.join(keys_sql)}, {', '.join(columns)} FROM {joined}"
    if lv.column is None:
        sql = f"SELECT * EXCLUDE (kode) FROM ({body}) ORDER BY {', '.join(['tahun', *group])}"
    else:
        sql = (f"SELECT f.*, n.* EXCLUDE (kode) FROM ({body}) f JOIN ({lv.names}) n ON n.kode = f.kode "
               f"ORDER BY n.nama, f.kode{''.join(f', f.{g}' for g in group)}, f.tahun")
    return sql, params
