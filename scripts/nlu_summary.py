"""The summary table of make eval-nlu: cross-validation, and the held-out set with and without spaCy."""

import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
cv = json.loads((out / "cv" / "intent_report.json").read_text())
runs = {name: json.loads((out / name / "heldout.json").read_text()) for name in ("with_spacy", "without_spacy")}
print("| measure | with spaCy (config.yml) | without spaCy |\n|---|---|---|")
print(f"| 5-fold cross-validation, intent accuracy (data/nlu) | {cv['accuracy']:.1%} | not run |")
rows = [
    ("held-out intent accuracy",
     lambda f: f"{f['accuracy']:.1%} ({round(f['accuracy'] * f['messages'])}/{f['messages']})"),
    ("held-out worries lost to the fallback", lambda f: f"{len(f['worries_lost'])} of {f['worries']}"),
    ("held-out questions naming an authority answered for it",
     lambda f: f"{f['named_questions_answered']}/{f['named_questions']}"),
]
for label, show in rows:
    print(f"| {label} | {show(runs['with_spacy'])} | {show(runs['without_spacy'])} |")
print("\nHeld-out confusion pairs (with spaCy), expected -> predicted:\n")
for pair in runs["with_spacy"]["confusions"][:15]:
    print(f"- {pair['expected']} -> {pair['predicted']}: {pair['count']}")
print("\nDetails: with_spacy/heldout.md, without_spacy/heldout.md, cv/intent_summary.md")
