"""Ringkasan eksekutif: placeholder until its issue lands (never a fake figure)."""

from ui import frame

frame.page_header("Ringkasan eksekutif")
frame.under_construction("angka utama dengan perubahan terhadap periode lalu, peta 38 provinsi, dan unit yang perlu perhatian.")
