"""Kesenjangan kompetensi: placeholder until its issue lands (never a fake figure)."""

from ui import frame

frame.page_header("Kesenjangan kompetensi")
frame.under_construction("level hasil penilaian terhadap standar jabatan dan kebutuhan pengembangan.")
