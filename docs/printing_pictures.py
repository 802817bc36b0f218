"""Make the pictures of docs/printing.md: page 1 of the cards and the labels PDF of a
results workbook, as small PNGs.

    make demo
    .venv/bin/python docs/printing_pictures.py out/campaign.results.xlsx --label-column Store

Needs pypdfium2 (a test dependency: ``pip install -e '.[test]'``).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from qrbatch.outputs.printing import PrintOptions, pdf_from_workbook

HERE = Path(__file__).parent
PICTURES = {
    "printing-cards.png": (PrintOptions(layout="cards", paper="a6"), 110),
    "printing-labels.png": (PrintOptions(layout="labels", paper="a4-3x7"), 60),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a results workbook (qrbatch run output)")
    parser.add_argument("--label-column", default=None, help="the caption's column (Store...)")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNGs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        for name, (options, dpi) in PICTURES.items():
            options = PrintOptions(
                layout=options.layout, paper=options.paper, label_column=args.label_column
            )
            pdf = Path(temp) / f"{name}.pdf"
            pdf_from_workbook(args.results, pdf, options)
            page = pdfium.PdfDocument(pdf)[0]
            image = page.render(scale=dpi / 72).to_pil().convert("L")
            image.save(args.out / name, optimize=True)
            print(f"{args.out / name}: {image.width} x {image.height}")


if __name__ == "__main__":
    main()
