from grader.export.markdown_text import markdown_code, markdown_text


def test_html_and_markdown_are_inert():
    text = markdown_text("<img src=x onerror=alert(1)> | *bold* _it_ [link](http://e.x) `code` # h ~s~ !\\")
    assert "<" not in text and ">" not in text
    for special in "|*_[]`#~!":
        assert special not in text.replace("\\" + special, "")
    assert text.startswith("&lt;img")


def test_one_line_no_control_characters_and_a_visible_cut():
    assert markdown_text("a\n\nb\tc\x07d") == "a b cd"
    assert markdown_text("abcdefghij", limit=5) == "abcd…"
    assert markdown_text("abc", limit=5) == "abc"


def test_identifiers_become_code_and_anything_else_escaped_text():
    assert markdown_code("linear_backward") == "`linear_backward`"
    assert markdown_code("a|b`") == "a\\|b\\`"
