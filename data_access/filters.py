"""The global filters and the access scope, and how they become a parameterised WHERE.

`Filters` is frozen and hashable, so it can key caches. `where` is the only place
a filter value meets SQL, and it only ever binds values as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Scope:
    """What a user may see: sets of province/kab-kota codes and agency codes, and whether
    person-level rows are allowed. Built from the user's grant by `akses.scope_of`.

    A row is visible if its region or its agency is in the sets; both empty means all.
    Every query takes the scope and is cached under it, so no cached answer crosses scopes.
    """
    wilayah: frozenset[str] = frozenset()
    instansi: frozenset[str] = frozenset()
    lihat_orang: bool = False  # may see person-level rows (names, masked NIP)
    nip_penuh: bool = False  # may export person rows with the full NIP (admin)

    @property
    def is_all(self) -> bool:
        return not self.wilayah and not self.instansi


ALL = Scope()


@dataclass(frozen=True)
class Filters:
    tahun: int | None = None
    kelompok_wilayah: str | None = None
    kode_provinsi: str | None = None
    kode_kabkota: str | None = None
    jenis_instansi: str | None = None
    kode_instansi: str | None = None
    kode_unit: str | None = None
    jenis_asn: str | None = None
    jenis_jabatan: str | None = None
    kelompok_golongan: str | None = None
    jenis_kelamin: str | None = None

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    def without_place(self) -> Filters:
        """The same period and person filters for all regions and agencies."""
        return replace(self, kelompok_wilayah=None, kode_provinsi=None, kode_kabkota=None,
                       jenis_instansi=None, kode_instansi=None, kode_unit=None)

    @property
    def has_person_filter(self) -> bool:
        return any(getattr(self, name) is not None for name in PERSON_FILTERS)

    def active(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


# Filters that describe the employee rather than where they work: they do not apply to
# facts about service units (satisfaction surveys).
PERSON_FILTERS = ("jenis_asn", "jenis_jabatan", "kelompok_golongan", "jenis_kelamin")


@dataclass(frozen=True)
class FilterSpec:
    """One global filter: its name in links and on the command line, its `Filters` field, its
    label, the label of "no restriction", and its group in the filter bar (in this order)."""
    key: str  # query parameter name, and option of `python -m data_access ekspor`
    field: str  # Filters field
    label: str
    all_label: str  # the label of "no restriction"
    group: str
    parent: str | None = None  # the filter (key) that must be chosen before this one offers options


SPECS = [
    FilterSpec("tahun", "tahun", "Tahun", "", "Periode"),
    FilterSpec("kelompok", "kelompok_wilayah", "Kelompok wilayah", "Seluruh Indonesia", "Wilayah"),
    FilterSpec("provinsi", "kode_provinsi", "Provinsi", "Semua provinsi", "Wilayah"),
    FilterSpec("kabkota", "kode_kabkota", "Kabupaten/kota", "Semua kabupaten/kota", "Wilayah", parent="provinsi"),
    FilterSpec("jenis_instansi", "jenis_instansi", "Jenis instansi", "Semua jenis instansi", "Instansi"),
    FilterSpec("instansi", "kode_instansi", "Instansi", "Semua instansi", "Instansi"),
    FilterSpec("unit", "kode_unit", "Unit kerja", "Semua unit kerja", "Instansi", parent="instansi"),
    FilterSpec("asn", "jenis_asn", "Jenis ASN", "PNS dan PPPK", "Pegawai"),
    FilterSpec("jabatan", "jenis_jabatan", "Jenis jabatan", "Semua jenis jabatan", "Pegawai"),
    FilterSpec("golongan", "kelompok_golongan", "Golongan", "Semua golongan", "Pegawai"),
    FilterSpec("kelamin", "jenis_kelamin", "Jenis kelamin", "Laki-laki dan perempuan", "Pegawai"),
]


def where(f: Filters, scope: Scope = ALL, *, year: bool = True, person: bool = True,
          alias: str = "", prefix: str = "") -> tuple[str, dict]:
    """A WHERE clause (without the keyword) and its named parameters for a fact table.

    Fact tables carry kode_provinsi, kode_kabkota, jenis_instansi, kode_instansi and
    kode_unit; person facts also the four person filters; most carry tahun. Parameters are
    named after their column (`$kode_provinsi`); `prefix` keeps two clauses of one query
    apart (the previous year beside this one).
    """
    p = f"{alias}." if alias else ""
    clauses: list[str] = []
    params: dict = {}

    def eq(column: str, value) -> None:
        if value is not None:
            clauses.append(f"{p}{column} = ${prefix}{column}")
            params[f"{prefix}{column}"] = value

    if year:
        eq("tahun", f.tahun)
    if f.kelompok_wilayah is not None:
        clauses.append(f"{p}kode_provinsi IN (SELECT kode FROM wilayah WHERE kelompok_wilayah = ${prefix}kelompok_wilayah)")
        params[f"{prefix}kelompok_wilayah"] = f.kelompok_wilayah
    for column in ("kode_provinsi", "kode_kabkota", "jenis_instansi", "kode_instansi", "kode_unit"):
        eq(column, getattr(f, column))
    if person:
        for column in PERSON_FILTERS:
            eq(column, getattr(f, column))
    clauses += _scope_clauses(scope, p, params)
    return (" AND ".join(clauses) or "TRUE"), params


def _scope_clauses(scope: Scope, p: str, params: dict) -> list[str]:
    """A row is visible if its region or its agency is granted (a union of grants). The codes
    are bound under names of their own, shared by every clause of a query."""
    if scope.is_all:
        return []
    parts = []
    if scope.wilayah:
        marks = ", ".join(f"$lingkup_w{i}" for i in range(len(scope.wilayah)))
        parts.append(f"{p}kode_provinsi IN ({marks}) OR {p}kode_kabkota IN ({marks})")
        params.update({f"lingkup_w{i}": code for i, code in enumerate(sorted(scope.wilayah))})
    if scope.instansi:
        parts.append(f"{p}kode_instansi IN ({', '.join(f'$lingkup_i{i}' for i in range(len(scope.instansi)))})")
        params.update({f"lingkup_i{i}": code for i, code in enumerate(sorted(scope.instansi))})
    return ["(" + " OR ".join(f"({x})" for x in parts) + ")"]


def bind_list(name: str, values) -> tuple[str, dict]:
    """`$name0, $name1, ...` and their parameters, for an IN list of values."""
    values = list(values)
    return ", ".join(f"${name}{i}" for i in range(len(values))), {f"{name}{i}": v for i, v in enumerate(values)}
