from policy_nlp.extract.text import join_hyphenated, join_lines, normalize_text, word_counts


def test_ligatures_and_odd_spaces_are_normalised():
    assert normalize_text("e\ufb03cient \ufb01nance\u00a0and\u2009\ufb02ows") == "efficient finance and flows"
    assert normalize_text("zero\u200bwidth  soft\u00adhyphen") == "zerowidth softhyphen"


def test_syllable_breaks_are_joined():
    assert join_lines(["the devel-", "opment of industry"]) == "the development of industry"
    assert join_lines(["informa-", "tization is"]) == "informatization is"


def test_compounds_keep_their_hyphen():
    assert join_lines(["a heavy-", "duty vehicle"]) == "a heavy-duty vehicle"
    assert join_lines(["the long-", "term plan"]) == "the long-term plan"
    assert join_lines(["non-", "EU members"]) == "non-EU members"


def test_document_spelling_decides_ambiguous_breaks():
    # "data-driven" is written with a hyphen elsewhere in the document: keep it.
    counts = word_counts(["data-driven policy is common", "more text"])
    assert not join_hyphenated("data", "driven", counts)
    counts = word_counts(["the workforce grows"])
    assert join_hyphenated("work", "force", counts)


def test_common_words_split_in_two_real_words_are_joined():
    assert join_lines(["we found some-", "thing new"]) == "we found something new"


def test_broken_number_ranges_are_rejoined():
    assert join_lines(["during 2021-", "2025 the plan"]) == "during 2021-2025 the plan"
