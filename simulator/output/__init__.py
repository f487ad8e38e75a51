"""Report writers: JSON lines, the Markdown summary, the console summary."""
