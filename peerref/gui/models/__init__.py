"""Qt item models adapting the library's listings and trees to views (STYLE.md #2-#4)."""
