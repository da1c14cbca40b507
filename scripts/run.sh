#!/usr/bin/env bash
# Start the assistant locally: knowledge base built, model trained if needed (make run does those),
# then the action server and the Rasa server (the web page at /chat/ with its socket.io channel,
# REST behind a token, Teams), both on 127.0.0.1 only (README, Security). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
ACTION_PORT=${ACTION_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
model=$(bash scripts/train.sh | tail -n 1)
mkdir -p build/logs
chmod 700 build/logs
umask 077  # logs, secrets and the conversation database: owner-only
.venv/bin/python -m bot.storage init build/conversations.sqlite  # only if there is none yet
.venv/bin/python -c 'from bot.secrets import NAMES, secret; [secret(n) for n in NAMES]'

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

wait_for() {  # url, name, log name
  for _ in $(seq 1 180); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "run: $2 did not start; see build/logs/$3.log and $3.out" >&2
  tail -n 20 "build/logs/$3.out" "build/logs/$3.log" >&2 2>/dev/null; exit 1
}

# Each server logs to build/logs/<name>.log, rotated at 10 MB (THRESHOLDS_LOG_MAX_BYTES), five old
# files kept; <name>.out catches only what is printed before logging starts (a crash at start).
THRESHOLDS_LOG_FILE=build/logs/actions.log .venv/bin/python -m actions.server --port "$ACTION_PORT" \
  >>build/logs/actions.out 2>&1 &
pids+=($!)
THRESHOLDS_LOG_FILE=build/logs/rasa.log .venv/bin/python -m bot.serve --model "$model" --port "$RASA_PORT" \
  >>build/logs/rasa.out 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$ACTION_PORT/health" "action server" actions
wait_for "http://127.0.0.1:$RASA_PORT/health" "Rasa server" rasa

cat <<MSG

Thresholds Assistant is running (logs in build/logs/; Ctrl-C to stop).
  Web page (chat widget): http://127.0.0.1:$RASA_PORT/chat/
  Health: http://127.0.0.1:$RASA_PORT/health   REST (token in build/secrets/rest_token): /webhooks/rest/webhook
Talk to it:
  curl -s -XPOST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
    -H "Authorization: Bearer \$(cat build/secrets/rest_token)" \\
    -d '{"sender": "me", "message": "Year 4 boy, bruise on his cheek again, says he fell"}'
or interactively:  .venv/bin/python -m bot.chat --port $RASA_PORT
MSG
wait -n "${pids[@]}"
