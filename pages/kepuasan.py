"""Kepuasan masyarakat (IKM): placeholder until its issue lands (never a fake figure)."""

from ui import frame

frame.page_header("Kepuasan masyarakat (IKM)")
frame.under_construction("indeks kepuasan masyarakat sesuai PermenPANRB 14/2017, trennya, dan unsur terlemah.")
