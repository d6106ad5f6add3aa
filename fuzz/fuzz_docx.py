"""Fuzz the DOCX parser: ``python -m fuzz.fuzz_docx [libFuzzer options] [corpus folder]``."""

from fuzz.harness import main

if __name__ == "__main__":
    main(".docx")
