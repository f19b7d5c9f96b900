from tests.pages.conftest import run_app


def shown_terms(at):
    frame = at.table[0].value
    return list(frame.iloc[:, 0])


def test_search_filters_in_both_languages():
    at = run_app("en", "pages/glossary.py")
    total = len(shown_terms(at))
    at.text_input[0].input("잠재").run()  # Korean query in the English UI still finds the terms
    terms = shown_terms(at)
    assert 0 < len(terms) < total and "Latent space" in terms


def test_topic_filter_and_empty_result():
    at = run_app("ko", "pages/glossary.py")
    at.selectbox[0].set_value("gan").run()
    terms = shown_terms(at)
    assert "판별자" in terms and "생성자" in terms and "트랜스포머" not in terms
    at.text_input[0].input("zzzz-no-such-term").run()
    assert not at.exception and at.info
