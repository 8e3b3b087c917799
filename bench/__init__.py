"""socreg's benchmark suite (`python -m bench`, `make bench`).

Each benchmark prints its figure beside a ceiling measured in the same run on the same machine, so
the result reads as a ratio that holds on a noisy machine (handbook: quality.md, "Performance").
Results are also written as JSON to bench/results/<name>.json (git-ignored).

All load goes to 127.0.0.1 only, and every run is bounded in time.
"""
