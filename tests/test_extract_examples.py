"""What the five example policies must give (issue: policykg end to end)."""

PAYMENT_IRIS = {"https://w3id.org/dpv/pd#PaymentCardNumber", "https://w3id.org/dpv/pd#CreditCardNumber",
                "https://w3id.org/dpv/pd#Financial", "https://w3id.org/dpv/pd#PaymentCard"}


def named(result):
    """organisation -> (recipient names, data IRIs, actions) over a policy's flows."""
    out = {}
    for f in result.flows:
        org = f.recipient.organization
        if org is None:
            continue
        names, data, actions = out.setdefault(org, (set(), set(), set()))
        names.add(f.recipient.name)
        data.update(d.iri for d in f.data)
        actions.add(f.action)
    return out


def local(iris):
    return {i.rsplit("#", 1)[-1] for i in iris}


USAGE = {"UsageData", "BrowsingBehaviour", "BrowserHistory"}


def test_controllers(examples_results):
    ctl = {f: r.controller.name for f, r in examples_results.items()}
    assert ctl["inagora-onemall.en.txt"] == "INAGORA Co., Ltd."
    assert ctl["zengroup-zenpop.en.txt"] == "ZenGroup INC"
    assert ctl["infomart.en.txt"] == "Infomart Corporation"
    assert ctl["kaikorero.ja.txt"].startswith("Kainisi Commercial Trading (Shanghai)")
    assert ctl["unnamed-shop.en.txt"] == "Nicori"  # from the manifest: the text names no company
    countries = {f: r.controller.country for f, r in examples_results.items()}
    assert countries["inagora-onemall.en.txt"] == "JP" and countries["zengroup-zenpop.en.txt"] == "JP"
    assert countries["kaikorero.ja.txt"] == "CN"  # a Shanghai company writing in Japanese


def test_languages(examples_results):
    assert examples_results["kaikorero.ja.txt"].language == "ja"
    assert all(r.language == "en" for f, r in examples_results.items() if f.endswith(".en.txt"))


def test_zengroup_payment_processors_get_card_data(examples_results):
    orgs = named(examples_results["zengroup-zenpop.en.txt"])
    for org in ("Stripe", "PayPal", "Nihaopay", "UnionPay", "Crypto.com", "dLocal"):
        assert org in orgs, org
        assert orgs[org][1] & PAYMENT_IRIS, (org, orgs[org][1])
    # "PayPal or Braintree": Braintree is a company of its own, a PayPal subsidiary (the graph rolls it up to PayPal)
    braintree = [f.recipient for f in examples_results["zengroup-zenpop.en.txt"].flows if f.recipient.name == "Braintree"]
    assert [(b.organization, b.parent) for b in braintree] == [("Braintree", "PayPal")]
    assert "Microsoft" in orgs and "Microsoft Azure" in orgs["Microsoft"][0]


def test_zengroup_reports_nothing_the_policy_does_not_name_as_recipient(examples_results):
    orgs = set(named(examples_results["zengroup-zenpop.en.txt"]))
    # Visa, Mastercard, American Express, Discover only appear as PCI "brands"; the DAA is an opt-out body
    assert orgs == {"Stripe", "PayPal", "Braintree", "Nihaopay", "UnionPay", "Crypto.com", "dLocal", "Microsoft", "Google",
                    "Facebook"}


def test_inagora(examples_results):
    r = examples_results["inagora-onemall.en.txt"]
    orgs = named(r)
    assert set(orgs) == {"Stripe", "PayPal", "Braintree", "Alibaba", "Google", "Facebook"}
    assert orgs["Stripe"][1] & PAYMENT_IRIS and orgs["PayPal"][1] & PAYMENT_IRIS
    assert "Alibaba Cloud" in orgs["Alibaba"][0]
    assert USAGE & local(orgs["Google"][1])
    # social login: Facebook, TikTok and Google are sources of the login data, not recipients
    sources = {s.source.name for s in r.sources}
    assert {"TikTok", "Facebook", "Google"} <= sources
    assert "TikTok" not in orgs


def test_infomart_joint_use_with_restartz(examples_results):
    orgs = named(examples_results["infomart.en.txt"])
    assert set(orgs) == {"Restartz", "Google"}
    names, data, actions = orgs["Restartz"]
    assert actions == {"joint-use"}
    assert {"Name", "PhysicalAddress", "EmailAddress", "TelephoneNumber"} <= local(data)
    assert USAGE & local(orgs["Google"][1])


def test_kaikorero_japanese(examples_results):
    r = examples_results["kaikorero.ja.txt"]
    orgs = named(r)
    assert set(orgs) == {"DHL", "UPS", "Google", "Facebook", "Twitter"}
    for carrier in ("DHL", "UPS"):
        assert {"Name", "PhysicalAddress"} <= local(orgs[carrier][1]), orgs[carrier]
    assert USAGE & local(orgs["Google"][1])
    # Facebook and Twitter are also named as sources (log in through them)
    assert {"Facebook", "Twitter"} <= {s.source.name for s in r.sources}


def test_unnamed_shop_has_no_named_recipient_and_keeps_the_exception_as_condition(examples_results):
    r = examples_results["unnamed-shop.en.txt"]
    assert named(r) == {}
    assert any("will not disclose" in c.text for c in r.conditions)
    assert not any(f.recipient.category == "government" for f in r.flows)


def test_negated_sharing_is_a_condition_not_a_flow(examples_results):
    r = examples_results["inagora-onemall.en.txt"]
    assert any(c.text.startswith("We will not share your Personal Data with third parties unless") for c in r.conditions)
    for f in r.flows:
        for e in f.evidence:
            assert "will not share" not in e.text


def test_every_flow_has_evidence_with_exact_offsets(examples_results):
    from policykg.extract.read import read_path
    from conftest import example
    for name, r in examples_results.items():
        text = read_path(example(name)).text
        items = [*r.flows, *r.sources, *r.collected]
        assert items
        for it in items:
            assert it.evidence, (name, it)
            for e in it.evidence:
                assert text[e.start:e.end] == e.text


def test_law_enforcement_is_an_unnamed_recipient(examples_results):
    r = examples_results["inagora-onemall.en.txt"]
    gov = [f for f in r.flows if f.recipient.category == "government"]
    assert gov and all(f.recipient.organization is None for f in gov)
    assert gov[0].action == "disclose-to-authorities"


def test_collected_categories(examples_results):
    got = local(c.iri for c in examples_results["inagora-onemall.en.txt"].collected)
    assert {"EmailAddress", "Name", "PhysicalAddress", "IPAddress", "Cookie", "UsageData"} <= got
    got_ja = local(c.iri for c in examples_results["kaikorero.ja.txt"].collected)
    assert {"Name", "PhysicalAddress", "TelephoneNumber", "EmailAddress", "Gender", "BirthDate"} <= got_ja
