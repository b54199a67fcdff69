// extproc-driver: test tooling that plays Envoy's side of the endpoint-picker protocol (ext_proc,
// FULL_DUPLEX_STREAMED request and response bodies) against a picker, so that Infergate's picker
// and the Inference Extension's reference picker can be compared on the same message sequences
// without an Envoy build. Never product code. The request messages come from the Inference
// Extension's own integration-test builders (test/integration at the version built against), with
// header values moved to raw_value as Envoy sends them.
//
//	extproc-driver -addr host:port [-tls] cases -model M [-alias A] [-shed-objective O] [-hold N] [case...]
//	    one JSON object per case on stdout: what the gateway would observe (see Observed)
//	extproc-driver -addr host:port [-tls] load -model M -duration 10s -concurrency 4 [-prompt-bytes N]
//	    one JSON object: request-phase round trips (p50/p99), whole-stream round trips, counts
//
// Built by .ci/gie-pickers.sh extproc-driver from a throwaway module that requires the Inference
// Extension module (nothing here is part of Infergate's build).
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	extProcPb "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "extproc-driver:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	global := flag.NewFlagSet("extproc-driver", flag.ContinueOnError)
	addr := global.String("addr", "", "the picker's ext_proc address, host:port")
	useTLS := global.Bool("tls", false, "TLS without verifying the certificate (as gateways connect to pickers)")
	pings := global.Bool("pings", false, "grpc-go's default windows, whose bandwidth estimation PINGs while data flows (a pinging gateway)")
	if err := global.Parse(args); err != nil {
		return err
	}
	if *addr == "" || global.NArg() == 0 {
		return fmt.Errorf("usage: extproc-driver -addr host:port [-tls] [-pings] cases|load [flags]")
	}
	creds := insecure.NewCredentials()
	if *useTLS {
		creds = credentials.NewTLS(&tls.Config{InsecureSkipVerify: true}) //nolint:gosec // pickers serve self-signed certificates
	}
	// Fixed flow-control windows, as Envoy's HTTP/2 codec has (1 MiB per stream, 16 MiB per
	// connection here): they also switch off grpc-go's bandwidth estimation, whose frequent PINGs
	// Envoy never sends and grpc-java servers may answer with GOAWAY too_many_pings.
	opts := []grpc.DialOption{grpc.WithTransportCredentials(creds)}
	if !*pings {
		opts = append(opts, grpc.WithInitialWindowSize(1<<20), grpc.WithInitialConnWindowSize(1<<24))
	}
	conn, err := grpc.NewClient(*addr, opts...)
	if err != nil {
		return err
	}
	defer conn.Close()
	client := extProcPb.NewExternalProcessorClient(conn)
	out := json.NewEncoder(os.Stdout)

	mode, rest := global.Arg(0), global.Args()[1:]
	switch mode {
	case "cases":
		fs := flag.NewFlagSet("cases", flag.ContinueOnError)
		cfg := caseConfig{}
		fs.StringVar(&cfg.model, "model", "", "the model the pool's pods serve")
		fs.StringVar(&cfg.alias, "alias", "", "a model name that a rewrite rule maps to -model")
		fs.StringVar(&cfg.shedObjective, "shed-objective", "", "an objective with a negative priority")
		fs.IntVar(&cfg.hold, "hold", 0, "overloaded: streams held open before the measured one")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		names := fs.Args()
		if len(names) == 0 {
			names = defaultCases
		}
		for _, name := range names {
			c, ok := cases[name]
			if !ok {
				return fmt.Errorf("unknown case %q (known: %v)", name, defaultCases)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			o := c(ctx, client, cfg)
			cancel()
			o.Case = name
			if err := out.Encode(o); err != nil {
				return err
			}
		}
		return nil
	case "load":
		fs := flag.NewFlagSet("load", flag.ContinueOnError)
		cfg := loadConfig{}
		fs.StringVar(&cfg.model, "model", "", "the model the pool's pods serve")
		fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long to send")
		fs.IntVar(&cfg.concurrency, "concurrency", 1, "streams in flight at once (closed loop)")
		fs.IntVar(&cfg.promptBytes, "prompt-bytes", 64, "prompt size")
		fs.IntVar(&cfg.prefixes, "prefixes", 8, "distinct shared prompt prefixes (the rest of a prompt is unique)")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if cfg.duration <= 0 || cfg.duration > 10*time.Minute || cfg.concurrency < 1 || cfg.concurrency > 1024 {
			return fmt.Errorf("load: duration must be in (0, 10m], concurrency in [1, 1024]")
		}
		return out.Encode(load(client, cfg))
	default:
		return fmt.Errorf("unknown mode %q (cases or load)", mode)
	}
}

// dial-free helper for the cases: a fresh stream per exchange, as Envoy opens one per request.
func open(ctx context.Context, client extProcPb.ExternalProcessorClient) (extProcPb.ExternalProcessor_ProcessClient, error) {
	return client.Process(ctx, grpc.WaitForReady(true))
}
