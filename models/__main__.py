"""Command line: ``python -m models train --list`` / ``python -m models train NAME [...]``."""

from __future__ import annotations

import argparse
import sys

from models import checkpoints, data


def build_parser() -> argparse.ArgumentParser:
    from models.train import TRAINERS

    parser = argparse.ArgumentParser(prog="python -m models", description="Train GenAI Lab's shipped models.")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="retrain a shipped model into assets/checkpoints/NAME")
    train.add_argument("name", nargs="?", choices=sorted(TRAINERS), metavar="NAME",
                       help="model to train (see --list)")
    train.add_argument("--list", action="store_true", help="list every shipped model and exit")
    train.add_argument("--epochs", type=int, help="number of epochs (model default if omitted)")
    train.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    train.add_argument("--resume", action="store_true", help="continue from the shipped checkpoint")
    export = sub.add_parser("export-data", help="copy the test split and the fixed 10k subset into assets/data")
    export.add_argument("--out", default=str(data.ASSETS_DATA))
    return parser


def main(argv: list[str] | None = None) -> int:
    from models.train import TRAINERS, summary, train

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export-data":
        try:
            print(data.export_shipped(args.out))
        except data.FashionMNISTError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.list:
        for name, trainer in TRAINERS.items():
            print(f"{name:24s} {trainer.description}")
        return 0
    if not args.name:
        parser.error("give a model NAME or --list")
    if args.epochs is not None and args.epochs <= 0:
        parser.error("--epochs must be a positive integer")
    try:
        metrics = train(args.name, epochs=args.epochs, device=args.device, resume=args.resume)
    except (data.FashionMNISTError, checkpoints.CheckpointError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(summary(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
