"""A corpus of hostile and odd user inputs, generated in code (no committed binaries).

Each entry is ``(name, make, expected)``: ``make()`` returns the bytes (or text) a user could
send, ``expected`` the refusal code the app answers with, or ``None`` where the input is odd but
must be accepted. Four groups: picture uploads (:mod:`models.image.image_input`), prompts
(:func:`models.language.text.clean_prompt`), 2-D lab CSVs (:func:`models.lab2d.toy2d.validate_points`) and URL
values (:data:`URL_VALUES`, thrown at every declared parameter of every page by
``tests/pages/test_url_fuzz.py`` and at the parsers by ``tests/dashboard/test_url_state.py``).
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import numpy as np
from PIL import Image

# --- pictures -------------------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def shirt(width: int = 120, height: int = 160, dark_on_light: bool = True) -> np.ndarray:
    """An asymmetric 'garment' (a bar with an arm to the right, near the top) in uint8 gray."""
    gray = np.full((height, width), 255 if dark_on_light else 0, dtype=np.uint8)
    ink = 20 if dark_on_light else 235
    h, w = height, width
    gray[h // 8: h * 7 // 8, w * 3 // 8: w * 5 // 8] = ink   # body
    gray[h // 8: h // 4, w * 5 // 8: w * 7 // 8] = ink       # right arm, top: tells up from down
    return gray


def phone_jpeg(width: int = 8000, height: int = 6000, quality: int = 85) -> bytes:
    """A phone-sized photo: a dark garment on a light background."""
    return encode(_photo(width, height), "JPEG", quality=quality)


def _photo(width: int, height: int) -> Image.Image:
    return Image.fromarray(shirt(max(8, width // 40), max(8, height // 40))).convert("RGB").resize(
        (width, height), Image.Resampling.BILINEAR)


def exif_rotated(width: int = 3000, height: int = 4000) -> bytes:
    """A portrait photo as a phone stores it: pixels sideways (landscape), EXIF orientation 6
    ("turn 90° clockwise to show"), so only a reader that applies the tag sees it upright."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(_photo(width, height).transpose(Image.Transpose.ROTATE_90), "JPEG", quality=90,
                  exif=exif.tobytes())


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims ``width`` × ``height`` (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) is patched to claim ``width`` × ``height``."""
    raw = bytearray(encode(Image.new("L", (16, 16), 128), "JPEG"))
    sof = raw.index(b"\xff\xc0")
    raw[sof + 5: sof + 9] = struct.pack(">HH", height, width)
    return bytes(raw)


def heif(brand: bytes = b"heic") -> bytes:
    """The start of an iPhone HEIC photo: an ISO-BMFF ``ftyp`` box, then a ``meta`` box."""
    ftyp = b"ftyp" + brand + b"\x00\x00\x00\x00" + b"mif1" + brand
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", 16) + b"meta" + b"\x00" * 8


def animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (32, 32), color) for color in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def corrupt_idat() -> bytes:
    raw = bytearray(encode(Image.fromarray(shirt())))
    start = raw.index(b"IDAT") + 4
    raw[start + 10: start + 40] = b"\xa5" * 30  # garbage inside the compressed pixels (CRC left stale)
    return bytes(raw)


def mpo() -> bytes:
    """A phone's 'JPEG' that Pillow reads as MPO: the photo, then a second (preview) frame."""
    first = Image.fromarray(shirt()).convert("RGB")
    return encode(first, "MPO", save_all=True, append_images=[Image.new("RGB", (60, 80), (0, 0, 0))])


def palette_png(size: int = 600) -> bytes:
    """A palette PNG with a transparent background (index 0) and an opaque dark garment."""
    mask = shirt(size, size) < 128
    indices = np.where(mask, 1, 0).astype(np.uint8)
    image = Image.fromarray(indices, "P")
    image.putpalette([255, 255, 255, 10, 10, 10] + [0, 0, 0] * 254)
    return encode(image, transparency=0)


def sixteen_bit_png(size: int = 700) -> bytes:
    """A 16-bit grayscale PNG (mode I;16): light garment on black, larger than the working size."""
    gray = shirt(size, size, dark_on_light=False).astype(np.uint16) * 257
    return encode(Image.fromarray(gray))


def rgba_4096() -> bytes:
    """The issue's worst case: a 0.08 MB, 4096 × 4096 RGBA PNG (an opaque square on transparency)."""
    image = Image.new("RGBA", (4096, 4096), (0, 0, 0, 0))
    image.paste((30, 30, 30, 255), (1400, 800, 2700, 3300))
    return encode(image, optimize=True)


def zip_of(files) -> bytes:
    """A deflated zip of ``files`` (a dict, or (name, bytes) pairs that may repeat a name)."""
    import warnings
    import zipfile

    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": what a duplicate-name case wants
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, body in (files.items() if isinstance(files, dict) else files):
                archive.writestr(name, body)
    return out.getvalue()


def flag_encrypted(data: bytes) -> bytes:
    """The zip with every entry's "encrypted" flag set (its contents unchanged)."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = out.find(signature)
        while at >= 0:
            out[at + offset] |= 0x1
            at = out.find(signature, at + 4)
    return bytes(out)


#: (name, make, refusal code)
BAD_IMAGES: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty file", lambda: b"", "empty"),
    ("PDF renamed to .png", lambda: b"%PDF-1.4 this is not a picture at all", "not_image"),
    ("PNG signature then zeros", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not_image"),
    ("SVG text", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>', "not_image"),
    ("random bytes", lambda: np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes(), "not_image"),
    ("21 MB of junk", lambda: b"\xff\xd8\xff" + b"\x00" * (21 * 2**20), "file_too_large"),
    ("iPhone HEIC", lambda: heif(b"heic"), "heic"),
    ("HEIF (mif1)", lambda: heif(b"mif1"), "heic"),
    ("animated GIF", lambda: animated("GIF"), "animated"),
    ("animated PNG (APNG)", lambda: animated("PNG"), "animated"),
    ("animated WebP", lambda: animated("WEBP"), "animated"),
    ("still GIF", lambda: encode(Image.new("L", (10, 10)), "GIF"), "format"),
    ("still WebP", lambda: encode(Image.new("RGB", (10, 10)), "WEBP"), "format"),
    ("BMP", lambda: encode(Image.new("RGB", (10, 10)), "BMP"), "format"),
    ("TIFF", lambda: encode(Image.new("RGB", (10, 10)), "TIFF"), "format"),
    ("PNG claiming 30000 × 30000", lambda: png_claiming(30_000, 30_000), "too_many_pixels"),
    ("PNG claiming 5000 × 4000 (decoded in full)", lambda: png_claiming(5000, 4000), "too_many_pixels"),
    ("JPEG claiming 10000 × 8000", lambda: jpeg_claiming(10_000, 8000), "too_many_pixels"),
    ("JPEG claiming 65000 × 65000", lambda: jpeg_claiming(65_000, 65_000), "too_many_pixels"),
    ("truncated PNG", lambda: (lambda raw: raw[: len(raw) // 2])(encode(Image.fromarray(shirt(400, 400)))),
     "corrupt"),
    ("truncated JPEG", lambda: (lambda raw: raw[: len(raw) // 2])(phone_jpeg(800, 600)), "corrupt"),
    ("PNG with garbage pixels", corrupt_idat, "corrupt"),
]

#: (name, make) — odd but fine: accepted, and converted like the same garment in a plain small PNG
GOOD_IMAGES: list[tuple[str, Callable[[], bytes]]] = [
    ("phone photo 8000 × 6000 JPEG", lambda: phone_jpeg()),
    ("portrait photo 3000 × 4000 stored sideways, EXIF orientation 6", exif_rotated),
    ("MPO (JPEG with a preview frame)", mpo),
    ("16-bit PNG, 700 × 700", sixteen_bit_png),
    ("palette PNG with transparency, 600 × 600", palette_png),
    ("RGBA 4096 × 4096 PNG, 0.08 MB", rgba_4096),
    ("CMYK JPEG", lambda: encode(Image.fromarray(shirt(900, 1200)).convert("CMYK"), "JPEG")),
    ("1-bit PNG, 1000 × 1000", lambda: encode(Image.fromarray(shirt(1000, 1000) > 128))),
    ("progressive JPEG", lambda: encode(Image.fromarray(shirt(1600, 1200)).convert("RGB"), "JPEG",
                                        progressive=True)),
    ("gray + alpha PNG", lambda: encode(Image.fromarray(shirt(), "L").convert("LA"))),
]

# --- prompts --------------------------------------------------------------------------------------

#: (name, prompt, notices clean_prompt must give, a property of the cleaned text)
PROMPTS: list[tuple[str, str, list[str]]] = [
    ("1 MB paste", "a" * 2**20, ["truncated"]),
    ("NUL bytes", "hello\x00world", ["control"]),
    ("bidi override", "abc\u202edef", ["control"]),
    ("zero-width spaces", "to\u200bken\u200bize", ["control"]),
    ("lone surrogate", "ab\ud800cd", ["control"]),
    ("escape sequences", "\x1b[31mred\x1b[0m", ["control"]),
    ("long and with controls", "\x07" + "b" * 10_000, ["control", "truncated"]),
    ("empty", "", []),
    ("only spaces", "   \n\t  ", []),
    ("decomposed Hangul (NFD)", "\u1112\u1161\u11ab\u1100\u1173\u11af", []),
    ("Windows newlines", "line one\r\nline two", []),
    ("emoji", "🙂🚀 " * 100, []),
]

# --- 2-D lab CSVs ---------------------------------------------------------------------------------


def csv_rows(n: int, seed: int = 0) -> str:
    points = np.random.default_rng(seed).normal(size=(n, 2)).round(4)
    return "\n".join(f"{x},{y}" for x, y in points) + "\n"


#: (name, make, refusal code)
BAD_CSVS: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty file", lambda: b"", "empty"),
    ("only blank lines", lambda: b"\n \n\t\n", "empty"),
    ("only a header", lambda: b"x,y\n", "empty"),
    ("only a header, with BOM", lambda: "\ufeffx,y\r\n".encode(), "empty"),
    ("a single point", lambda: b"x,y\n1,2\n", "too_few"),
    ("nine points", lambda: ("x,y\n" + csv_rows(9)).encode(), "too_few"),
    ("binary junk", lambda: np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes(), "not_text"),
    ("a PNG picture", lambda: encode(Image.new("L", (50, 50))), "not_text"),
    ("NUL bytes in UTF-8 text", lambda: b"x,y\n" + b"1,\x002\n" * 20, "not_text"),
    ("Latin-1 header", lambda: "x;\xe9t\xe9\n1;2\n".encode("latin-1") * 3, "not_text"),
    ("three columns", lambda: b"1,2,3\n" * 20, "wrong_columns"),
    ("one column", lambda: b"1\n2\n3\n" * 10, "wrong_columns"),
    ("ragged rows", lambda: ("x,y\n" + csv_rows(15) + "1,2,3\n").encode(), "wrong_columns"),
    ("words in the data", lambda: ("x,y\n" + csv_rows(10) + "one,two\n").encode(), "not_numeric"),
    ("a Markdown link in a cell", lambda: ("x,y\n" + csv_rows(10) + "[a](http://x.io),1\n").encode(), "not_numeric"),
    ("an unterminated quote", lambda: b'"1,2\n' * 20, "not_numeric"),
    ("a 200 kB field", lambda: b"1," + b"9" * 200_000 + b"\n", "not_numeric"),
    ("NaN", lambda: ("x,y\n" + csv_rows(10) + "nan,1\n").encode(), "not_finite"),
    ("infinity", lambda: ("x,y\n" + csv_rows(10) + "1,-inf\n").encode(), "not_finite"),
    ("1e999 (overflows to inf)", lambda: ("x,y\n" + csv_rows(10) + "1e999,1\n").encode(), "not_finite"),
    ("huge values", lambda: ("x,y\n" + csv_rows(10) + "1e300,1\n").encode(), "too_big"),
    ("all points identical", lambda: b"1,1\n" * 20, "no_spread"),
    ("a million rows", lambda: b"1,2\n" * 1_000_000, "too_large"),
    ("10,001 rows", lambda: csv_rows(10_001).encode(), "too_many_rows"),
]

#: (name, make, number of points it must give)
GOOD_CSVS: list[tuple[str, Callable[[], bytes], int]] = [
    ("UTF-16 with BOM (Excel 'Unicode text')", lambda: ("x\ty\n" + csv_rows(20).replace(",", "\t")).encode("utf-16"),
     20),
    ("CP949 Korean header (Korean Excel)", lambda: ("가로,세로\n" + csv_rows(20)).encode("cp949"), 20),
    ("decimal commas with semicolons", lambda: ("x;y\n" + "1,5;2,25\n-0,5;3\n" * 10).encode(), 20),
    ("quoted numbers", lambda: b'"x","y"\n' + b'"1.5","2"\n"3","-4e-2"\n' * 10, 20),
    ("exactly 10,000 rows", lambda: csv_rows(10_000).encode(), 10_000),
]


# --- URL values -----------------------------------------------------------------------------------

#: Values a shared link could carry for any parameter: wrong types, NaN, huge or negative numbers,
#: Unicode digits, paths, Markdown and HTML, control characters. Each is clamped or ignored with a
#: notice, and none is ever rendered as Markdown.
URL_VALUES: list[str] = [
    "", " ", "abc", "NaN", "inf", "-inf", "-1", "-99999999999", "9" * 5000, "1e309", "1.5", "0x10",
    "1,²", "²", "١٢", "../../etc/passwd", "[Log in again](https://example.org)", "![x](https://example.org/x.png)",
    "<script>alert(1)</script>", "**bold** :smile: $x^2$", "\x00\x1b[31m\u202e", "3\n4",
]
#: Parameters no page declares: ignored.
URL_UNKNOWN: dict[str, str] = {"zzz": "1", "../../etc/passwd": "x", "seed[]": "[1]"}
