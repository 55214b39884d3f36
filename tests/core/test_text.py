"""app/text.py: the one plain-text conversion of stored rich text."""

from app.text import html_to_text


def test_empty_values_give_empty_text():
    assert html_to_text(None) == ""
    assert html_to_text("") == ""


def test_paragraphs_are_separated_by_a_blank_line_and_breaks_by_a_new_line():
    assert html_to_text("<p>One<br>two</p><p>Three</p>") == "One\ntwo\n\nThree"


def test_list_items_become_bulleted_lines():
    assert html_to_text("<ul><li>Tea</li><li>Cake</li></ul>") == "• Tea\n• Cake"


def test_entities_are_decoded_and_spaces_inside_a_line_collapsed():
    assert html_to_text("<p>Fish &amp;   <b>chips</b></p>") == "Fish & chips"


def test_script_content_is_dropped():
    assert html_to_text("<p>Hi</p><script>alert(1)</script>") == "Hi"


def test_join_words_reads_as_a_sentence():
    from app.text import join_words

    assert join_words(["February", "May", "August", "November"]) == "February, May, August and November"
    assert join_words(["May", "November"]) == "May and November"
    assert join_words(["May"]) == "May"
    assert join_words([]) == ""
