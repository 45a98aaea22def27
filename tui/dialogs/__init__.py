"""Modal dialogs of the HotSpare TUI."""
