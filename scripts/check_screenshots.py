"""Check the layout test's screenshots mechanically: `PYTHONPATH=. python scripts/check_screenshots.py [FOLDER]`.

For every view of tests/browser/test_layout.py (every page × ko/en × normal/presenter × 1280×720 and
390×844) the screenshot ``layout/<stem>-<lang>-<present|normal>-<w>x<h>.png`` under the artifacts
folder (default ``$GENAI_LAB_ARTIFACTS`` or ``test-artifacts/``) must exist, be a PNG of exactly the
viewport's size, and not be blank: the standard deviation of its grey levels must reach
:data:`MIN_STD` (a white or single-colour page reads 0; a page with a title and a paragraph about 20).
Prints one line per problem and exits 1 when there is any.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

MIN_STD = 8.0  # grey levels (0-255)


def problems(path: Path, size: tuple[int, int], min_std: float = MIN_STD) -> list[str]:
    """What is wrong with the screenshot ``path`` of a ``size`` (width, height) viewport; [] when nothing."""
    from PIL import Image, ImageStat, UnidentifiedImageError

    if not path.is_file():
        return [f"{path}: missing"]
    try:
        with Image.open(path) as image:
            fmt, shape = image.format, image.size
            std = ImageStat.Stat(image.convert("L")).stddev[0]
    except (OSError, UnidentifiedImageError) as exc:
        return [f"{path}: not a readable image ({exc})"]
    out = []
    if fmt != "PNG":
        out.append(f"{path}: a {fmt} file, not a PNG")
    if shape != tuple(size):
        out.append(f"{path}: {shape[0]}×{shape[1]} px, the viewport is {size[0]}×{size[1]}")
    if std < min_std:
        out.append(f"{path}: blank (grey-level standard deviation {std:.1f} < {min_std:g})")
    return out


def check(shots: Iterable[tuple[Path, tuple[int, int]]], min_std: float = MIN_STD) -> list[str]:
    return [p for path, size in shots for p in problems(path, size, min_std)]


def expected(folder: Path) -> list[tuple[Path, tuple[int, int]]]:
    """Every view's screenshot path under ``folder`` and its viewport size."""
    from tests.browser.test_layout import VIEWS, screenshot_name

    return [(folder / screenshot_name(v), (v.width, v.height)) for v in VIEWS]


def main(argv: list[str]) -> int:
    from tests.browser.conftest import ARTIFACTS

    folder = Path(argv[0]) if argv else ARTIFACTS
    shots = expected(folder)
    found = check(shots)
    print("\n".join(found) if found else f"{len(shots)} screenshots under {folder}: all present, "
                                         f"the viewport's size, none blank (grey-level std ≥ {MIN_STD:g})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
