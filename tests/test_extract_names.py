"""Organisations the registry does not know are found from their context, and common words are not."""
from policykg import extract_text
from policykg.extract.lexicon import load

# invented vendor names, so that only the context can find them
TEXT = """Acme Inc. ("we") respects your privacy.

We use Zorblax to send emails to you. Payments are processed by Quenchly Pay. Our analytics provider, Vistrado,
receives usage data. We share payment data with payment processors such as Stripe, Paylico and Brindlepay.
Uploaded forms are stored with Formfox.io. We use Cookies to remember you. Cookies are small files.
"""


def test_unknown_vendors_found_from_their_context():
    assert not any(load().registry.find_name(n) for n in ("Zorblax", "Quenchly Pay", "Vistrado", "Paylico"))
    r = extract_text(TEXT)
    named = {f.recipient.name: f for f in r.flows}
    assert set(named) == {"Zorblax", "Quenchly Pay", "Vistrado", "Stripe", "Paylico", "Brindlepay", "Formfox.io"}
    assert not named["Zorblax"].recipient.known and named["Stripe"].recipient.known
    assert "https://w3id.org/dpv/pd#PaymentCardNumber" in {d.iri for d in named["Paylico"].data}


def test_a_capitalised_common_word_is_not_an_organisation():
    r = extract_text("We use Cookies to remember you. Cookies are small files. We use Analytics to count visits.")
    assert r.flows == [] or all(f.recipient.organization is None for f in r.flows)


def test_a_list_number_or_a_domain_inside_another_is_not_a_weak_alias():
    text = ("IX. Cookies\nWe share usage data with our analytics providers.\n"
            "X. Changes to this policy\nWe share your data with partners. See dropbox.com and storefront.com.\n")
    named = {f.recipient.organization for f in extract_text(text).flows}
    assert not named & {"Twitter", "X", "Box", "Front"}
