// Command server runs a SCIM 2.0 server on scimstack, for trying it out
// with an identity provider or curl.
//
//	go run ./examples/server [-addr 127.0.0.1:8080] [-token T] [-store sqlite|memory|postgres|mysql] [-dsn DSN]
//
// It serves the SCIM API at http://ADDR/scim/v2 and prints that URL and
// the Bearer token to use. The token is -token, else $SCIM_TOKEN, else a
// random one made at start. SIGINT or SIGTERM shuts it down gracefully.
//
// Stores:
//
//	sqlite    (default) embedded SQLite; -dsn is the file, default scim.db
//	memory    in memory; everything is gone when the server stops
//	postgres  -dsn postgres://user@host:5432/db?sslmode=disable
//	mysql     MySQL 8 or MariaDB; -dsn user:pass@tcp(host:3306)/db
//
// SQL stores create or upgrade their tables at start.
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
	"github.com/scimstack/scimstack/store/sqlstore"
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
	storeName := fs.String("store", "sqlite", "store: sqlite, memory, postgres or mysql")
	dsn := fs.String("dsn", "", "data source name of the SQL store (sqlite default: scim.db)")
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

func openStore(ctx context.Context, name, dsn string) (store.UserStore, func(), error) {
	var dialect sqlstore.Dialect
	switch name {
	case "memory":
		return memstore.New(), func() {}, nil
	case "sqlite":
		dialect = sqlstore.SQLite
		if dsn == "" {
			dsn = "scim.db"
		}
	case "postgres", "postgresql":
		dialect = sqlstore.Postgres
	case "mysql", "mariadb":
		dialect = sqlstore.MySQL
	default:
		return nil, nil, fmt.Errorf("unknown -store %q (want sqlite, memory, postgres or mysql)", name)
	}
	if dsn == "" {
		return nil, nil, fmt.Errorf("-store %s needs -dsn", name)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s, err := sqlstore.Open(ctx, dialect, dsn, nil)
	if err != nil {
		return nil, nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, func() { s.Close() }, nil
}
