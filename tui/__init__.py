"""HotSpare terminal UI (Textual) and the async client it shares with the CLI."""
