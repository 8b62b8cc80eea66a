#!/usr/bin/env python3
"""Golden values for ActiveIT's NIV2 metrics (metrics_golden.json), from NLTK's Porter stemmer and a direct
transcription of rouge-score's tokenizer and LCS F1 and of NIV2's normalize_answer (methods.md §4).

Regenerate (Debian python3-nltk):  /usr/bin/python3 tests/ActiveIT.Core.Tests/Golden/make_metrics_golden.py
"""
import glob
import json
import os
import random
import re
import string

import nltk
from nltk.stem.porter import PorterStemmer

here = os.path.dirname(os.path.abspath(__file__))
tasks_dir = os.path.normpath(os.path.join(here, "..", "..", "..", "..", "shared", "data", "niv2", "tasks"))
stemmer = PorterStemmer()


def tokenize(text):  # rouge_score.tokenize.tokenize with use_stemmer=True
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    tokens = [stemmer.stem(t) if len(t) > 3 else t for t in re.split(r"\s+", text)]
    return [t for t in tokens if re.match(r"^[a-z0-9]+$", t)]


def lcs(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = table[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1] else max(table[i - 1][j], table[i][j - 1])
    return table[-1][-1]


def rouge_l(prediction, target):  # rouge_score.rouge_scorer._score_lcs(...).fmeasure
    t, p = tokenize(target), tokenize(prediction)
    if not t or not p:
        return 0.0
    n = lcs(t, p)
    precision, recall = n / len(p), n / len(t)
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def normalize_answer(s):  # NIV2 evaluation.py
    return " ".join("".join(ch for ch in s.lower() if ch not in set(string.punctuation)).split())


rng = random.Random(1234)
tasks = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(tasks_dir, "*.json")))]
words = set()
pairs = []
for task in tasks:
    outputs = [o for inst in task["Instances"] for o in inst["output"]]
    words.update(w for text in [task["Definition"][0]] + outputs[:50] for w in re.sub(r"[^a-z0-9]+", " ", text.lower()).split() if len(w) > 3)
    for inst in rng.sample(task["Instances"], 2):
        other = rng.choice(task["Instances"])["output"][0]
        pairs.append((other, inst["output"]))
        pairs.append((inst["output"][0].upper() + " !", inst["output"]))
pairs += [
    ("", ["anything"]), ("something", [""]), ("", [""]), ("...", ["!?"]), ("42", ["42.0"]), ("3.14 apples", ["3 14 apple"]),
    ("Café naïve façade", ["cafe naive facade"]), ("日本語のテキスト", ["日本語"]), ("Ünïcödé words everywhere", ["unicode words"]),
    ("The answer", ["answer", "an answer", "The Answer."]), ("running quickly", ["run quick", "ran"]),
    ("a b c d", ["a c", "b d", "d c b a"]), ("generously caresses ponies", ["generous caress pony"]),
    ("  spaced\tout\n text ", ["spaced out text"]), ("It's a dog's life", ["its a dogs life"]),
]
stems = {w: stemmer.stem(w) for w in sorted(words)}
cases = [{"prediction": p, "references": refs,
          "rougeL": max(rouge_l(p, r) for r in refs),
          "exact_match": float(max(normalize_answer(p) == normalize_answer(r) for r in refs))} for p, refs in pairs]
json.dump({"generated_by": "tests/ActiveIT.Core.Tests/Golden/make_metrics_golden.py", "nltk": nltk.__version__, "tolerance": 1e-9,
           "stems": stems, "cases": cases}, open(os.path.join(here, "metrics_golden.json"), "w"), ensure_ascii=False)
print(f"{len(stems)} stems, {len(cases)} cases")
