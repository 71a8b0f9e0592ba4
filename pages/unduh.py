"""Unduh data: placeholder until its issue lands (never a fake figure)."""

from ui import frame

frame.page_header("Unduh data")
frame.under_construction("data terfilter dalam CSV dan Excel untuk perencanaan.")
