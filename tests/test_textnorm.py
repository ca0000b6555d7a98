from kg.textnorm import clean_cell, fold, strip_artifacts


def test_fold_glyph_variants():
    assert fold("≧90%") == fold("≥90％") == "≥90%"
    assert fold("﹤0.5%") == fold("＜0.5%") == "<0.5%"
    assert fold("85－100%") == "85-100%"
    assert fold(">=3") == "≥3"
    assert fold("≤0.1‰") == "≤0.1‰"


def test_strip_artifacts():
    assert (
        strip_artifacts("（二）分项绩效目标 TC 分项绩效目标 \\f A \\l 1 ") == "（二）分项绩效目标"
    )
    assert strip_artifacts("[bookmark: _Toc39915868]1、北戴河") == "1、北戴河"


def test_clean_cell_quotes_and_padding():
    assert clean_cell('"做好工作。\n\n"') == "做好工作。"
    assert clean_cell("   ") == ""
    assert clean_cell("项目A\n\n内业B") == "项目A\n\n内业B"
