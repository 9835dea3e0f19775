"""Stage 3: data-quality rules over the typed tables; ERROR findings refuse an article."""
