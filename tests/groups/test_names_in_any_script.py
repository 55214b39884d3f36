"""Names in any script (issue 22): a group named in Bengali or Urdu gets a readable web address that
keeps its script (never /groups/group), its page opens at that address, and the directory's search finds
it by a word of its name typed in that script, on both databases."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from app.groups import services as svc
from app.slugs import slugify
from tests.factories.groups import organisation
from tests.pages import page_text


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("বাংলা মহিলা কল্যাণ সমিতি", "বাংলা-মহিলা-কল্যাণ-সমিতি"),
        ("اردو مرکز برائے خواتین", "اردو-مرکز-برائے-خواتین"),
        ("Café & Co", "cafe-co"),
        ("Ururka Haweenka Soomaaliyeed", "ururka-haweenka-soomaaliyeed"),
        ("50% off_now!", "50-off-now"),
        ("!!!", "group"),
    ],
)
def test_a_web_address_keeps_the_names_own_script(name, slug):
    assert svc.slugify(name) == slug


def test_a_group_named_in_bengali_opens_at_its_address_and_is_found_in_bengali(client, db):
    org = organisation("বাংলা মহিলা কল্যাণ সমিতি", description="Weekly support for Bangladeshi women.")
    org.slug = svc.slugify(org.name)
    org.search_document = f"{org.name} {org.description}"
    urdu = organisation("اردو مرکز برائے خواتین", description="A women's centre.")
    urdu.slug = slugify(urdu.name)
    urdu.search_document = f"{urdu.name} {urdu.description}"
    db.session.commit()
    page = client.get(f"/groups/{quote(org.slug)}")
    assert page.status_code == 200 and "বাংলা মহিলা কল্যাণ সমিতি" in page_text(page)
    listing = client.get("/groups").get_data(as_text=True)
    assert f'href="/groups/{quote(org.slug)}"' in listing or f'href="/groups/{org.slug}"' in listing
    found = page_text(client.get("/groups?q=" + quote("মহিলা")))
    assert "1 group found" in found and "বাংলা মহিলা কল্যাণ সমিতি" in found
    assert "1 group found" in page_text(client.get("/groups?q=" + quote("مرکز")))
    assert client.get(f"/groups/{quote(urdu.slug)}").status_code == 200
