"""Format checks: postcodes, charity and company numbers, search words."""

from __future__ import annotations

import pytest

from app.groups.search import search_terms
from app.groups.validation import name_key, normalise_charity_number, normalise_company_number, normalise_postcode


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("e1 6an", "E1 6AN"), ("E16AN", "E1 6AN"), (" sw1a 1aa ", "SW1A 1AA"), ("EC1A1BB", "EC1A 1BB"),
     ("m11ae", "M1 1AE"), ("gir0aa", "GIR 0AA"), ("E1W 3PA", "E1W 3PA")],
)  # fmt: skip
def test_postcodes_are_normalised(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["", "E1", "123 456", "E1 6ANX", "QQ1 1QQQ", "E1 6A"])
def test_bad_postcodes_are_refused(raw):
    assert normalise_postcode(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1123456", "1123456"), ("212345", "212345"), ("1123456-1", "1123456-1"), ("sc012345", "SC012345"),
     ("SC 012345", "SC012345"), ("NIC100002", "NIC100002"), ("nic 100002", "NIC100002")],
)  # fmt: skip
def test_charity_numbers(raw, expected):
    assert normalise_charity_number(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "12345678", "SC12345", "SC112345", "NI100002", "ABC", "1123456-123"])
def test_bad_charity_numbers(raw):
    assert normalise_charity_number(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("01234567", "01234567"), ("1234567", "01234567"), ("sc123456", "SC123456"), ("OC 301234", "OC301234")],
)
def test_company_numbers(raw, expected):
    assert normalise_company_number(raw) == expected


@pytest.mark.parametrize("raw", ["123", "123456789", "S1234567", "SC12345"])
def test_bad_company_numbers(raw):
    assert normalise_company_number(raw) is None


def test_name_key_ignores_noise():
    assert name_key("The Somali Parents' Network Ltd") == name_key("Somali Parents Network")


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ('"diab', ["diab"]),
        ("mental NEAR(health) OR *", ["mental", "near", "health", "or"]),
        ("(((", []),
        ("😀 diabetes 😀", ["diabetes"]),
        ("স্বাস্থ্য", ["স্বাস্থ্য"]),
        ("women's group", ["women", "s", "group"]),
    ],
)
def test_search_terms_are_plain_words(query, terms):
    assert search_terms(query) == terms
