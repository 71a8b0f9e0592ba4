"""Dampak pembinaan: placeholder until its issue lands (never a fake figure)."""

from ui import frame

frame.page_header("Dampak pembinaan")
frame.under_construction("apakah pengembangan kompetensi berjalan seiring pelayanan yang lebih baik.")
