"""Countries the page offers as the default region, named in the page's language.

A small table rather than a locale library: the page needs the countries its users'
numbers come from, named in English and Bahasa Indonesia, and a select a person can
scan. Every code is one ``phonenumbers`` reads (a test checks it); the server still
accepts any code it supports.
"""

from __future__ import annotations

from typing import Final

REGIONS: Final[dict[str, tuple[str, str]]] = {
    "AE": ("United Arab Emirates", "Uni Emirat Arab"),
    "AR": ("Argentina", "Argentina"),
    "AT": ("Austria", "Austria"),
    "AU": ("Australia", "Australia"),
    "BD": ("Bangladesh", "Bangladesh"),
    "BE": ("Belgium", "Belgia"),
    "BN": ("Brunei", "Brunei Darussalam"),
    "BR": ("Brazil", "Brasil"),
    "CA": ("Canada", "Kanada"),
    "CH": ("Switzerland", "Swiss"),
    "CL": ("Chile", "Cile"),
    "CN": ("China", "Tiongkok"),
    "CO": ("Colombia", "Kolombia"),
    "DE": ("Germany", "Jerman"),
    "DK": ("Denmark", "Denmark"),
    "EG": ("Egypt", "Mesir"),
    "ES": ("Spain", "Spanyol"),
    "FI": ("Finland", "Finlandia"),
    "FR": ("France", "Prancis"),
    "GB": ("United Kingdom", "Inggris Raya"),
    "HK": ("Hong Kong", "Hong Kong"),
    "ID": ("Indonesia", "Indonesia"),
    "IE": ("Ireland", "Irlandia"),
    "IN": ("India", "India"),
    "IT": ("Italy", "Italia"),
    "JP": ("Japan", "Jepang"),
    "KE": ("Kenya", "Kenya"),
    "KH": ("Cambodia", "Kamboja"),
    "KR": ("South Korea", "Korea Selatan"),
    "LK": ("Sri Lanka", "Sri Lanka"),
    "MM": ("Myanmar", "Myanmar"),
    "MX": ("Mexico", "Meksiko"),
    "MY": ("Malaysia", "Malaysia"),
    "NG": ("Nigeria", "Nigeria"),
    "NL": ("Netherlands", "Belanda"),
    "NO": ("Norway", "Norwegia"),
    "NZ": ("New Zealand", "Selandia Baru"),
    "PE": ("Peru", "Peru"),
    "PH": ("Philippines", "Filipina"),
    "PK": ("Pakistan", "Pakistan"),
    "PL": ("Poland", "Polandia"),
    "PT": ("Portugal", "Portugal"),
    "SA": ("Saudi Arabia", "Arab Saudi"),
    "SE": ("Sweden", "Swedia"),
    "SG": ("Singapore", "Singapura"),
    "TH": ("Thailand", "Thailand"),
    "TL": ("Timor-Leste", "Timor Leste"),
    "TR": ("Türkiye", "Turki"),
    "TW": ("Taiwan", "Taiwan"),
    "US": ("United States", "Amerika Serikat"),
    "VN": ("Vietnam", "Vietnam"),
    "ZA": ("South Africa", "Afrika Selatan"),
}


def region_names(language: str) -> list[tuple[str, str]]:
    """(code, name) for the select, sorted by the name people read."""
    index = 1 if language == "id" else 0
    return sorted(((code, names[index]) for code, names in REGIONS.items()), key=lambda p: p[1])


def region_of_language(language: str, accept_language: str | None) -> str:
    """The region a person most likely writes numbers for: Indonesia on the Indonesian
    page, else the country of the browser's first language tag that names one we list
    (``en-GB`` -> GB), else none."""
    if language == "id":
        return "ID"
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip()
        pieces = tag.replace("_", "-").split("-")
        if len(pieces) >= 2 and pieces[-1].upper() in REGIONS and len(pieces[-1]) == 2:
            return pieces[-1].upper()
        if pieces[0].lower() in ("id", "in"):
            return "ID"
    return ""
