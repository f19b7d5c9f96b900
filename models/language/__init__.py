"""Autoregressive text: corpora, tokenizers, the GPT and LSTM, their training, the optional hub model."""
