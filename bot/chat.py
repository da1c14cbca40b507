"""Talk to the running assistant from a terminal over its REST channel.

  python -m bot.chat [--port 5005] [--sender me]

Buttons are listed with numbers; type the number to press one. Card payloads are summarised.
It sends the REST token (THRESHOLDS_REST_TOKEN, or the one `make run` generated: bot/secrets.py).
"""

from __future__ import annotations

import argparse
import json
import urllib.request
import uuid

from bot.secrets import secret


def send(port: int, sender: str, message: str, token: str | None = None) -> list[dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token or secret('rest_token')}"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def show(replies: list[dict]) -> list[dict]:
    buttons: list[dict] = []
    for reply in replies:
        if "text" in reply:
            print(f"bot> {reply['text']}")
        for button in reply.get("buttons", []):
            buttons.append(button)
            print(f"     [{len(buttons)}] {button['title']}")
        custom = reply.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "threshold_recommendation":
            level = (custom.get("level") or {}).get("label", "unclassified")
            print(f"     (card: {custom['authority']['name']}, {level}, {len(custom['next_steps'])} next steps)")
    return buttons


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.chat")
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--sender", default=f"terminal-{uuid.uuid4().hex[:8]}")
    args = parser.parse_args(argv)
    print("Type your worry (Ctrl-D to quit). If a child may be in danger right now, call 999.")
    buttons: list[dict] = []
    while True:
        try:
            text = input("you> ").strip()
        except EOFError:
            return
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        buttons = show(send(args.port, args.sender, text))


if __name__ == "__main__":
    main()
