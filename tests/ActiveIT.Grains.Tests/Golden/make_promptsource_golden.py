#!/usr/bin/env python3
"""Renders real PromptSource templates with real Jinja2 on hand-written rows: the golden file the C# Jinja engine
is tested against (promptsource_golden.json). Templates that draw random choices are left out (their random
streams differ by design); so are templates that need fields the row does not have.

Regenerate (Debian python3 with jinja2 and yaml):  /usr/bin/python3 tests/ActiveIT.Grains.Tests/Golden/make_promptsource_golden.py
"""
import glob
import json
import os
import re

import jinja2
import yaml

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.normpath(os.path.join(here, "..", "..", "..", "..", "shared", "data", "promptsource"))

ROWS = {
    "imdb": {"text": "A warm, funny film. I loved it.", "label": 1},
    "ag_news": {"text": "Stocks rallied on Friday as tech shares rose.", "label": 2},
    "glue/sst2": {"sentence": "a gorgeous, witty, seductive movie.", "label": 1, "idx": 0},
    "super_glue/rte": {"premise": "The cat sat on the mat.", "hypothesis": "A cat is sitting.", "label": 0, "idx": 0},
    "super_glue/boolq": {"question": "is water wet", "passage": "Water makes things wet.", "label": 1, "idx": 0},
    "super_glue/copa": {"premise": "The man broke his toe.", "choice1": "He dropped a hammer on his foot.",
                        "choice2": "He got a hole in his sock.", "question": "cause", "label": 0, "idx": 0},
    "anli": {"premise": "Ann plays piano.", "hypothesis": "Ann is a musician.", "label": 0, "uid": "x", "reason": ""},
    "cosmos_qa": {"context": "I missed the bus, so I walked.", "question": "Why did I walk?", "answer0": "I missed the bus",
                  "answer1": "I like walking", "answer2": "It was sunny", "answer3": "None of the above choices .", "label": 0, "id": "1"},
    "coqa": {"source": "mctest", "story": "Tom had a red ball. He gave it to Sue.",
             "questions": ["What did Tom have?", "What color?", "Who got it?"],
             "answers": {"input_text": ["a ball", "red", "Sue"], "answer_start": [6, 6, 30], "answer_end": [16, 9, 36]}},
    "e2e_nlg_cleaned": {"meaning_representation": "name[The Eagle], eatType[coffee shop], food[French], priceRange[moderate]",
                        "human_reference": "The Eagle is a coffee shop serving French food at moderate prices."},
    "hellaswag": {"ctx_a": "A man is standing on a ladder.", "ctx_b": "He", "ctx": "A man is standing on a ladder. He",
                  "endings": ["paints the wall.", "eats a sandwich.", "flies away.", "sings loudly."], "label": "0",
                  "activity_label": "Painting", "source_id": "x", "split": "train", "split_type": "indomain", "ind": 1},
    "piqa": {"goal": "Open a jar.", "sol1": "Twist the lid.", "sol2": "Hit it with a hammer.", "label": 0},
    "winogrande/winogrande_xl": {"sentence": "The trophy didn't fit in the suitcase because _ was too big.",
                                 "option1": "the trophy", "option2": "the suitcase", "answer": "1"},
}


class Loader(yaml.SafeLoader):
    pass


Loader.add_constructor("!Template", lambda loader, node: loader.construct_mapping(node, deep=True))
Loader.add_constructor("!TemplateMetadata", lambda loader, node: loader.construct_mapping(node, deep=True))
env = jinja2.Environment(undefined=jinja2.StrictUndefined)
cases = []
for dataset, row in ROWS.items():
    path = os.path.join(data, dataset, "templates.yaml")
    for tid, t in yaml.load(open(path), Loader=Loader)["templates"].items():
        if re.search(r"\|\s*choice", t["jinja"] + (t.get("answer_choices") or "")):
            continue
        try:
            choices = [c.strip() for c in env.from_string(t["answer_choices"]).render(**row).split("|||")] if t.get("answer_choices") else []
            parts = env.from_string(t["jinja"]).render(**row, answer_choices=choices).split("|||")
        except jinja2.exceptions.UndefinedError:
            continue
        cases.append({"dataset": dataset, "id": tid, "name": t["name"], "row": row, "prompt": parts[0].strip(),
                      "target": parts[1].strip() if len(parts) > 1 else "", "choices": choices})
json.dump({"generated_by": "tests/ActiveIT.Grains.Tests/Golden/make_promptsource_golden.py", "jinja2": jinja2.__version__, "cases": cases},
          open(os.path.join(here, "promptsource_golden.json"), "w"), indent=1, ensure_ascii=False)
print(f"{len(cases)} cases")
