"""atheris (libFuzzer) harnesses for the document parsers: ``python -m fuzz.fuzz_<format> [options] [corpus]``."""
