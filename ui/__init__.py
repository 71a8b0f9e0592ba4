"""Shared UI pieces: the filter bar and page frame, Indonesian formatting, charts."""
