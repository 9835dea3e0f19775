"""Stage 2: document model → typed tables, one pandera model per table."""
