"""``python -m benchmarks [startup] [render] [zoo] [latent] [text] [lab2d] [refresh] [augment] [risks] [pipeline]
[load] [rooms] [own_text] [own_images] …``.

Measure, print, save to ``benchmarks/results/``."""

import argparse


def _repeats(args, default: int = 5) -> int:
    return args.repeats if args.repeats is not None else default


def _startup(args):
    from benchmarks import startup

    return startup.run(repeats=_repeats(args))


def _render(args):
    from benchmarks import render

    pages = tuple(args.pages.split(",")) if args.pages else None
    return render.run(repeats=_repeats(args, 3), pages=pages)


def _zoo(args):
    from benchmarks import zoo

    families = tuple(args.families.split(",")) if args.families else None
    if args.curve_samplers:
        return zoo.resample_curve(tuple(args.curve_samplers.split(",")), n=args.n)
    if args.ddpm1000_only:
        return zoo.ddpm_1000_only(n=args.n)
    if args.latency_only:
        return zoo.latency_only(repeats=_repeats(args), n=args.n, **({"families": families} if families else {}))
    return zoo.run(repeats=_repeats(args), n=args.n, curve=not args.no_curve, ddpm_1000=not args.no_ddpm1000,
                   **({"families": families} if families else {}))


def _latent(args):
    from benchmarks import latent

    return latent.run(repeats=_repeats(args))


def _text(args):
    from benchmarks import text

    if args.models:  # re-measure these, keep the other rows of the saved results
        return text.run(repeats=_repeats(args), names=tuple(args.models.split(",")), keep_others=True)
    return text.run(repeats=_repeats(args))


def _lab2d(args):
    from benchmarks import lab2d

    return lab2d.run(repeats=_repeats(args))


def _augment(args):
    from benchmarks import augment

    return augment.run()


def _risks(args):
    from benchmarks import risks

    return risks.bias_only() if args.bias_only else risks.run(n=args.n)


def _pipeline(args):
    from benchmarks import pipeline

    return pipeline.run(repeats=min(_repeats(args), 2))


def _own_text(args):
    from benchmarks import own_text

    return own_text.run(repeats=_repeats(args))


def _own_images(args):
    from benchmarks import own_images

    return own_images.run(repeats=_repeats(args))


def _refresh(args):
    from benchmarks import refresh

    return refresh.run()


def _load(args):
    from benchmarks import load

    scenarios = tuple(args.scenarios.split(",")) if args.scenarios else tuple(load.SCENARIOS)
    pages = tuple(args.pages.split(",")) if args.pages else load.PAGES
    return load.run(students=args.students, think=args.think, duration=args.duration, scenarios=scenarios, pages=pages,
                    baseline_clicks=args.baseline_clicks, trainers=args.trainers, timeout=args.click_timeout,
                    deadline=args.deadline)


def _rooms(args):
    from benchmarks import rooms

    return rooms.run(students=args.students, polls=args.polls, duration=args.duration)


BENCHMARKS = {"startup": _startup, "render": _render, "zoo": _zoo, "latent": _latent, "text": _text, "lab2d": _lab2d,
              "refresh": _refresh, "augment": _augment, "risks": _risks, "pipeline": _pipeline, "load": _load,
              "rooms": _rooms, "own_text": _own_text, "own_images": _own_images}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--repeats", type=int, help="timed repeats (default 5; render: 3)")
    parser.add_argument("--n", type=int, default=2000, help="zoo, risks: samples per family (default 2000)")
    parser.add_argument("--families", help="zoo: comma-separated families (FAMILIES in models/image/zoo.py)")
    parser.add_argument("--no-curve", action="store_true", help="zoo: skip the diffusion steps curve")
    parser.add_argument("--models", help="text: comma-separated text models to re-measure (default: all); the "
                                         "other rows of the saved results are kept")
    parser.add_argument("--latency-only", action="store_true",
                        help="zoo: only re-time 16 images per family (idle machine) and update the saved results")
    parser.add_argument("--curve-samplers", help="zoo: re-measure only these samplers' rows of the saved curve")
    parser.add_argument("--ddpm1000-only", action="store_true",
                        help="zoo: only add DDPM at 1000 steps to the saved curve (over an hour on 2 CPU cores)")
    parser.add_argument("--bias-only", action="store_true",
                        help="risks: only re-measure the imbalanced-subset models in the saved results")
    parser.add_argument("--no-ddpm1000", action="store_true", help="zoo: skip DDPM at 1000 steps (slow on CPU)")
    load = parser.add_argument_group("load (simulated students on one server)")
    load.add_argument("--students", type=int, default=30, help="simulated students (default 30)")
    load.add_argument("--think", type=float, default=10.0,
                      help="mean think time (s): each student waits uniform(0, 2×think) between clicks (default 10)")
    load.add_argument("--duration", type=float, default=120.0, help="seconds per scenario (default 120)")
    load.add_argument("--scenarios",
                      help="a: everyone on the instructor's link, b: everyone their own seeds, "
                           "c: --trainers students training while the others browse (default a,b,c)")
    parser.add_argument("--pages", help="render: comma-separated url paths, / the default page (default: the app's "
                                        "menu); load: the page mix, url paths (default overview, compare, "
                                        "diffusion, latent_map, next_token, gan)")
    load.add_argument("--baseline-clicks", type=int, default=5,
                      help="single-user baseline: clicks per page and link kind (default 5)")
    load.add_argument("--trainers", type=int, default=5, help="scenario c: students training (default 5)")
    load.add_argument("--click-timeout", type=float, default=60.0,
                      help="a click without script_finished after this many seconds is an error (default 60)")
    load.add_argument("--deadline", type=float,
                      help="hard limit for the whole load run in seconds (default: from the options)")
    load.add_argument("--polls", type=int, default=50,
                      help="rooms: fragment reruns timed one after another for the one-poll figures (default 50)")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    for name in args.names or BENCHMARKS:
        BENCHMARKS[name](args)


if __name__ == "__main__":
    main()
