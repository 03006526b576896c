// Command helm-render renders a Helm chart the way `helm template` does, for tests on machines where helm itself
// cannot be installed: Go's text/template with sprig plus the functions helm adds (include, tpl, required, toYaml,
// fromYaml, toJson, fromJson, lookup), .Values coalesced from values.yaml and -f files and validated against
// values.schema.json, .Release, .Chart, .Files, .Capabilities and .Template. Manifests are printed in helm's install
// order with `# Source:` comments; --notes prints the rendered NOTES.txt instead.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	var valueFiles, apiVersions stringList
	releaseName := flag.String("name", "dockwatch", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kubeVersion := flag.String("kube-version", "v1.29.0", "Kubernetes version reported by .Capabilities")
	notes := flag.Bool("notes", false, "print the rendered NOTES.txt instead of the manifests")
	flag.Var(&valueFiles, "f", "values file (repeatable; later files win)")
	flag.Var(&apiVersions, "a", "extra API version for .Capabilities.APIVersions (repeatable)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: helm-render [flags] CHART_DIR\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	out, err := run(flag.Arg(0), options{
		releaseName: *releaseName,
		namespace:   *namespace,
		kubeVersion: *kubeVersion,
		valueFiles:  valueFiles,
		apiVersions: apiVersions,
		notes:       *notes,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
	fmt.Print(out)
}

type options struct {
	releaseName string
	namespace   string
	kubeVersion string
	valueFiles  []string
	apiVersions []string
	notes       bool
}

func run(chartDir string, opts options) (string, error) {
	ch, err := loadChart(chartDir)
	if err != nil {
		return "", err
	}
	values, err := coalesceValues(ch.values, opts.valueFiles)
	if err != nil {
		return "", err
	}
	if err := validateValues(ch, values); err != nil {
		return "", err
	}
	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": opts.releaseName, "Namespace": opts.namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Chart":        ch.metadata,
		"Files":        ch.files,
		"Capabilities": newCapabilities(opts.kubeVersion, opts.apiVersions),
	}
	rendered, err := renderTemplates(ch, top)
	if err != nil {
		return "", err
	}
	if opts.notes {
		return rendered[ch.metadata.Name+"/templates/NOTES.txt"], nil
	}
	return joinManifests(rendered, ch.metadata.Name+"/templates/NOTES.txt")
}
