"""The history of imports and refreshes: who, when, which files, how many rows new and
replaced per table, and with what result.

One JSON object a line in `riwayat.jsonl` beside the mart (the folder every refresh writes to,
so it is writable wherever data is loaded; a refresh replaces the mart, never this file).
Written by the Kelola data page, by `python -m data_access import` and by every refresh
(`refresh.refresh`); read by the Kelola data and Tentang data pages.

Lines are appended under a lock (flock on the file), so two processes never interleave halves
of lines. A reader skips a line it cannot read (a disk that filled mid-line, a hand edit) and
counts it; a writer that finds the file ending mid-line starts on a line of its own, so one
damaged line never swallows the next. No NIP or name of an employee is ever written: emails of
who acted, file names, table names and row counts.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pandas as pd

from . import rules

NAMA_BERKAS = "riwayat.jsonl"
KEGIATAN = {"impor": "Impor", "refresh": "Pembaruan mart"}
_PANJANG = 300  # characters of a message kept in a line: enough to read it, never a huge value

log = logging.getLogger("dasbor.riwayat")


def lokasi(mart_path: str | Path) -> Path:
    """The history file of a mart: beside it."""
    return Path(mart_path).with_name(NAMA_BERKAS)


def _pendek(text: str | None) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= _PANJANG else text[:_PANJANG - 1] + "…"


def catat(mart_path: str | Path, jenis: str, oleh: str, hasil: str, *, berkas=(), tabel: dict | None = None,
          keterangan: str = "", **lain) -> dict:
    """Append one entry (jenis "impor" or "refresh"; hasil "berhasil", "ditolak", "gagal" or
    "terputus"); returns it. `tabel`: table -> (rows written, of which replaced a stored row)."""
    entry = {
        "waktu": datetime.now().astimezone().isoformat(timespec="seconds"),
        "jenis": jenis, "oleh": _pendek(oleh), "hasil": hasil,
        "berkas": [_pendek(b) for b in berkas],
        "tabel": {name: {"baru": int(n) - int(diganti), "diganti": int(diganti)}
                  for name, (n, diganti) in (tabel or {}).items()},
        "keterangan": _pendek(keterangan),
        **{k: _pendek(v) for k, v in lain.items()},
    }
    # ASCII only: a U+2028 in a name stays inside its line for every reader of "lines".
    line = (json.dumps(entry, ensure_ascii=True, sort_keys=False) + "\n").encode()
    path = lokasi(mart_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            fh.seek(0, os.SEEK_END)
            if fh.tell() > 0:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":  # a writer cut short mid-line: begin a line of our own
                    line = b"\n" + line
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    return entry


def catat_aman(mart_path: str | Path, jenis: str, oleh: str, hasil: str, **kwargs) -> None:
    """`catat`, for callers whose own outcome matters more than its record (a refresh that
    succeeded is not failed because its history could not be written): a failure is logged."""
    try:
        catat(mart_path, jenis, oleh, hasil, **kwargs)
    except OSError as exc:
        where, why = lokasi(mart_path), exc.strerror or exc.__class__.__name__  # a path and the system's reason
        log.warning("riwayat tidak dapat ditulis di %s: %s", where, why)


def catat_impor(mart_path: str | Path, oleh: str, berkas, report=None, galat: str | None = None) -> None:
    """Record one import: its validate.Report (rows written per table, or the problems that
    refused it), or `galat`, the reason it could not run (an unreachable source). Written with
    `catat_aman`: an import that happened is not undone by a history that cannot be written."""
    if galat is not None:
        catat_aman(mart_path, "impor", oleh, "gagal", berkas=berkas, keterangan=galat)
    elif report.ok:
        catat_aman(mart_path, "impor", oleh, "berhasil", berkas=berkas, tabel=report.written,
                   keterangan=f"{report.warnings_total} peringatan" if report.warnings else "")
    else:
        # Where the first problem is, never its value (a NIP, a name): the history is shown to every role.
        first = replace(report.problems[0], nilai=None).text() if report.problems else ""
        catat_aman(mart_path, "impor", oleh, "ditolak", berkas=berkas,
                   keterangan=f"{report.total} masalah; tidak ada yang ditulis. {first}")


def baca(mart_path: str | Path) -> tuple[list[dict], int]:
    """(entries, oldest first; how many lines could not be read)."""
    path = lokasi(mart_path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return [], 0
    entries, rusak = [], 0
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            entry = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            rusak += 1
            continue
        if not isinstance(entry, dict) or entry.get("jenis") not in KEGIATAN or not isinstance(entry.get("waktu"), str):
            rusak += 1
            continue
        entries.append(entry)
    return entries, rusak


def _rincian(tabel) -> str:
    if not isinstance(tabel, dict):
        return ""
    return "; ".join(f"{name}: {_angka(t.get('baru'))} baru, {_angka(t.get('diganti'))} diganti"
                     for name, t in tabel.items() if isinstance(t, dict))


def _angka(value) -> str:
    return rules.ribuan(value) if isinstance(value, int) else "?"


def _jumlah(tabel, kunci: str) -> float:
    if not isinstance(tabel, dict):
        return float("nan")
    values = [t.get(kunci) for t in tabel.values() if isinstance(t, dict)]
    values = [v for v in values if isinstance(v, int)]
    return float(sum(values)) if values else float("nan")


def _waktu(text: str) -> str:
    """27 Nov 2026 14.05, in the time zone it was written in."""
    try:
        return rules.waktu(text)
    except ValueError:
        return text[:40]


def tabel(mart_path: str | Path, pelaku: bool, batas: int = 200) -> tuple[pd.DataFrame, int]:
    """The history as a table, newest first (at most `batas` entries), and how many lines could
    not be read. `pelaku`: with the "Oleh" column (who acted is shown to admins only)."""
    entries, rusak = baca(mart_path)
    rows = []
    for e in reversed(entries[-batas:]):
        berkas = e.get("berkas")
        row = {
            "Waktu": _waktu(e["waktu"]),
            "Proses": KEGIATAN[e["jenis"]],
            "Oleh": str(e.get("oleh", "")),
            "Berkas": ", ".join(map(str, berkas)) if isinstance(berkas, list) else "",
            "Baris baru": _jumlah(e.get("tabel"), "baru"),
            "Baris diganti": _jumlah(e.get("tabel"), "diganti"),
            "Rincian per tabel": _rincian(e.get("tabel")),
            "Hasil": str(e.get("hasil", "")),
            "Keterangan": str(e.get("keterangan", "")),
        }
        if e["jenis"] == "refresh" and e.get("hasil") == "berhasil":
            try:
                per = rules.tanggal(e.get("data_per") or "")
            except ValueError:
                per = "–"
            row["Keterangan"] = (f"data per {per}, {str(e.get('durasi_detik', '?')).replace('.', ',')} detik. "
                                 + row["Keterangan"]).strip()
        rows.append(row)
    columns = ["Waktu", "Proses", "Hasil", "Oleh", "Berkas", "Baris baru", "Baris diganti", "Rincian per tabel",
               "Keterangan"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["Baris baru"] = frame["Baris baru"].astype("float64")
    frame["Baris diganti"] = frame["Baris diganti"].astype("float64")
    if not pelaku:
        frame = frame.drop(columns="Oleh")
    return frame, rusak
