"""dashboard.core.pictures: the crisp mosaic every image grid is shown as, its PNG, its file names."""

import io
import time

import numpy as np
import pytest
from PIL import Image

from dashboard.core import exports, pictures
from dashboard.core.pictures import GAP_PX, MAX_COLS, TILE_PX, TITLE_PX

SCALE = TILE_PX // 28


def images(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, 28, 28), dtype=np.uint8)


def tile_at(canvas: np.ndarray, i: int, cols: int, band: int = 0) -> np.ndarray:
    r, c = divmod(i, cols)
    y, x = r * (band + TILE_PX + GAP_PX) + band, c * (TILE_PX + GAP_PX)
    return canvas[y:y + TILE_PX, x:x + TILE_PX]


def test_every_pixel_of_a_tile_is_its_source_pixel():
    x = images(11)
    canvas = pictures.mosaic(x, 4)
    for i in range(len(x)):
        tile = tile_at(canvas, i, 4)
        # nearest-neighbour: each SCALE×SCALE block is one source pixel, never a blend of neighbours
        assert np.array_equal(tile, np.kron(x[i], np.ones((SCALE, SCALE), np.uint8)))
        assert np.array_equal(tile[::SCALE, ::SCALE], x[i])
    assert set(np.unique(canvas)) <= set(np.unique(x)) | {pictures.BACKGROUND}  # no new (blurred) grey levels


def test_size_follows_tile_px_columns_and_rows():
    assert TILE_PX >= 64 and TILE_PX % 28 == 0
    canvas = pictures.mosaic(images(16), 8)
    assert canvas.shape == (2 * TILE_PX + GAP_PX, 8 * TILE_PX + 7 * GAP_PX)
    assert pictures.mosaic(images(3), 8).shape == (TILE_PX, 3 * TILE_PX + 2 * GAP_PX)  # fewer images than columns
    assert pictures.mosaic(images(1), 1).shape == (TILE_PX, TILE_PX)
    titled = pictures.mosaic(images(16), 8, titles=["x"] * 16)
    assert titled.shape == (2 * (TITLE_PX + TILE_PX) + GAP_PX, 8 * TILE_PX + 7 * GAP_PX)


def test_wide_grids_wrap_under_streamlits_resize_limit():
    canvas = pictures.mosaic(images(30), 30)
    assert canvas.shape[1] == MAX_COLS * TILE_PX + (MAX_COLS - 1) * GAP_PX <= 1460  # never resized (blurred)
    assert canvas.shape[0] == 3 * TILE_PX + 2 * GAP_PX


def test_titles_are_drawn_above_their_tiles_and_leave_the_pixels_alone():
    x = images(4)
    titles = ["+1.5", "", "t=999", "티셔츠"]
    canvas = pictures.mosaic(x, 4, titles=titles)
    for i, text in enumerate(titles):
        band = canvas[:TITLE_PX, i * (TILE_PX + GAP_PX):i * (TILE_PX + GAP_PX) + TILE_PX]
        assert (band < pictures.BACKGROUND).any() == bool(text), text  # ink where there is a title, only there
        assert np.array_equal(tile_at(canvas, i, 4, band=TITLE_PX)[::SCALE, ::SCALE], x[i])
    if exports.has_hangul_font():  # Hangul is drawn, not tofu boxes: it differs from another word's ink
        other = pictures.mosaic(x, 4, titles=titles[:3] + ["바지"])
        assert not np.array_equal(canvas[:TITLE_PX], other[:TITLE_PX])


def test_long_titles_shrink_to_their_tile():
    canvas = pictures.mosaic(images(2), 2, titles=["a much longer title than a tile", ""])
    right = canvas[:TITLE_PX, TILE_PX + GAP_PX:]
    assert not (right < pictures.BACKGROUND).any()  # nothing spilled over the neighbour's title band


def test_png_round_trips_and_is_fast():
    x = images(16)
    png = pictures.png_bytes(x, 8, [f"{v:+.1f}" for v in range(16)])
    decoded = np.asarray(Image.open(io.BytesIO(png)))
    assert np.array_equal(decoded, pictures.mosaic(x, 8, [f"{v:+.1f}" for v in range(16)]))
    pictures._png.cache_clear()
    pictures.png_bytes(x, 8)  # warm-up: font and zlib
    start = time.perf_counter()
    for seed in range(10):
        pictures.png_bytes(images(16, seed + 1), 8)
    assert (time.perf_counter() - start) / 10 < 0.05  # a few ms each; 50 ms leaves room for a busy machine
    assert pictures.png_bytes(x, 8) is pictures.png_bytes(x, 8)  # cached: the same bytes object


def test_file_names_carry_the_settings():
    assert pictures.file_name("gan", "walk", cls=3, seed=7) == "genai-lab-gan-walk_cls-3_seed-7"
    assert pictures.file_name("diffusion", "reverse", w="1.5", sampler="DDIM") == \
        "genai-lab-diffusion-reverse_w-1.5_sampler-DDIM"
    assert pictures.file_name("x", "y z/..", img="", n=None) == "genai-lab-x-y-z"
    assert "/" not in pictures.file_name("a/b", "c\\d", k="e f")


@pytest.mark.parametrize(("n", "most", "cols"), [(16, 10, 8), (10, 10, 10), (11, 10, 6), (3, 10, 3), (12, 3, 3)])
def test_fit_cols(n, most, cols):
    assert pictures.fit_cols(n, most) == cols


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError):
        pictures.mosaic(np.zeros((28, 28), np.uint8), 1)
    with pytest.raises(ValueError):
        pictures.mosaic(np.zeros((0, 28, 28), np.uint8), 1)


def test_css_is_a_static_constant():
    assert pictures.CSS.startswith("<style>") and pictures.CSS.endswith("</style>")
    assert "image-rendering: pixelated" in pictures.CSS
