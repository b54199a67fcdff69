-- wrk script: a small non-streaming completion (the walkthrough's request with max_tokens 1).
-- wrk itself reports "Non-2xx or 3xx responses", which the bench script checks is absent.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"Qwen2.5-0.5B-Instruct","prompt":"Write as if you were a critic: San Francisco","max_tokens":1,"temperature":0}'
