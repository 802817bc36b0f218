"""What a run hands back: per-row results and the Summary, the results workbook and
CSV, QR images, the printed PDF and the designer's ZIP, every file written atomically."""
