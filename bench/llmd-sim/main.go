// llmd-sim-loopback: llm-d-inference-sim (its configuration parser, simulator and exported HTTP
// handlers, unchanged) behind a main that binds only the host it is given. Upstream's main listens
// on ":<port>" (every interface) through an unexported listener; benchmark peers here may bind
// loopback only, so this main serves the same handlers on INFERGATE_SIM_HOST:<--port>.
// Every command-line flag is upstream's (see its README); there is no gRPC and no ZMQ here.
package main

import (
	"context"
	"fmt"
	"net"
	"os"

	"github.com/buaazp/fasthttprouter"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
	"k8s.io/klog/v2"

	"github.com/llm-d/llm-d-inference-sim/cmd/signals"
	"github.com/llm-d/llm-d-inference-sim/pkg/common"
	"github.com/llm-d/llm-d-inference-sim/pkg/communication"
	vllmsim "github.com/llm-d/llm-d-inference-sim/pkg/llm-d-inference-sim"
)

func main() {
	logger := klog.Background()
	ctx := signals.SetupSignalHandler(klog.NewContext(context.Background(), logger))
	fail := func(err error, msg string) { logger.Error(err, msg); os.Exit(1) }

	host := os.Getenv("INFERGATE_SIM_HOST")
	if host == "" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil {
		fail(fmt.Errorf("INFERGATE_SIM_HOST=%q is not an IP address", host), "configuration")
	}
	config, err := common.ParseCommandParamsAndLoadConfig()
	if err != nil {
		fail(err, "configuration")
	}
	sims, err := vllmsim.Start(ctx, config, logger)
	if err != nil {
		fail(err, "simulator")
	}
	if len(sims) != 1 {
		fail(fmt.Errorf("data-parallel-size %d", len(sims)), "this main serves exactly one rank")
	}
	sim := sims[0]
	c := communication.New(logger, sim)

	r := fasthttprouter.New()
	r.POST("/v1/chat/completions", c.HandleChatCompletions)
	r.POST("/v1/completions", c.HandleTextCompletions)
	r.GET("/v1/models", c.HandleModels)
	r.POST("/v1/load_lora_adapter", c.HandleLoadLora)
	r.POST("/v1/unload_lora_adapter", c.HandleUnloadLora)
	r.GET("/metrics", fasthttpadaptor.NewFastHTTPHandler(
		promhttp.HandlerFor(sim.Context.MetricsRegistry(), promhttp.HandlerOpts{})))
	r.GET("/health", c.HandleHealth)
	r.GET("/ready", c.HandleReady)
	server := &fasthttp.Server{
		Handler:            r.Handler,
		ErrorHandler:       c.HandleError,
		MaxRequestBodySize: config.MaxRequestBodySizeMB * 1024 * 1024,
	}
	lis, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(config.Port)))
	if err != nil {
		fail(err, "listen")
	}
	logger.Info("serving", "address", lis.Addr().String(), "model", config.Model)
	go func() {
		<-ctx.Done()
		_ = server.Shutdown()
		sim.Stop()
	}()
	if err := server.Serve(lis); err != nil {
		fail(err, "serve")
	}
}
