// Command psa judges pods against the Pod Security Standards with the library the
// Kubernetes API server's PodSecurity admission plugin uses (k8s.io/pod-security-admission),
// so the answer is the admission's own. It reads one JSON object per line,
//
//	{"name": "...", "level": "restricted", "version": "v1.35", "metadata": {...}, "spec": {...}}
//
// where metadata and spec are a pod template's, and writes one line per input:
//
//	{"name": "...", "allowed": false, "reasons": ["allowPrivilegeEscalation != false", ...]}
//
// tests/pod_security.rs feeds it every pod template of every environment, with the level
// its namespace enforces.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

type input struct {
	Name     string            `json:"name"`
	Level    string            `json:"level"`
	Version  string            `json:"version"`
	Metadata metav1.ObjectMeta `json:"metadata"`
	Spec     corev1.PodSpec    `json:"spec"`
}

type output struct {
	Name    string   `json:"name"`
	Allowed bool     `json:"allowed"`
	Reasons []string `json:"reasons"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "psa:", err)
		os.Exit(1)
	}
}

func run() error {
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return err
	}
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 64<<20)
	encoder := json.NewEncoder(os.Stdout)
	for scanner.Scan() {
		var in input
		if err := json.Unmarshal(scanner.Bytes(), &in); err != nil {
			return fmt.Errorf("reading a pod: %w", err)
		}
		level, err := api.ParseLevel(in.Level)
		if err != nil {
			return fmt.Errorf("%s: %w", in.Name, err)
		}
		version, err := api.ParseVersion(in.Version)
		if err != nil {
			return fmt.Errorf("%s: %w", in.Name, err)
		}
		results := evaluator.EvaluatePod(api.LevelVersion{Level: level, Version: version}, &in.Metadata, &in.Spec)
		aggregate := policy.AggregateCheckResults(results)
		reasons := []string{}
		for i, reason := range aggregate.ForbiddenReasons {
			if detail := aggregate.ForbiddenDetails[i]; detail != "" {
				reason += " (" + detail + ")"
			}
			reasons = append(reasons, reason)
		}
		if err := encoder.Encode(output{Name: in.Name, Allowed: aggregate.Allowed, Reasons: reasons}); err != nil {
			return err
		}
	}
	return scanner.Err()
}
