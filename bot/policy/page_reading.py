"""Words of a raw FAQ page that more than one kind of fact is read from (bot/policy/infer.py and
bot/policy/timeline_reading.py): return talk, the regions and countries a sentence names."""

from __future__ import annotations

import re

from bot.policy.slots import find_country

RETURN_WORDS = re.compile(r"\b(return(s|ed)?|refund(s|ed)?|exchange(s|d)?|send\s+(it|items?|them)\s+back)\b", re.I)
REGION = re.compile(r"\b(EU|E\.U\.|Europe\w*|Asia\w*|Scandinavia\w*|Caribbean|Latin\s+America|Middle\s+East|Africa)\b")
PROBLEM = re.compile(r"\b(crack\w*|broken|damaged?|defect\w*|faulty|wrong\s+item|missing|photo)\b", re.I)
REFUND_PAID = re.compile(
    r"\b(refunded|refund\s+(will|should|may|can|is|would)\s+(be|take|appear|post|arrive|show|reach)|see\s+(your|the)\s+refund|refund\s+payment"
    r"|(receive|get)\s+(your|a|the)\s+refund|refund\s+will\s+be\s+available|(process|issue)(es)?\s+(your\s+|all\s+|the\s+)?refunds?|\bwe\s+refund\s+(you\s+)?within"
    r"|refunds?\s+(are|is|will\s+be|get)\s+(issued|processed|credited|sent|returned|paid))", re.I)


def countries_in(sentence: str) -> list[str]:
    codes: list[str] = ["US"] if re.search(r"\b(US|U\.S\.A?\.?|USA)\b", sentence) else []
    for part in re.split(r",|\band\b|\bor\b|&|/", sentence):
        code = find_country(part)
        if code and code not in codes:
            codes.append(code)
    return codes
