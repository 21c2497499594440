"""Japanese policies as they are written: 委託, 共同利用, 外国にある第三者への提供, full-width names."""
from policykg import extract_text

# The shape of a Japanese APPI notice (a composite of the usual clauses, not one company's text)
NOTICE = """株式会社サンプル（以下「当社」といいます。）は、以下のとおり個人情報を取り扱います。

第5条（個人情報の取扱いの委託）
当社は、決済業務をＳｔｒｉｐｅ，Ｉｎｃ．に委託し、クレジットカード情報を預託します。配送業務はヤマト運輸株式会社に委託し、氏名、住所、電話番号を提供します。

第6条（共同利用）
当社は、以下のとおり個人データを共同利用します。
(1) 共同して利用される個人データの項目：氏名、メールアドレス、購入履歴
(2) 共同して利用する者の範囲：株式会社サンプルマーケティング
(3) 利用する者の利用目的：マーケティング
(4) 当該個人データの管理について責任を有する者：株式会社サンプル

第7条（外国にある第三者への提供）
当社は、米国に所在するAmazon Web Services, Inc.のサーバーに個人データを保管します。
"""


def flows():
    r = extract_text(NOTICE)
    return r, {f.recipient.organization: f for f in r.flows}


def test_controller_is_the_kabushiki_kaisha_in_japan():
    r, _ = flows()
    assert (r.controller.name, r.controller.country) == ("株式会社サンプル", "JP")


def test_entrustment_full_width_and_japanese_names_resolve_to_registry_organisations():
    _, by_org = flows()
    assert by_org["Stripe"].action == "entrust"
    assert "https://w3id.org/dpv/pd#PaymentCard" in {d.iri for d in by_org["Stripe"].data}
    yamato = by_org["Yamato Transport"]
    assert yamato.action == "entrust"
    assert {d.label for d in yamato.data if not d.inferred} == {"Name", "Physical Address", "Telephone Number"}


def test_joint_use_names_the_group_company_with_the_listed_items():
    _, by_org = flows()
    f = by_org["株式会社サンプルマーケティング"]
    assert f.action == "joint-use"
    assert {d.label for d in f.data} == {"Name", "Email Address", "Purchase"}
    assert "株式会社サンプル" not in by_org  # the responsible party is the controller itself


def test_provision_to_a_third_party_abroad_is_a_transfer_to_the_us():
    _, by_org = flows()
    aws = by_org["Amazon"]
    assert aws.action == "transfer" and aws.recipient.country == "US"
    assert "米国" in aws.evidence[0].text
