"""Faults of the mart and of the configuration: a damaged, deleted or foreign mart, a malformed
DATABASE_URL, a killed refresh, an extension DuckDB would fetch. Each ends in one Indonesian
explanation (the app's error box, one line of the command line), never a traceback, never the
old figures; the year list offers only years that hold data.

Real parts throughout: DuckDB files damaged on disk, the dashboard under AppTest, the command
line as a subprocess, a local TCP listener standing in for DuckDB's extension repository.
The browser proof on a running server is tests/test_hardening_refresh_e2e.py.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from data_access import __main__ as cli
from data_access import db, mart, refresh

from .conftest import REPO

TIMEOUT = 60

# How a mart gets damaged, and a word the explanation must then hold.
DAMAGE = {
    "terpotong": "terpotong",  # truncated to half: header intact, blocks missing
    "tengah": "rusak atau terpotong",  # table blocks overwritten: opens, fails when read
    "acak": "bukan mart analitik yang utuh",  # random bytes, same inode
    "kosong": "bukan mart analitik yang utuh",  # zero bytes
    "sqlite": "basis data SQLite",  # an SQLite file where the mart belongs
    "hapus": "belum ada",  # deleted
}


def damage(path: Path, how: str, sqlite_file: Path | None = None) -> None:
    """Damage the mart file at `path` in place (the same inode, except "sqlite" and "hapus")."""
    size = path.stat().st_size
    if how == "terpotong":
        os.truncate(path, size // 2)
    elif how == "kosong":
        os.truncate(path, 0)
    elif how == "acak":
        with path.open("r+b") as fh:
            fh.write(os.urandom(size))
    elif how == "tengah":
        offsets = table_blocks(path)
        with path.open("r+b") as fh:
            for offset in offsets:
                fh.seek(offset + 64)  # past the block's checksum: its payload no longer matches it
                fh.write(b"\xff" * 4096)
    elif how == "sqlite":
        os.replace(shutil.copy(sqlite_file, path.with_name("salinan.sqlite")), path)
    elif how == "hapus":
        path.unlink()
    else:
        raise ValueError(how)


def table_blocks(path: Path) -> list[int]:
    """File offsets of the data blocks of every table but meta (and none meta shares)."""
    with duckdb.connect(str(path), read_only=True) as con:
        size = con.execute("SELECT block_size FROM pragma_database_size() "
                           "WHERE database_name = current_database()").fetchone()[0]
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]

        def blocks(table):
            return {b for (b,) in con.execute(
                f"SELECT DISTINCT block_id FROM pragma_storage_info('{table}') WHERE block_id >= 0").fetchall()}
        others = set().union(*(blocks(t) for t in tables if t != "meta")) - blocks("meta")
    assert len(others) > 3
    return [3 * 4096 + b * size for b in sorted(others)]


@pytest.fixture
def copy(sqlite_demo, tmp_path):
    """A mart of its own (a copy of the small demo's), beside a copy of its source."""
    url, path = sqlite_demo
    shutil.copy(path, tmp_path / "mart.duckdb")
    source = shutil.copy(url.removeprefix("sqlite:///"), tmp_path / "sumber.sqlite")
    yield f"sqlite:///{source}", tmp_path / "mart.duckdb"
    mart._forget(str(tmp_path / "mart.duckdb"))


def configured(monkeypatch, url: str, path: Path, tmp_path: Path) -> None:
    """The app on a configured source and mart, without login (AUTH_DISABLED)."""
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MART_PATH", str(path))
    monkeypatch.setenv("AUTH_DISABLED", "1")
    monkeypatch.setenv("AKSES_PATH", str(tmp_path / "akses.sqlite"))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))


def new_app() -> AppTest:
    return AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT).run()


def shows_figures(at: AppTest) -> bool:
    return any("ASN dalam pilihan ini" in m.value for m in at.markdown)


def explained(at: AppTest, words: str) -> bool:
    """An Indonesian explanation in an error box, no traceback, no figures."""
    assert not at.exception, at.exception
    assert not shows_figures(at) and not at.metric
    return any(words in e.value for e in at.error)


# --- the reader: a damaged file is a MartUnavailable, a faulty query stays a fault -------------

def test_truncated_mart_is_caught_when_opened(copy):
    _, path = copy
    assert mart.info(str(path)).tahun_akhir == 2026
    damage(path, "terpotong")  # same inode, new mtime: a new version
    with pytest.raises(mart.MartUnavailable, match="terpotong"):
        mart.info(str(path))
    assert not [k for k in mart._CONNECTIONS if k[0] == str(path)]


def test_block_damaged_mid_file_fails_the_query_that_reads_it(copy):
    _, path = copy
    damage(path, "tengah")
    version = mart.version(str(path))
    assert mart.info(str(path)).demo  # meta and the catalog are intact: the file opens
    with pytest.raises(mart.MartUnavailable, match="rusak atau terpotong"):
        mart.run(str(path), version, "SELECT sum(jumlah_pegawai) FROM pelatihan_tahun")
    assert (str(path), version) not in mart._CONNECTIONS  # dropped: the next query opens afresh
    with pytest.raises(mart.MartUnavailable):
        list(mart.stream(str(path), version, "SELECT * FROM pegawai"))
    # A fault of the query itself is not taken for a damaged mart.
    with pytest.raises(duckdb.BinderException):
        mart.run(str(path), version, "SELECT kolom_tidak_ada FROM meta")
    with pytest.raises(duckdb.CatalogException):
        mart.run(str(path), version, "SELECT * FROM tabel_tidak_ada")


def test_invalidated_database_is_dropped_and_the_next_mart_opens(copy, tmp_path):
    _, path = copy
    version = mart.version(str(path))
    # A real DuckDB database invalidated by a fatal error (a checkpoint aborted on purpose),
    # standing in for the reader's connection to this version.
    spare = tmp_path / "rusak.duckdb"
    shutil.copy(path, spare)
    broken = duckdb.connect(str(spare))
    broken.execute("SET debug_checkpoint_abort = 'before_header'")
    broken.execute("CREATE TABLE x AS SELECT 1")
    with pytest.raises(duckdb.FatalException):
        broken.execute("CHECKPOINT")
    mart._forget(str(path))
    mart._CONNECTIONS[(str(path), version)] = broken
    with pytest.raises(mart.MartUnavailable, match="rusak"):
        mart.run(str(path), version, "SELECT count(*) FROM meta")
    assert (str(path), version) not in mart._CONNECTIONS
    assert mart.run(str(path), version, "SELECT count(*) AS n FROM pegawai")["n"][0] == 1500


@pytest.mark.parametrize("how", list(DAMAGE))
def test_damaged_mart_is_refused_when_opened(copy, how):
    url, path = copy
    damage(path, how, Path(url.removeprefix("sqlite:///")))
    with pytest.raises(mart.MartUnavailable, match=DAMAGE[how] if how != "tengah" else None) as caught:
        found = mart.info(str(path))
        mart.run(str(path), found.version, "SELECT * FROM pelatihan_tahun")
    assert "Traceback" not in str(caught.value) and "Error" not in str(caught.value).split("(")[0]


# --- the app: an explanation on a first start and on a running server ----------------------------

@pytest.mark.parametrize("how", list(DAMAGE))
def test_damaged_mart_on_a_first_start_is_explained(copy, monkeypatch, tmp_path, how):
    url, path = copy
    damage(path, how, Path(url.removeprefix("sqlite:///")))
    configured(monkeypatch, url, path, tmp_path)
    assert explained(new_app(), DAMAGE[how])


@pytest.mark.parametrize("how", ["terpotong", "tengah", "acak", "hapus"])
def test_damage_while_serving_reaches_the_next_session(copy, monkeypatch, tmp_path, how):
    """AppTest runs the app in this process: the reader's connection to the good file is open
    (as on a running server) when the file is damaged under it."""
    url, path = copy
    configured(monkeypatch, url, path, tmp_path)
    assert shows_figures(new_app())
    pristine = shutil.copy(path, tmp_path / "utuh.duckdb")
    damage(path, how)
    assert explained(new_app(), DAMAGE[how])
    os.replace(pristine, path)  # a good mart again (what a refresh does): figures again
    at = new_app()
    assert not at.exception and shows_figures(at)


def test_sqlite_file_as_mart_is_refused_not_overwritten(copy, monkeypatch, tmp_path, capsys):
    url, _ = copy
    source = Path(url.removeprefix("sqlite:///"))
    before = source.read_bytes()
    assert cli.main(["--db", url, "--mart", str(source), "refresh"]) == 2
    err = capsys.readouterr().err
    assert "basis data SQLite" in err and "tidak menimpanya" in err
    assert source.read_bytes() == before
    configured(monkeypatch, url, source, tmp_path)
    assert explained(new_app(), "basis data SQLite")


def test_the_year_list_offers_only_years_that_hold_data(tmp_path, monkeypatch):
    """A source whose data skip a year: 2019 (one training) and 2022-2023. 2020 and 2021 hold
    nothing, 2018 has a training of someone not yet on the payroll: none of them is built or offered."""
    from .test_importer import good_files, imported_mart, pns_row, training_row

    files = good_files()
    nip = "197001012019011001"
    files["pegawai"].append(pns_row(nip, "Pegawai Baru"))
    files["pegawai"][-1][10] = "2019-01-01"  # TMT
    files["riwayat_pelatihan"] += [training_row(10, nip, "2019-05-01", "8"),
                                   training_row(11, nip, "2018-05-01", "8"),  # before his TMT
                                   training_row(12, nip, "2022-05-01", "8"),
                                   training_row(13, nip, "2023-05-01", "8")]
    path, version = imported_mart(tmp_path, files)
    info = mart.info(path)
    assert info.meta_dict["tahun_data"] == "2019,2022,2023,2025"
    assert info.years == [2019, 2022, 2023, 2025]
    built = mart.run(path, version, "SELECT DISTINCT tahun FROM pegawai_tahun ORDER BY 1")["tahun"].tolist()
    assert built == [2019, 2022, 2023, 2025]
    configured(monkeypatch, f"sqlite:///{tmp_path / 's.sqlite'}", Path(path), tmp_path)
    at = new_app()
    assert not at.exception
    year = next(s for s in at.sidebar.selectbox if s.label == "Tahun")
    assert year.options == ["2025", "2023", "2022", "2019"] and year.value == "2025"


# --- configuration: a malformed DATABASE_URL or setting ----------------------------------------

BAD_URLS = {
    "postgresql://pengguna:rahasia@host:bukanport/db": "bukan angka",
    "nonsense": "tidak dapat dibaca",
    "mysql+pymysql://root@127.0.0.1:99999/x": "(99999) tidak sah",
}


@pytest.mark.parametrize("url", list(BAD_URLS))
@pytest.mark.parametrize("command", [["refresh"], ["check"], ["import", "."], ["demo", "--pegawai", "100"]])
def test_malformed_database_url_is_one_line_in_the_command_line(url, command, tmp_path, capsys):
    code = cli.main(["--db", url, "--mart", str(tmp_path / "m.duckdb"), *command])
    out = capsys.readouterr()
    assert code == 2
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Gagal: ") and BAD_URLS[url] in lines[0]
    assert "1 sampai 65535" in lines[0] or "Contoh yang benar" in lines[0]
    assert "rahasia" not in out.err + out.out
    assert not (tmp_path / "m.duckdb").exists()


def test_malformed_url_through_the_environment_in_a_real_process(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgresql://u@h:notaport/db", "MART_PATH": str(tmp_path / "m.duckdb")}
    for command in ("refresh", "check"):
        out = subprocess.run([sys.executable, "-m", "data_access", command], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=120, check=False)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert out.stderr.startswith("Gagal: Port di DATABASE_URL") and len(out.stderr.splitlines()) == 1


def test_a_malformed_setting_is_named(monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PEGAWAI", "banyak")
    assert cli.main(["check"]) == 2
    assert "DEMO_PEGAWAI" in capsys.readouterr().err
    at = new_app()
    assert not at.exception and any("DEMO_PEGAWAI" in e.value for e in at.error)


def test_a_file_that_is_no_sqlite_database_as_source(copy, capsys):
    _, path = copy  # the mart itself given as the SQLite source
    assert cli.main(["--db", f"sqlite:///{path}", "check"]) == 2
    assert "bukan basis data SQLite" in capsys.readouterr().err


@pytest.mark.parametrize("url", list(BAD_URLS))
def test_malformed_database_url_in_the_app(url, monkeypatch, tmp_path):
    configured(monkeypatch, url, tmp_path / "belum-ada.duckdb", tmp_path)
    at = new_app()
    assert explained(at, BAD_URLS[url]) and "belum ada" in at.error[0].value
    assert "rahasia" not in at.error[0].value


# --- a killed refresh leaves nothing behind the next one -----------------------------------------

def _scratch(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in ("mart.duckdb", "sumber.sqlite", "riwayat.jsonl"))


def test_killed_refresh_leaves_no_scratch_after_the_next(copy):
    url, path = copy
    folder = path.parent
    before = mart.info(str(path))
    proc = subprocess.Popen([sys.executable, "-m", "data_access", "--db", url, "--mart", str(path), "refresh"],
                            cwd=REPO, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:  # kill it while it builds the new mart beside the old
        if "Membangun tabel agregat" in line:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    left = _scratch(folder)
    assert any(re.fullmatch(r"kerja-\d+-\d+\.duckdb", n) for n in left), left
    assert any(re.fullmatch(r"mart\.duckdb\.baru-\d+-\d+", n) for n in left), left
    # The old mart is untouched and still serves.
    assert mart.info(str(path)) == before
    assert mart.run(str(path), before.version, "SELECT count(*) AS n FROM pegawai")["n"][0] == 1500
    # Leftovers of other kinds a killed refresh can leave, and files that are not scratch.
    (folder / "kerja-1-2.duckdb.tmp").mkdir()
    (folder / "kerja-1-2.duckdb.tmp" / "duckdb_temp_storage-0.tmp").write_bytes(b"x")
    (folder / "kerja-1-2.duckdb.wal").write_bytes(b"x")
    (folder / "mart.duckdb.baru-1-2.wal").write_bytes(b"x")
    keep = ["catatan-kerja.txt", "kerja-cadangan.duckdb", "mart.duckdb.bak"]
    for name in keep:
        (folder / name).write_bytes(b"x")
    refresh.refresh(url, str(path))
    assert _scratch(folder) == sorted(keep)
    assert mart.info(str(path)).built_at >= before.built_at


def test_a_running_refresh_keeps_its_scratch_while_another_waits(copy):
    """The next refresh removes leftovers only once it holds the folder: one that starts while
    another runs waits for it, and both finish."""
    url, path = copy
    first = subprocess.Popen([sys.executable, "-m", "data_access", "--db", url, "--mart", str(path), "refresh"],
                             cwd=REPO, stderr=subprocess.PIPE, text=True)
    for line in first.stderr:
        if "Membaca tabel" in line:
            break
    steps = []
    refresh.refresh(url, str(path), progress=lambda step, f: steps.append(step))
    assert first.wait(timeout=120) == 0, first.stderr.read()
    assert steps[0] == "Menunggu pembaruan mart lain di folder yang sama selesai"
    assert _scratch(path.parent) == []
    assert mart.info(str(path)).tahun_akhir == 2026


# --- DuckDB never fetches an extension -------------------------------------------------------------

@pytest.fixture
def repository():
    """A local TCP listener set as DuckDB's extension repository: it records any request."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    hits = []

    def answer():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            hits.append(conn.recv(2000))
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            conn.close()
    threading.Thread(target=answer, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", hits
    server.close()


NEEDS_EXTENSION = [
    ("SELECT * FROM read_csv('https://evil.example/data.csv')", "httpfs"),
    ("SELECT * FROM sqlite_scan('sumber.sqlite', 'pegawai')", "sqlite_scanner"),
]


def _needs_extension_fails_fast(con, repo_url: str, hits: list) -> None:
    con.execute(f"SET custom_extension_repository = '{repo_url}'")
    try:
        assert con.execute("SELECT current_setting('autoinstall_known_extensions'), "
                           "current_setting('autoload_known_extensions')").fetchone() == (False, False)
        for sql, extension in NEEDS_EXTENSION:
            started = time.monotonic()
            with pytest.raises(duckdb.Error) as caught:
                con.execute(sql)
            assert extension in str(caught.value) and "download" not in str(caught.value).lower()
            assert time.monotonic() - started < 2
        assert hits == []  # DuckDB asked the repository for nothing
    finally:
        con.execute("RESET custom_extension_repository")


def test_the_listener_sees_duckdb_fetch_an_extension_by_default(repository):
    """The proof below can fail: with DuckDB's own defaults the same statement asks the repository."""
    repo_url, hits = repository
    con = duckdb.connect()
    con.execute(f"SET custom_extension_repository = '{repo_url}'")
    with pytest.raises(duckdb.Error):
        con.execute(NEEDS_EXTENSION[0][0])
    assert hits and b"httpfs" in hits[0]


def test_no_connection_fetches_an_extension(repository, sqlite_demo):
    repo_url, hits = repository
    _, path = sqlite_demo
    _needs_extension_fails_fast(mart.connect(), repo_url, hits)  # the importer's, validate's, refresh's
    _needs_extension_fails_fast(mart._connection(str(path), mart.version(str(path))), repo_url, hits)  # the reader's
    with pytest.raises(duckdb.Error, match="httpfs"):  # and through the one function every query passes
        mart.run(str(path), mart.version(str(path)), NEEDS_EXTENSION[0][0])


def test_every_duckdb_connection_comes_from_mart_connect():
    """So that the settings above hold for all of them: the project's code opens DuckDB nowhere else."""
    found = []
    for file in [REPO / "dashboard.py", *REPO.glob("data_access/**/*.py"), *REPO.glob("ui/*.py"),
                 *REPO.glob("pages/*.py"), *REPO.glob("bench/*.py")]:
        for number, line in enumerate(file.read_text().splitlines(), 1):
            if re.search(r"duckdb\.connect\(", line):
                found.append(f"{file.relative_to(REPO)}:{number}")
    assert found == [f"data_access/mart.py:{_line_of('    con = duckdb.connect(path, read_only=read_only)')}"]


def _line_of(text: str) -> int:
    return (REPO / "data_access" / "mart.py").read_text().splitlines().index(text) + 1


def test_describe_url_never_raises():
    for url in [*BAD_URLS, "", "://", "postgresql://u:p@h:-1/d"]:
        assert db.describe_url(url) == "(DATABASE_URL tidak valid)"
    assert isinstance(db.parse_url("sqlite:///data/x.sqlite"), sa.engine.URL)


def test_a_replaced_mart_is_read_while_a_download_still_reads_the_old_one(tmp_path):
    """DuckDB's instance cache would hand back the old database under the same path while any
    cursor of it is open (a download streaming, a query running): each version is its own
    instance (mart._connection), so the new file is read at once and the old stream ends."""
    for name, value in (("lama", 1), ("baru", 2)):
        con = mart.connect(str(tmp_path / f"{name}.duckdb"))
        con.execute(f"CREATE TABLE t AS SELECT {value} AS v, range AS i FROM range(200000)")
        con.close()
    path = str(tmp_path / "mart.duckdb")
    os.replace(tmp_path / "lama.duckdb", path)
    old = mart.version(path)
    download = mart.stream(path, old, "SELECT v FROM t", rows=1000)
    assert set(next(download)["v"]) == {1}  # the download holds a cursor of the old file
    os.replace(tmp_path / "baru.duckdb", path)
    new = mart.version(path)
    assert new != old
    assert mart.run(path, new, "SELECT DISTINCT v FROM t")["v"].tolist() == [2]
    assert set(pd.concat(list(download))["v"]) == {1}  # and the download ends on the file it began on


def test_a_date_in_the_future_neither_offers_its_year_nor_moves_data_per(sqlite_demo, tmp_path):
    """A source loaded without the importer's checks may hold 2205: the refresh leaves it out."""
    url, _ = sqlite_demo
    shutil.copy(url.removeprefix("sqlite:///"), tmp_path / "s.sqlite")
    engine = db.make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
    with engine.begin() as conn:
        row = dict(conn.execute(sa.text("SELECT * FROM survei_kepuasan LIMIT 1")).mappings().one())
        row.update(id=10**9, tanggal="2205-07-01")
        conn.execute(sa.text(f"INSERT INTO survei_kepuasan ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"),
                     row)
    engine.dispose()
    refresh.refresh(f"sqlite:///{tmp_path / 's.sqlite'}", str(tmp_path / "m.duckdb"))
    info = mart.info(str(tmp_path / "m.duckdb"))
    assert 2205 not in info.years and max(info.years) <= date.today().year
    assert info.data_per is not None and info.data_per <= date.today()
