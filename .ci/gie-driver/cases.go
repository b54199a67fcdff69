package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	envoyCorev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extProcPb "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"github.com/go-logr/logr"
	"google.golang.org/protobuf/types/known/structpb"

	gie "sigs.k8s.io/gateway-api-inference-extension/test/integration"
)

type caseConfig struct {
	model, alias, shedObjective string
	hold                        int
}

type caseFunc func(context.Context, extProcPb.ExternalProcessorClient, caseConfig) *Observed

var defaultCases = []string{
	"headers-only", "body-one-chunk", "body-many-chunks", "stream-response", "json-response",
	"rewrite-rule", "rewrite-header", "unknown-model", "shed", "overloaded",
}

var cases = map[string]caseFunc{
	// GET without a body: headers with end_of_stream, picked on headers alone
	"headers-only": func(ctx context.Context, c extProcPb.ExternalProcessorClient, _ caseConfig) *Observed {
		return exchange(ctx, c, raw(gie.ReqHeaderOnly(envoyHeaders("GET", "/health", nil))), nil)
	},
	// the Inference Extension's own request builder: headers, then the JSON body in one message
	"body-one-chunk": func(ctx context.Context, c extProcPb.ExternalProcessorClient, cfg caseConfig) *Observed {
		return exchange(ctx, c, completion(cfg.model, "hello", nil), nil)
	},
	// a 200 KB prompt cut into 5 body messages, as Envoy forwards a large body in streamed mode
	"body-many-chunks": func(ctx context.Context, c extProcPb.ExternalProcessorClient, cfg caseConfig) *Observed {
		body := bodyOf(gie.GenerateRequest(logr.Discard(), strings.Repeat("a", 200_000), cfg.model, nil))
		n := (len(body) + 4) / 5
		var parts []string
		for i := 0; i < len(body); i += n {
			parts = append(parts, string(body[i:min(i+n, len(body))]))
		}
		return exchange(ctx, c, raw(gie.ReqRaw(envoyHeaders("POST", "/v1/completions", nil), parts...)), nil)
	},
	// stream: true, then an SSE response in 3 chunks with usage in the last event
	"stream-response": func(ctx context.Context, c extProcPb.ExternalProcessorClient, cfg caseConfig) *Observed {
		msgs := raw(append(
			gie.ReqRaw(envoyHeaders("POST", "/v1/completions", nil)),
			gie.GenerateRequestWithStream(logr.Discard(), "hi", cfg.model, nil)))
		return exchange(ctx, c, msgs, &response{
			headers: map[string]string{":status": "200", "content-type": "text/event-stream"},
			chunks:  sse(cfg.model),
		})
	},
	// a JSON (not streamed) response in 2 chunks with usage
	"json-response": func(ctx context.Context, c extProcPb.ExternalProcessorClient, cfg caseConfig) *Observed {
		return exchange(ctx, c, completion(cfg.model, "hi", nil), &response{
			headers: map[string]string{":status": "200", "content-type": "application/json"},
			chunks:  split(jsonCompletion(cfg.model), 2),
		})
	},
	// the client asks for an alias that an InferenceModelRewrite maps to the served model; the
	// response carries the served model's name, as the model server answers
	"rewrite-rule": func(ctx context.Context, c extProcPb.ExternalProcessorClient, cfg caseConfig) *Observed {
		return exchange(ctx, c, completion(cfg.alias, "hi", nil), &response{
			headers: map[string]string{":status": "200", "content-type": "application/json"},
			chunks:  []string{jsonCompletion(cfg.model)},
		})
	},
	// the gateway asks for a rewrite with x-gateway-model-name-rewrite
	"rewrite-header": func(ctx context.Context, c extProcPb.ExternalProcessorClient, cfg caseConfig) *Observed {
		return exchange(ctx, c, completion("client-name", "hi", map[string]string{"x-gateway-model-name-rewrite": cfg.model}), nil)
	},
	// a model that no rewrite names and no pod serves: left to the pod
	"unknown-model": func(ctx context.Context, c extProcPb.ExternalProcessorClient, _ caseConfig) *Observed {
		return exchange(ctx, c, completion("no-such-model", "hi", nil), nil)
	},
	// a sheddable objective (negative priority): run while the pool is saturated
	"shed": func(ctx context.Context, c extProcPb.ExternalProcessorClient, cfg caseConfig) *Observed {
		return exchange(ctx, c, completion(cfg.model, "shed", map[string]string{"x-gateway-inference-objective": cfg.shedObjective}), nil)
	},
	// -hold streams opened and left in their request body (headers sent, body not ended), then one
	// whole request on a new stream: a picker that bounds its streams refuses that one
	"overloaded": func(ctx context.Context, c extProcPb.ExternalProcessorClient, cfg caseConfig) *Observed {
		held := make([]extProcPb.ExternalProcessor_ProcessClient, 0, cfg.hold)
		hctx, cancel := context.WithCancel(ctx)
		defer cancel()
		for range cfg.hold {
			s, err := open(hctx, c)
			if err != nil {
				return failed(&Observed{}, err)
			}
			if err := s.Send(raw(gie.ReqRaw(envoyHeaders("POST", "/v1/completions", nil)))[0]); err != nil {
				return failed(&Observed{}, err)
			}
			held = append(held, s)
		}
		o := exchange(ctx, c, completion(cfg.model, "one too many", nil), nil)
		o.Note = fmt.Sprintf("%d streams held open", len(held))
		return o
	},
}

// response is the model server's answer a case plays back through the picker.
type response struct {
	headers map[string]string
	chunks  []string
}

func exchange(ctx context.Context, c extProcPb.ExternalProcessorClient, msgs []*extProcPb.ProcessingRequest, resp *response) *Observed {
	stream, err := open(ctx, c)
	if err != nil {
		return failed(&Observed{}, err)
	}
	o := requestPhase(stream, msgs)
	if resp != nil && o.Routed && o.GrpcCode == "OK" {
		o.Response = responsePhase(stream, resp.headers, resp.chunks, o.Destination)
	} else {
		_ = stream.CloseSend()
	}
	return o
}

// completion: the Inference Extension's builder's JSON body (prompt, max_tokens, temperature,
// model) after headers as Envoy sends them for POST /v1/completions.
func completion(model, prompt string, extra map[string]string) []*extProcPb.ProcessingRequest {
	return raw(append(
		gie.ReqRaw(envoyHeaders("POST", "/v1/completions", extra)),
		gie.GenerateRequest(logr.Discard(), prompt, model, nil)))
}

// envoyHeaders: the pseudo-headers and content type Envoy sends with every request, plus extra.
func envoyHeaders(method, path string, extra map[string]string) map[string]string {
	h := map[string]string{
		":method": method, ":path": path, ":authority": "gateway.example", ":scheme": "http",
		"x-request-id": "extproc-driver",
	}
	if method == "POST" {
		h["content-type"] = "application/json"
	}
	for k, v := range extra {
		h[k] = v
	}
	return h
}

// raw moves header values to raw_value, as Envoy sends them (the builders fill value).
func raw(msgs []*extProcPb.ProcessingRequest) []*extProcPb.ProcessingRequest {
	for _, m := range msgs {
		if h := m.GetRequestHeaders(); h != nil {
			for _, hv := range h.GetHeaders().GetHeaders() {
				if hv.Value != "" {
					hv.RawValue, hv.Value = []byte(hv.Value), ""
				}
			}
		}
	}
	return msgs
}

func rawHeaders(h map[string]string) *envoyCorev3.HeaderMap {
	out := &envoyCorev3.HeaderMap{}
	for k, v := range h {
		out.Headers = append(out.Headers, &envoyCorev3.HeaderValue{Key: k, RawValue: []byte(v)})
	}
	return out
}

// servedMetadata: envoy.lb / x-gateway-destination-endpoint-served, which Envoy attaches to the
// response phase once it knows the endpoint it used.
func servedMetadata(endpoint string) *envoyCorev3.Metadata {
	if endpoint == "" {
		return nil
	}
	s, _ := structpb.NewStruct(map[string]any{"x-gateway-destination-endpoint-served": endpoint})
	return &envoyCorev3.Metadata{FilterMetadata: map[string]*structpb.Struct{"envoy.lb": s}}
}

func bodyOf(m *extProcPb.ProcessingRequest) []byte { return m.GetRequestBody().GetBody() }

func split(s string, n int) []string {
	step := (len(s) + n - 1) / n
	var out []string
	for i := 0; i < len(s); i += step {
		out = append(out, s[i:min(i+step, len(s))])
	}
	return out
}

func sse(model string) []string {
	ev := func(v map[string]any) string { b, _ := json.Marshal(v); return "data: " + string(b) + "\n\n" }
	choice := func(text string) []any { return []any{map[string]any{"index": 0, "text": text}} }
	return []string{
		ev(map[string]any{"id": "cmpl-1", "object": "text_completion", "model": model, "choices": choice("Hel")}),
		ev(map[string]any{"id": "cmpl-1", "object": "text_completion", "model": model, "choices": choice("lo")}),
		ev(map[string]any{"id": "cmpl-1", "object": "text_completion", "model": model, "choices": []any{},
			"usage": map[string]any{"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}) + "data: [DONE]\n\n",
	}
}

func jsonCompletion(model string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "cmpl-2", "object": "text_completion", "model": model,
		"choices": []any{map[string]any{"index": 0, "text": "Hello", "finish_reason": "stop"}},
		"usage":   map[string]any{"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
	})
	return string(b)
}
