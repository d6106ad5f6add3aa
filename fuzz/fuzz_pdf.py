"""Fuzz the PDF parser: ``python -m fuzz.fuzz_pdf [libFuzzer options] [corpus folder]``."""

from fuzz.harness import main

if __name__ == "__main__":
    main(".pdf")
