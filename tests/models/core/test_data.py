import gzip

import numpy as np
import pytest

from models.core import data

requires_debian = pytest.mark.skipif(
    not (data.DEBIAN_DIR / "train-images-idx3-ubyte.gz").exists(),
    reason="Debian package dataset-fashion-mnist not installed",
)


def write_pair(directory, split="test", n=5, labels=None):
    images = np.random.default_rng(0).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = np.arange(n) % 10 if labels is None else np.asarray(labels)
    img_name, lbl_name = data.SPLIT_FILES[split]
    data.write_idx(directory / img_name, images)
    data.write_idx(directory / lbl_name, labels)
    return images, labels


def test_round_trip(tmp_path):
    images, labels = write_pair(tmp_path)
    split = data.load_full("test", tmp_path)
    assert split.images.dtype == np.uint8 and split.images.shape == (5, 28, 28)
    assert split.labels.dtype == np.int64
    np.testing.assert_array_equal(split.images, images)
    np.testing.assert_array_equal(split.labels, labels)


def test_env_dir_override(tmp_path, monkeypatch):
    write_pair(tmp_path, "train", n=7)
    monkeypatch.setenv(data.ENV_DIR, str(tmp_path))
    assert len(data.load_full("train")) == 7


def test_missing_directory_names_the_package(tmp_path):
    with pytest.raises(data.FashionMNISTError, match="apt-get install dataset-fashion-mnist"):
        data.load_full("train", tmp_path / "nowhere")


def test_missing_file(tmp_path):
    write_pair(tmp_path)
    (tmp_path / data.SPLIT_FILES["test"][1]).unlink()
    with pytest.raises(data.FashionMNISTError, match="not found.*dataset-fashion-mnist"):
        data.load_full("test", tmp_path)


def test_truncated_file(tmp_path):
    write_pair(tmp_path)
    path = tmp_path / data.SPLIT_FILES["test"][0]
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[:-100]))
    with pytest.raises(data.FashionMNISTError, match="truncated.*dataset-fashion-mnist"):
        data.load_full("test", tmp_path)


def test_truncated_gzip_stream(tmp_path):
    write_pair(tmp_path)
    path = tmp_path / data.SPLIT_FILES["test"][0]
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(data.FashionMNISTError, match="corrupt"):
        data.load_full("test", tmp_path)


def test_wrong_magic(tmp_path):
    write_pair(tmp_path)
    img_name, _ = data.SPLIT_FILES["test"]
    # labels where images belong; enough of them for a full image header (the old 5 labels made the file
    # "truncated", and the test only passed because the tmp path holds "wrong_magic")
    data.write_idx(tmp_path / img_name, np.arange(20) % 10)
    with pytest.raises(data.FashionMNISTError, match="not an IDX images file"):
        data.load_full("test", tmp_path)


def test_label_out_of_range(tmp_path):
    write_pair(tmp_path, labels=[0, 1, 2, 3, 12])
    with pytest.raises(data.FashionMNISTError, match="outside 0-9"):
        data.load_full("test", tmp_path)


def test_count_mismatch(tmp_path):
    write_pair(tmp_path)
    data.write_idx(tmp_path / data.SPLIT_FILES["test"][1], np.zeros(4, dtype=np.uint8))
    with pytest.raises(data.FashionMNISTError, match="5 images but 4 labels"):
        data.load_full("test", tmp_path)


def test_unknown_split():
    with pytest.raises(ValueError):
        data.load_shipped("validation")


def test_shipped_data():
    test, train = data.load_shipped("test"), data.load_shipped("train10k")
    assert test.images.shape == (10_000, 28, 28) and train.images.shape == (10_000, 28, 28)
    assert np.bincount(train.labels, minlength=10).tolist() == [1000] * 10
    assert np.bincount(test.labels, minlength=10).tolist() == [1000] * 10
    assert 0 < train.images.mean() < 128  # dark background, light objects


def test_subset_indices_fixed_and_balanced():
    labels = np.repeat(np.arange(10), 50)
    a, b = data.subset_indices(labels, size=100), data.subset_indices(labels, size=100)
    np.testing.assert_array_equal(a, b)
    assert np.bincount(labels[a]).tolist() == [10] * 10


@requires_debian
def test_shipped_copy_matches_debian_package():
    full_train, full_test = data.load_full("train"), data.load_full("test")
    assert len(full_train) == 60_000 and len(full_test) == 10_000
    shipped = data.load_shipped("train10k")
    idx = data.subset_indices(full_train.labels)
    np.testing.assert_array_equal(shipped.images, full_train.images[idx])
    np.testing.assert_array_equal(shipped.labels, full_train.labels[idx])
    np.testing.assert_array_equal(data.load_shipped("test").images, full_test.images)


def test_class_names_bilingual():
    assert len(data.CLASS_NAMES["ko"]) == len(data.CLASS_NAMES["en"]) == 10
    assert data.class_name(9, "ko") == "앵클부츠" and data.class_name(0, "xx") == "T-shirt/top"


def test_examples_and_noise_are_reproducible():
    split = data.load_shipped("test")
    a, b = data.examples(split, 3, 8, seed=5), data.examples(split, 3, 8, seed=5)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (8, 28, 28)
    np.testing.assert_array_equal(data.noise_images(2, 1), data.noise_images(2, 1))


# --- integrity of the shipped files: sha256 entries in assets/data/MANIFEST.json, checked at load ---------
def _shipped_copy(tmp_path):
    import shutil

    directory = tmp_path / "data"
    shutil.copytree(data.ASSETS_DATA, directory)
    return directory


def test_shipped_manifest_covers_every_data_file():
    from models.core import integrity

    manifest = integrity.read_manifest(data.ASSETS_DATA / data.MANIFEST)
    files = {p.name for p in data.ASSETS_DATA.iterdir() if p.is_file() and p.name != data.MANIFEST}
    assert set(manifest) == files
    for name, digest in manifest.items():
        assert integrity.sha256(data.ASSETS_DATA / name) == digest, name


def test_shipped_copy_with_its_manifest_loads(tmp_path):
    assert len(data.load_shipped("test", _shipped_copy(tmp_path))) == 10_000


def _flip_a_byte(path):
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


def _drop_entry(directory):
    import json

    manifest = json.loads((directory / data.MANIFEST).read_text())
    del manifest[data.SHIPPED_FILES["test"][0]]
    (directory / data.MANIFEST).write_text(json.dumps(manifest))


SHIPPED_FAILURES = {
    "corrupt gz": (lambda d: _flip_a_byte(d / data.SHIPPED_FILES["test"][0]), "does not match its sha256"),
    "manifest deleted": (lambda d: (d / data.MANIFEST).unlink(), "MANIFEST.json is missing"),
    "manifest not JSON": (lambda d: (d / data.MANIFEST).write_text("{"), "not valid JSON"),
    "entry missing": (_drop_entry, "does not list t10k-images-idx3-ubyte.gz"),
    "entry not hex": (lambda d: (d / data.MANIFEST).write_text(
        '{"t10k-images-idx3-ubyte.gz": "abc", "t10k-labels-idx1-ubyte.gz": "abc"}'), "invalid entry"),
}


@pytest.mark.parametrize("case", SHIPPED_FAILURES)
def test_shipped_data_fails_closed(tmp_path, case):
    directory = _shipped_copy(tmp_path)
    breaks, expected = SHIPPED_FAILURES[case]
    breaks(directory)
    with pytest.raises(data.FashionMNISTError) as info:
        data.load_shipped("test", directory)
    message = str(info.value)
    assert expected in message and "git checkout -- assets/data" in message and str(tmp_path) not in message


def test_corrupt_deflate_stream_is_a_clear_error(tmp_path):
    """A gzip header over a broken deflate stream raises zlib.error inside gzip, not an OSError."""
    img_name, _ = data.SPLIT_FILES["test"]
    write_pair(tmp_path)
    (tmp_path / img_name).write_bytes(gzip.compress(b"x")[:10] + b"\xff" * 64)
    with pytest.raises(data.FashionMNISTError, match="corrupt.*dataset-fashion-mnist"):
        data.load_full("test", tmp_path)


def test_messages_show_project_relative_paths(tmp_path, monkeypatch):
    assert data.shown(data.ASSETS_DATA / "t10k-images-idx3-ubyte.gz") == "assets/data/t10k-images-idx3-ubyte.gz"
    monkeypatch.setenv(data.ENV_DIR, str(tmp_path))
    assert data.shown(tmp_path / "x.gz") == "$GENAI_LAB_FMNIST_DIR/x.gz"
    assert data.shown(data.DEBIAN_DIR / "x.gz") == str(data.DEBIAN_DIR / "x.gz")  # a system path, documented
