"""The measure layer: every figure defined once (what it counts, over whom, when it is too
small to show, what it means and on what legal basis) and every level of the hierarchy.

`catalog` holds the definitions, `levels` the hierarchy, `sql` turns any set of measures
into one query at any level.
"""

from .catalog import FACTS, MEASURES, MIN_PEGAWAI, MIN_RESPONDEN, MIN_STABIL, TARGET_JP
from .levels import LEVELS, attention_level, level_below
from .model import Fact, Level, Measure
from .sql import figures_sql, table_for

__all__ = ["FACTS", "LEVELS", "MEASURES", "MIN_PEGAWAI", "MIN_RESPONDEN", "MIN_STABIL", "TARGET_JP", "Fact",
           "Level", "Measure", "attention_level", "figures_sql", "level_below", "table_for"]
