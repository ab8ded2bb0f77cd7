"""Widgets showing the item models: the reference table, the sidebar, the detail panel."""
