"""Review of issue 20 (real data in): the faults found, each pinned by a test that failed before its fix."""

from __future__ import annotations

from pathlib import Path

from data_access import db, importer, riwayat
from data_access.validate import Problem, Report, scratch

from .test_kelola import ADMIN, grid, signed_in, site  # noqa: F401  (site: the fixture)

NIP = "199103152015031987"


def test_a_siasn_json_number_of_thousands_of_digits_is_a_problem_not_a_traceback(tmp_path: Path):
    """Python refuses to turn more than 4300 digits into an int: json.load raised ValueError
    out of the importer. The digits are now kept as text and refused by the NIP rule."""
    (tmp_path / "data_utama.json").write_text('[{"nipBaru": ' + "1" * 5000 + ', "nama": "Sari"}]')
    report = Report()
    with scratch() as duck:
        labels = importer.read_folder(duck, tmp_path, report, "siasn")
    assert report.ok and labels == {"pegawai": "data_utama.json"}


def test_a_refused_import_keeps_no_value_of_its_first_problem_in_the_history(tmp_path: Path):
    """The history is shown on Tentang data to every role: the first problem's place is kept, not its value."""
    mart = tmp_path / "mart.duckdb"
    report = Report()
    report.add(Problem("pegawai.csv", "3", "nip", NIP, "NIP ganda"))
    riwayat.catat_impor(mart, ADMIN, ["pegawai.csv"], report)
    text = riwayat.lokasi(mart).read_text()
    assert NIP not in text
    assert riwayat.baca(mart)[0][-1]["keterangan"] == "1 masalah; tidak ada yang ditulis. pegawai.csv, baris 3, kolom nip: NIP ganda"


def test_a_user_limited_to_one_province_sees_no_national_import_counts_or_files(site):  # noqa: F811
    url, mart = site
    riwayat.catat(mart, "impor", ADMIN, "berhasil", berkas=["pegawai_nasional.csv"], tabel={"pegawai": (51234, 7)},
                  keterangan="3 peringatan")
    national = grid(signed_in("eksekutif@contoh.go.id", "tentang_data"), "Waktu")  # empty scope: all of Indonesia
    assert national["Baris baru"].iloc[0] == 51227 and national["Berkas"].iloc[0] == "pegawai_nasional.csv"
    for email in ("kepala@contoh.go.id", "perencana@contoh.go.id"):
        shown = grid(signed_in(email, "tentang_data"), "Waktu")
        assert list(shown.columns) == ["Waktu", "Proses", "Hasil"], email
        assert shown["Proses"].iloc[0] == "Impor"


def test_the_mart_table_sizes_are_shown_only_to_users_over_all_of_indonesia(site):  # noqa: F811
    national = signed_in("eksekutif@contoh.go.id", "tentang_data")
    assert "Isi mart analitik" in [h.value for h in national.subheader]
    for email in ("kepala@contoh.go.id", "perencana@contoh.go.id"):
        limited = signed_in(email, "tentang_data")
        assert "Isi mart analitik" not in [h.value for h in limited.subheader], email
        assert not [d for d in limited.dataframe if d.value.columns[0] == "Tabel mart"], email


def test_control_and_direction_override_characters_are_refused_and_line_breaks_kept(tmp_path: Path):
    from .test_importer import good_files, write_folder
    files = good_files()
    files["pegawai"][1][1] = "Siti\x1b[31m Rahayu"        # row 2: an ESC sequence
    files["pegawai"][2][1] = "Budi \u202eotnasoS"          # row 3: right-to-left override
    files["survei_kepuasan"][1][-1] = "Antrean cepat.\r\nPetugas ramah."  # line breaks in a suggestion
    engine = db.make_engine(f"sqlite:///{tmp_path / 'sumber.sqlite'}", create_sqlite_dir=True)
    report = importer.import_folder(engine, write_folder(tmp_path / "masuk", files))
    found = [(p.berkas, p.baris, p.kolom) for p in report.problems if "karakter kendali" in p.pesan]
    assert found == [("pegawai.csv", "2", "nama"), ("pegawai.csv", "3", "nama")], report.text()
    assert report.total == 2
