"""Screens of the HotSpare TUI."""
