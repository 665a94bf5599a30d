// The test bed's pod image: one static binary that is the sandbox's pause process (as /pause) or the app the
// blue-green tests deploy (as /web). The app's behaviour is baked into each image (/behaviour), so each image,
// and so each digest, behaves one way: ok, crash or smoke-fail. POST /degrade makes a running pod fail its
// smoke check from then on (a version that breaks after it takes traffic).
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if filepath.Base(os.Args[0]) == "pause" {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
		<-sig
		return
	}
	read := func(name string) string {
		b, _ := os.ReadFile(name)
		return strings.TrimSpace(string(b))
	}
	version, behaviour := read("/version"), read("/behaviour")
	if behaviour == "crash" {
		fmt.Fprintln(os.Stderr, "web: crashing on purpose (behaviour crash)")
		os.Exit(1)
	}
	var degraded atomic.Bool
	degraded.Store(behaviour == "smoke-fail")
	host, _ := os.Hostname()
	answer := func(w http.ResponseWriter, status int, body map[string]any) {
		body["pod"], body["version"] = host, version
		w.Header().Set("content-type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { answer(w, 200, map[string]any{"status": "ok"}) })
	mux.HandleFunc("/smoke", func(w http.ResponseWriter, r *http.Request) {
		if degraded.Load() {
			answer(w, 500, map[string]any{"status": "failing"})
			return
		}
		answer(w, 200, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("/degrade", func(w http.ResponseWriter, r *http.Request) {
		degraded.Store(true)
		answer(w, 200, map[string]any{"degraded": true})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { answer(w, 200, map[string]any{}) })
	srv := &http.Server{Addr: ":8080", Handler: mux}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM)
		<-sig
		// As a well-behaved server does: keep answering while the dataplane drops this endpoint, then stop.
		time.Sleep(2 * time.Second)
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
