// hello is the example service deployed by deliverkit's local pipeline: an HTTP server with the
// endpoints blue-green-deploy's smoke probes use (/healthz, /version).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
)

var version = "dev"

func buildInfo() map[string]string {
	info := map[string]string{"version": version, "go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		info["module"] = bi.Main.Path
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				info["revision"] = s.Value
			}
		}
	}
	return info
}

func main() {
	selftest := flag.Bool("selftest", false, "print build info and exit (run at image build time, under qemu for foreign platforms)")
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	if *selftest {
		out, _ := json.Marshal(buildInfo())
		fmt.Println(string(out))
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/version", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(buildInfo())
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "hello from %s/%s (%s)\n", runtime.GOOS, runtime.GOARCH, version)
	})
	log.Printf("hello %s listening on %s", version, *addr)
	if err := http.ListenAndServe(*addr, mux); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}
