"""Fuzz the HTML parser: ``python -m fuzz.fuzz_html [libFuzzer options] [corpus folder]``."""

from fuzz.harness import main

if __name__ == "__main__":
    main(".html")
