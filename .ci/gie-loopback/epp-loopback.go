// epp-loopback: the Inference Extension's full endpoint picker (the upstream pkg/epp datastore,
// reconcilers, data layer, scheduler, director and ext_proc StreamingServer at v1.5.0, unchanged)
// behind a main that binds only the host it is given. Upstream cmd/epp listens on ":<port>" for
// its ext_proc, gRPC health and metrics servers (every interface); test peers here may bind
// loopback only. The flags are upstream's (runserver.Options) plus --bind-host and --kubeconfig.
//
// Kept out on purpose (fails at start instead of silently differing): leader election, the
// experimental flow-control layer and the legacy metrics path; none is used by the tests.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"strconv"
	"time"

	extProcPb "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"github.com/spf13/pflag"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthPb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"sigs.k8s.io/gateway-api-inference-extension/pkg/common"
	logutil "sigs.k8s.io/gateway-api-inference-extension/pkg/common/observability/logging"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/config/loader"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/datalayer"
	dllogger "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/datalayer/logger"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/datastore"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/flowcontrol"
	fwkplugin "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/interface/plugin"
	extractormetrics "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/datalayer/extractor/metrics"
	sourcemetrics "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/datalayer/source/metrics"
	sourcenotifications "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/datalayer/source/notifications"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/flowcontrol/fairness"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/flowcontrol/ordering"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/flowcontrol/saturationdetector/concurrency"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/flowcontrol/saturationdetector/utilization"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/flowcontrol/usagelimits"
	reqdataprodprefix "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/requestcontrol/dataproducer/approximateprefix"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/requestcontrol/requestdataproducer/inflightload"
	testresponsereceived "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/requestcontrol/test/responsereceived"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/requesthandling/parsers/openai"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/requesthandling/parsers/passthrough"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/scheduling/picker"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/scheduling/profile"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/scheduling/scorer/kvcacheutilization"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/scheduling/scorer/prefix"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/scheduling/scorer/queuedepth"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/scheduling/scorer/runningrequests"
	testfilter "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/scheduling/test/filter"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/handlers"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/metrics"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/metrics/collectors"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/requestcontrol"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/scheduling"
	runserver "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/server"
)

var log = ctrl.Log.WithName("epp-loopback")

func main() {
	if err := run(); err != nil {
		log.Error(err, "epp-loopback stopped")
		os.Exit(1)
	}
}

func run() error {
	logutil.InitSetupLogging()
	opts := runserver.NewOptions()
	opts.AddFlags(pflag.CommandLine)
	pflag.CommandLine.AddGoFlagSet(flag.CommandLine) // --kubeconfig (controller-runtime's flag)
	bindHost := pflag.String("bind-host", "127.0.0.1", "the only host the ext_proc, health and metrics servers listen on")
	pflag.Parse()
	if err := opts.Complete(); err != nil {
		return err
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	if opts.EnableLeaderElection || opts.EndpointSelector != "" || opts.PoolName == "" {
		return errors.New("epp-loopback serves one InferencePool (--pool-name) without leader election")
	}
	logutil.InitLogging(&opts.ZapOptions)
	if opts.PoolNamespace == "" {
		opts.PoolNamespace = runserver.DefaultPoolNamespace
	}
	ctx := ctrl.SetupSignalHandler()
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return fmt.Errorf("kubernetes config: %w", err)
	}

	// The plugins the default configuration and the conformance configurations refer to.
	registerPlugins()
	loader.RegisterFeatureGate(datalayer.ExperimentalDatalayerFeatureGate)
	loader.RegisterFeatureGate(datalayer.EnableLegacyMetricsFeatureGate)
	loader.RegisterFeatureGate(flowcontrol.FeatureGate)
	var configBytes []byte
	if opts.ConfigText != "" {
		configBytes = []byte(opts.ConfigText)
	} else if opts.ConfigFile != "" {
		if configBytes, err = os.ReadFile(opts.ConfigFile); err != nil {
			return fmt.Errorf("config file: %w", err)
		}
	}
	rawConfig, gates, err := loader.LoadRawConfig(configBytes, log)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if gates[datalayer.EnableLegacyMetricsFeatureGate] || gates[flowcontrol.FeatureGate] {
		return errors.New("epp-loopback supports neither the legacy metrics path nor the flow-control layer")
	}

	gknn := common.GKNN{
		NamespacedName: types.NamespacedName{Name: opts.PoolName, Namespace: opts.PoolNamespace},
		GroupKind:      schema.GroupKind{Group: opts.PoolGroup, Kind: "InferencePool"},
	}
	controllerCfg := runserver.NewControllerConfig(true)
	if err := controllerCfg.PopulateControllerConfig(cfg); err != nil {
		return fmt.Errorf("controller config: %w", err)
	}
	dl := datalayer.NewRuntime(opts.RefreshMetricsInterval)
	ds := datastore.NewDatastore(ctx, dl, int32(opts.ModelServerMetricsPort))

	handle := fwkplugin.NewEppHandle(ctx, func() []types.NamespacedName {
		pods := ds.PodList(datastore.AllPodsPredicate)
		names := make([]types.NamespacedName, 0, len(pods))
		for _, p := range pods {
			names = append(names, p.GetMetadata().NamespacedName)
		}
		return names
	})
	eppCfg, err := loader.InstantiateAndConfigure(rawConfig, handle, log)
	if err != nil {
		return fmt.Errorf("plugins: %w", err)
	}
	reqCfg := requestcontrol.NewConfig()
	reqCfg.AddPlugins(handle.GetAllPlugins()...)
	dag, err := datalayer.ValidateAndOrderDataDependencies(handle.GetAllPlugins())
	if err != nil {
		return fmt.Errorf("plugin data dependencies: %w", err)
	}
	reqCfg.OrderPrepareDataPlugins(dag)
	parser := handlers.NewParser(eppCfg.ParserConfig)

	metrics.Register(collectors.NewInferencePoolMetricsCollector(ds))
	metricsBind := "0" // "0" turns controller-runtime's metrics server off
	if opts.MetricsPort > 0 {
		metricsBind = net.JoinHostPort(*bindHost, strconv.Itoa(opts.MetricsPort))
	}
	mgr, err := runserver.NewDefaultManager(controllerCfg, gknn, cfg, metricsserver.Options{BindAddress: metricsBind}, false)
	if err != nil {
		return err
	}
	if err := dl.Configure(eppCfg.DataConfig, true, "", log); err != nil {
		return fmt.Errorf("data layer: %w", err)
	}
	if err := dl.Start(ctx, mgr); err != nil {
		return fmt.Errorf("data layer: %w", err)
	}
	candidates := requestcontrol.NewDatastoreEndpointCandidates(ds,
		requestcontrol.WithDisableEndpointSubsetFilter(opts.DisableEndpointSubsetFilter))
	admission := requestcontrol.NewLegacyAdmissionController(eppCfg.SaturationDetector, candidates)
	director := requestcontrol.NewDirectorWithConfig(ds, scheduling.NewSchedulerWithConfig(eppCfg.SchedulerConfig),
		admission, parser, candidates, reqCfg)

	// The reconcilers (pool, pods, objectives) come from upstream's runner type; its gRPC servers
	// (AsRunnable) are not used because they listen on every interface.
	reconcilers := &runserver.ExtProcServerRunner{GKNN: gknn, Datastore: ds, ControllerCfg: controllerCfg}
	if err := reconcilers.SetupWithManager(mgr); err != nil {
		return err
	}

	extProc, err := newGrpcServer(opts.SecureServing)
	if err != nil {
		return err
	}
	extProcPb.RegisterExternalProcessorServer(extProc, handlers.NewStreamingServer(ds, director, parser))
	ready := &readiness{ds: ds}
	if opts.HealthChecking {
		healthPb.RegisterHealthServer(extProc, ready)
	}
	healthSrv := grpc.NewServer()
	healthPb.RegisterHealthServer(healthSrv, ready)

	for _, s := range []struct {
		name string
		srv  *grpc.Server
		port int
	}{{"ext-proc", extProc, opts.GRPCPort}, {"health", healthSrv, opts.GRPCHealthPort}} {
		if err := mgr.Add(grpcRunnable{name: s.name, srv: s.srv, addr: net.JoinHostPort(*bindHost, strconv.Itoa(s.port))}); err != nil {
			return err
		}
	}
	if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		dllogger.StartMetricsLogger(ctx, ds, opts.RefreshPrometheusMetricsInterval, opts.MetricsStalenessThreshold)
		<-ctx.Done()
		return nil
	})); err != nil {
		return err
	}
	log.Info("starting", "pool", gknn.NamespacedName.String(), "host", *bindHost,
		"grpcPort", opts.GRPCPort, "healthPort", opts.GRPCHealthPort, "metricsPort", opts.MetricsPort, "tls", opts.SecureServing)
	return mgr.Start(ctx)
}

func registerPlugins() {
	fwkplugin.Register(prefix.PrefixCacheScorerPluginType, prefix.PrefixCachePluginFactory)
	fwkplugin.Register(picker.MaxScorePickerType, picker.MaxScorePickerFactory)
	fwkplugin.Register(picker.RandomPickerType, picker.RandomPickerFactory)
	fwkplugin.Register(picker.WeightedRandomPickerType, picker.WeightedRandomPickerFactory)
	fwkplugin.Register(profile.SingleProfileHandlerType, profile.SingleProfileHandlerFactory)
	fwkplugin.Register(kvcacheutilization.KvCacheUtilizationScorerType, kvcacheutilization.KvCacheUtilizationScorerFactory)
	fwkplugin.Register(queuedepth.QueueScorerType, queuedepth.QueueScorerFactory)
	fwkplugin.Register(runningrequests.RunningRequestsSizeScorerType, runningrequests.RunningRequestsSizeScorerFactory)
	fwkplugin.Register(reqdataprodprefix.ApproxPrefixCachePluginType, reqdataprodprefix.ApproxPrefixCacheFactory)
	fwkplugin.Register(inflightload.InFlightLoadProducerType, inflightload.InFlightLoadProducerFactory)
	fwkplugin.Register(testfilter.HeaderBasedTestingFilterType, testfilter.HeaderBasedTestingFilterFactory)
	fwkplugin.Register(testresponsereceived.DestinationEndpointServedVerifierType, testresponsereceived.DestinationEndpointServedVerifierFactory)
	fwkplugin.Register(sourcemetrics.MetricsDataSourceType, sourcemetrics.MetricsDataSourceFactory)
	fwkplugin.Register(extractormetrics.MetricsExtractorType, extractormetrics.CoreMetricsExtractorFactory)
	fwkplugin.Register(sourcenotifications.NotificationSourceType, sourcenotifications.NotificationSourceFactory)
	fwkplugin.Register(sourcenotifications.EndpointNotificationSourceType, sourcenotifications.EndpointSourceFactory)
	fwkplugin.Register(openai.OpenAIParserType, openai.OpenAIParserPluginFactory)
	fwkplugin.Register(passthrough.PassthroughParserType, passthrough.PassthroughParserPluginFactory)
	fwkplugin.Register(concurrency.ConcurrencyDetectorType, concurrency.ConcurrencyDetectorFactory)
	// the loader fills in flow-control defaults even with the layer off: their types must exist
	fwkplugin.Register(fairness.GlobalStrictFairnessPolicyType, fairness.GlobalStrictFairnessPolicyFactory)
	fwkplugin.Register(fairness.RoundRobinFairnessPolicyType, fairness.RoundRobinFairnessPolicyFactory)
	fwkplugin.Register(ordering.FCFSOrderingPolicyType, ordering.FCFSOrderingPolicyFactory)
	fwkplugin.Register(ordering.EDFOrderingPolicyType, ordering.EDFOrderingPolicyFactory)
	fwkplugin.Register(usagelimits.StaticUsageLimitPolicyType, usagelimits.StaticPolicyFactory)
	fwkplugin.Register(utilization.UtilizationDetectorType, utilization.UtilizationDetectorFactory)
}

// readiness answers gRPC health checks: SERVING once the pool and its pods are synced (the
// picker cannot pick before that), for the empty service name and the ext_proc service.
type readiness struct {
	healthPb.UnimplementedHealthServer
	ds datastore.Datastore
}

func (r *readiness) Check(_ context.Context, in *healthPb.HealthCheckRequest) (*healthPb.HealthCheckResponse, error) {
	switch in.Service {
	case "", "liveness", "readiness", extProcPb.ExternalProcessor_ServiceDesc.ServiceName:
	default:
		return nil, status.Errorf(codes.NotFound, "unknown service %q", in.Service)
	}
	if in.Service == "liveness" || r.ds.PoolHasSynced() {
		return &healthPb.HealthCheckResponse{Status: healthPb.HealthCheckResponse_SERVING}, nil
	}
	return &healthPb.HealthCheckResponse{Status: healthPb.HealthCheckResponse_NOT_SERVING}, nil
}

// grpcRunnable serves one gRPC server on one host:port for the manager's lifetime, on every
// replica (no leader election).
type grpcRunnable struct {
	name string
	srv  *grpc.Server
	addr string
}

func (g grpcRunnable) NeedLeaderElection() bool { return false }

func (g grpcRunnable) Start(ctx context.Context) error {
	lis, err := net.Listen("tcp", g.addr)
	if err != nil {
		return fmt.Errorf("%s: listen %s: %w", g.name, g.addr, err)
	}
	log.Info("gRPC server listening", "name", g.name, "address", lis.Addr().String())
	go func() {
		<-ctx.Done()
		g.srv.GracefulStop()
	}()
	if err := g.srv.Serve(lis); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return fmt.Errorf("%s: %w", g.name, err)
	}
	return nil
}

func newGrpcServer(secure bool) (*grpc.Server, error) {
	if !secure {
		return grpc.NewServer(), nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{Organization: []string{"epp-loopback"}},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{
		Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12,
	}))), nil
}
