"""Fuzz the plain-text parser: ``python -m fuzz.fuzz_text [libFuzzer options] [corpus folder]``."""

from fuzz.harness import main

if __name__ == "__main__":
    main(".txt")
