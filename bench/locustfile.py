"""Shoppers for `python -m bench.load`: each asks the three stores' labelled questions, one after
another, in sessions of a few turns, as fast as the server answers."""

from __future__ import annotations

import json
import random
from pathlib import Path

from locust import HttpUser, task

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    (store, json.loads(line)["question"])
    for store in ("sessori", "dissoo", "stelladot")
    for line in (ROOT / "tests" / "eval" / f"{store}.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


class Shopper(HttpUser):
    session_id: str | None = None
    turns = 0

    @task
    def ask(self) -> None:
        store, question = random.choice(QUESTIONS)
        body = {"store": store, "message": question}
        if self.session_id and self.turns < 4:
            body["session_id"] = self.session_id
        else:
            self.session_id, self.turns = None, 0
        with self.client.post("/v1/chat", json=body, name="/v1/chat", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            reply = response.json()
            self.session_id = reply["session_id"] if reply["store"] == store else None
            self.turns += 1
