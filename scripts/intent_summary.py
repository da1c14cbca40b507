"""Markdown table of Rasa's intent report (per-intent precision, recall, F1, support)."""

import json
import sys

report = json.load(open(sys.argv[1]))
print("| intent | precision | recall | F1 | support |\n|---|---|---|---|---|")
for name, row in sorted(report.items()):
    if isinstance(row, dict) and "f1-score" in row and name not in ("micro avg", "macro avg", "weighted avg"):
        print(f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1-score']:.3f} | {row['support']} |")
for name in ("micro avg", "macro avg", "weighted avg"):
    if name in report:
        row = report[name]
        scores = f"{row['precision']:.3f} | {row['recall']:.3f} | **{row['f1-score']:.3f}**"
        print(f"| **{name}** | {scores} | {row['support']} |")
if "accuracy" in report:
    print(f"\naccuracy: {report['accuracy']:.3f}")
