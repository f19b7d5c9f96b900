"""Byte-identity check for the sampling CLI: sha256 of the ``images`` array of a fixed list of
``python -m models sample`` commands, so a refactor can be compared with the commit before it.

    PYTHONPATH=. python scripts/check_identical_samples.py --out after.json            # this tree
    python scripts/check_identical_samples.py --root /tmp/base --out before.json       # another checkout
    python scripts/check_identical_samples.py --compare before.json after.json         # the table

Every command runs in its own process (``nice``, one thread) in ``--root``, with the same checkpoints.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BASE = ["--n", "8", "--seed", "3"]
COMMANDS = [
    *([f"--family {f}", f"--family {f} --label 4"] for f in ("gan", "vae", "flow")),
    ["--family diffusion", "--family diffusion --label 4"],
    [f"--family diffusion --sampler {s} --steps 5" for s in ("ddpm", "ddim", "dpm")],
    ["--family diffusion --sampler ddim --steps 5 --guidance 1.0",
     "--family diffusion --sampler dpm --steps 5 --guidance 3.5 --label 7"],
]
COMMANDS = [c for group in COMMANDS for c in group]


def digest(root: Path, args: str, out: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1"}
    subprocess.run(["nice", sys.executable, "-m", "models", "sample", *args.split(), *BASE, "--device", "cpu",
                    "--out", str(out)], cwd=root, env=env, check=True, capture_output=True)
    import numpy as np

    with np.load(out) as saved:
        return hashlib.sha256(np.ascontiguousarray(saved["images"]).tobytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="checkout to run the CLI in")
    parser.add_argument("--out", help="write {command: sha256} here")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(Path(p).read_text()) for p in args.compare)
        print("| command | before | after | same |\n|---|---|---|---|")
        for command in before:
            b, a = before[command], after.get(command, "-")
            print(f"| `{command}` | {b[:12]} | {a[:12]} | {'yes' if a == b else '**NO**'} |")
        return 0 if before == after else 1
    root = Path(args.root).resolve()
    hashes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, command in enumerate(COMMANDS):
            hashes[command] = digest(root, command, Path(tmp) / f"{i}.npz")
            print(f"{hashes[command][:12]}  {command}", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(hashes, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
