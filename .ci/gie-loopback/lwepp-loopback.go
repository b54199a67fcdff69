// lwepp-loopback: the Inference Extension's conformance endpoint picker (the upstream
// pkg/lwepp datastore, reconcilers and ext_proc StreamingServer, unchanged) behind a main that
// binds only the address it is given. Upstream cmd/lwepp listens on ":<port>" (every interface)
// and serves metrics on another port of every interface; test peers here may bind loopback only.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"flag"
	"math/big"
	"net"
	"os"
	"time"

	extProcPb "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"github.com/spf13/pflag"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"sigs.k8s.io/gateway-api-inference-extension/pkg/common"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/lwepp/datastore"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/lwepp/handlers"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/lwepp/server"
)

func main() {
	zapOpts := zap.Options{Development: true}
	zapOpts.BindFlags(flag.CommandLine)
	pflag.CommandLine.AddGoFlagSet(flag.CommandLine)
	opts := server.NewOptions()
	opts.AddFlags(pflag.CommandLine)
	listen := pflag.String("listen", "127.0.0.1:9002", "address of the ext_proc gRPC server (with gRPC health)")
	pflag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	log := ctrl.Log.WithName("lwepp-loopback")
	fail := func(err error, msg string) { log.Error(err, msg); os.Exit(1) }
	if err := opts.Complete(); err != nil {
		fail(err, "options")
	}
	if opts.PoolNamespace == "" {
		opts.PoolNamespace = server.DefaultPoolNamespace
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		fail(err, "kubernetes config")
	}
	ctx := ctrl.SetupSignalHandler()
	ds := datastore.NewDatastore(ctx)
	gknn := common.GKNN{
		NamespacedName: types.NamespacedName{Name: opts.PoolName, Namespace: opts.PoolNamespace},
		GroupKind:      schema.GroupKind{Group: opts.PoolGroup, Kind: "InferencePool"},
	}
	// BindAddress "0" turns the metrics server off; the health probe server is off by default.
	mgr, err := server.NewDefaultManager(server.NewControllerConfig(true), gknn, cfg, metricsserver.Options{BindAddress: "0"})
	if err != nil {
		fail(err, "manager")
	}
	runner := &server.ExtProcServerRunner{GKNN: gknn, Datastore: ds}
	if err := runner.SetupWithManager(mgr); err != nil {
		fail(err, "reconcilers")
	}
	var srv *grpc.Server
	if opts.SecureServing {
		cert, err := selfSigned()
		if err != nil {
			fail(err, "self-signed certificate")
		}
		srv = grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}})))
	} else {
		srv = grpc.NewServer()
	}
	extProcPb.RegisterExternalProcessorServer(srv, handlers.NewStreamingServer(ds))
	hc := health.NewServer()
	healthgrpc.RegisterHealthServer(srv, hc)
	hc.SetServingStatus(extProcPb.ExternalProcessor_ServiceDesc.ServiceName, healthgrpc.HealthCheckResponse_SERVING)
	lis, err := net.Listen("tcp", *listen)
	if err != nil {
		fail(err, "listen")
	}
	log.Info("serving ext_proc", "address", lis.Addr().String(), "tls", opts.SecureServing)
	go func() {
		<-ctx.Done()
		srv.GracefulStop()
	}()
	go func() {
		if err := srv.Serve(lis); err != nil {
			log.Error(err, "grpc server")
		}
	}()
	if err := mgr.Start(ctx); err != nil {
		fail(err, "manager stopped")
	}
}

func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{Organization: []string{"lwepp-loopback"}},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
