"""Cakupan pelatihan 20 JP: placeholder until its issue lands (never a fake figure)."""

from ui import frame

frame.page_header("Cakupan pelatihan 20 JP")
frame.under_construction("siapa yang sudah memperoleh 20 JP, melalui jenis pengembangan apa, dan di mana.")
