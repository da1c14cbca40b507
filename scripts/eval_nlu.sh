#!/usr/bin/env bash
# make eval-nlu: the intent classifier measured three ways, written to build/results/nlu/:
#   cv/             5-fold cross-validation of config.yml on data/nlu (Rasa's intent report)
#   with_spacy/     the trained model (config.yml, spaCy in the pipeline) on tests/nlu/heldout.yml
#   without_spacy/  the same data and settings without spaCy (tests/nlu/configs/without_spacy.yml)
#   summary.md      the three side by side
# The held-out set is never trained on: data/nlu is written apart from it.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
out=build/results/nlu
mkdir -p "$out" build/models
model=$(bash scripts/train.sh)
echo "eval-nlu: held-out set, with spaCy" >&2
.venv/bin/python scripts/eval_nlu_heldout.py "$model" --out "$out/with_spacy" >/dev/null 2>&1
echo "eval-nlu: held-out set, without spaCy (training that pipeline, about two minutes)" >&2
.venv/bin/rasa train nlu -c tests/nlu/configs/without_spacy.yml --out build/models \
  --fixed-model-name nlu_without_spacy --quiet >/dev/null 2>&1
.venv/bin/python scripts/eval_nlu_heldout.py build/models/nlu_without_spacy.tar.gz --out "$out/without_spacy" \
  >/dev/null 2>&1
echo "eval-nlu: 5-fold cross-validation (about ten minutes)" >&2
.venv/bin/rasa test nlu --nlu data/nlu --config config.yml --cross-validation --folds 5 \
  --out "$out/cv" --no-plot --quiet >/dev/null 2>&1
.venv/bin/python scripts/intent_summary.py "$out/cv/intent_report.json" > "$out/cv/intent_summary.md"
.venv/bin/python scripts/nlu_summary.py "$out" | tee "$out/summary.md"
