"""Stage 1: article text → document model (title, infobox, sections, lists, tables)."""
