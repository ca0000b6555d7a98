"""Indicator names, the spaCy pipeline and the lexicons, on strings quoted from the seeds."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc, Span

from kg.nlp import (
    analyze_name,
    get_cell_nlp,
    get_nlp,
    load_lexicon,
    pipe_cells,
    pipe_names,
)
from kg.nlp.names import analyze_name_text


@pytest.mark.parametrize(
    ("name", "unit", "head", "kind", "direction"),
    [
        ("应急平台互联互通率(%)", "percent", "互联互通率", "rate", "higher_better"),  # 000
        ("网络故障次数(次）", "count:次", "次数", "count", "lower_better"),  # 004:L277
        ("撬动银行发放贷款（元)", "money:元", "贷款", "amount", "unknown"),  # 004:L727
        ("服务对象满意度", None, "满意度", "satisfaction", "higher_better"),  # 003
        ("决策部署督查反馈率(%)", "percent", "反馈率", "rate", "higher_better"),
        ("内容、编校、设计、印刷差错率(%)", "percent", "差错率", "rate", "lower_better"),
        ("通讯网络故障率", None, "故障率", "rate", "lower_better"),  # 000:L1194
        ("再犯罪减低率", None, "减低率", "rate", "ambiguous"),  # 000:L3110
        ("大型会议控制率", None, "控制率", "rate", "ambiguous"),  # 000:L285
        ("不合格产品查处率", None, "查处率", "rate", "higher_better"),
        ("召开联席会议次数", None, "次数", "count", "higher_better"),  # 004:L1519
        ("造林绿化面积", None, "面积", "amount", "unknown"),  # 000:L3880
    ],
)
def test_units_heads_kinds_and_polarity(name, unit, head, kind, direction):
    analysis = analyze_name(name)
    assert (analysis.declared_unit, analysis.measure_head) == (unit, head)
    assert (analysis.metric_kind, analysis.direction_hint) == (kind, direction)


def test_category_labels_and_task_phrases():
    for label in ("数量指标", "完成质量", "保质保量", "打造典型", "社会效益", "时效指标"):
        analysis = analyze_name(label)
        assert analysis.is_category_label and not analysis.is_task_phrase
    task = analyze_name("以文辅政，有力地指导和推动全区工作的深入开展。")  # 002:L169
    assert task.is_task_phrase and task.metric_kind == "qualitative"
    assert not analyze_name("综合事务完成率").is_task_phrase


def test_template_keys_fold_jurisdiction_numbers_units_and_verbs():
    # domain.md §3.2: the 应急管理 text of 000 and 004 at two levels of government
    assert analyze_name("县政府值班工作").key == analyze_name("工管委值班工作").key
    assert analyze_name("全县保密管理工作").key == analyze_name("全区保密管理工作").key
    assert analyze_name("提高政务信息公开次数（次)").key == "政务信息公开次数"
    assert analyze_name("1、公文流转").key == "公文流转"
    assert (
        analyze_name("建设运行维护好省新区应急平台").key
        == analyze_name("建设运行维护好省政府应急平台").key
    )
    assert analyze_name("群众满意率").key == analyze_name("群众满意度").key
    assert analyze_name("形成5个政策研究报告").key == "形成<NUM>个政策研究报告"
    places = ("秦皇岛", "北戴河")
    assert analyze_name_text("北戴河区档案整理率", places).key == "<PLACE>区档案整理率"


def test_pipeline_is_blank_chinese_with_jieba_and_the_user_dictionary():
    nlp = get_nlp()
    assert nlp is get_nlp()
    assert nlp.lang == "zh" and nlp.pipe_names == ["pikg_threshold", "pikg_name"]
    assert nlp.tokenizer.inner.segmenter == "jieba"
    tokens = [t.text for t in nlp.make_doc("应急平台互联互通率")]
    assert "互联互通率" in tokens  # a user-dictionary word stays whole
    assert "工管委" in [t.text for t in nlp.make_doc("工管委公文运转")]


def test_threshold_spans_carry_the_band():
    docs = list(pipe_cells(["80%及以上", "≥9595%以上", "故障次数小于5", "涉密", ""]))
    assert all(isinstance(d, Doc) for d in docs)
    span = docs[0].spans["threshold"][0]
    assert isinstance(span, Span) and span.text == "80%及以上"
    assert span._.band is docs[0]._.band and span._.band.comparator == "ge"
    assert docs[1]._.band.flags == ["duplicated_digits", "redundant_suffix"]
    assert docs[2].spans["threshold"][0].text.endswith("小于5")
    assert docs[3]._.band.status == "placeholder"
    assert docs[4]._.band.status == "empty" and "threshold" not in docs[4].spans


def test_grade_cells_are_not_segmented_and_spans_cover_exactly_the_expression():
    nlp = get_cell_nlp()
    assert nlp is get_cell_nlp() and nlp.pipe_names == ["pikg_threshold"]
    docs = list(pipe_cells(["故障次数小于5次", "80%及以上 ", "百分之九十以上"]))
    assert [t.text for t in docs[0]] == list("故障次数小于5次")
    assert docs[1].text == "80%及以上 "  # the cell as written, whitespace included
    assert [s.text for d in docs[:2] for s in d.spans["threshold"]] == ["小于5次", "80%及以上"]
    # a Chinese numeral is rewritten before the parse: the whole cell carries the reading
    assert docs[2].spans["threshold"][0].text == "百分之九十以上"


def test_components_also_read_docs_from_other_tokenizers():
    """Without pikg's tokenizers the components fall back to ``doc.text`` and the tokens."""
    from spacy.tokens import Doc as SpacyDoc

    from kg.nlp.pipeline import name_component, threshold_component

    doc = get_nlp()("故障次数小于5")  # jieba Doc through both components
    assert doc._.band.comparator == "lt" and doc.spans["threshold"][0].text.endswith("小于5")
    words = SpacyDoc(get_nlp().vocab, words=["网络", "故障", "次数"], spaces=[False, True, False])
    assert name_component(words)._.name_analysis.tokens == ["网络", "故障", "次数"]
    cell = threshold_component(SpacyDoc(get_nlp().vocab, words=["≥", "90", "%"]))
    assert cell._.band.lower == 90 and cell.spans["threshold"][0].text == "≥ 90 %"


def test_cached_name_segmentation_equals_spacys_jieba_tokenizer(seed_path):
    """The memoised tokenizer must give spaCy's own ChineseTokenizer words, spaces included."""
    from kg.extraction import extract_file

    nlp = get_nlp()
    names = [ind.name for _, ind in extract_file(seed_path("002")).iter_indicators()]
    names += ["应急平台 互联互通率", " 两个空格  之间 ", "1.网络故障次数(次）\n"]
    for name in names:
        ours, spacys = nlp.make_doc(name), nlp.tokenizer.inner(name)
        assert [(t.text, t.whitespace_) for t in ours] == [(t.text, t.whitespace_) for t in spacys]


def test_name_docs_carry_the_analysis_and_tokens():
    doc = next(iter(pipe_names(["网络故障次数(次）"])))
    assert doc._.name_analysis.measure_head == "次数"
    assert doc._.name_analysis.tokens == [t.text for t in doc]


def test_lexicon_is_versioned_and_holds_the_quoted_scales():
    lexicon = load_lexicon()
    assert lexicon.version
    assert lexicon.scales["HIGH4"][0] == ("很高",)  # 002:L2743 很高 | 较高 | 一般 | 低
    assert lexicon.scales["HUGE4"][3] == ("没有",)  # 002:L2733 极大 | 较大 | 一般 | 没有
    assert lexicon.scales["SIGNAL4"][2] == ("偶有断点",)  # 000:L1185
    assert lexicon.scales["COMPLETE4"][1] == ("比较完备",)  # 004:L989
    assert "差错" in lexicon.lower_better_words and "控制率" in lexicon.reduction_words
    assert lexicon.units["工作日"] == "duration:工作日" and lexicon.units["‰"] == "permille"
    assert "数量指标" in lexicon.category_labels
