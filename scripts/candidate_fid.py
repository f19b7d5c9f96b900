"""Cheap check of a checkpoint still in training against the shipped one (not a benchmark: a quick
signal for when to run the full `python -m benchmarks zoo`): domain FID against the test split for
1,000 images (100 per class), DPM-Solver++ 20 steps, w = 2, the same seeds for both.

    OMP_NUM_THREADS=2 python scripts/candidate_fid.py [--root assets/candidates]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.core import data, metrics  # noqa: E402
from models.core.judge import Judge  # noqa: E402
from models.image.diffusion import Diffusion  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(ROOT / "assets" / "candidates"), help="the candidate's checkpoint root")
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    judge = Judge.load()
    fid = metrics.FIDScorer(judge, data.load_shipped("test").images)
    labels = np.arange(args.n) % 10
    for name, root in (("shipped", None), ("candidate", Path(args.root))):
        model = Diffusion.load(root=root)
        start = time.perf_counter()
        images = np.concatenate([model.sample(labels[i:i + 100], seed=1000 + i) for i in range(0, args.n, 100)])
        asked = metrics.conditional_accuracy(judge, images, labels)
        print(f"{name}: FID {fid.score(images):.2f}, asked class {asked:.1%} ({time.perf_counter() - start:.0f} s)",
              flush=True)


if __name__ == "__main__":
    main()
