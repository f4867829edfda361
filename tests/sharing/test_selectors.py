"""The reads behind share pages that are plain functions: names hidden from a page's HTML,
owner labels as roles, and which secrets are even looked up."""

import pytest

from sharing.selectors import hide_names, live_link, role_only


def test_a_name_is_replaced_in_the_text_and_in_the_attributes_people_read():
    html = '<p title="Asked by Sam Lee">PMM · Sam Lee owns it; ask Sam Lee.</p><abbr aria-label="Sam Lee">SL</abbr>'
    assert hide_names(html, ["Sam Lee"]) == (
        '<p title="Asked by someone">PMM · someone owns it; ask someone.</p><abbr aria-label="someone">SL</abbr>'
    )


def test_a_username_that_is_a_word_of_the_markup_breaks_nothing():
    html = (
        '<script src="/static/js/share.js" defer></script><span class="share-note main">'
        'Read-only copy</span><main id="main">the main share</main>'
    )
    hidden = hide_names(html, ["share", "main", "span"])
    assert '<script src="/static/js/share.js" defer></script>' in hidden
    assert '<span class="share-note main">' in hidden and '<main id="main">' in hidden
    assert "the someone someone" in hidden


def test_only_whole_names_are_replaced():
    assert hide_names("<p>Adam, Ada and ada@example.com; Canada</p>", ["Ada", "ada@example.com"]) == (
        "<p>Adam, someone and someone; Canada</p>"
    )


def test_a_name_with_markup_characters_is_matched_as_the_page_prints_it():
    assert hide_names("<p>O&#x27;Brien &amp; Co</p>", ["O'Brien"]) == "<p>someone &amp; Co</p>"


@pytest.mark.parametrize(
    "label, role",
    [
        ("PMM · Sam Lee", "PMM"),
        ("CS · nobody holds this role", "CS"),
        ("Sam Lee", "someone without a role"),
        ("no owner", "no owner"),
    ],
)
def test_an_owner_is_named_by_role_only(label, role):
    assert role_only(label) == role


@pytest.mark.parametrize("secret", ["", "x", "A" * 42, "A" * 44, "A" * 42 + "/", "A" * 42 + "\x00", None, 7])
def test_a_secret_of_the_wrong_shape_is_never_looked_up(secret, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert live_link(secret) is None
