#!/usr/bin/env bash
# Start the assistant locally: knowledge base built, model trained if needed (make run does those),
# then the action server and the Rasa server (REST, the web page at /chat/ with its socket.io
# channel, Teams, HTTP API). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
ACTION_PORT=${ACTION_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
model=$(bash scripts/train.sh | tail -n 1)
mkdir -p build/logs

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

wait_for() {  # url, name, log
  for _ in $(seq 1 180); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "run: $2 did not start; see $3" >&2; tail -n 20 "$3" >&2; exit 1
}

.venv/bin/rasa run actions --port "$ACTION_PORT" --actions actions >build/logs/actions.log 2>&1 &
pids+=($!)
.venv/bin/python -m bot.serve --model "$model" --port "$RASA_PORT" >build/logs/rasa.log 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$ACTION_PORT/health" "action server" build/logs/actions.log
wait_for "http://127.0.0.1:$RASA_PORT/status" "Rasa server" build/logs/rasa.log

cat <<MSG

Thresholds Assistant is running (logs in build/logs/; Ctrl-C to stop).
  Web page (chat widget): http://127.0.0.1:$RASA_PORT/chat/
  Rasa REST channel: http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook   action server: http://127.0.0.1:$ACTION_PORT
Talk to it:
  curl -s -XPOST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
    -d '{"sender": "me", "message": "Year 4 boy, bruise on his cheek again, says he fell"}'
or interactively:  .venv/bin/python -m bot.chat --port $RASA_PORT
MSG
wait -n "${pids[@]}"
