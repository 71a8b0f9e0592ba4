"""Record ids are text (contract 1.1): SIASN's UUIDs and a training system's `T001` import
beside plain numbers, keys stay unique and are compared exactly on every database, and
agency and unit codes take SIASN's 36-character UUIDs."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from data_access import db, importer

from .test_importer import NIP_BUDI, NIP_SITI, good_files, training_row, write_folder

UUID_A = str(uuid.UUID(int=0xA5))  # '00000000-0000-0000-0000-0000000000a5'
UNOR = "8ae48289-6f2c-41d6-ba33-9f1b6e6a2c01"  # a unit code as SIASN writes it (36 characters)


def _training_ids(url: str) -> list[str]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id FROM riwayat_pelatihan")).scalars().all()
    engine.dispose()
    return sorted(rows)


def test_text_and_number_ids_import_and_replace_exactly(empty_source, tmp_path):
    files = good_files()
    files["riwayat_pelatihan"] = files["riwayat_pelatihan"][:1] + [
        training_row(1, NIP_SITI, "2025-03-03", "24"),  # a plain number still works
        [UUID_A, *training_row(0, NIP_SITI, "2025-04-03", "8")[1:]],
        ["T001", *training_row(0, NIP_BUDI, "2025-04-04", "4")[1:]],
        ["t001", *training_row(0, NIP_BUDI, "2025-04-05", "4")[1:]],  # another key: ids are exact
    ]
    engine = db.make_engine(empty_source, create_sqlite_dir=True)
    report = importer.import_folder(engine, write_folder(tmp_path / "a", files))
    assert report.ok, report.text()
    assert _training_ids(empty_source) == sorted(["1", UUID_A, "T001", "t001"])
    assert report.written["riwayat_pelatihan"] == (4, 0)

    # The same keys again replace their rows, on MariaDB too, where `t001` = `T001` by default.
    again = {k: files[k] for k in ("riwayat_pelatihan",)}
    again["riwayat_pelatihan"] = files["riwayat_pelatihan"][:1] + [
        ["t001", *training_row(0, NIP_BUDI, "2025-04-06", "6")[1:]]]
    report = importer.import_folder(engine, write_folder(tmp_path / "b", again))
    assert report.ok, report.text()
    assert report.written["riwayat_pelatihan"] == (1, 1)
    with engine.connect() as conn:
        got = dict(conn.execute(sa.text("SELECT id, tanggal_selesai FROM riwayat_pelatihan")).all())
    engine.dispose()
    assert str(got["t001"]) == "2025-04-06" and str(got["T001"]) == "2025-04-04"


def test_unit_codes_take_siasn_uuids(empty_source, tmp_path):
    files = good_files()
    files["unit_kerja"][1][0] = UNOR
    files["pegawai"][1][9] = UNOR
    files["survei_kepuasan"][1][1] = UNOR
    files["volume_layanan"][1][0] = UNOR
    engine = db.make_engine(empty_source, create_sqlite_dir=True)
    report = importer.import_folder(engine, write_folder(tmp_path / "a", files))
    assert report.ok, report.text()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT kode_unit FROM pegawai WHERE nip = :n"), {"n": NIP_SITI}).scalar() == UNOR
    engine.dispose()


def test_bad_ids_are_refused_with_row_and_column(tmp_path):
    files = good_files()
    files["riwayat_pelatihan"] = files["riwayat_pelatihan"][:1] + [
        ["  ", *training_row(0, NIP_SITI, "2025-03-03", "24")[1:]],      # row 2: empty
        ["x" * 65, *training_row(0, NIP_SITI, "2025-03-04", "24")[1:]],  # row 3: 65 characters
        ["T001", *training_row(0, NIP_SITI, "2025-03-05", "24")[1:]],    # row 4
        [" T001 ", *training_row(0, NIP_SITI, "2025-03-06", "24")[1:]],  # row 5: the same key, spaced
    ]
    source = tmp_path / "sumber.sqlite"
    engine = db.make_engine(f"sqlite:///{source}", create_sqlite_dir=True)
    report = importer.import_folder(engine, write_folder(tmp_path / "a", files))
    found = {(p.baris, p.kolom, p.pesan.split(" (")[0].split(":")[0]) for p in report.problems}
    assert ("2", "id", "wajib diisi") in found
    assert ("3", "id", "terlalu panjang") in found
    assert ("5", "id", "kunci ganda") in found
    assert not source.exists() or not sa.inspect(engine).has_table("riwayat_pelatihan")
    engine.dispose()
