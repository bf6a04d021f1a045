"""The bottom layer: what every app may use and that knows no domain (see ARCHITECTURE.md)."""
