"""The organisation registry (ontology/organizations.json) is consistent and resolves names.

Structure: ids unique, parents exist, categories from recipient-categories.ttl, known roles,
ISO country codes. Aliases: none shared by two organisations, no strong alias that is short, a
roman numeral or an English dictionary word (those belong in weak_aliases). Resolution: the
Japanese, katakana, full-width and 株式会社 forms of a name find the same organisation as its
English name.
"""
import json
import re
from importlib import resources

import pytest

from policykg.extract.lexicon import _alias_variants, load
from policykg.extract.phrases import norm_phrase

ROLES = {"recipient", "browser", "self-regulatory", "regulator", "card-network", "os-vendor"}

# Single words that a dictionary lists but that name one company when capitalised in a privacy
# policy; each was reviewed. Anything else that is a dictionary word must be a weak alias.
BRAND_WORDS = {
    "google", "chrome", "meta", "azure", "bing", "amazon", "twitch", "apple", "stripe", "affirm", "visa", "wise",
    "plaid", "oracle", "grapeshot", "fastly", "adobe", "snowplow", "kevel", "liftoff", "twitter", "yahoo", "ameba",
    "mandrill", "sinch", "braze", "slack", "shippo", "discord", "cisco", "sap", "workday", "anthropic",
    # not recipients (browsers, OS vendors, standards bodies): a stray match is never a flow
    "chromium", "android", "iso",
    "contentful", "tableau", "foursquare", "tomtom",
}

ROMAN = re.compile(r"(?i)M{0,3}(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})")


@pytest.fixture(scope="module")
def raw():
    text = resources.files("policykg.ontology").joinpath("organizations.json").read_text(encoding="utf-8")
    return json.loads(text)["organizations"]


@pytest.fixture(scope="module")
def registry():
    return load().registry


def strong_aliases(o):
    weak = set(o["weak_aliases"])
    return [a for a in [o["name"], *o["aliases"]] if a not in weak]


def test_ids_unique_and_parents_exist(raw):
    ids = [o["id"] for o in raw]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    by_id = {o["id"]: o for o in raw}
    for o in raw:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", o["id"]), o["id"]
        assert o["parent"] is None or o["parent"] in by_id, (o["id"], o["parent"])
        seen, p = {o["id"]}, o["parent"]
        while p:  # no cycles
            assert p not in seen, (o["id"], p)
            seen.add(p)
            p = by_id[p]["parent"]


def test_fields_are_valid(raw):
    cats = set(load().recipient_cats)
    keys = ["id", "name", "aliases", "weak_aliases", "domains", "parent", "category", "country", "role"]
    for o in raw:
        assert list(o) == keys, o["id"]
        assert o["category"] in cats, (o["id"], o["category"])
        assert o["role"] in ROLES, (o["id"], o["role"])
        assert o["country"] is None or re.fullmatch(r"[A-Z]{2}", o["country"]), (o["id"], o["country"])
        for d in o["domains"]:
            assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", d), (o["id"], d)
        for a in [*o["aliases"], *o["weak_aliases"]]:
            assert a == a.strip() and a, (o["id"], a)


def test_no_alias_shared_by_two_organisations(raw):
    owner = {}
    clashes = []
    for o in raw:
        forms = set()
        for a in [o["name"], *o["aliases"], *o["weak_aliases"]]:
            forms |= _alias_variants(a)
        for f in forms:
            if owner.setdefault(f, o["id"]) != o["id"]:
                clashes.append((f, owner[f], o["id"]))
    assert not clashes, clashes


def test_no_risky_strong_alias(raw):
    words = pytest.importorskip("english_words").get_english_words_set(["gcide"], lower=True, alpha=True)
    bad = []
    for o in raw:
        for a in strong_aliases(o):
            n = norm_phrase(a, lower=False)
            if len(n) < (3 if n.isascii() else 2):
                bad.append((o["id"], a, "short"))
            elif ROMAN.fullmatch(n.rstrip(".")):
                bad.append((o["id"], a, "roman numeral"))
            elif n.isalpha() and n.isascii() and n.lower() in words:
                if n == n.lower():  # written in lower case: matched in any case
                    bad.append((o["id"], a, "lower-case dictionary word"))
                elif n.lower() not in BRAND_WORDS:
                    bad.append((o["id"], a, "dictionary word"))
    assert not bad, bad


def resolve(registry, text):
    """The registry id of the longest name in text, and whether it is strong."""
    found = [(b - a, oid, weak) for a, b, (oid, weak) in registry.matcher.finditer(text)]
    if not found:
        return None
    _, oid, weak = max(found)
    return oid if not weak else "weak:" + oid


SAME = [
    ("ヤマト運輸株式会社", "Yamato Transport"), ("ヤマト運輸", "Yamato Transport Co., Ltd."),
    ("アマゾン ウェブ サービス", "Amazon Web Services"), ("アマゾンウェブサービスジャパン合同会社", "AWS"),
    ("ストライプ", "Stripe"), ("Ｓｔｒｉｐｅ", "Stripe"), ("ﾔﾏﾄ運輸", "Yamato Transport"),
    ("佐川急便株式会社", "Sagawa Express"), ("日本郵便株式会社", "Japan Post"), ("西濃運輸", "Seino Transportation"),
    ("福山通運株式会社", "Fukuyama Transporting"), ("フェデックス", "FedEx"), ("ディーエイチエル", "DHL"),
    ("株式会社ＧＭＯペイメントゲートウェイ", "GMO Payment Gateway"), ("GMOペイメントゲートウェイ株式会社", "GMO-PG"),
    ("SBペイメントサービス株式会社", "SB Payment Service"), ("ベリトランス株式会社", "VeriTrans"),
    ("PayPay株式会社", "PayPay"), ("楽天ペイ", "Rakuten Pay"), ("株式会社ペイジェント", "PAYGENT"),
    ("株式会社ゼウス", "ZEUS Co., Ltd."), ("ソニーペイメントサービス株式会社", "Sony Payment Services"),
    ("株式会社メルペイ", "Merpay"), ("株式会社ネットプロテクションズ", "Net Protections"),
    ("グーグル合同会社", "Google LLC"), ("フェイスブック", "Facebook"), ("マイクロソフト", "Microsoft"),
    ("日本マイクロソフト株式会社", "Microsoft Corporation"), ("セールスフォース・ジャパン", "Salesforce"),
    ("株式会社セールスフォース・ジャパン", "Salesforce, Inc."), ("ペイパル", "PayPal"),
    ("さくらインターネット株式会社", "SAKURA internet"), ("株式会社インターネットイニシアティブ", "IIJ"),
    ("エヌ・ティ・ティ・コミュニケーションズ株式会社", "NTT Communications"), ("NTTドコモ", "NTT DOCOMO"),
    ("株式会社NTTドコモ", "docomo"), ("KDDI株式会社", "KDDI"), ("ソフトバンク株式会社", "SoftBank Corp."),
    ("LINEヤフー株式会社", "LY Corporation"), ("楽天グループ株式会社", "Rakuten Group"),
    ("株式会社リクルート", "Recruit Co., Ltd."), ("株式会社サイバーエージェント", "CyberAgent"),
    ("株式会社マイクロアド", "MicroAd"), ("株式会社プレイド", "プレイド"), ("トレジャーデータ株式会社", "Treasure Data"),
    ("ヤフー株式会社", "Yahoo! JAPAN"), ("株式会社メルカリ", "Mercari"), ("クラウドフレア", "Cloudflare"),
    ("アカマイ", "Akamai"), ("オラクル", "Oracle"), ("日本オラクル株式会社", "Oracle Corporation"),
    ("ショッピファイ", "Shopify"), ("ゼンデスク", "Zendesk"), ("ハブスポット", "HubSpot"),
    ("ユー・ピー・エス", "UPS"), ("アリババクラウド", "Alibaba Cloud"), ("ティックトック", "TikTok"),
    ("ＬＩＮＥ株式会社", "LINE Corporation"), ("チャネルトーク", "Channel Talk"), ("ペイディー", "Paidy"),
    ("株式会社カカクコム", "Kakaku.com"), ("Ｚｏｏｍ Ｖｉｄｅｏ Ｃｏｍｍｕｎｉｃａｔｉｏｎｓ", "Zoom Video Communications"),
]


@pytest.mark.parametrize("ja,en", SAME)
def test_japanese_and_full_width_forms_resolve_to_the_english_name(registry, ja, en):
    a, b = resolve(registry, ja), resolve(registry, en)
    assert a and not a.startswith("weak:"), (ja, a)
    assert a == b, (ja, a, en, b)


@pytest.mark.parametrize("name,role", [
    ("Google Chrome", "browser"), ("Safari", "browser"), ("Mozilla Firefox", "browser"), ("Microsoft Edge", "browser"),
    ("Opera Software", "browser"), ("Brave Browser", "browser"), ("Vivaldi", "browser"),
    ("Digital Advertising Alliance", "self-regulatory"), ("Network Advertising Initiative", "self-regulatory"),
    ("Your Online Choices", "self-regulatory"), ("日本インタラクティブ広告協会", "self-regulatory"),
    ("TRUSTe", "self-regulatory"), ("Federal Trade Commission", "regulator"), ("個人情報保護委員会", "regulator"),
    ("総務省", "regulator"), ("CNIL", "regulator"), ("European Data Protection Board", "regulator"),
    ("Visa Inc.", "card-network"), ("Mastercard", "card-network"), ("JCB", "card-network"),
    ("American Express", "card-network"), ("Diners Club", "card-network"), ("UnionPay", "recipient"),
    ("Stripe", "recipient"),
])
def test_roles(registry, name, role):
    oid = resolve(registry, name)
    assert oid and not oid.startswith("weak:"), name
    assert registry.get(oid).role == role, (name, oid)


def test_weak_names_stay_weak(registry):
    for name in ["X", "Box", "Front", "Segment", "Square", "Heap", "Drift", "Branch", "Adjust", "Line", "Notion",
                 "Persona", "Zoom", "Postmark", "Sentry", "Plausible", "Signal", "Entrust"]:
        got = resolve(registry, name)
        assert got is None or got.startswith("weak:"), (name, got)
