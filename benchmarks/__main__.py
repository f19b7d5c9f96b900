"""``python -m benchmarks [startup] [--repeats N]``: measure, print a table, save JSON + markdown."""

import argparse

from benchmarks import startup

BENCHMARKS = {"startup": startup.run}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], default=list(BENCHMARKS),
                        help="which benchmarks to run (default: all)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for name in args.names or BENCHMARKS:
        BENCHMARKS[name](repeats=args.repeats)


if __name__ == "__main__":
    main()
