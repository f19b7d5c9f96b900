"""The shipped English GPT and LSTM, loaded once per test module that asks for them."""

import pytest

from models.language import text


@pytest.fixture(scope="module")
def gpt():
    return text.TextModel.load("gpt_en")


@pytest.fixture(scope="module")
def lstm():
    return text.TextModel.load("lstm_en")
