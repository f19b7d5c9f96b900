"""Tokenizers for the text models: byte-level BPE and a character vocabulary, per language.

Both are trained with the ``tokenizers`` library on the shipped training split and wrapped as
``transformers.PreTrainedTokenizerFast``, saved under ``assets/text/tokenizers/<lang>_<kind>/``
(``python -m models corpus`` rebuilds them). Every model copies its tokenizer into its own
checkpoint directory so ``AutoTokenizer.from_pretrained(<checkpoint dir>)`` works offline.

* **Byte-level BPE** starts from the 256 byte values and learns merges of frequent neighbours,
  so any text, emoji included, is encodable: the worst case is one token per byte.
* **Character vocabulary**: one token per character seen in training; anything else becomes
  ``<unk>`` (the contrast the tokens page shows).
* **Code** (``code_bpe``): a small byte-level BPE (:data:`CODE_BPE_VOCAB` tokens) trained on the
  standard-library training split; indentation runs and keywords become single tokens.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from models.core import integrity
from models.language import corpus

KINDS = ("bpe", "char")
EOS = "<|endoftext|>"
UNK = "<unk>"
BPE_VOCAB = 4096
#: The code model's vocabulary: small, so its embedding keeps the checkpoint under ~4 MB.
CODE_BPE_VOCAB = 1024
TOKENIZER_ROOT = corpus.ASSETS_TEXT / "tokenizers"
#: Sample inputs for the tokens page (by UI language), and text with characters a character
#: vocabulary never saw (emoji, rare syllables, other scripts).
SAMPLE_TEXT = {"en": "To be, or not to be: that is the question. 🙂",
               "ko": "사느냐 죽느냐, 그것이 문제로다. To be, or not to be 🙂"}
UNUSUAL_TEXT = {"en": "Hello 🙂 ❤️ Ω naïve ©", "ko": "똠얌꿍 🙂 ❤️ 뷁 Ω"}


def _wrap(tokenizer, **special):
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token=EOS, bos_token=EOS, pad_token=EOS,
                                   model_max_length=1_000_000, clean_up_tokenization_spaces=False, **special)


def train_bpe(text: str, vocab_size: int = BPE_VOCAB):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[EOS], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(text.splitlines(keepends=True), trainer=trainer)
    return _wrap(tokenizer)


def char_vocabulary(text: str, min_count: int = 1) -> list[str]:
    """The characters of ``text`` seen at least ``min_count`` times, most frequent first (ties by code point)."""
    return [c for c, n in sorted(Counter(text).items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_count]


def train_char(text: str, min_count: int = 1):
    """One token per character (sorted by frequency), ``<unk>`` for characters never seen."""
    return char_tokenizer(char_vocabulary(text, min_count))


def char_tokenizer(chars: list[str]):
    """``<|endoftext|>`` = 0, ``<unk>`` = 1, then one id per character of ``chars``, in that order."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

    vocab = {EOS: 0, UNK: 1, **{c: i + 2 for i, c in enumerate(chars)}}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token=UNK))
    tokenizer.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    tokenizer.decoder = decoders.Fuse()
    return _wrap(tokenizer, unk_token=UNK)


#: Corpora whose training split a language's tokenizers also learn from (Korean: everyday prose and chat,
#: whose syllables the statutes and help pages never merge — 1.2 characters per token on held-out
#: stories with a statute-only BPE).
ALSO_FROM = {"ko": (corpus.EVERYDAY,)}


def training_text(lang: str) -> str:
    """The text a language's tokenizers are trained on: its own training split and :data:`ALSO_FROM`'s."""
    return "\n".join(corpus.load(c, "train") for c in (lang, *ALSO_FROM.get(lang, ())))


def build(root: Path = TOKENIZER_ROOT) -> dict[str, int]:
    """Train and save every (language, kind) tokenizer from the shipped training splits."""
    sizes = {}
    for lang in corpus.LANGS:
        sizes.update(build_language(lang, root))
    sizes.update(build_code(root))
    return sizes


def build_language(lang: str, root: Path = TOKENIZER_ROOT) -> dict[str, int]:
    """Train and save ``lang``'s BPE and character tokenizers on :func:`training_text`."""
    text, sizes = training_text(lang), {}
    for kind, fit in (("bpe", train_bpe), ("char", train_char)):
        tokenizer = fit(text)
        tokenizer.save_pretrained(root / f"{lang}_{kind}")
        sizes[f"{lang}_{kind}"] = len(tokenizer)
    integrity.write_tree_manifest(root.parent)
    return sizes


def build_korean(root: Path = TOKENIZER_ROOT) -> dict[str, int]:
    return build_language("ko", root)


def build_code(root: Path = TOKENIZER_ROOT) -> dict[str, int]:
    """Train and save the code tokenizer (byte-level BPE) from the code training split."""
    tokenizer = train_bpe(corpus.load(corpus.CODE, "train"), CODE_BPE_VOCAB)
    tokenizer.save_pretrained(root / f"{corpus.CODE}_bpe")
    integrity.write_tree_manifest(root.parent)
    return {f"{corpus.CODE}_bpe": len(tokenizer)}


def load(lang: str, kind: str = "bpe", root: Path = TOKENIZER_ROOT):
    from transformers import PreTrainedTokenizerFast

    if (lang, kind) not in {(lg, k) for lg in corpus.LANGS for k in KINDS} | {(corpus.CODE, "bpe")}:
        raise ValueError(f"lang must be one of {corpus.LANGS} and kind one of {KINDS}, or ({corpus.CODE!r}, 'bpe')")
    directory = root / f"{lang}_{kind}"
    if not (directory / "tokenizer.json").exists():
        raise corpus.CorpusError(
            f"tokenizer {integrity.shown(directory)} is missing; rebuild it with `python -m models corpus`")
    corpus.verify(root.parent, f"{root.name}/{lang}_{kind}/")
    return PreTrainedTokenizerFast.from_pretrained(directory)


def pieces(tokenizer, text: str) -> list[tuple[int, str]]:
    """``(id, visible text)`` per token; byte-level pieces that split a character show as bytes."""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    out = []
    for i in ids:
        piece = tokenizer.decode([i])
        out.append((i, piece if "\ufffd" not in piece else _byte_repr(tokenizer, i)))
    return out


def _byte_repr(tokenizer, token_id: int) -> str:
    """A partial UTF-8 character as its hex bytes, e.g. ``<0xEC><0x95>``."""
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    table = {c: b for b, c in bytes_to_unicode().items()}
    token = tokenizer.convert_ids_to_tokens(token_id)
    return "".join(f"<0x{table[c]:02X}>" for c in token if c in table)


def chars_per_token(tokenizer, text: str) -> float:
    n = len(tokenizer(text, add_special_tokens=False)["input_ids"])
    return len(text) / n if n else 0.0


def unknown_count(tokenizer, text: str) -> int:
    """How many tokens of ``text`` are ``<unk>`` (always 0 for byte-level BPE)."""
    unk = tokenizer.unk_token_id
    return 0 if unk is None else sum(i == unk for i in tokenizer(text, add_special_tokens=False)["input_ids"])
