"""Reusable widgets of the HotSpare TUI."""
