"""Spreadsheets in: every format read, every cell as the text a person sees.

``read.py`` reads a sheet (header search, rows that keep every cell, sheet choice) over
``textfile.py`` (CSV encodings and delimiters) and ``workbooks.py`` (calamine for .xlsx,
.xls, .ods and .xlsb; openpyxl as the .xlsx fallback); ``cells.py`` holds what they
produce (InputRow, Sheet, CellProblem, cell_text); ``frame.py`` reads a pandas DataFrame
under the same rules; ``csvtext.py`` is the CSV escape that spreadsheets show as text and
qrbatch reads back. The results workbook is written by ``qrbatch.outputs.workbook``.
"""
