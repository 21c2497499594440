"""Tell English from Japanese by the share of kana and kanji among letters."""
from __future__ import annotations


def detect_language(text: str, sample: int = 20000) -> str:
    """Return "ja" or "en" (the two languages policykg reads).

    >>> detect_language("弊社は、お客様の個人情報を収集します。")
    'ja'
    >>> detect_language("We collect your email address.")
    'en'
    """
    cjk = latin = 0
    for ch in text[:sample]:
        o = ord(ch)
        if 0x3040 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF or 0xFF66 <= o <= 0xFF9F:
            cjk += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    # a Japanese character carries about as much as three Latin letters
    return "ja" if cjk * 3 >= latin and cjk > 0 else "en"
