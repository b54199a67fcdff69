package main

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	extProcPb "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"github.com/go-logr/logr"

	gie "sigs.k8s.io/gateway-api-inference-extension/test/integration"
)

type loadConfig struct {
	model                              string
	duration                           time.Duration
	concurrency, promptBytes, prefixes int
}

// LoadResult: round trips as a gateway sees them. Request phase: from sending the request headers
// to the last body answer (what a request waits before it can go upstream: the picker's added
// latency). Stream: the whole exchange, a short JSON response with usage included.
type LoadResult struct {
	Concurrency  int     `json:"concurrency"`
	Seconds      float64 `json:"seconds"`
	Requests     int     `json:"requests"`
	Errors       int     `json:"errors"`
	FirstError   string  `json:"firstError,omitempty"`
	RequestP50Ms float64 `json:"requestP50Ms"`
	RequestP99Ms float64 `json:"requestP99Ms"`
	StreamP50Ms  float64 `json:"streamP50Ms"`
	StreamP99Ms  float64 `json:"streamP99Ms"`
	RequestsPerS float64 `json:"requestsPerSecond"`
	PromptBytes  int     `json:"promptBytes"`
}

func load(client extProcPb.ExternalProcessorClient, cfg loadConfig) LoadResult {
	var mu sync.Mutex
	var reqLat, streamLat []float64
	errs, firstErr := 0, ""
	deadline := time.Now().Add(cfg.duration)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range cfg.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				prompt := promptFor(cfg, w, i)
				rq, st, err := oneRequest(client, cfg.model, prompt)
				mu.Lock()
				if err != nil {
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
				} else {
					reqLat = append(reqLat, rq)
					streamLat = append(streamLat, st)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	return LoadResult{
		Concurrency: cfg.concurrency, Seconds: round(secs), Requests: len(reqLat), Errors: errs, FirstError: firstErr,
		RequestP50Ms: pct(reqLat, 50), RequestP99Ms: pct(reqLat, 99),
		StreamP50Ms: pct(streamLat, 50), StreamP99Ms: pct(streamLat, 99),
		RequestsPerS: round(float64(len(reqLat)) / secs), PromptBytes: cfg.promptBytes,
	}
}

// promptFor: one of cfg.prefixes shared prefixes (prefix affinity has something to find), then a
// part unique to the request, cfg.promptBytes in all.
func promptFor(cfg loadConfig, worker, i int) string {
	p := fmt.Sprintf("prefix %d: ", (worker*7919+i)%max(cfg.prefixes, 1))
	unique := fmt.Sprintf(" request %d/%d", worker, i)
	fill := max(cfg.promptBytes-len(p)-len(unique), 0)
	return p + strings.Repeat("x", fill) + unique
}

func oneRequest(client extProcPb.ExternalProcessorClient, model, prompt string) (float64, float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs := raw(append(
		gie.ReqRaw(envoyHeaders("POST", "/v1/completions", nil)),
		gie.GenerateRequest(logr.Discard(), prompt, model, nil)))
	t0 := time.Now()
	stream, err := open(ctx, client)
	if err != nil {
		return 0, 0, err
	}
	o := requestPhase(stream, msgs)
	t1 := time.Now()
	if o.GrpcCode != "OK" || !o.Routed || !o.BodyEnd {
		_ = stream.CloseSend()
		return 0, 0, fmt.Errorf("request phase: grpc %s %s, immediate %d %s", o.GrpcCode, o.GrpcMsg, o.ImmediateStatus, o.ImmediateBody)
	}
	ro := responsePhase(stream, map[string]string{":status": "200", "content-type": "application/json"},
		[]string{jsonCompletion(model)}, o.Destination)
	t2 := time.Now()
	if !ro.BodyEnd {
		return 0, 0, fmt.Errorf("response phase: grpc %s", ro.GrpcCode)
	}
	return ms(t1.Sub(t0)), ms(t2.Sub(t0)), nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func round(f float64) float64 { return math.Round(f*1000) / 1000 }

// pct: the nearest-rank percentile.
func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	k := int(math.Ceil(p/100*float64(len(s)))) - 1
	return round(s[max(0, min(k, len(s)-1))])
}
