"""Perbandingan wilayah dan instansi: placeholder until its issue lands (never a fake figure)."""

from ui import frame

frame.page_header("Perbandingan wilayah dan instansi")
frame.under_construction("unit dibandingkan satu sama lain dan dengan angka provinsi dan nasional.")
