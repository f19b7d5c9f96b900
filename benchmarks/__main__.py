"""``python -m benchmarks [startup] [zoo] [latent] [text] [lab2d] [refresh] [augment] [risks] [pipeline] …``.

Measure, print, save to ``benchmarks/results/``."""

import argparse


def _startup(args):
    from benchmarks import startup

    return startup.run(repeats=args.repeats)


def _zoo(args):
    from benchmarks import zoo

    families = tuple(args.families.split(",")) if args.families else None
    if args.curve_samplers:
        return zoo.resample_curve(tuple(args.curve_samplers.split(",")), n=args.n)
    if args.ddpm1000_only:
        return zoo.ddpm_1000_only(n=args.n)
    if args.latency_only:
        return zoo.latency_only(repeats=args.repeats, n=args.n, **({"families": families} if families else {}))
    return zoo.run(repeats=args.repeats, n=args.n, curve=not args.no_curve, ddpm_1000=not args.no_ddpm1000,
                   **({"families": families} if families else {}))


def _latent(args):
    from benchmarks import latent

    return latent.run(repeats=args.repeats)


def _text(args):
    from benchmarks import text

    return text.run(repeats=args.repeats)


def _lab2d(args):
    from benchmarks import lab2d

    return lab2d.run(repeats=args.repeats)


def _augment(args):
    from benchmarks import augment

    return augment.run()


def _risks(args):
    from benchmarks import risks

    return risks.bias_only() if args.bias_only else risks.run(n=args.n)


def _pipeline(args):
    from benchmarks import pipeline

    return pipeline.run(repeats=min(args.repeats, 2))


def _refresh(args):
    from benchmarks import refresh

    return refresh.run()


BENCHMARKS = {"startup": _startup, "zoo": _zoo, "latent": _latent, "text": _text, "lab2d": _lab2d,
              "refresh": _refresh, "augment": _augment, "risks": _risks, "pipeline": _pipeline}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n", type=int, default=2000, help="zoo, risks: samples per family (default 2000)")
    parser.add_argument("--families", help="zoo: comma-separated subset of gan,vae,flow,diffusion")
    parser.add_argument("--no-curve", action="store_true", help="zoo: skip the diffusion steps curve")
    parser.add_argument("--latency-only", action="store_true",
                        help="zoo: only re-time 16 images per family (idle machine) and update the saved results")
    parser.add_argument("--curve-samplers", help="zoo: re-measure only these samplers' rows of the saved curve")
    parser.add_argument("--ddpm1000-only", action="store_true",
                        help="zoo: only add DDPM at 1000 steps to the saved curve (over an hour on 2 CPU cores)")
    parser.add_argument("--bias-only", action="store_true",
                        help="risks: only re-measure the imbalanced-subset models in the saved results")
    parser.add_argument("--no-ddpm1000", action="store_true", help="zoo: skip DDPM at 1000 steps (slow on CPU)")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    for name in args.names or BENCHMARKS:
        BENCHMARKS[name](args)


if __name__ == "__main__":
    main()
