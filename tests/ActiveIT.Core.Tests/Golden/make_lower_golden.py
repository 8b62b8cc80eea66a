#!/usr/bin/env python3
"""Golden values for PythonText.Lower (lower_golden.json): Python's own str.lower(), which NIV2's evaluation.py uses
before tokenising, on texts where full Unicode case mapping differs from a one-to-one mapping.

Regenerate (any python3, no packages):  python3 tests/ActiveIT.Core.Tests/Golden/make_lower_golden.py
"""
import json
import os
import string
import sys

texts = [
    "İstanbul", "DİYARBAKIR", "ΟΔΟΣ", "ΟΔΟΣ ΚΑΙ ΣΟΦΙΑ", "ΣΑΣ", "Σ", "ΑΣ.", "ΑΣ'Β", "ὈΔΥΣΣΕΎΣ", "Straße", "ǅemal", "K Å",
    "Ünïcödé", "The ANSWER is İ", "plain ascii text", "",
]


def normalize_answer(s):  # NIV2 evaluation.py
    return " ".join("".join(ch for ch in s.lower() if ch not in set(string.punctuation)).split())


here = os.path.dirname(os.path.abspath(__file__))
cases = [{"text": t, "lower": t.lower(), "normalized": normalize_answer(t)} for t in texts]
json.dump({"generated_by": "tests/ActiveIT.Core.Tests/Golden/make_lower_golden.py", "python": sys.version.split()[0], "cases": cases},
          open(os.path.join(here, "lower_golden.json"), "w"), ensure_ascii=False, indent=1)
print(f"{len(cases)} cases")
