// Command server runs a SCIM 2.0 server on scimstack, for trying it out
// with an identity provider or curl.
//
//	go run ./examples/server [-addr 127.0.0.1:8080] [-token T] [-store memory] [-dsn DSN]
//
// It serves the SCIM API at http://ADDR/scim/v2 and prints that URL and
// the Bearer token to use. The token is -token, else $SCIM_TOKEN, else a
// random one made at start. SIGINT or SIGTERM shuts it down gracefully.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/scimstack/scimstack/scim"
	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/memstore"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	token := fs.String("token", os.Getenv("SCIM_TOKEN"), "Bearer token clients must send (default $SCIM_TOKEN, else random)")
	storeName := fs.String("store", "memory", "store: memory")
	dsn := fs.String("dsn", "", "data source name for SQL stores")
	verbose := fs.Bool("v", false, "log every failed request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		*token = hex.EncodeToString(b)
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	users, closeStore, err := openStore(ctx, *storeName, *dsn)
	if err != nil {
		return err
	}
	defer closeStore()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String() + "/scim/v2"
	h, err := scim.NewHandler(users, &scim.Options{
		BaseURL: base,
		Tokens:  []string{*token},
		Logger:  logger,
	})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}

	fmt.Fprintf(stdout, "SCIM server on %s (store: %s)\n", base, *storeName)
	fmt.Fprintf(stdout, "Bearer token: %s\n", *token)
	fmt.Fprintf(stdout, "Try: curl -H 'Authorization: Bearer %s' %s/Users\n", *token, base)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func openStore(_ context.Context, name, _ string) (store.UserStore, func(), error) {
	switch name {
	case "memory":
		return memstore.New(), func() {}, nil
	}
	return nil, nil, fmt.Errorf("unknown -store %q (want memory)", name)
}
