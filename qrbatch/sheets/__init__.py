"""Spreadsheets in (read.py) and the results workbook out (write.py)."""
