package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	yaml "gopkg.in/yaml.v2"
)

// chartMetadata is Chart.yaml as templates see it through .Chart (helm's chart.Metadata, the common fields).
type chartMetadata struct {
	APIVersion  string            `yaml:"apiVersion"`
	Name        string            `yaml:"name"`
	Version     string            `yaml:"version"`
	AppVersion  string            `yaml:"appVersion"`
	KubeVersion string            `yaml:"kubeVersion"`
	Description string            `yaml:"description"`
	Type        string            `yaml:"type"`
	Home        string            `yaml:"home"`
	Icon        string            `yaml:"icon"`
	Keywords    []string          `yaml:"keywords"`
	Sources     []string          `yaml:"sources"`
	Annotations map[string]string `yaml:"annotations"`
	Deprecated  bool              `yaml:"deprecated"`
	Maintainers []struct {
		Name  string `yaml:"name"`
		Email string `yaml:"email"`
		URL   string `yaml:"url"`
	} `yaml:"maintainers"`
	Dependencies []map[string]interface{} `yaml:"dependencies"`
}

type chartTemplate struct {
	name string // "<chart>/templates/<file>", as helm names it
	data string
}

type loadedChart struct {
	metadata  chartMetadata
	values    map[string]interface{}
	schema    []byte // values.schema.json, nil when absent
	templates []chartTemplate
	files     files
}

func loadChart(dir string) (*loadedChart, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", dir, err)
	}
	ch := &loadedChart{files: files{}}
	if err := yaml.UnmarshalStrict(raw, &ch.metadata); err != nil {
		return nil, fmt.Errorf("Chart.yaml: %w", err)
	}
	if ch.metadata.Name == "" || ch.metadata.Version == "" {
		return nil, fmt.Errorf("Chart.yaml: name and version are required")
	}
	if len(ch.metadata.Dependencies) > 0 {
		return nil, fmt.Errorf("Chart.yaml: dependencies (subcharts) are not supported by helm-render")
	}
	if ch.metadata.APIVersion != "v2" {
		return nil, fmt.Errorf("Chart.yaml: apiVersion must be v2, got %q", ch.metadata.APIVersion)
	}
	ch.values = map[string]interface{}{}
	if raw, err := os.ReadFile(filepath.Join(dir, "values.yaml")); err == nil {
		if ch.values, err = parseYAMLMap(raw); err != nil {
			return nil, fmt.Errorf("values.yaml: %w", err)
		}
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "values.schema.json")); err == nil {
		ch.schema = raw
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	err = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, "templates/") {
			ch.templates = append(ch.templates, chartTemplate{name: ch.metadata.Name + "/" + rel, data: string(data)})
			return nil
		}
		if rel != "Chart.yaml" && rel != "values.yaml" && rel != "values.schema.json" {
			ch.files[rel] = data
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(ch.templates, func(i, j int) bool { return ch.templates[i].name < ch.templates[j].name })
	return ch, nil
}
