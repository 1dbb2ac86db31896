"""Chat platform adapters: translate platform events into the core's messages and back."""
