"""The contract: created alike on every database, documented column by column, and the
command line that works with it."""

from __future__ import annotations

import re
import subprocess
import sys

import sqlalchemy as sa

from data_access import contract, db

from .conftest import REPO


def test_contract_tables_create_on_every_database(empty_source):
    engine = db.make_engine(empty_source, create_sqlite_dir=True)
    with engine.begin() as conn:
        db.create_tables(conn)
        db.create_tables(conn)  # twice is harmless
    inspector = sa.inspect(engine)
    for table in contract.TABLES:
        columns = [c["name"] for c in inspector.get_columns(table.name)]
        assert columns == [c.name for c in table.columns]
        assert inspector.get_pk_constraint(table.name)["constrained_columns"] == \
            [c.name for c in table.primary_key.columns]
    # JP is an exact decimal of two places in every database, not a float.
    jp = next(c for c in inspector.get_columns("riwayat_pelatihan") if c["name"] == "jp")
    assert isinstance(jp["type"], sa.Numeric) and not isinstance(jp["type"], sa.Float)
    assert (jp["type"].precision, jp["type"].scale) == (8, 2)
    engine.dispose()


def test_jp_decimal_rule_is_described_in_the_dictionary_and_the_document():
    row = contract.kamus("riwayat_pelatihan").loc["jp"]
    assert row["Tipe"] == "numeric(8, 2)"
    assert row["Aturan"] == "lebih dari 0; paling besar 2000; paling banyak 2 angka di belakang koma"
    doc = (REPO / "docs" / "data-contract.md").read_text()
    line = next(x for x in doc.splitlines() if x.startswith("| `jp` |"))
    assert "paling banyak 2 angka di belakang koma" in line and "2000" in line


def test_every_table_and_column_is_documented():
    doc = (REPO / "docs" / "data-contract.md").read_text()
    sections = re.split(r"^### ", doc, flags=re.M)
    for table in contract.TABLES:
        section = next((s for s in sections if s.startswith(f"`{table.name}`")), None)
        assert section, f"tabel {table.name} tidak didokumentasikan"
        for column in table.columns:
            assert f"`{column.name}`" in section or (
                column.name[0] == "u" and "`u1` … `u9`" in section), f"{table.name}.{column.name}"


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "data_access", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300, env=env)


def test_unreachable_database_gives_one_indonesian_line():
    out = _cli("--db", "postgresql+psycopg://dasbor:rahasia@127.0.0.1:1/tidakada", "check")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "server tidak dapat dihubungi" in out.stderr and "DATABASE_URL" in out.stderr
    assert "rahasia" not in out.stderr + out.stdout


def test_missing_tables_and_bad_url_are_explained(tmp_path):
    empty = tmp_path / "kosong.sqlite"
    sa.create_engine(f"sqlite:///{empty}").connect().close()
    out = _cli("--db", f"sqlite:///{empty}", "--mart", str(tmp_path / "m.duckdb"), "refresh")
    assert out.returncode == 2 and "belum memuat tabel kontrak data" in out.stderr
    assert not (tmp_path / "m.duckdb").exists()
    out = _cli("--db", "bukan-url", "check")
    assert out.returncode == 2 and "DATABASE_URL tidak dapat dibaca" in out.stderr


def test_demo_then_check_from_the_command_line(tmp_path):
    db_url = f"sqlite:///{tmp_path / 's.sqlite'}"
    mart = tmp_path / "m.duckdb"
    out = _cli("--db", db_url, "--mart", str(mart), "demo", "--pegawai", "300")
    assert out.returncode == 0, out.stderr
    assert "Mart diperbarui" in out.stdout and mart.exists()
    assert "%] Pegawai" in out.stderr and "%]" not in out.stdout  # progress on stderr only
    out = _cli("--db", db_url, "check")
    assert out.returncode == 0 and "Tidak ada masalah" in out.stdout


def test_settings_come_from_the_environment(tmp_path):
    import os
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'env.sqlite'}",
               MART_PATH=str(tmp_path / "env.duckdb"))
    out = _cli("demo", "--pegawai", "200", env=env)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "env.sqlite").exists() and (tmp_path / "env.duckdb").exists()
