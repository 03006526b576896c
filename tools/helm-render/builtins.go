package main

import (
	"encoding/base64"
	"path"
	"sort"
	"strings"

	yaml "gopkg.in/yaml.v2"
)

// files is .Files: the chart's files outside templates/, by path relative to the chart (helm's chartutil.Files).
type files map[string][]byte

func (f files) GetBytes(name string) []byte { return f[name] }
func (f files) Get(name string) string      { return string(f[name]) }

func (f files) Glob(pattern string) files {
	out := files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}

func (f files) Lines(name string) []string {
	s := strings.TrimSuffix(string(f[name]), "\n")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

func (f files) AsConfig() string {
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = string(data)
	}
	return yamlString(m)
}

func (f files) AsSecrets() string {
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = base64.StdEncoding.EncodeToString(data)
	}
	return yamlString(m)
}

func yamlString(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	out, _ := yaml.Marshal(m)
	return strings.TrimSuffix(string(out), "\n")
}

// versionSet is .Capabilities.APIVersions.
type versionSet []string

// Has reports whether a group/version or group/version/Kind is known, like helm's VersionSet.Has.
func (v versionSet) Has(apiVersion string) bool {
	for _, known := range v {
		if known == apiVersion {
			return true
		}
	}
	return false
}

type kubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

func (k kubeVersion) String() string { return k.Version }

type capabilities struct {
	KubeVersion kubeVersion
	APIVersions versionSet
	HelmVersion map[string]string
}

var builtinAPIVersions = []string{
	"v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v2", "networking.k8s.io/v1",
	"rbac.authorization.k8s.io/v1", "storage.k8s.io/v1", "apiextensions.k8s.io/v1", "coordination.k8s.io/v1",
	"admissionregistration.k8s.io/v1", "scheduling.k8s.io/v1", "discovery.k8s.io/v1",
}

func newCapabilities(version string, extra []string) capabilities {
	v := strings.TrimPrefix(version, "v")
	parts := strings.SplitN(v, ".", 3)
	for len(parts) < 2 {
		parts = append(parts, "0")
	}
	apis := append(versionSet{}, builtinAPIVersions...)
	apis = append(apis, extra...)
	sort.Strings(apis)
	return capabilities{
		KubeVersion: kubeVersion{Version: "v" + v, Major: parts[0], Minor: parts[1], GitVersion: "v" + v},
		APIVersions: apis,
		HelmVersion: map[string]string{"Version": "v3.14.0-helm-render"},
	}
}
