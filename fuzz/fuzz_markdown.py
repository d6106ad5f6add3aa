"""Fuzz the Markdown parser: ``python -m fuzz.fuzz_markdown [libFuzzer options] [corpus folder]``."""

from fuzz.harness import main

if __name__ == "__main__":
    main(".md")
