"""Command line.

``python -m models train --list`` / ``python -m models train NAME [--epochs E] [--device D] [--resume]``
``torchrun --nproc_per_node N -m models train NAME …`` trains on N processes (only the first writes and reports)
``python -m models corpus [--from DIR] [--code-only | --everyday-only]`` rebuilds the text corpora and tokenizers
under assets/text
``python -m models melodies [--from DIR]`` rebuilds assets/music (Bach chorale tunes, with music21 at build time)
``python -m models sample --family F --n N --seed S [--label K] [--sampler S --steps T --guidance W] --out F.npz``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.core import checkpoints, data, distributed
from models.image import zoo


def build_parser() -> argparse.ArgumentParser:
    from models.registry import TRAINERS

    parser = argparse.ArgumentParser(prog="python -m models", description="Train GenAI Lab's shipped models.")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="retrain a shipped model into assets/checkpoints/NAME")
    train.add_argument("name", nargs="?", choices=sorted(TRAINERS), metavar="NAME",
                       help="model to train (see --list)")
    train.add_argument("--list", action="store_true", help="list every shipped model and exit")
    train.add_argument("--epochs", type=int, help="number of epochs (model default if omitted)")
    train.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    train.add_argument("--resume", action="store_true", help="continue from the shipped checkpoint")
    train.add_argument("--minutes", type=float, help="stop after this many minutes (resumable models)")
    sample = sub.add_parser("sample", help="generate images with a shipped model into an .npz file")
    sample.add_argument("--family", required=True, choices=zoo.FAMILIES)
    sample.add_argument("--n", required=True, type=_bounded(1, 10_000), help="number of images (1-10000)")
    sample.add_argument("--seed", required=True, type=_bounded(0, 2**32 - 1), help="0 … 2^32-1")
    sample.add_argument("--label", type=_bounded(0, data.NUM_CLASSES - 1),
                        help="class 0-9 for every image (default: classes cycle i %% 10)")
    steps, defaults = zoo.step_range(), zoo.DIFFUSION
    sample.add_argument("--sampler", choices=zoo.SAMPLERS, help=f"diffusion only (default {defaults['sampler']})")
    sample.add_argument("--steps", type=_bounded(*steps),
                        help=f"diffusion only, {steps[0]}-{steps[1]} (default {defaults['steps']})")
    sample.add_argument("--guidance", type=float,
                        help=f"diffusion only: classifier-free guidance (default {defaults['guidance']})")
    sample.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    sample.add_argument("--out", required=True, help="output .npz with images (uint8 N×28×28) and labels (int64)")
    export = sub.add_parser("export-data", help="copy the test split and the fixed 10k subset into assets/data")
    export.add_argument("--out", default=str(data.ASSETS_DATA))
    text = sub.add_parser("corpus", help="rebuild assets/text (corpora and tokenizers) from the original archives")
    text.add_argument("--from", dest="source", help="directory holding the archives (default: download them)")
    text.add_argument("--code-only", action="store_true",
                      help="rebuild only the code corpus and its tokenizer (this Python's standard library, offline)")
    text.add_argument("--everyday-only", action="store_true",
                      help="rebuild only the everyday Korean corpus (ko_everyday) from its pinned GitHub archives "
                           "in --from DIR (downloaded into DIR when missing), and the Korean tokenizers")
    melodies = sub.add_parser("melodies", help="rebuild assets/music (chorale tunes) with music21, a build-time tool")
    melodies.add_argument("--from", dest="source",
                          help="directory holding the music21 wheel and its dependencies (default: download them)")
    return parser


def _bounded(lo: int, hi: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value} is outside {lo}-{hi}")
        return value

    return parse


def _sample(args, parser: argparse.ArgumentParser) -> int:
    import numpy as np

    from models.core.device import configure_threads, pick_device

    # One torch thread (or GENAI_LAB_TORCH_THREADS): on a busy machine a multi-threaded math library
    # may split the same sum differently from run to run, and "same seed, same images" is the contract.
    configure_threads()
    options = {"sampler": args.sampler, "steps": args.steps, "guidance": args.guidance}
    takes = zoo.FAMILIES[args.family].options
    given = [f"--{k}" for k, v in options.items() if v is not None and k not in takes]
    if given:
        accepting = [name for name, f in zoo.FAMILIES.items() if f.options]
        parser.error(f"{', '.join(given)} only apply to --family {' / '.join(accepting)}")
    lo, hi = zoo.GUIDANCE_RANGE
    if args.guidance is not None and not (lo <= args.guidance <= hi):
        parser.error(f"--guidance must be between {lo:g} and {hi:g}")
    if args.steps is not None and "sampler" in takes:
        sampler = args.sampler or takes["sampler"]
        first, last = zoo.SAMPLERS[sampler].steps
        if not first <= args.steps <= last:
            parser.error(f"--steps for {sampler} must be between {first} and {last}")
    try:
        model = zoo.load(args.family, device=pick_device(None if args.device == "auto" else args.device))
    except checkpoints.CheckpointError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    labels = zoo.cycle_labels(args.n, args.label)
    images = zoo.sample(model, args.family, labels, args.seed, **{k: v for k, v in options.items() if k in takes})
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        print(f"error: output directory {out.parent} does not exist", file=sys.stderr)
        return 1
    np.savez_compressed(out, images=images, labels=labels)
    print(f"wrote {len(images)} {args.family} images to {out}")
    return 0


def _corpus(source: str | None, code_only: bool = False, everyday_only: bool = False) -> int:
    import json
    import subprocess

    from models.language import corpus, tokenization

    if everyday_only and not source:
        print("error: --everyday-only needs --from DIR (where the archives are or will be downloaded)", file=sys.stderr)
        return 1
    part = ((corpus.build_code, tokenization.build_code) if code_only else
            (lambda: corpus.build_everyday(Path(source)), tokenization.build_korean) if everyday_only else None)
    try:
        summary = part[0]() if part else corpus.build(Path(source) if source else None)
    except (corpus.CorpusError, subprocess.CalledProcessError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({k: v["characters"] for k, v in summary["splits" if part else "files"].items()}, indent=1))
    print(json.dumps(part[1]() if part else tokenization.build(), indent=1))
    return 0


def _melodies(source: str | None) -> int:
    import json
    import subprocess

    from models.melody import melody_corpus

    try:
        summary = melody_corpus.build(Path(source) if source else None)
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summary, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    from models.language.corpus import CorpusError
    from models.melody.melody_corpus import MelodyError
    from models.registry import TRAINERS, summary, train

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "sample":
        return _sample(args, parser)
    if args.command == "export-data":
        try:
            print(data.export_shipped(args.out))
        except data.FashionMNISTError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.command == "corpus":
        return _corpus(args.source, args.code_only, args.everyday_only)
    if args.command == "melodies":
        return _melodies(args.source)
    if args.list:
        for name, trainer in TRAINERS.items():
            print(f"{name:24s} {trainer.description}")
        return 0
    if not args.name:
        parser.error("give a model NAME or --list")
    if args.epochs is not None and args.epochs <= 0:
        parser.error("--epochs must be a positive integer")
    if args.minutes is not None and args.minutes <= 0:
        parser.error("--minutes must be positive")
    if args.minutes and not TRAINERS[args.name].saves_itself:
        parser.error(f"--minutes applies to resumable models only, not {args.name}")
    try:
        options = {"minutes": args.minutes} if args.minutes else {}
        metrics = train(args.name, epochs=args.epochs, device=args.device, resume=args.resume, **options)
    except (data.FashionMNISTError, checkpoints.CheckpointError, CorpusError, MelodyError,
            distributed.ScaleOutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        distributed.finish()
    if distributed.is_main():
        print(summary(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
