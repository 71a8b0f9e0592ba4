"""What a fact table, a measure and a level are: the vocabulary of the measure layer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    """A mart table of counts and sums at one grain.

    `coarse`: it has a `<table>_wilayah` twin without the unit (refresh.COARSE), read unless
    a query filters or groups by unit. `person`: the person filters (ASN type, job, rank, sex)
    apply to it. `same_period`: the SQL condition on its rows that keeps only the months of a
    year up to the mart's cut-off (the same months as a running year), if the fact has one.
    """
    key: str
    table: str
    coarse: bool = True
    person: bool = True
    same_period: str | None = None


@dataclass(frozen=True)
class Measure:
    """One figure, defined once: how it is computed, over whom, when it is too small to show,
    and what it means.

    SQL parts are aggregates over the rows of `fact` (`numerator`, `denominator`, `size`);
    a figure with a denominator is numerator / denominator. A derived figure (`ratio_of`)
    divides two other measures after they are computed, when its two parts live in
    different facts. `numerator_sd` and `denominator_sd` are the parts for the same months of a
    year (a running year compared fairly: what was reached by the cut-off, over who was on the
    payroll by then); None means the figure is a stock (a state at year end) or its fact
    restricts rows instead (`Fact.same_period`).
    """
    key: str
    label: str
    unit: str  # "persen" (a share 0..1, shown as 62,5%), "JP", "orang", "indeks", "level", "unit"
    precision: int  # decimals shown (of the percentage for shares)
    definition: str
    formula: str
    population: str  # who is counted, in words
    basis: str  # legal basis or the convention it follows
    fact: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    size: str | None = None  # persons or respondents the figure rests on
    # A count measure whose value is the size instead, when `size` counts something else than
    # persons over a whole entity (employee x competency pairs): used unless grouped by more.
    size_of: str | None = None
    numerator_sd: str | None = None
    denominator_sd: str | None = None  # the same months' population (and size), when it differs
    ratio_of: tuple[str, str] | None = None
    flow: bool = False  # accrues over the year (training, assessments of the year): see `comparable_part_year`
    min_size: int = 0  # per entity below this size the figure is not shown (None)
    # The persons (or respondents, or employee x competency pairs) the figure describes, for
    # small-cell protection (`persons_sql`); None: its size, else its denominator, else itself.
    persons: str | None = None
    target: str = "–"
    higher_is_better: bool | None = True  # None: neither (a headcount)

    @property
    def persons_sql(self) -> str | None:
        """The count of persons a cell of this figure describes (None for a derived figure)."""
        return self.persons or self.size or self.denominator or (self.numerator if self.unit == "orang" else None)

    @property
    def is_share(self) -> bool:
        return self.unit == "persen"

    def comparable_part_year(self, facts: dict) -> bool:
        """Whether the figure for the first months of a year can be set against the same months of
        the year before: a stock (a state at a date) or a flow with a same-months variant."""
        return (not self.flow or self.numerator_sd is not None
                or (self.fact is not None and facts[self.fact].same_period is not None))

    @property
    def export_header(self) -> str:
        """The column header in downloads: shares are written 0–100 with (%) in the header."""
        return f"{self.label} (%)" if self.is_share else (
            f"{self.label} ({self.unit})" if self.unit in ("JP", "level") else self.label)


@dataclass(frozen=True)
class Level:
    """A level of the region and agency hierarchy: its column in the facts, its names and the
    kind that makes peers (kabupaten with kabupaten, an agency with agencies of its type)."""
    key: str
    label: str  # "Provinsi"
    noun: str  # "provinsi", in a sentence
    column: str | None  # None: the nation, one row
    names: str  # SQL giving kode, nama, jenis
    filter_field: str | None  # the Filters field that picks one entity of this level
    next: str | None
