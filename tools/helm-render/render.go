package main

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"text/template"

	yaml "gopkg.in/yaml.v2"
)

// newTemplateSet parses every chart template into one set, as helm's engine does, so defines are shared.
func newTemplateSet(sources []chartTemplate) (*template.Template, error) {
	t := template.New("gotpl").Option("missingkey=zero").Funcs(funcMap())
	bindTemplateFuncs(t, sources)
	for _, src := range sources {
		if _, err := t.New(src.name).Parse(src.data); err != nil {
			return nil, fmt.Errorf("parse error in %s: %w", src.name, err)
		}
	}
	return t, nil
}

// renderTemplates executes every template whose name does not start with "_", keyed by template name.
func renderTemplates(ch *loadedChart, top map[string]interface{}) (map[string]string, error) {
	t, err := newTemplateSet(ch.templates)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, src := range ch.templates {
		if strings.HasPrefix(path.Base(src.name), "_") {
			continue
		}
		data := make(map[string]interface{}, len(top)+1)
		for k, v := range top {
			data[k] = v
		}
		data["Template"] = map[string]interface{}{"Name": src.name, "BasePath": ch.metadata.Name + "/templates"}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, src.name, data); err != nil {
			return nil, fmt.Errorf("%s: %w", src.name, err)
		}
		out[src.name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return out, nil
}

var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
	"PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
	"ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
	"ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
	"IngressClass", "Ingress", "APIService",
}

var separator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

type manifest struct {
	source  string
	content string
	kind    string
	name    string
}

// joinManifests splits rendered files into documents, drops empty ones and prints them in helm's install order.
func joinManifests(rendered map[string]string, skip string) (string, error) {
	var docs []manifest
	for source, text := range rendered {
		if source == skip {
			continue
		}
		for _, part := range separator.Split(text, -1) {
			content := strings.TrimSpace(part)
			if content == "" || onlyComments(content) {
				continue
			}
			var head struct {
				Kind     string `yaml:"kind"`
				Metadata struct {
					Name string `yaml:"name"`
				} `yaml:"metadata"`
			}
			if err := yaml.Unmarshal([]byte(content), &head); err != nil {
				return "", fmt.Errorf("YAML parse error on %s: %w\n%s", source, err, content)
			}
			docs = append(docs, manifest{source: source, content: content, kind: head.Kind, name: head.Metadata.Name})
		}
	}
	rank := func(kind string) int {
		for i, k := range installOrder {
			if k == kind {
				return i
			}
		}
		return len(installOrder)
	}
	sort.SliceStable(docs, func(i, j int) bool {
		a, b := docs[i], docs[j]
		if rank(a.kind) != rank(b.kind) {
			return rank(a.kind) < rank(b.kind)
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.source != b.source {
			return a.source < b.source
		}
		return a.name < b.name
	})
	var b strings.Builder
	for _, d := range docs {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", d.source, d.content)
	}
	return b.String(), nil
}

func onlyComments(content string) bool {
	for _, line := range strings.Split(content, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}
