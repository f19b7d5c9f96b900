"""Text models: held-out loss per token and per character, generation speed, KV-cache speed-up.

Per shipped text model: loss on (up to) the first 100k tokens of the held-out split, in nats
per token and per character (comparable across tokenizers), perplexity; greedy generation of
100 tokens after a 16-token prompt (median of repeats) with the KV cache and, for the GPT,
without it. Targets from the issue: character-level English GPT ≤ 1.6 nats/char; GPT ≥ 200
tokens/s on 2 CPU cores; Korean GPT ≤ 3.0 nats/char on held-out everyday Korean. Every Korean model is
also scored on the held-out works of the everyday corpus (``ko_everyday``: five stories and the chat
pairs of the held-out answers, none seen in training), with its own character bigram beside it.
Beside every model, a character-bigram baseline (add-one smoothing, fitted
on the same corpus's training split) scored on the same held-out characters; for ``gpt_code`` (Python
standard-library source) this is the row that says whether the GPT learned more than which
character tends to follow which.
"""

from __future__ import annotations

import functools
import time

from benchmarks.common import save, saved, summarise
from models.core import checkpoints
from models.language import baseline, corpus, text

NATS_PER_CHAR_TARGET = 1.6
#: Korean GPT on held-out everyday Korean (the issue's target)
KO_EVERYDAY_TARGET = 3.0
TOKENS_PER_S_TARGET = 200
EVAL_TOKENS = 100_000


def _speed(tm: text.TextModel, repeats: int, use_cache: bool) -> dict:
    text.tokens_per_second(tm, 20, use_cache=use_cache)  # warm-up
    rates = [text.tokens_per_second(tm, 100, use_cache=use_cache, seed=i) for i in range(repeats)]
    return summarise(rates)


@functools.cache
def _bigram(lang: str) -> baseline.CharBigram:
    return baseline.fit(corpus.load(lang, "train"))


def _everyday(tm: text.TextModel) -> dict:
    """The held-out everyday Korean figures of a Korean model (and of a character bigram fitted on the
    everyday training split, scored on the same characters)."""
    valid = corpus.load(corpus.EVERYDAY, "valid")
    loss = tm.loss(valid, max_tokens=EVAL_TOKENS)
    scored = valid[:loss["characters"]]
    return {"everyday_nats_per_token": loss["nats_per_token"], "everyday_nats_per_char": loss["nats_per_char"],
            "everyday_chars_scored": len(scored), "everyday_chars_held_out": len(valid),
            "everyday_bigram_nats_per_char": baseline.nats_per_char(_bigram(corpus.EVERYDAY), scored)}


def measure(name: str, repeats: int) -> dict:
    tm = text.TextModel.load(name)
    valid = corpus.load(tm.config.lang, "valid")
    start = time.perf_counter()
    loss = tm.loss(valid, max_tokens=EVAL_TOKENS)
    eval_s = time.perf_counter() - start
    scored = valid[:loss["characters"]]  # the characters the model was scored on
    cached = _speed(tm, repeats, True)
    result = {"arch": tm.arch, "lang": tm.config.lang, "tokenizer": tm.config.tokenizer,
              "valid_nats_per_token": loss["nats_per_token"], "valid_nats_per_char": loss["nats_per_char"],
              "valid_perplexity": loss["perplexity"], "valid_tokens_scored": loss["tokens"], "eval_s": eval_s,
              "valid_chars_scored": len(scored),
              "bigram_nats_per_char": baseline.nats_per_char(_bigram(tm.config.lang), scored),
              "tokens_per_s": cached["median_s"], "tokens_per_s_spread": [cached["min_s"], cached["max_s"]]}
    if tm.arch == "gpt":
        plain = _speed(tm, repeats, False)
        result.update(tokens_per_s_no_cache=plain["median_s"], kv_cache_speedup=cached["median_s"] / plain["median_s"])
    if tm.config.lang == "ko":
        result.update(_everyday(tm))
    trained = checkpoints.load_metrics(name)
    result.update({k: trained.get(k) for k in ("parameters", "steps", "epochs", "wall_time_s", "seconds_per_epoch",
                                              "train_tokens_per_s", "vocab_size")})
    return result


def run(repeats: int = 5, names: tuple[str, ...] = tuple(text.SHIPPED), keep_others: bool = False) -> dict:
    """Measure ``names``; with ``keep_others`` the other models' rows of the saved results stay as
    they were measured (each row says when, and the machine's load average then)."""
    import os

    import torch

    torch.set_num_threads(min(2, torch.get_num_threads()))
    kept = saved("text").get("models", {}) if keep_others else {}
    fresh = {}
    for name in names:
        fresh[name] = measure(name, repeats)
        fresh[name].update(measured=time.strftime("%Y-%m-%d %H:%M:%S %Z"), load_average=os.getloadavg())
    results = {name: fresh.get(name, kept.get(name)) for name in dict.fromkeys([*kept, *fresh])}
    table = []
    for name, r in results.items():
        cache = (f"; without KV cache {r['tokens_per_s_no_cache']:.0f} tokens/s (cache ×{r['kv_cache_speedup']:.1f})"
                 if "kv_cache_speedup" in r else "")
        bigram = f" (character bigram {r['bigram_nats_per_char']:.3f})" if "bigram_nats_per_char" in r else ""
        table.append((name, f"{r['valid_nats_per_token']:.3f} nats/token (perplexity {r['valid_perplexity']:.1f}), "
                            f"{r['valid_nats_per_char']:.3f} nats/char{bigram}; "
                            f"{r['tokens_per_s']:.0f} tokens/s{cache}; {r['parameters']:,} parameters, "
                            f"{r['wall_time_s'] / 60:.1f} min training"))
    if "gpt_code" in results:
        code = results["gpt_code"]
        table.append(("gpt_code vs character bigram",
                      f"held-out Python standard library ({code['valid_chars_scored']:,} characters): GPT "
                      f"{code['valid_nats_per_char']:.3f} nats/char, add-one character bigram (fitted on the train "
                      f"files) {code['bigram_nats_per_char']:.3f} nats/char "
                      f"({code['bigram_nats_per_char'] - code['valid_nats_per_char']:.3f} nats/char better); "
                      f"{code['tokens_per_s']:.0f} tokens/s"))
    for name, r in results.items():
        if "everyday_nats_per_char" in r:
            table.append((f"{name} on everyday Korean",
                          f"held-out stories and chat ({r['everyday_chars_scored']:,} of "
                          f"{r['everyday_chars_held_out']:,} characters): {r['everyday_nats_per_char']:.3f} nats/char "
                          f"(character bigram {r['everyday_bigram_nats_per_char']:.3f})"))
    if "gpt_ko" in results and "everyday_nats_per_char" in results["gpt_ko"]:
        everyday = results["gpt_ko"]["everyday_nats_per_char"]
        table.append(("Korean GPT target", f"≤ {KO_EVERYDAY_TARGET} nats/char on held-out everyday Korean: "
                                           f"{everyday:.3f} ({'met' if everyday <= KO_EVERYDAY_TARGET else 'missed'})"))
    if "gpt_en_char" in results:
        char = results["gpt_en_char"]["valid_nats_per_char"]
        table.append(("character GPT target", f"≤ {NATS_PER_CHAR_TARGET} nats/char: {char:.3f} "
                                              f"({'met' if char <= NATS_PER_CHAR_TARGET else 'missed'})"))
    gpts = [r["tokens_per_s"] for r in results.values() if r["arch"] == "gpt"]
    if gpts:
        table.append(("GPT speed target", f"≥ {TOKENS_PER_S_TARGET} tokens/s: slowest GPT {min(gpts):.0f} "
                                          f"({'met' if min(gpts) >= TOKENS_PER_S_TARGET else 'missed'})"))
    save("text", {"models": results, "targets": {"nats_per_char": NATS_PER_CHAR_TARGET,
                                                 "ko_everyday_nats_per_char": KO_EVERYDAY_TARGET,
                                                 "tokens_per_s": TOKENS_PER_S_TARGET}}, table)
    return results
