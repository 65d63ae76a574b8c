"""The fault-injecting OpenAI-compatible server, exercised with the real openai client and instructor.

No network: every test talks HTTP to a FakeOpenAI on 127.0.0.1 that the test starts and stops itself.
"""

from __future__ import annotations

import json
import threading
import time

import httpx2
import instructor
import openai
import pytest
from pydantic import BaseModel

from tests.support.fakeopenai import (
    FakeOpenAI,
    Fault,
    ReplayResponder,
    json_completion,
    load_records,
    make_record,
    request_hash,
    save_records,
    tool_call_completion,
)

pytestmark = pytest.mark.timeout(60)

MSGS = [{"role": "system", "content": "Extract."}, {"role": "user", "content": "Ann Lee is the CTO at Acme."}]


class Contact(BaseModel):
    name: str
    role: str


def client(srv: FakeOpenAI, *, max_retries: int = 0, timeout: float = 5.0, api_key: str = "test") -> openai.OpenAI:
    return openai.OpenAI(base_url=srv.base_url, api_key=api_key, max_retries=max_retries, timeout=timeout)


def chat(c: openai.OpenAI, content: str = "hi", **kw):
    return c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": content}], **kw)


CONTACT = tool_call_completion("Contact", {"name": "Ann Lee", "role": "CTO"}, usage=(55, 12))


# -- completion builders and hashing --------------------------------------------------------------


def test_completion_builders_have_openai_shape():
    c = tool_call_completion("Contact", {"name": "Ann"}, usage=(10, 5))
    assert c["object"] == "chat.completion" and c["id"].startswith("chatcmpl-")
    assert c["created"] == tool_call_completion("Contact", {"name": "Ann"})["created"]  # fixed, deterministic
    assert c["id"] == tool_call_completion("Contact", {"name": "Ann"})["id"]
    msg = c["choices"][0]["message"]
    assert msg["role"] == "assistant" and msg["content"] is None
    tc = msg["tool_calls"][0]
    assert tc["type"] == "function" and tc["id"].startswith("call_")
    assert tc["function"] == {"name": "Contact", "arguments": '{"name": "Ann"}'}
    assert c["usage"]["prompt_tokens"] == 10 and c["usage"]["completion_tokens"] == 5
    assert c["usage"]["total_tokens"] == 15 and c["system_fingerprint"].startswith("fp_")
    j = json_completion({"a": 1})
    assert j["choices"][0]["message"]["content"] == '{"a": 1}' and j["choices"][0]["finish_reason"] == "stop"
    # both parse as the client's own ChatCompletion type
    from openai.types.chat import ChatCompletion

    assert ChatCompletion.model_validate(c).choices[0].message.tool_calls[0].function.name == "Contact"
    assert ChatCompletion.model_validate(j).usage.total_tokens == 160


def test_request_hash_keys_on_message_contents():
    body = {"model": "m", "messages": MSGS}
    assert request_hash(body) == request_hash(MSGS) == request_hash({"model": "other", "messages": MSGS})
    assert request_hash([{"content": "ab"}, {"content": "c"}]) != request_hash([{"content": "a"}, {"content": "bc"}])
    parts = [{"role": "user", "content": [{"type": "text", "text": "Ann Lee is the CTO at Acme."}]}]
    assert request_hash(parts) == request_hash([{"role": "user", "content": "Ann Lee is the CTO at Acme."}])


# -- happy path, replay, models ---------------------------------------------------------------------


def test_tool_call_replay_parses(tmp_path):
    other = [{"role": "user", "content": "something else"}]
    path = save_records(tmp_path / "replay.jsonl", [
        make_record({"model": "gpt-4o-mini", "messages": other}, json_completion("nope")),
        make_record({"model": "gpt-4o-mini", "messages": MSGS}, CONTACT),
    ])
    assert len(load_records(path)) == 2
    replay = ReplayResponder(path, fallback="error")
    with FakeOpenAI(replay) as srv:
        r = client(srv).chat.completions.create(model="gpt-4o-mini", messages=MSGS)
        tc = r.choices[0].message.tool_calls[0]
        assert tc.function.name == "Contact"
        assert json.loads(tc.function.arguments) == {"name": "Ann Lee", "role": "CTO"}
        assert r.usage.total_tokens == 67
        assert replay.hits == 1 and replay.misses == 0
        (rec,) = srv.requests
        assert rec.path == "/v1/chat/completions" and rec.status == 200 and rec.fault is None
        assert rec.headers["authorization"] == "Bearer test"
        assert rec.body["messages"] == MSGS
        assert srv.completed() == [rec] and srv.usage_totals()["total_tokens"] == 67
        # a request with no recording: fallback="error" -> 500 marked do-not-retry, so one request only
        with pytest.raises(openai.InternalServerError):
            client(srv, max_retries=2).chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "?"}])
        assert len(srv.requests) == 2 and isinstance(srv.errors[0], KeyError)


def test_replay_queue_fallback_is_idempotent_per_request_and_bounded():
    replay = ReplayResponder([json_completion("first"), json_completion("second")])
    with FakeOpenAI(replay) as srv:
        c = client(srv)
        assert chat(c, "a").choices[0].message.content == "first"
        assert chat(c, "b").choices[0].message.content == "second"
        assert chat(c, "a").choices[0].message.content == "first"  # same request, same answer (retry-safe)
        with pytest.raises(openai.InternalServerError):  # queue exhausted
            chat(c, "c")
        assert [r.status for r in srv.requests] == [200, 200, 200, 500]
        assert isinstance(srv.errors[0], LookupError)


def test_models_endpoint_and_unknown_path():
    with FakeOpenAI(CONTACT, models=["gpt-4o-mini", "gpt-4o"]) as srv:
        c = client(srv)
        assert [m.id for m in c.models.list()] == ["gpt-4o-mini", "gpt-4o"]
        with pytest.raises(openai.NotFoundError):
            c.embeddings.create(model="x", input="y")
        assert [(r.kind, r.status) for r in srv.requests] == [("models", 200), ("other", 404)]
        # the bare path without /v1 is accepted too
        c2 = openai.OpenAI(base_url=srv.root_url, api_key="t", max_retries=0)
        assert chat(c2).choices[0].message.tool_calls[0].function.name == "Contact"
        assert srv.requests[-1].path == "/chat/completions"


def test_streaming_response_is_valid_sse():
    with FakeOpenAI(json_completion('{"name": "Ann"}', usage=(7, 3))) as srv:
        stream = chat(client(srv), stream=True, stream_options={"include_usage": True})
        chunks = list(stream)
        text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
        assert text == '{"name": "Ann"}'
        assert chunks[-1].usage.total_tokens == 10


# -- faults ---------------------------------------------------------------------------------------


def test_429_with_retry_after_then_success_via_client_retries():
    with FakeOpenAI(CONTACT, fault_plan=[Fault.RATE_LIMIT], retry_after=0.01) as srv:
        r = chat(client(srv, max_retries=2))
        assert r.choices[0].message.tool_calls[0].function.name == "Contact"
        first, second = srv.requests
        assert (first.status, first.fault, second.status, second.fault) == (429, Fault.RATE_LIMIT, 200, None)
        assert first.response["error"]["type"] == "rate_limit_error"
        assert first.response["error"]["code"] == "rate_limit_exceeded"
        # the client retried after Retry-After (10 ms), not after its 0.5 s default backoff
        assert second.started - first.finished < 0.3
        assert second.headers.get("x-stainless-retry-count") == "1"


def test_429_without_client_retries_raises_rate_limit_error_with_header():
    with FakeOpenAI(CONTACT, fault_plan=[Fault.RATE_LIMIT], retry_after=3) as srv:
        with pytest.raises(openai.RateLimitError) as ei:
            chat(client(srv, max_retries=0))
        assert ei.value.response.headers["retry-after"] == "3"
        assert ei.value.code == "rate_limit_exceeded"
        assert len(srv.requests) == 1


def test_500_then_success():
    with FakeOpenAI(CONTACT, fault_plan=[Fault.SERVER_ERROR]) as srv:
        r = chat(client(srv, max_retries=2))
        assert r.choices[0].message.tool_calls[0].function.name == "Contact"
        assert [r.status for r in srv.requests] == [500, 200]


def test_502_raises_after_retries_exhausted():
    with FakeOpenAI(CONTACT, fault_plan=[Fault.BAD_GATEWAY] * 3, retry_after_5xx=0.01) as srv:
        with pytest.raises(openai.InternalServerError) as ei:
            chat(client(srv, max_retries=1))
        assert ei.value.status_code == 502
        assert [r.status for r in srv.requests] == [502, 502]  # 1 try + 1 retry, then the client gives up


def test_invalid_key_fails_fast_without_retries():
    with FakeOpenAI(CONTACT, valid_keys={"sk-good"}) as srv:
        with pytest.raises(openai.AuthenticationError) as ei:
            chat(client(srv, max_retries=2, api_key="sk-bad"))  # the client does not retry a 401
        assert ei.value.status_code == 401 and ei.value.code == "invalid_api_key"
        assert len(srv.requests) == 1 and srv.requests[0].status == 401
        assert srv.requests[0].fault is None
        assert chat(client(srv, api_key="sk-good")).choices[0].message.tool_calls  # a good key passes


def test_timeout_fault_raises_api_timeout_error_and_stop_is_prompt():
    srv = FakeOpenAI(CONTACT, fault_plan=[Fault.TIMEOUT], timeout_hold=2.0).start()
    try:
        with pytest.raises(openai.APITimeoutError):
            chat(client(srv, max_retries=0, timeout=0.5))
        assert len(srv.requests) == 1 and srv.requests[0].fault is Fault.TIMEOUT
    finally:
        t0 = time.perf_counter()
        srv.stop()  # the handler is still holding the request: stop must interrupt it
        assert time.perf_counter() - t0 < 1.5


def test_timeout_fault_answers_a_patient_client():
    with FakeOpenAI(CONTACT, fault_plan=[Fault.TIMEOUT], timeout_hold=0.2) as srv:
        assert chat(client(srv, timeout=5)).choices[0].message.tool_calls
        assert srv.requests[0].status == 200 and srv.requests[0].duration >= 0.2


def test_reset_raises_api_connection_error():
    with FakeOpenAI(CONTACT, fault_plan=[Fault.RESET]) as srv:
        with pytest.raises(openai.APIConnectionError) as ei:
            chat(client(srv, max_retries=0))
        assert not isinstance(ei.value, openai.APITimeoutError)
        assert len(srv.requests) == 1 and srv.requests[0].status == 0
        assert chat(client(srv)).choices[0].message.tool_calls  # the server keeps serving
        assert srv.errors == []


def test_truncated_body_raises_then_retry_succeeds():
    with FakeOpenAI(CONTACT, fault_plan=[Fault.TRUNCATED, Fault.TRUNCATED]) as srv:
        with pytest.raises(openai.APIConnectionError) as ei:
            chat(client(srv, max_retries=0))
        assert isinstance(ei.value.__cause__, httpx2.RemoteProtocolError)
        # the second request is truncated too; the client's own retry then gets the whole body
        assert chat(client(srv, max_retries=1, timeout=5)).choices[0].message.tool_calls
        assert [(r.fault, r.status) for r in srv.requests] == [
            (Fault.TRUNCATED, 200), (Fault.TRUNCATED, 200), (None, 200)]


def test_slow_drip_is_slow_but_valid():
    with FakeOpenAI(CONTACT, fault_plan=[Fault.SLOW_DRIP], drip_seconds=0.2, drip_chunks=10) as srv:
        r = chat(client(srv))
        assert json.loads(r.choices[0].message.tool_calls[0].function.arguments)["role"] == "CTO"
        assert srv.requests[0].duration >= 0.2


def test_invalid_schema_fault_and_instructor_reask():
    with FakeOpenAI(CONTACT, fault_plan=[Fault.INVALID_SCHEMA, Fault.INVALID_SCHEMA]) as srv:
        r = chat(client(srv))
        assert r.choices[0].message.tool_calls[0].function.arguments == "{}"  # valid JSON, required fields missing
        ic = instructor.from_openai(client(srv), mode=instructor.Mode.TOOLS)
        got = ic.chat.completions.create(model="gpt-4o-mini", messages=MSGS, response_model=Contact, max_retries=2)
        assert got.model_dump() == {"name": "Ann Lee", "role": "CTO"}
        assert [r.fault for r in srv.requests] == [Fault.INVALID_SCHEMA, Fault.INVALID_SCHEMA, None]
        # instructor re-asked with the validation error appended to the conversation
        assert len(srv.requests[2].body["messages"]) > len(MSGS)


# -- concurrency, determinism, bounds ----------------------------------------------------------------


def test_concurrency_is_measured_at_the_server():
    with FakeOpenAI(CONTACT, latency=0.05) as srv:
        c = client(srv, timeout=10)
        barrier = threading.Barrier(8)
        failures: list[BaseException] = []

        def worker(i: int) -> None:
            try:
                barrier.wait(timeout=10)
                for j in range(3):
                    chat(c, f"t{i}-{j}")
            except BaseException as exc:  # noqa: BLE001
                failures.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
        assert not failures
        assert len(srv.completed()) == 24
        assert 2 <= srv.max_in_flight <= 8
        assert srv.in_flight == 0
        assert [r.n for r in srv.requests] == list(range(24))


def test_sequential_client_never_shows_two_in_flight():
    # the server leaves the in-flight count before the last byte goes out, so a client that fires its
    # next request the moment it has a response is never counted twice
    with FakeOpenAI(CONTACT) as srv:
        c = client(srv)
        for i in range(20):
            chat(c, f"s{i}")
        assert srv.max_in_flight == 1 and len(srv.completed()) == 20
        assert all(r.finished >= r.started > 0 for r in srv.requests)


def _fault_run(seed: int, n: int = 30) -> list:
    faults = {Fault.RATE_LIMIT: 0.2, Fault.SERVER_ERROR: 0.1, Fault.RESET: 0.1, Fault.INVALID_SCHEMA: 0.1}
    with FakeOpenAI(CONTACT, faults=faults, seed=seed) as srv:
        c = client(srv, max_retries=0)
        for i in range(n):
            try:
                chat(c, f"q{i}")
            except openai.OpenAIError:
                pass
        return srv.fault_sequence()


def test_fault_draws_are_deterministic_per_seed():
    a, b, other = _fault_run(7), _fault_run(7), _fault_run(8)
    assert a == b
    assert a != other
    assert len(a) == 30 and any(f is not None for f in a) and any(f is None for f in a)


def test_fault_plan_then_probabilities():
    srv = FakeOpenAI(CONTACT, fault_plan=[None, Fault.SERVER_ERROR], faults={Fault.RATE_LIMIT: 1.0})
    with srv:
        c = client(srv, max_retries=0)
        for _ in range(3):
            try:
                chat(c)
            except openai.OpenAIError:
                pass
    assert srv.fault_sequence() == [None, Fault.SERVER_ERROR, Fault.RATE_LIMIT]
    with pytest.raises(ValueError):
        FakeOpenAI(CONTACT, faults={Fault.RATE_LIMIT: 0.7, Fault.RESET: 0.5})


def test_max_requests_bound_answers_503_without_retry_storm():
    with FakeOpenAI(CONTACT, max_requests=2) as srv:
        c = client(srv, max_retries=3)
        chat(c)
        chat(c)
        with pytest.raises(openai.InternalServerError) as ei:
            chat(c)
        assert ei.value.status_code == 503
        assert len(srv.requests) == 2 and srv.rejected == 1


def test_stop_closes_keepalive_connections_promptly():
    srv = FakeOpenAI(CONTACT).start()
    c = client(srv, timeout=2)
    chat(c)  # leaves a pooled keep-alive connection open
    t0 = time.perf_counter()
    srv.stop()
    assert time.perf_counter() - t0 < 1.0
    with pytest.raises(openai.APIConnectionError):
        chat(c)
    srv.stop()  # idempotent


# -- Azure and instructor -------------------------------------------------------------------------


def test_azure_client_path_query_and_api_key_header():
    with FakeOpenAI(CONTACT, valid_keys={"az-key"}) as srv:
        az = openai.AzureOpenAI(azure_endpoint=srv.root_url, api_version="2024-06-01", api_key="az-key", max_retries=0)
        r = az.chat.completions.create(model="my-deployment", messages=MSGS)
        assert r.choices[0].message.tool_calls[0].function.name == "Contact"
        (rec,) = srv.requests
        assert rec.path == "/openai/deployments/my-deployment/chat/completions"
        assert rec.query == {"api-version": "2024-06-01"} and rec.headers["api-key"] == "az-key"
        bad = openai.AzureOpenAI(azure_endpoint=srv.root_url, api_version="2024-06-01", api_key="nope", max_retries=2)
        with pytest.raises(openai.AuthenticationError):
            bad.chat.completions.create(model="my-deployment", messages=MSGS)
        assert len(srv.requests) == 2


def test_instructor_tools_mode_extracts_from_tool_call():
    with FakeOpenAI(CONTACT) as srv:
        ic = instructor.from_openai(client(srv), mode=instructor.Mode.TOOLS)
        got = ic.chat.completions.create(model="gpt-4o-mini", messages=MSGS, response_model=Contact, max_retries=0)
        assert got.model_dump() == {"name": "Ann Lee", "role": "CTO"}
        body = srv.requests[0].body
        # instructor names the tool after the response model's class and forces it
        assert body["tools"][0]["function"]["name"] == "Contact"
        assert body["tools"][0]["function"]["parameters"]["required"] == ["name", "role"]
        assert body["tool_choice"] == {"type": "function", "function": {"name": "Contact"}}


def test_instructor_json_mode_extracts_from_content():
    with FakeOpenAI(json_completion({"name": "Bo Park", "role": "VP Sales"})) as srv:
        ij = instructor.from_openai(client(srv), mode=instructor.Mode.JSON)
        got = ij.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Bo Park runs sales."}],
            response_model=Contact, max_retries=0)
        assert got.model_dump() == {"name": "Bo Park", "role": "VP Sales"}
        body = srv.requests[0].body
        assert body["response_format"] == {"type": "json_object"}
        assert "tools" not in body
        assert body["messages"][0]["role"] == "system" and "json_schema" in body["messages"][0]["content"]


def test_standalone_server_process(tmp_path):
    import signal
    import subprocess
    import sys

    rec = save_records(tmp_path / "r.jsonl", [make_record(MSGS, CONTACT)])
    summary = tmp_path / "summary.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.fakeopenai", "--replay", str(rec), "--key", "sk-1",
         "--max-seconds", "30", "--summary-file", str(summary)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base_url = proc.stdout.readline().strip()  # printed once listening
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        c = openai.OpenAI(base_url=base_url, api_key="sk-1", max_retries=0, timeout=5)
        r = c.chat.completions.create(model="gpt-4o-mini", messages=MSGS)
        assert r.choices[0].message.tool_calls[0].function.name == "Contact"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    got = json.loads(summary.read_text())
    assert got["requests"] == 1 and got["completed"] == 1 and got["usage"]["total_tokens"] == 67
