#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed (hash of config, domain, data and the
# custom NLU component). Prints the model path on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
model=models/thresholds.tar.gz
stamp=models/.inputs.sha256
wanted=$(cat config.yml domain.yml bot/nlu.py $(find data -type f -name '*.yml' | sort) | sha256sum | cut -d' ' -f1)
if [ -f "$model" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
  echo "train: model is up to date ($model)" >&2
else
  echo "train: training data changed; training (about two minutes on two cores)" >&2
  start=$(date +%s)
  .venv/bin/rasa train --fixed-model-name thresholds --out models --quiet >&2
  echo "$wanted" > "$stamp"
  echo "train: done in $(( $(date +%s) - start ))s" >&2
fi
echo "$model"
